// SPDX-License-Identifier: Apache-2.0
// The shipped tiny BitNet model (models/tiny-bitnet, trained by models/train/train_tiny_bitnet.py)
// on the held-out text (models/tiny/heldout.txt): the fixed-point model against the float
// reference (perplexity within 3 %, top-1 agreement >= 97 %, as eval scores it: context windows
// started with BOS), what the int8 KV cache and the int8 head cost each on their own in the float
// reference, and greedy text that is English words.
#include <cctype>
#include <cmath>

#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "mmf/bitnet_float_model.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf/host/runtime/session.hpp"

namespace mmf {
namespace {

std::string heldout() {
  return test::read_file(host::models_dir() + "/tiny/heldout.txt");
}

TEST(TinyBitNet, IsABitNetModelWithItsTokenizer) {
  const host::LoadedModel m = host::load_model("tiny-bitnet");
  MMF_EXPECT_TRUE(m.model.config.architecture == Architecture::bitnet);
  MMF_EXPECT_EQ(m.tokenizer->kind(), "bpe");
  MMF_EXPECT_TRUE(m.tokenizer->special_token("<|eot_id|>").has_value());
  const std::string text = "The meaning of life is";
  MMF_EXPECT_EQ(m.tokenizer->decode(m.tokenizer->encode(text)), text);
}

TEST(TinyBitNet, FixedPointIsWithinThreePercentOfFloatOnHeldOutText) {
  host::SessionOptions options;
  options.device.cpu.threads = 2;
  host::Session session(host::load_model("tiny-bitnet"), options);
  const host::Numerics float_numerics = host::Numerics::floating;
  const host::EvalResult r = session.evaluate(heldout(), &float_numerics);
  const double ratio = r.perplexity / r.compare_perplexity;
  MMF_EXPECT_LE(ratio, 1.03);
  MMF_EXPECT_GE(ratio, 1.0 / 1.03);
  MMF_EXPECT_GE(r.agreement_top1, 0.97);
  RecordProperty("tokens", static_cast<int>(r.tokens));
  RecordProperty("windows", static_cast<int>(r.windows));
  RecordProperty("perplexity_fixed", std::to_string(r.perplexity));
  RecordProperty("perplexity_float", std::to_string(r.compare_perplexity));
  RecordProperty("perplexity_ratio", std::to_string(ratio));
  RecordProperty("top1_agreement", std::to_string(r.agreement_top1));
}

// Perplexity of the float reference with `options`, scored as eval scores it.
double float_perplexity(const host::LoadedModel& m, const std::vector<int32_t>& ids,
                        BitNetFloatOptions options) {
  BitNetFloatModel engine(m.model, options);
  const auto window = static_cast<size_t>(m.model.config.max_position_embeddings);
  double nll = 0.0;
  size_t position = 0;
  for (size_t t = 0; t + 1 < ids.size(); ++t) {
    if (position == window) {
      engine.reset();
      engine.step(ids[0]);
      position = 1;
    }
    ++position;
    const std::vector<float>& logits = engine.step(ids[t]);
    double max = logits[0], sum = 0.0;
    for (float v : logits) max = std::max(max, static_cast<double>(v));
    for (float v : logits) sum += std::exp(static_cast<double>(v) - max);
    nll -= static_cast<double>(logits[static_cast<size_t>(ids[t + 1])]) - max - std::log(sum);
  }
  return std::exp(nll / static_cast<double>(ids.size() - 1));
}

TEST(TinyBitNet, TheInt8CacheAndTheInt8HeadEachCostLessThanOnePercent) {
  const host::LoadedModel m = host::load_model("tiny-bitnet");
  const std::vector<int32_t> ids = m.tokenizer->encode(heldout());
  const double plain = float_perplexity(m, ids, {});
  const double kv = float_perplexity(m, ids, {true, false});
  const double head = float_perplexity(m, ids, {false, true});
  MMF_EXPECT_NEAR(kv / plain, 1.0, 0.01);
  MMF_EXPECT_NEAR(head / plain, 1.0, 0.01);
  RecordProperty("perplexity_float", std::to_string(plain));
  RecordProperty("perplexity_int8_kv_cache", std::to_string(kv));
  RecordProperty("perplexity_int8_head", std::to_string(head));
}

TEST(TinyBitNet, WritesEnglishWords) {
  host::SessionOptions options;
  host::Session session(host::load_model("tiny-bitnet"), options);
  host::GenerateOptions g;
  g.max_new_tokens = 40;
  g.stop_at_eos = false;
  const std::string text = session.generate("The meaning of life is", g).text;
  // Mostly letters and spaces, and words of English length.
  size_t letters = 0, spaces = 0;
  for (unsigned char ch : text) {
    letters += std::isalpha(ch) != 0 ? 1 : 0;
    spaces += ch == ' ' ? 1 : 0;
  }
  MMF_EXPECT_GT(letters, text.size() / 2) << text;
  MMF_EXPECT_GT(spaces, 5u) << text;
  RecordProperty("text", text);
}

}  // namespace
}  // namespace mmf

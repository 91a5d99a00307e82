// SPDX-License-Identifier: Apache-2.0
// BitNet b1.58, model side: both released checkpoint layouts convert to the same model; the packed
// codes unpack as transformers' docstring example says; malformed checkpoints are refused naming
// the tensor or key; and the float reference (KV cache, one token at a time) agrees with an
// independent numpy implementation of the released forward pass (whole sequence, causal mask,
// reading the Hugging Face checkpoint itself) in perplexity and greedy tokens.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>

#include "common/bitnet_checkpoint.hpp"
#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "mmf/bf16.hpp"
#include "mmf/bitnet_fixed_model.hpp"
#include "mmf/bitnet_float_model.hpp"
#include "mmf/convert.hpp"
#include "mmf/error.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf/ternary_pack.hpp"
#include "mmf/tokenizer.hpp"

namespace mmf {
namespace {

using test::BitNetLayout;

constexpr uint64_t kSeed = 23;

Model convert(const test::HfCheckpoint& ck, int shards, test::TempDir& dir,
              const std::string& name = "ckpt") {
  test::write_hf_checkpoint(ck, dir.file(name), shards);
  return convert_hf_checkpoint(dir.file(name), Packing::two_bit);
}

// model_id over the weights only: the name and source say where the model came from.
uint64_t weights_id(Model m) {
  m.config.name = "x";
  m.source = "x";
  return model_id(m);
}

struct LayoutCase {
  const char* name;
  BitNetLayout layout;
  int shards;
  friend std::ostream& operator<<(std::ostream& os, const LayoutCase& c) { return os << c.name; }
};

class BitNetLayouts : public ::testing::TestWithParam<LayoutCase> {};

TEST_P(BitNetLayouts, ConvertToTheSameModelAsThePackedFile) {
  const ModelConfig c = test::small_bitnet_config();
  test::TempDir dir;
  const Model reference =
      convert(make_bitnet_checkpoint(c, kSeed, BitNetLayout::packed), 1, dir, "reference");
  const Model m =
      convert(make_bitnet_checkpoint(c, kSeed, GetParam().layout), GetParam().shards, dir);
  MMF_EXPECT_TRUE(m.config.architecture == Architecture::bitnet);
  MMF_EXPECT_EQ(m.bitnet_layers.size(), 2u);
  MMF_EXPECT_EQ(weights_id(m), weights_id(reference));
  // And it survives save and load unchanged.
  save_converted(m, dir.file("m.safetensors"));
  const Model loaded = load_converted(dir.file("m.safetensors"));
  MMF_EXPECT_EQ(model_id(loaded), model_id(m));
  MMF_EXPECT_EQ(loaded.tokenizer_json, m.tokenizer_json);
}

INSTANTIATE_TEST_SUITE_P(Layouts, BitNetLayouts,
                         ::testing::Values(LayoutCase{"PackedSharded", BitNetLayout::packed, 3},
                                           LayoutCase{"PackedBitLinearClass",
                                                      BitNetLayout::packed_bitlinear, 1},
                                           LayoutCase{"Bf16Single", BitNetLayout::bf16, 1},
                                           LayoutCase{"Bf16Sharded", BitNetLayout::bf16, 2}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

std::vector<int8_t> unpacked_row(const TernaryTensor& t, int64_t r) {
  std::vector<int8_t> row(static_cast<size_t>(t.cols));
  unpack_row(t.row(r), static_cast<size_t>(t.cols), t.packing, row.data());
  return row;
}

// transformers' pack_weights docstring: [[0b10100001, 0b00011000], [0b10010000, 0b00001010]]
// unpacks to [[0,-1],[-1,1],[-1,1],[-1,1],[1,0],[0,-1],[1,-1],[1,-1]].
TEST(BitNetConvert, UnpacksTheTransformersDocstringExample) {
  ModelConfig c = test::small_bitnet_config();
  c.hidden_size = 8;
  c.num_heads = 2;
  c.num_kv_heads = 1;
  c.head_dim = 4;
  c.intermediate_size = 8;
  test::HfCheckpoint ck = make_bitnet_checkpoint(c, kSeed, BitNetLayout::packed);
  test::RawTensor& q = ck.tensors["model.layers.0.self_attn.q_proj.weight"];  // [2, 8]
  q.bytes[0 * 8 + 0] = 0b10100001;
  q.bytes[0 * 8 + 1] = 0b00011000;
  q.bytes[1 * 8 + 0] = 0b10010000;
  q.bytes[1 * 8 + 1] = 0b00001010;
  test::TempDir dir;
  const Model m = convert(ck, 1, dir);
  const std::vector<std::vector<int8_t>> expected = {{0, -1}, {-1, 1}, {-1, 1}, {-1, 1},
                                                     {1, 0},  {0, -1}, {1, -1}, {1, -1}};
  for (int64_t r = 0; r < 8; ++r) {
    const std::vector<int8_t> row = unpacked_row(m.bitnet_layers[0].q_proj, r);
    MMF_EXPECT_EQ(std::vector<int8_t>(row.begin(), row.begin() + 2),
                  expected[static_cast<size_t>(r)])
        << "row " << r;
  }
}

TEST(BitNetConvert, WeightScaleMultipliesForAutoBitLinearAndDividesForBitLinear) {
  const ModelConfig c = test::small_bitnet_config();
  test::TempDir dir;
  test::HfCheckpoint ck = make_bitnet_checkpoint(c, kSeed, BitNetLayout::packed);
  const std::string s = "model.layers.1.mlp.down_proj.weight_scale";
  uint16_t bits = 0;
  std::memcpy(&bits, ck.tensors[s].bytes.data(), 2);
  const float stored = bf16_to_float(bits);
  MMF_EXPECT_EQ(convert(ck, 1, dir, "a").bitnet_layers[1].down_proj.scale, stored);
  ck.config["quantization_config"]["linear_class"] = "bitlinear";
  MMF_EXPECT_EQ(convert(ck, 1, dir, "b").bitnet_layers[1].down_proj.scale, 1.0f / stored);
}

struct BadCheckpoint {
  const char* name;
  BitNetLayout layout;
  std::function<void(test::HfCheckpoint&)> edit;
  std::vector<std::string> message;
  friend std::ostream& operator<<(std::ostream& os, const BadCheckpoint& c) { return os << c.name; }
};

class BadBitNetCheckpoints : public ::testing::TestWithParam<BadCheckpoint> {};

TEST_P(BadBitNetCheckpoints, AreRefusedNamingTheTensorOrKey) {
  test::HfCheckpoint ck =
      make_bitnet_checkpoint(test::small_bitnet_config(), kSeed, GetParam().layout);
  GetParam().edit(ck);
  test::TempDir dir;
  test::write_hf_checkpoint(ck, dir.file("bad"), 2);
  std::string what;
  try {
    convert_hf_checkpoint(dir.file("bad"), Packing::two_bit);
  } catch (const Error& e) {
    what = e.what();
  }
  MMF_ASSERT_TRUE(!what.empty());
  for (const std::string& m : GetParam().message) {
    MMF_EXPECT_TRUE(what.find(m) != std::string::npos) << "'" << what << "' lacks " << m;
  }
}

const std::string kQ0 = "model.layers.0.self_attn.q_proj";

INSTANTIATE_TEST_SUITE_P(
    Cases, BadBitNetCheckpoints,
    ::testing::Values(
        BadCheckpoint{"WeightScaleShape",
                      BitNetLayout::packed,
                      [](test::HfCheckpoint& ck) {
                        auto& scale = ck.tensors[kQ0 + ".weight_scale"];
                        scale.shape = {2};
                        scale.bytes.resize(4);
                      },
                      {kQ0 + ".weight_scale", "shape [2]", "one BF16 or F32 value"}},
        BadCheckpoint{"WeightScaleNotPositive",
                      BitNetLayout::packed,
                      [](test::HfCheckpoint& ck) {
                        std::memset(ck.tensors[kQ0 + ".weight_scale"].bytes.data(), 0, 2);
                      },
                      {kQ0 + ".weight_scale", "not a positive scale"}},
        BadCheckpoint{"PackedRowsNotDivisibleBy4",
                      BitNetLayout::packed,
                      [](test::HfCheckpoint& ck) { ck.config["intermediate_size"] = 98; },
                      {"mlp.gate_proj.weight", "98 output rows are not divisible by 4"}},
        BadCheckpoint{"UnusedCode3",
                      BitNetLayout::packed,
                      [](test::HfCheckpoint& ck) { ck.tensors[kQ0 + ".weight"].bytes[5] = 0xC0; },
                      {kQ0 + ".weight", "unused code 3", "[0, 5]", "bits 6-7"}},
        BadCheckpoint{"MissingSubNorm",
                      BitNetLayout::packed,
                      [](test::HfCheckpoint& ck) {
                        ck.tensors.erase("model.layers.1.self_attn.attn_sub_norm.weight");
                      },
                      {"no tensor 'model.layers.1.self_attn.attn_sub_norm.weight'"}},
        BadCheckpoint{"MissingFfnSubNormBf16",
                      BitNetLayout::bf16,
                      [](test::HfCheckpoint& ck) {
                        ck.tensors.erase("model.layers.0.mlp.ffn_sub_norm.weight");
                      },
                      {"no tensor 'model.layers.0.mlp.ffn_sub_norm.weight'"}},
        BadCheckpoint{"VocabSmallerThanTokenizer",
                      BitNetLayout::packed,
                      [](test::HfCheckpoint& ck) {
                        ck.config["vocab_size"] = 300;
                        ck.config["bos_token_id"] = 1;
                        ck.config["eos_token_id"] = 2;
                      },
                      {"tokenizer.json", "ids up to 383", "vocab_size is 300"}},
        BadCheckpoint{"TensorItWouldIgnore",
                      BitNetLayout::packed,
                      [](test::HfCheckpoint& ck) {
                        ck.tensors["lm_head.weight"] = ck.tensors["model.embed_tokens.weight"];
                      },
                      {"'lm_head.weight' is not part of a BitNetForCausalLM"}},
        BadCheckpoint{"PackedFileCalledOnline",
                      BitNetLayout::packed,
                      [](test::HfCheckpoint& ck) {
                        ck.config["quantization_config"]["quantization_mode"] = "online";
                      },
                      {kQ0 + ".weight", "dtype U8", "expected BF16"}},
        BadCheckpoint{"OldQuantizationKey",
                      BitNetLayout::packed,
                      [](test::HfCheckpoint& ck) {
                        ck.config["quantization_config"]["offline_quantization"] = true;
                      },
                      {"quantization_config", "unknown key 'offline_quantization'"}},
        BadCheckpoint{"UnknownLinearClass",
                      BitNetLayout::packed,
                      [](test::HfCheckpoint& ck) {
                        ck.config["quantization_config"]["linear_class"] = "fancylinear";
                      },
                      {"linear_class = \"fancylinear\""}},
        BadCheckpoint{"NoQuantizationConfig",
                      BitNetLayout::bf16,
                      [](test::HfCheckpoint& ck) { ck.config.erase("quantization_config"); },
                      {"config.json", "no quantization_config"}},
        BadCheckpoint{"NoTokenizer",
                      BitNetLayout::packed,
                      [](test::HfCheckpoint& ck) { ck.files.erase("tokenizer.json"); },
                      {"tokenizer.json", "missing"}},
        BadCheckpoint{"GenerationConfigIdOutside",
                      BitNetLayout::packed,
                      [](test::HfCheckpoint& ck) {
                        ck.files["generation_config.json"] = R"({"eos_token_id": [5, 384]})";
                      },
                      {"generation_config.json", "eos_token_id", "[0, 384)"}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// --- The float reference against the independent numpy implementation ---

constexpr const char* kDebianPython = "/usr/bin/python3";

bool numpy_available() {
  return std::system((std::string(kDebianPython) + " -c 'import numpy' 2>/dev/null").c_str()) == 0;
}

// Logits [ids.size(), vocab] of tests/models/bitnet_reference.py on the checkpoint in `dir`.
std::vector<float> numpy_logits(const std::string& dir, const std::vector<int32_t>& ids,
                                test::TempDir& tmp) {
  test::write_file(tmp.file("ids.json"), nlohmann::json(ids).dump());
  const std::string cmd = std::string(kDebianPython) + " " + MMF_SOURCE_DIR +
                          "/tests/models/bitnet_reference.py " + dir + " " + tmp.file("ids.json") +
                          " " + tmp.file("logits.bin");
  if (std::system(cmd.c_str()) != 0) return {};
  const std::string bytes = test::read_file(tmp.file("logits.bin"));
  std::vector<float> out(bytes.size() / sizeof(float));
  std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
  return out;
}

double log_softmax_at(const float* logits, size_t n, size_t target) {
  double max = logits[0], sum = 0.0;
  for (size_t k = 0; k < n; ++k) max = std::max(max, static_cast<double>(logits[k]));
  for (size_t k = 0; k < n; ++k) sum += std::exp(static_cast<double>(logits[k]) - max);
  return static_cast<double>(logits[target]) - max - std::log(sum);
}

size_t argmax(const float* logits, size_t n) {
  return static_cast<size_t>(std::max_element(logits, logits + n) - logits);
}

class BitNetFloatReference : public ::testing::TestWithParam<LayoutCase> {};

// English text through the checkpoint's tokenizer, then greedy continuation by the float
// reference; the numpy implementation reads the same Hugging Face directory. Perplexity of the
// whole sequence within 0.5 %, every greedy token the numpy argmax too.
TEST_P(BitNetFloatReference, AgreesWithAnIndependentNumpyImplementation) {
  if (!numpy_available()) {
    GTEST_SKIP() << kDebianPython << " has no numpy (Debian package python3-numpy; make deps "
                 << "installs it)";
  }
  const ModelConfig c = test::small_bitnet_config();
  test::TempDir dir;
  test::write_hf_checkpoint(make_bitnet_checkpoint(c, kSeed, GetParam().layout), dir.file("ckpt"),
                            GetParam().shards);
  const Model m = convert_hf_checkpoint(dir.file("ckpt"), Packing::two_bit);
  const auto tok =
      make_bpe_tokenizer(m.tokenizer_json, "ckpt", static_cast<int32_t>(c.bos_token_id));
  std::vector<int32_t> ids = tok->encode(
      "It is a truth universally acknowledged, that a single man in possession of a "
      "good fortune, must be in want of a wife.");
  const size_t prompt = ids.size(), generated = 16, v = static_cast<size_t>(c.vocab_size);
  MMF_ASSERT_TRUE(prompt > 20 &&
                  prompt + generated <= static_cast<size_t>(c.max_position_embeddings));

  BitNetFloatModel engine(m);
  std::vector<float> ours;  // logits of every position, as the numpy side gives them
  for (size_t t = 0; t < prompt + generated - 1; ++t) {
    const std::vector<float>& logits = engine.step(ids[t]);
    ours.insert(ours.end(), logits.begin(), logits.end());
    if (t + 1 >= prompt) ids.push_back(static_cast<int32_t>(argmax(logits.data(), v)));
  }
  const std::vector<float> theirs = numpy_logits(dir.file("ckpt"), ids, dir);
  MMF_ASSERT_EQ(theirs.size(), ids.size() * v);

  double nll_ours = 0.0, nll_theirs = 0.0, max_diff = 0.0;
  for (size_t t = 0; t + 1 < ids.size(); ++t) {
    const auto target = static_cast<size_t>(ids[t + 1]);
    nll_ours -= log_softmax_at(&ours[t * v], v, target);
    nll_theirs -= log_softmax_at(&theirs[t * v], v, target);
    for (size_t k = 0; k < v; ++k) {
      max_diff = std::max(max_diff, std::fabs(static_cast<double>(ours[t * v + k]) -
                                              static_cast<double>(theirs[t * v + k])));
    }
    if (t + 1 >= prompt) {
      MMF_EXPECT_EQ(argmax(&theirs[t * v], v), target) << "greedy token at position " << t + 1;
    }
  }
  const double ppl_ours = std::exp(nll_ours / static_cast<double>(ids.size() - 1));
  const double ppl_theirs = std::exp(nll_theirs / static_cast<double>(ids.size() - 1));
  MMF_EXPECT_NEAR(ppl_ours / ppl_theirs, 1.0, 0.005);
  RecordProperty("scored_tokens", std::to_string(ids.size() - 1));
  RecordProperty("perplexity_mmf", std::to_string(ppl_ours));
  RecordProperty("perplexity_numpy", std::to_string(ppl_theirs));
  RecordProperty("max_abs_logit_difference", std::to_string(max_diff));
}

INSTANTIATE_TEST_SUITE_P(Layouts, BitNetFloatReference,
                         ::testing::Values(LayoutCase{"Packed", BitNetLayout::packed, 1},
                                           LayoutCase{"Bf16Sharded", BitNetLayout::bf16, 2}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// The fixed-point golden model follows the float reference on a generated checkpoint's English
// text (random weights: the trained tiny-bitnet's figures are in docs/, from mmf eval).
TEST(BitNetFixedModel, TracksTheFloatReference) {
  const ModelConfig c = test::small_bitnet_config();
  test::TempDir dir;
  const Model m = convert(make_bitnet_checkpoint(c, kSeed, BitNetLayout::bf16), 1, dir);
  const auto tok =
      make_bpe_tokenizer(m.tokenizer_json, "ckpt", static_cast<int32_t>(c.bos_token_id));
  std::vector<int32_t> ids = tok->encode(test::read_file(host::models_dir() + "/tiny/heldout.txt"));
  ids.resize(static_cast<size_t>(c.max_position_embeddings));
  BitNetFixedModel fixed(m);
  BitNetFloatModel reference(m);
  const size_t v = static_cast<size_t>(c.vocab_size);
  double nll_fixed = 0.0, nll_float = 0.0;
  size_t agree = 0;
  for (size_t t = 0; t + 1 < ids.size(); ++t) {
    const std::vector<float>& a = fixed.step(ids[t]);
    const std::vector<float>& b = reference.step(ids[t]);
    const auto target = static_cast<size_t>(ids[t + 1]);
    nll_fixed -= log_softmax_at(a.data(), v, target);
    nll_float -= log_softmax_at(b.data(), v, target);
    agree += argmax(a.data(), v) == argmax(b.data(), v) ? 1 : 0;
  }
  const auto n = static_cast<double>(ids.size() - 1);
  const double ratio = std::exp((nll_fixed - nll_float) / n);
  MMF_EXPECT_NEAR(ratio, 1.0, 0.03);
  MMF_EXPECT_GE(static_cast<double>(agree) / n, 0.9);
  RecordProperty("perplexity_ratio", std::to_string(ratio));
  RecordProperty("top1_agreement", std::to_string(static_cast<double>(agree) / n));
  // The Q16 logits behind the float ones, and a fresh start after reset().
  const std::vector<int32_t> last = fixed.logits_q16();
  MMF_EXPECT_EQ(fixed.position(), c.max_position_embeddings - 1);
  fixed.reset();
  for (size_t t = 0; t + 1 < ids.size(); ++t) fixed.step(ids[t]);
  MMF_EXPECT_EQ(fixed.logits_q16(), last);
  fixed.step(ids.back());  // the context's last position
  MMF_EXPECT_ERROR(fixed.step(ids.back()), "context of 160 positions", "full");
}

TEST(BitNetFloatReference, ResetEmptiesTheCacheAndAFullContextIsAnError) {
  const ModelConfig c = test::small_bitnet_config();
  const Model m = make_random_model(c, kSeed, Packing::two_bit);
  BitNetFloatModel engine(m);
  const std::vector<float> first = engine.step(5);
  engine.step(6);
  MMF_EXPECT_EQ(engine.position(), 2);
  engine.reset();
  MMF_EXPECT_EQ(engine.step(5), first);
  for (int64_t p = 1; p < c.max_position_embeddings; ++p) engine.step(7);
  MMF_EXPECT_ERROR(engine.step(7), "context of 160 positions", "full");
  MMF_EXPECT_ERROR(BitNetFloatModel(host::load_model("random:tiny").model), "hgrn_bit",
                   "BitNet float reference");
}

}  // namespace
}  // namespace mmf

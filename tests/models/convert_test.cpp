// SPDX-License-Identifier: Apache-2.0
// mmf convert on generated checkpoints in the released layout: ternarize once, exact scales,
// sharded input, a converted model that runs, and every kind of bad checkpoint.
#include "mmf/convert.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>

#include <ostream>

#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "common/temp_dir.hpp"
#include "mmf/bf16.hpp"
#include "mmf/error.hpp"
#include "mmf/fixed_model.hpp"
#include "mmf/float_model.hpp"

namespace mmf {
namespace {

using test::TempDir;

std::vector<float> bf16_floats(const test::RawTensor& t) {
  std::vector<float> out(t.bytes.size() / 2);
  for (size_t k = 0; k < out.size(); ++k) {
    uint16_t b;
    std::memcpy(&b, &t.bytes[2 * k], 2);
    out[k] = bf16_to_float(b);
  }
  return out;
}

TEST(Ternarize, FollowsTheAbsmeanRule) {
  const std::vector<float> w = {0.3f, -0.05f, 0.1f, -0.2f, 0.0f, 0.15f};
  const Ternarized t = ternarize(w);
  const float mean = (0.3f + 0.05f + 0.1f + 0.2f + 0.0f + 0.15f) / 6;
  MMF_EXPECT_NEAR(t.scale, mean, 1e-7);
  // w / mean = 2.25, -0.375, 0.75, -1.5, 0, 1.125 -> round, clamp
  MMF_EXPECT_EQ(t.trits, (std::vector<int8_t>{1, 0, 1, -1, 0, 1}));
  MMF_EXPECT_EQ(ternarize({0.0f, 0.0f}).scale, 1e-5f);  // the released clamp
}

TEST(Ternarize, TiesRoundHalfToEven) {
  // scale 0.4: 0.2 / 0.4 = 0.5 -> 0 (even), 0.6 / 0.4 = 1.5 -> 2 -> clamp 1
  const Ternarized t = ternarize({0.2f, 0.6f, -0.2f, -0.6f});
  MMF_EXPECT_EQ(t.trits, (std::vector<int8_t>{0, 1, 0, -1}));
}

class ConvertCheckpoint : public ::testing::TestWithParam<std::tuple<int, Packing>> {};

TEST_P(ConvertCheckpoint, TernarizesOnceAndRuns) {
  const auto [shards, packing] = GetParam();
  TempDir dir;
  const ModelConfig c = test::small_test_config();
  const test::HfCheckpoint ck = test::make_hf_checkpoint(c, 42);
  test::write_hf_checkpoint(ck, dir.file("hf"), shards);

  const Model m = convert_hf_checkpoint(dir.file("hf"), packing);
  MMF_EXPECT_EQ(m.config.hidden_size, c.hidden_size);
  MMF_EXPECT_EQ(m.packing, packing);
  // Every projection: trits and scale recomputed independently from the bf16 latent weights.
  const auto check = [&](const std::string& name, const BitLinearWeights& bl) {
    const std::vector<float> latent = bf16_floats(ck.tensors.at(name + ".weight"));
    double sum = 0;
    for (float v : latent) sum += std::fabs(v);
    const float mean = static_cast<float>(sum / static_cast<double>(latent.size()));
    MMF_EXPECT_EQ(bl.weight.scale, mean);
    std::vector<int8_t> trits;
    MMF_ASSERT_TRUE(unpack_matrix(bl.weight.packed, static_cast<size_t>(bl.weight.rows),
                                  static_cast<size_t>(bl.weight.cols), packing, trits));
    int mismatches = 0;
    for (size_t k = 0; k < latent.size(); ++k) {
      const float q = std::nearbyint(latent[k] * (1.0f / mean));
      mismatches += trits[k] != static_cast<int8_t>(std::clamp(q, -1.0f, 1.0f));
    }
    MMF_EXPECT_EQ(mismatches, 0);
    MMF_EXPECT_EQ(bl.norm, bf16_floats(ck.tensors.at(name + ".norm.weight")));
  };
  for (int64_t l = 0; l < c.num_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    const LayerWeights& w = m.layers[static_cast<size_t>(l)];
    check(p + "attn.i_proj", w.i_proj);
    check(p + "attn.f_proj", w.f_proj);
    check(p + "attn.g_proj", w.g_proj);
    check(p + "attn.o_proj", w.o_proj);
    check(p + "mlp.gate_proj", w.gate_proj);
    check(p + "mlp.down_proj", w.down_proj);
  }
  check("lm_head", m.lm_head);

  // Saved and loaded again, nothing changes: the converted weights are never re-quantized.
  save_converted(m, dir.file("out.safetensors"));
  const Model back = load_converted(dir.file("out.safetensors"));
  MMF_EXPECT_EQ(back.lm_head.weight.packed, m.lm_head.weight.packed);
  MMF_EXPECT_EQ(back.lm_head.weight.scale, m.lm_head.weight.scale);
  MMF_EXPECT_EQ(back.embedding, m.embedding);
  MMF_EXPECT_EQ(back.tokenizer_model, ck.tokenizer);
  save_converted(back, dir.file("again.safetensors"));
  MMF_EXPECT_EQ(test::read_file(dir.file("again.safetensors")),
                test::read_file(dir.file("out.safetensors")));

  // The output runs on both references, and they agree closely.
  FloatModel fl(back);
  FixedModel fx(back);
  for (int32_t token : {1, 17, 200, 5}) {
    const std::vector<float>& a = fl.step(token);
    const std::vector<float>& b = fx.step(token);
    MMF_ASSERT_EQ(a.size(), static_cast<size_t>(c.vocab_size));
    double worst = 0, scale = 0;
    for (size_t k = 0; k < a.size(); ++k) {
      worst = std::max(worst, static_cast<double>(std::fabs(a[k] - b[k])));
      scale = std::max(scale, static_cast<double>(std::fabs(a[k])));
    }
    MMF_EXPECT_LT(worst, 0.05 * scale + 1e-3);
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, ConvertCheckpoint,
                         ::testing::Combine(::testing::Values(1, 3),
                                            ::testing::Values(Packing::two_bit,
                                                              Packing::five_trit)));

struct BadCheckpoint {
  const char* name;
  std::function<void(test::HfCheckpoint&)> mutate;
  std::function<void(const std::string& dir)> after_write;
  std::vector<std::string> expected;
  friend std::ostream& operator<<(std::ostream& os, const BadCheckpoint& c) { return os << c.name; }
};

class BadCheckpoints : public ::testing::TestWithParam<BadCheckpoint> {};

TEST_P(BadCheckpoints, AreRejectedNamingFileAndProblem) {
  TempDir dir;
  test::HfCheckpoint ck = test::make_hf_checkpoint(test::small_test_config(), 7);
  if (GetParam().mutate) GetParam().mutate(ck);
  test::write_hf_checkpoint(ck, dir.file("hf"), 2);
  if (GetParam().after_write) GetParam().after_write(dir.file("hf"));
  const std::vector<std::string>& e = GetParam().expected;
  MMF_EXPECT_ERROR(convert_hf_checkpoint(dir.file("hf"), Packing::two_bit), e[0], e[1]);
}

const BadCheckpoint kBadCheckpoints[] = {
    {"MissingTensor",
     [](auto& ck) { ck.tensors.erase("model.layers.1.attn.g_proj.weight"); },
     {},
     {"hf", "no tensor 'model.layers.1.attn.g_proj.weight'"}},
    {"MisshapedTensor",
     [](auto& ck) {
       auto& t = ck.tensors.at("model.layers.0.mlp.down_proj.weight");
       t.shape = {t.shape[1], t.shape[0]};
     },
     {},
     {"model.layers.0.mlp.down_proj.weight", "has shape [192, 64], expected [64, 192]"}},
    {"WrongDtype",
     [](auto& ck) {
       auto& t = ck.tensors.at("lm_head.weight");
       t.dtype = DType::I16;
     },
     {},
     {"'lm_head.weight' has dtype I16", "expected BF16"}},
    {"UnknownConfigKey",
     [](auto& ck) { ck.config["hiden_size"] = 64; },
     {},
     {"config.json", "unknown config key 'hiden_size'"}},
    {"ImpossibleShape",
     [](auto& ck) { ck.config["hidden_size"] = -64; },
     {},
     {"config.json", "hidden_size = -64 is impossible"}},
    {"UnsupportedVariant",
     [](auto& ck) { ck.config["use_short_conv"] = true; },
     {},
     {"config.json", "use_short_conv = true is not supported"}},
    {"WrongModelType",
     [](auto& ck) { ck.config["model_type"] = "llama"; },
     {},
     {"config.json", "model_type must be \"hgrn_bit\""}},
    {"TokenizerLargerThanVocab",
     [](auto& ck) { ck.config["vocab_size"] = 1000; },
     {},
     {"tokenizer.model", "4096 pieces but config.json's vocab_size is 1000"}},
    {"MissingTokenizer",
     [](auto& ck) { ck.tokenizer.clear(); },
     {},
     {"tokenizer.model", "missing tokenizer"}},
    {"TruncatedShard",
     {},
     [](const std::string& dir) {
       const std::string p = dir + "/model-2-of-2.safetensors";
       std::filesystem::resize_file(p, std::filesystem::file_size(p) - 100);
     },
     {"model-2-of-2.safetensors", "truncated"}},
    {"HeaderLengthLies",
     {},
     [](const std::string& dir) {
       std::string b = test::read_file(dir + "/model-1-of-2.safetensors");
       b[3] = 0x10;
       test::write_file(dir + "/model-1-of-2.safetensors", b);
     },
     {"model-1-of-2.safetensors", "header length"}},
    {"MissingConfig",
     {},
     [](const std::string& dir) { std::filesystem::remove(dir + "/config.json"); },
     {"config.json", "cannot open"}},
    {"NanWeight",
     [](auto& ck) {
       auto& t = ck.tensors.at("model.norm.weight");
       t.bytes[0] = 0xc0;
       t.bytes[1] = 0x7f;
     },
     {},
     {"'model.norm.weight'", "NaN"}},
};

INSTANTIATE_TEST_SUITE_P(Cases, BadCheckpoints, ::testing::ValuesIn(kBadCheckpoints),
                         [](const auto& test_param) { return std::string(test_param.param.name); });

TEST(LoadConverted, RejectsAFlippedWeightByteWithTheTensorName) {
  TempDir dir;
  test::write_hf_checkpoint(test::make_hf_checkpoint(test::small_test_config(), 3), dir.file("hf"),
                            1);
  save_converted(convert_hf_checkpoint(dir.file("hf"), Packing::five_trit),
                 dir.file("m.safetensors"));
  const auto file = SafetensorsFile::open(dir.file("m.safetensors"));
  const TensorInfo* t = file->find("model.layers.1.attn.o_proj.weight");
  MMF_ASSERT_TRUE(t != nullptr);
  std::string bytes = test::read_file(dir.file("m.safetensors"));
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | static_cast<uint8_t>(bytes[i]);
  bytes[8 + header_len + t->begin + 3] = static_cast<char>(0xff);  // not a 1.6-bit byte
  test::write_file(dir.file("bad.safetensors"), bytes);
  // The checksum finds it first (model_checksum_test covers the invalid-code check itself).
  MMF_EXPECT_ERROR(load_converted(dir.file("bad.safetensors")), "bad.safetensors",
                   "tensor 'model.layers.1.attn.o_proj.weight' is corrupted");
}

TEST(LoadConverted, RejectsAHuggingFaceFile) {
  TempDir dir;
  test::write_hf_checkpoint(test::make_hf_checkpoint(test::small_test_config(), 3), dir.file("hf"),
                            1);
  MMF_EXPECT_ERROR(load_converted(dir.file("hf/model.safetensors")), "not an mmf converted model",
                   "mmf convert");
}

}  // namespace
}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Model configs: the shipped YAMLs, the reference's parameter counts, and bad configs.
#include "mmf/model_config.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "common/temp_dir.hpp"
#include "mmf/error.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf/model.hpp"

namespace mmf {
namespace {

struct ReferenceShape {
  const char* name;
  int64_t hidden, layers, intermediate, parameters, ternary;
  friend std::ostream& operator<<(std::ostream& os, const ReferenceShape& c) {
    return os << c.name;
  }
};

class ReleasedConfigs : public ::testing::TestWithParam<ReferenceShape> {};

// Figures from reference/mmfree-model.md §3 and §4.3.
TEST_P(ReleasedConfigs, MatchTheReference) {
  const ReferenceShape& r = GetParam();
  const ModelConfig c = host::resolve_config(r.name);
  MMF_EXPECT_EQ(c.vocab_size, 32000);
  MMF_EXPECT_EQ(c.hidden_size, r.hidden);
  MMF_EXPECT_EQ(c.num_layers, r.layers);
  MMF_EXPECT_EQ(c.intermediate_size, r.intermediate);
  MMF_EXPECT_EQ(c.intermediate_size, derived_intermediate_size(c.hidden_size, 4));
  MMF_EXPECT_EQ(c.parameter_count(), r.parameters);
  MMF_EXPECT_EQ(c.ternary_weight_count(), r.ternary);
  // Row sizes of all released shapes are multiples of 4: 2-bit bytes are exactly weights / 4.
  MMF_EXPECT_EQ(c.packed_weight_bytes(Packing::two_bit), r.ternary / 4);
}

INSTANTIATE_TEST_SUITE_P(
    Released, ReleasedConfigs,
    ::testing::Values(ReferenceShape{"370m", 1024, 24, 2816, 374108160, 341049344},
                      ReferenceShape{"1.3b", 2048, 24, 5632, 1364779008, 1298661376},
                      ReferenceShape{"2.7b", 2560, 32, 6912, 2702357504, 2619473920}),
    [](const auto& test_param) {
      std::string n = test_param.param.name;
      for (auto& ch : n) ch = ch == '.' ? '_' : ch;
      return "m" + n;
    });

TEST(ModelConfig, TinyYamlMatchesTheShippedModel) {
  const ModelConfig yaml = host::resolve_config("tiny");
  const ModelConfig shipped = host::resolve_config(test::shipped_tiny_model());
  MMF_EXPECT_EQ(config_to_json(yaml).dump(), config_to_json(shipped).dump());
}

struct BadYaml {
  const char* name;
  const char* text;
  const char* expected;
  friend std::ostream& operator<<(std::ostream& os, const BadYaml& c) { return os << c.name; }
};

class BadModelYaml : public ::testing::TestWithParam<BadYaml> {};

TEST_P(BadModelYaml, IsRejectedNamingTheField) {
  test::TempDir dir;
  const std::string path = dir.file("m.yaml");
  test::write_file(path, GetParam().text);
  MMF_EXPECT_ERROR(load_model_config_yaml(path), "m.yaml", GetParam().expected);
}

constexpr const char* kBase =
    "name: t\nvocab_size: 100\nhidden_size: 64\nnum_layers: 2\nintermediate_size: 128\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, BadModelYaml,
    ::testing::Values(BadYaml{"UnknownKey",
                              "name: t\nvocab_size: 100\nhidden_size: 64\nnum_layers: 2\n"
                              "intermediate_size: 128\nhiden_size: 3\n",
                              "unknown key 'hiden_size'"},
                      BadYaml{"ZeroHidden",
                              "name: t\nvocab_size: 100\nhidden_size: 0\nnum_layers: 2\n"
                              "intermediate_size: 128\n",
                              "hidden_size = 0 is impossible"},
                      BadYaml{"NegativeLayers",
                              "name: t\nvocab_size: 100\nhidden_size: 64\nnum_layers: -2\n"
                              "intermediate_size: 128\n",
                              "num_layers = -2"},
                      BadYaml{"Missing", "name: t\nvocab_size: 100\n", "missing required key"},
                      BadYaml{"NotANumber",
                              "name: t\nvocab_size: many\nhidden_size: 64\nnum_layers: 2\n"
                              "intermediate_size: 128\n",
                              "bad value"},
                      BadYaml{"BosOutsideVocab",
                              "name: t\nvocab_size: 100\nhidden_size: 64\nnum_layers: 2\n"
                              "intermediate_size: 128\nbos_token_id: 100\n",
                              "bos_token_id = 100"},
                      BadYaml{"BadEps",
                              "name: t\nvocab_size: 100\nhidden_size: 64\nnum_layers: 2\n"
                              "intermediate_size: 128\nrms_norm_eps: 0\n",
                              "rms_norm_eps"},
                      BadYaml{"NotYaml", "name: [unclosed\n", "not valid YAML"},
                      BadYaml{"NotAMap", "- 1\n- 2\n", "expected a mapping"}),
    [](const auto& test_param) { return std::string(test_param.param.name); });

TEST(ModelConfig, ValidYamlLoads) {
  test::TempDir dir;
  test::write_file(dir.file("m.yaml"), kBase);
  const ModelConfig c = load_model_config_yaml(dir.file("m.yaml"));
  MMF_EXPECT_EQ(c.hidden_size, 64);
  MMF_EXPECT_EQ(c.rms_norm_eps, 1e-6);
  MMF_EXPECT_ERROR(load_model_config_yaml(dir.file("none.yaml")), "none.yaml", "cannot open");
}

// reference/bitnet-model.md §5: 2,412,820,480 parameters, 2,084,044,800 ternary; 2-bit bytes are
// ternary / 4 (every row a multiple of 4); the 1.6-bit rows of 6912 inputs pad to 1,383 bytes.
TEST(BitNetConfig, TheShipped2B4TShapeMatchesTheReference) {
  const ModelConfig c = host::resolve_config("bitnet-2b4t");
  MMF_EXPECT_TRUE(c.architecture == Architecture::bitnet);
  MMF_EXPECT_EQ(c.parameter_count(), 2412820480);
  MMF_EXPECT_EQ(c.ternary_weight_count(), 2084044800);
  MMF_EXPECT_EQ(c.packed_weight_bytes(Packing::two_bit), 521011200);
  const int64_t five_trit = 30 * ((2 * 2560 + 2 * 640 + 2 * 6912) * 512 + 2560 * 1383);
  MMF_EXPECT_EQ(c.packed_weight_bytes(Packing::five_trit), five_trit);
  MMF_EXPECT_EQ(c.head_bytes(), 656670720);
  MMF_EXPECT_EQ(c.kv_values_per_position(), 38400);  // 30 layers x (K, V) x 5 heads x 128
  MMF_EXPECT_EQ(c.max_position_embeddings, 4096);
}

// The released config.json as third-party copies give it (reference §1).
constexpr const char* k2B4TConfigJson = R"({
  "architectures": ["BitNetForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
  "bos_token_id": 128000, "eos_token_id": 128001, "hidden_act": "relu2", "hidden_size": 2560,
  "initializer_range": 0.02, "intermediate_size": 6912, "max_position_embeddings": 4096,
  "model_type": "bitnet", "num_attention_heads": 20, "num_hidden_layers": 30,
  "num_key_value_heads": 5, "rms_norm_eps": 1e-05, "rope_theta": 500000.0,
  "tie_word_embeddings": true, "torch_dtype": "bfloat16", "transformers_version": "4.52.0",
  "use_cache": true, "vocab_size": 128256,
  "quantization_config": {"quant_method": "bitnet", "linear_class": "autobitlinear",
                          "quantization_mode": "offline"}})";

TEST(BitNetConfig, TheReleasedConfigJsonGivesTheShippedShape) {
  test::TempDir dir;
  test::write_file(dir.file("config.json"), k2B4TConfigJson);
  ModelConfig hf = load_hf_config_json(dir.file("config.json"));
  ModelConfig yaml = host::resolve_config("bitnet-2b4t");
  hf.name = yaml.name = "";
  MMF_EXPECT_EQ(config_to_json(hf).dump(), config_to_json(yaml).dump());
  // A converted file's metadata round-trips the BitNet fields.
  MMF_EXPECT_EQ(config_to_json(config_from_json(config_to_json(hf), "meta")).dump(),
                config_to_json(hf).dump());
}

struct BadHfConfig {
  const char* name;
  const char* key;
  const char* value;  // JSON; "" removes the key
  const char* expected;
  friend std::ostream& operator<<(std::ostream& os, const BadHfConfig& c) { return os << c.name; }
};

class BadBitNetConfig : public ::testing::TestWithParam<BadHfConfig> {};

TEST_P(BadBitNetConfig, IsRefusedNamingTheKey) {
  nlohmann::json j = nlohmann::json::parse(k2B4TConfigJson);
  if (std::string(GetParam().value).empty()) {
    j.erase(GetParam().key);
  } else {
    j[GetParam().key] = nlohmann::json::parse(GetParam().value);
  }
  test::TempDir dir;
  test::write_file(dir.file("config.json"), j.dump());
  MMF_EXPECT_ERROR(load_hf_config_json(dir.file("config.json")), "config.json",
                   GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadBitNetConfig,
    ::testing::Values(
        BadHfConfig{"UnknownKey", "sliding_window", "4096", "unknown config key 'sliding_window'"},
        BadHfConfig{"OtherArchitecture", "architectures", R"(["LlamaForCausalLM"])",
                    "architectures"},
        BadHfConfig{"UnknownModelType", "model_type", R"("llama")", "model_type must be"},
        BadHfConfig{"Untied", "tie_word_embeddings", "false", "tie_word_embeddings must be true"},
        BadHfConfig{"TieMissing", "tie_word_embeddings", "", "which means false"},
        BadHfConfig{"Silu", "hidden_act", R"("silu")", "hidden_act"},
        BadHfConfig{"RopeScaling", "rope_scaling", R"({"rope_type": "llama3"})", "rope_scaling"},
        BadHfConfig{"GqaNotDividing", "num_key_value_heads", "3", "not a multiple of num_kv_heads"},
        BadHfConfig{"HeadDimMismatch", "head_dim", "64", "differs from hidden_size"},
        BadHfConfig{"Bias", "attention_bias", "true", "attention_bias"}),
    [](const auto& test_param) { return std::string(test_param.param.name); });

TEST(BitNetConfig, HgrnBitYamlsRefuseBitNetFieldsAndBitNetNeedsThem) {
  test::TempDir dir;
  test::write_file(dir.file("h.yaml"), std::string(kBase) + "num_heads: 4\n");
  MMF_EXPECT_ERROR(load_model_config_yaml(dir.file("h.yaml")), "h.yaml", "BitNet fields");
  test::write_file(dir.file("b.yaml"), std::string(kBase) + "architecture: bitnet\n");
  MMF_EXPECT_ERROR(load_model_config_yaml(dir.file("b.yaml")), "b.yaml",
                   "missing required key 'num_heads'");
  test::write_file(dir.file("x.yaml"), std::string(kBase) + "architecture: mamba\n");
  MMF_EXPECT_ERROR(load_model_config_yaml(dir.file("x.yaml")), "x.yaml", "'mamba'");
}

TEST(ModelConfig, UnknownConfigNameListsTheKnownOnes) {
  MMF_EXPECT_ERROR(host::resolve_config("13b"), "'13b' not found", "1.3b", "tiny");
}

}  // namespace
}  // namespace mmf

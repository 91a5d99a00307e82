// SPDX-License-Identifier: Apache-2.0
// Model configs: the shipped YAMLs, the reference's parameter counts, and bad configs.
#include "mmf/model_config.hpp"

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

TEST(ModelConfig, UnknownConfigNameListsTheKnownOnes) {
  MMF_EXPECT_ERROR(host::resolve_config("13b"), "'13b' not found", "1.3b", "tiny");
}

}  // namespace
}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Model configuration parsing and validation.
#include "mmf/model_config.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "mmf/error.hpp"
#include "mmf/yaml_file.hpp"

namespace mmf {
namespace {

using json = nlohmann::json;

// Upper bounds that keep every engine's buffers and int32 accumulators sane (127 * 2^20 < 2^31).
constexpr int64_t kMaxDim = int64_t{1} << 20;
constexpr int64_t kMaxLayers = 1024;

void check_range(const std::string& where, const char* field, int64_t v, int64_t lo, int64_t hi) {
  if (v < lo || v > hi) {
    throw Error(where + ": " + field + " = " + std::to_string(v) + " is impossible (expected " +
                std::to_string(lo) + ".." + std::to_string(hi) + ")");
  }
}

}  // namespace

void ModelConfig::validate(const std::string& where) const {
  check_range(where, "vocab_size", vocab_size, 3, kMaxDim);
  check_range(where, "hidden_size", hidden_size, 1, kMaxDim);
  check_range(where, "num_layers", num_layers, 1, kMaxLayers);
  check_range(where, "intermediate_size", intermediate_size, 1, kMaxDim);
  check_range(where, "bos_token_id", bos_token_id, 0, vocab_size - 1);
  check_range(where, "eos_token_id", eos_token_id, 0, vocab_size - 1);
  check_range(where, "max_position_embeddings", max_position_embeddings, 1, kMaxDim);
  if (!(rms_norm_eps > 0.0 && rms_norm_eps < 1.0)) {
    throw Error(where + ": rms_norm_eps = " + std::to_string(rms_norm_eps) +
                " is impossible (expected 0 < eps < 1)");
  }
}

int64_t ModelConfig::parameter_count() const {
  const int64_t h = hidden_size, i = intermediate_size, v = vocab_size;
  const int64_t per_layer = h                  // attn_norm
                            + 3 * (h * h + h)  // i, f, g projections + their norms
                            + h                // g_norm
                            + (h * h + h)      // o_proj + norm
                            + h                // mlp_norm
                            + (2 * i * h + h)  // gate_proj + norm
                            + (h * i + i);     // down_proj + norm
  return v * h + num_layers * h + num_layers * per_layer + h + (v * h + h);
}

int64_t ModelConfig::ternary_weight_count() const {
  const int64_t h = hidden_size, i = intermediate_size;
  return num_layers * (4 * h * h + 3 * i * h) + vocab_size * h;
}

int64_t ModelConfig::packed_weight_bytes(Packing p) const {
  const int64_t h = hidden_size, i = intermediate_size;
  const auto rows = [p](int64_t r, int64_t cols) {
    return r * static_cast<int64_t>(packed_row_bytes(static_cast<size_t>(cols), p));
  };
  const int64_t per_layer = 4 * rows(h, h) + rows(2 * i, h) + rows(h, i);
  return num_layers * per_layer + rows(vocab_size, h);
}

void check_token_id(int64_t token, const ModelConfig& config) {
  if (token < 0 || token >= config.vocab_size) {
    throw Error("token id " + std::to_string(token) + " is outside the vocabulary [0, " +
                std::to_string(config.vocab_size) + ") of model '" + config.name + "'");
  }
}

int64_t derived_intermediate_size(int64_t hidden_size, double hidden_ratio) {
  const auto base = static_cast<int64_t>(static_cast<double>(hidden_size) * hidden_ratio * 2 / 3);
  return 256 * ((base + 255) / 256);
}

ModelConfig load_model_config_yaml(const std::string& path) {
  const YAML::Node root = load_yaml_file(path, "model config");
  if (!root.IsMap()) throw Error(path + ": expected a mapping of model config keys");
  static const std::set<std::string> known = {
      "name",         "vocab_size",        "hidden_size",
      "num_layers",   "intermediate_size", "rms_norm_eps",
      "bos_token_id", "eos_token_id",      "max_position_embeddings",
      "description"};
  ModelConfig c;
  try {
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      if (!known.count(key)) {
        throw Error(path + ": unknown key '" + key +
                    "' (expected name, vocab_size, hidden_size, num_layers, intermediate_size, "
                    "rms_norm_eps, bos_token_id, eos_token_id, max_position_embeddings, "
                    "description)");
      }
    }
    const auto need = [&](const char* key) {
      if (!root[key]) throw Error(path + ": missing required key '" + key + "'");
      return root[key];
    };
    c.name = need("name").as<std::string>();
    c.vocab_size = need("vocab_size").as<int64_t>();
    c.hidden_size = need("hidden_size").as<int64_t>();
    c.num_layers = need("num_layers").as<int64_t>();
    c.intermediate_size = need("intermediate_size").as<int64_t>();
    if (root["rms_norm_eps"]) c.rms_norm_eps = root["rms_norm_eps"].as<double>();
    if (root["bos_token_id"]) c.bos_token_id = root["bos_token_id"].as<int64_t>();
    if (root["eos_token_id"]) c.eos_token_id = root["eos_token_id"].as<int64_t>();
    if (root["max_position_embeddings"]) {
      c.max_position_embeddings = root["max_position_embeddings"].as<int64_t>();
    }
  } catch (const YAML::Exception& e) {
    throw Error(path + ": bad value (" + e.what() + ")");
  }
  c.validate(path);
  return c;
}

ModelConfig load_hf_config_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot open config.json");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw Error(path + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw Error(path + ": expected a JSON object");
  // Every field HGRNBitConfig defines, plus Hugging Face's bookkeeping keys.
  static const std::set<std::string> known = {"model_type",        "architectures",
                                              "vocab_size",        "hidden_size",
                                              "num_hidden_layers", "intermediate_size",
                                              "hidden_ratio",      "num_heads",
                                              "expand_ratio",      "attn_mode",
                                              "use_short_conv",    "conv_size",
                                              "share_conv_kernel", "use_lower_bound",
                                              "hidden_act",        "max_position_embeddings",
                                              "rms_norm_eps",      "use_cache",
                                              "bos_token_id",      "eos_token_id",
                                              "pad_token_id",      "tie_word_embeddings",
                                              "initializer_range", "fuse_cross_entropy",
                                              "torch_dtype",       "transformers_version",
                                              "_name_or_path"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!known.count(it.key())) {
      throw Error(path + ": unknown config key '" + it.key() + "' (not an HGRNBit field)");
    }
  }
  const auto get_int = [&](const char* key, int64_t fallback) -> int64_t {
    if (!j.contains(key) || j[key].is_null()) return fallback;
    if (!j[key].is_number_integer()) throw Error(path + ": '" + key + "' must be an integer");
    return j[key].get<int64_t>();
  };
  const auto require_value = [&](const char* key, const json& expected) {
    if (j.contains(key) && !j[key].is_null() && j[key] != expected) {
      throw Error(path + ": " + key + " = " + j[key].dump() + " is not supported (mmf implements " +
                  key + " = " + expected.dump() + ", as the released checkpoints use)");
    }
  };
  if (j.value("model_type", std::string()) != "hgrn_bit") {
    throw Error(path + ": model_type must be \"hgrn_bit\" (got " +
                (j.contains("model_type") ? j["model_type"].dump() : std::string("nothing")) + ")");
  }
  require_value("num_heads", 1);
  require_value("expand_ratio", 1);
  require_value("attn_mode", "fused_recurrent");
  require_value("use_short_conv", false);
  require_value("use_lower_bound", true);
  require_value("tie_word_embeddings", false);
  require_value("hidden_act", "swish");

  ModelConfig c;
  c.name = j.value("_name_or_path", std::string("hf"));
  c.vocab_size = get_int("vocab_size", 32000);
  c.hidden_size = get_int("hidden_size", 2048);
  c.num_layers = get_int("num_hidden_layers", 24);
  double ratio = 4;
  if (j.contains("hidden_ratio") && !j["hidden_ratio"].is_null()) {
    if (!j["hidden_ratio"].is_number()) throw Error(path + ": 'hidden_ratio' must be a number");
    ratio = j["hidden_ratio"].get<double>();
  }
  c.intermediate_size =
      get_int("intermediate_size", derived_intermediate_size(c.hidden_size, ratio));
  if (j.contains("rms_norm_eps")) {
    if (!j["rms_norm_eps"].is_number()) throw Error(path + ": 'rms_norm_eps' must be a number");
    c.rms_norm_eps = j["rms_norm_eps"].get<double>();
  }
  c.bos_token_id = get_int("bos_token_id", 1);
  c.eos_token_id = get_int("eos_token_id", 2);
  c.max_position_embeddings = get_int("max_position_embeddings", 2048);
  c.validate(path);
  return c;
}

json config_to_json(const ModelConfig& c) {
  return json{{"name", c.name},
              {"vocab_size", c.vocab_size},
              {"hidden_size", c.hidden_size},
              {"num_layers", c.num_layers},
              {"intermediate_size", c.intermediate_size},
              {"rms_norm_eps", c.rms_norm_eps},
              {"bos_token_id", c.bos_token_id},
              {"eos_token_id", c.eos_token_id},
              {"max_position_embeddings", c.max_position_embeddings}};
}

ModelConfig config_from_json(const json& j, const std::string& where) {
  ModelConfig c;
  try {
    c.name = j.at("name").get<std::string>();
    c.vocab_size = j.at("vocab_size").get<int64_t>();
    c.hidden_size = j.at("hidden_size").get<int64_t>();
    c.num_layers = j.at("num_layers").get<int64_t>();
    c.intermediate_size = j.at("intermediate_size").get<int64_t>();
    c.rms_norm_eps = j.at("rms_norm_eps").get<double>();
    c.bos_token_id = j.at("bos_token_id").get<int64_t>();
    c.eos_token_id = j.at("eos_token_id").get<int64_t>();
    c.max_position_embeddings = j.at("max_position_embeddings").get<int64_t>();
  } catch (const json::exception& e) {
    throw Error(where + ": bad model config (" + e.what() + ")");
  }
  c.validate(where);
  return c;
}

}  // namespace mmf

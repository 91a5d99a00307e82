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

const char* architecture_name(Architecture a) {
  return a == Architecture::bitnet ? "bitnet" : "hgrn_bit";
}

Architecture architecture_from_name(const std::string& name, const std::string& where) {
  if (name == "hgrn_bit") return Architecture::hgrn_bit;
  if (name == "bitnet") return Architecture::bitnet;
  throw Error(where + ": architecture '" + name + "' is not one mmf runs (expected hgrn_bit or " +
              "bitnet)");
}

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
  if (architecture == Architecture::hgrn_bit) {
    if (num_heads != 0 || num_kv_heads != 0 || head_dim != 0 || rope_theta != 0.0) {
      throw Error(where + ": num_heads, num_kv_heads, head_dim and rope_theta are BitNet " +
                  "fields; an hgrn_bit model has none");
    }
    return;
  }
  check_range(where, "num_heads", num_heads, 1, 4096);
  check_range(where, "num_kv_heads", num_kv_heads, 1, num_heads);
  check_range(where, "head_dim", head_dim, 2, 4096);
  if (num_heads % num_kv_heads != 0) {
    throw Error(where + ": num_heads = " + std::to_string(num_heads) +
                " is not a multiple of num_kv_heads = " + std::to_string(num_kv_heads));
  }
  if (head_dim % 2 != 0) {
    throw Error(where + ": head_dim = " + std::to_string(head_dim) +
                " is odd (RoPE rotates pairs (i, i + head_dim/2))");
  }
  if (num_heads * head_dim != hidden_size) {
    throw Error(where + ": num_heads * head_dim = " + std::to_string(num_heads * head_dim) +
                " differs from hidden_size = " + std::to_string(hidden_size) +
                " (attn_sub_norm is hidden_size wide)");
  }
  if (!(rope_theta > 1.0 && rope_theta < 1e12)) {
    throw Error(where + ": rope_theta = " + std::to_string(rope_theta) +
                " is impossible (expected 1 < theta < 1e12)");
  }
}

int64_t ModelConfig::parameter_count() const {
  const int64_t h = hidden_size, i = intermediate_size, v = vocab_size;
  if (architecture == Architecture::bitnet) {
    const int64_t norms = 3 * h + i;  // input_layernorm, post_attention_layernorm, attn/ffn sub
    return v * h + num_layers * norms + ternary_weight_count() + h;
  }
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
  if (architecture == Architecture::bitnet) {
    const int64_t kv = num_kv_heads * head_dim;
    return num_layers * (2 * h * h + 2 * kv * h + 3 * i * h);  // q, o; k, v; gate, up, down
  }
  return num_layers * (4 * h * h + 3 * i * h) + vocab_size * h;
}

int64_t ModelConfig::head_bytes() const {
  return architecture == Architecture::bitnet ? 2 * vocab_size * hidden_size : 0;
}

int64_t ModelConfig::kv_values_per_position() const {
  return architecture == Architecture::bitnet ? num_layers * 2 * num_kv_heads * head_dim : 0;
}

int64_t ModelConfig::packed_weight_bytes(Packing p) const {
  const int64_t h = hidden_size, i = intermediate_size;
  const auto rows = [p](int64_t r, int64_t cols) {
    return r * static_cast<int64_t>(packed_row_bytes(static_cast<size_t>(cols), p));
  };
  if (architecture == Architecture::bitnet) {
    const int64_t kv = num_kv_heads * head_dim;
    return num_layers * (2 * rows(h, h) + 2 * rows(kv, h) + 2 * rows(i, h) + rows(h, i));
  }
  const int64_t per_layer = 4 * rows(h, h) + rows(2 * i, h) + rows(h, i);
  return num_layers * per_layer + rows(vocab_size, h);
}

void require_architecture(const ModelConfig& config, Architecture a, const std::string& what) {
  if (config.architecture != a) {
    throw Error("model '" + config.name + "' is a " + architecture_name(config.architecture) +
                " model; " + what + " runs " + architecture_name(a) + " models only");
  }
}

void check_context(int64_t position, const ModelConfig& config) {
  if (position >= config.max_position_embeddings) {
    throw Error("model '" + config.name + "': the context of " +
                std::to_string(config.max_position_embeddings) +
                " positions (max_position_embeddings) is full");
  }
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
      "description",  "architecture",      "num_heads",
      "num_kv_heads", "head_dim",          "rope_theta"};
  ModelConfig c;
  try {
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      if (!known.count(key)) {
        throw Error(path + ": unknown key '" + key +
                    "' (expected name, architecture, vocab_size, hidden_size, num_layers, "
                    "intermediate_size, rms_norm_eps, bos_token_id, eos_token_id, "
                    "max_position_embeddings, description; for bitnet also num_heads, "
                    "num_kv_heads, head_dim, rope_theta)");
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
    if (root["architecture"]) {
      c.architecture = architecture_from_name(root["architecture"].as<std::string>(), path);
    }
    // Required for bitnet; validate() refuses them for hgrn_bit.
    const auto bitnet_field = [&](const char* key) {
      return c.architecture == Architecture::bitnet ? need(key) : root[key];
    };
    if (const auto v = bitnet_field("num_heads")) c.num_heads = v.as<int64_t>();
    if (const auto v = bitnet_field("num_kv_heads")) c.num_kv_heads = v.as<int64_t>();
    if (const auto v = bitnet_field("head_dim")) c.head_dim = v.as<int64_t>();
    if (const auto v = bitnet_field("rope_theta")) c.rope_theta = v.as<double>();
  } catch (const YAML::Exception& e) {
    throw Error(path + ": bad value (" + e.what() + ")");
  }
  c.validate(path);
  return c;
}

namespace {

int64_t hf_int(const json& j, const std::string& path, const char* key, int64_t fallback) {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  if (!j[key].is_number_integer()) throw Error(path + ": '" + key + "' must be an integer");
  return j[key].get<int64_t>();
}

double hf_number(const json& j, const std::string& path, const char* key, double fallback) {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  if (!j[key].is_number()) throw Error(path + ": '" + key + "' must be a number");
  return j[key].get<double>();
}

// Refuses a value other than the one mmf implements (a missing or null key takes the default).
void hf_require(const json& j, const std::string& path, const char* key, const json& expected,
                const char* why) {
  if (j.contains(key) && !j[key].is_null() && j[key] != expected) {
    throw Error(path + ": " + key + " = " + j[key].dump() + " is not supported (mmf implements " +
                key + " = " + expected.dump() + ", " + why + ")");
  }
}

void hf_known_keys(const json& j, const std::string& path, const std::set<std::string>& known,
                   const char* family) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!known.count(it.key())) {
      throw Error(path + ": unknown config key '" + it.key() + "' (not a " + family + " field)");
    }
  }
}

// BitNetConfig (transformers models/bitnet), class defaults where the file is silent; the
// released 2B4T config sets max_position_embeddings 4096 and tie_word_embeddings true.
ModelConfig bitnet_from_hf(const json& j, const std::string& path) {
  hf_known_keys(j, path,
                {"model_type",
                 "architectures",
                 "vocab_size",
                 "hidden_size",
                 "intermediate_size",
                 "num_hidden_layers",
                 "num_attention_heads",
                 "num_key_value_heads",
                 "head_dim",
                 "hidden_act",
                 "max_position_embeddings",
                 "initializer_range",
                 "rms_norm_eps",
                 "use_cache",
                 "pad_token_id",
                 "bos_token_id",
                 "eos_token_id",
                 "tie_word_embeddings",
                 "rope_theta",
                 "rope_scaling",
                 "attention_bias",
                 "attention_dropout",
                 "quantization_config",
                 "torch_dtype",
                 "transformers_version",
                 "_name_or_path",
                 "auto_map"},
                "BitNet");
  if (j.contains("architectures") && j["architectures"] != json::array({"BitNetForCausalLM"})) {
    throw Error(path + ": architectures = " + j["architectures"].dump() +
                " is not supported (mmf implements [\"BitNetForCausalLM\"])");
  }
  hf_require(j, path, "hidden_act", "relu2", "the released ReLU² FFN");
  hf_require(j, path, "attention_bias", false, "no biases, as released");
  if (j.contains("rope_scaling") && !j["rope_scaling"].is_null()) {
    throw Error(path + ": rope_scaling = " + j["rope_scaling"].dump() +
                " is not supported (mmf implements plain RoPE, as the released config has)");
  }
  if (!j.contains("tie_word_embeddings") || j["tie_word_embeddings"] != true) {
    throw Error(path + ": tie_word_embeddings must be true (mmf implements the released head, " +
                "tied to the embedding; got " +
                (j.contains("tie_word_embeddings") ? j["tie_word_embeddings"].dump()
                                                   : std::string("nothing, which means false")) +
                ")");
  }
  ModelConfig c;
  c.architecture = Architecture::bitnet;
  c.name = j.value("_name_or_path", std::string("hf"));
  c.vocab_size = hf_int(j, path, "vocab_size", 128256);
  c.hidden_size = hf_int(j, path, "hidden_size", 2560);
  c.intermediate_size = hf_int(j, path, "intermediate_size", 6912);
  c.num_layers = hf_int(j, path, "num_hidden_layers", 30);
  c.num_heads = hf_int(j, path, "num_attention_heads", 20);
  c.num_kv_heads = hf_int(j, path, "num_key_value_heads", 5);
  c.head_dim = hf_int(j, path, "head_dim", c.num_heads > 0 ? c.hidden_size / c.num_heads : 0);
  c.max_position_embeddings = hf_int(j, path, "max_position_embeddings", 2048);
  c.rms_norm_eps = hf_number(j, path, "rms_norm_eps", 1e-5);
  c.rope_theta = hf_number(j, path, "rope_theta", 500000.0);
  c.bos_token_id = hf_int(j, path, "bos_token_id", 128000);
  // eos_token_id may be a list (end of text, end of turn); the first is the model's EOS.
  if (j.contains("eos_token_id") && j["eos_token_id"].is_array()) {
    if (j["eos_token_id"].empty() || !j["eos_token_id"][0].is_number_integer()) {
      throw Error(path + ": 'eos_token_id' must be an integer or a list of integers");
    }
    c.eos_token_id = j["eos_token_id"][0].get<int64_t>();
  } else {
    c.eos_token_id = hf_int(j, path, "eos_token_id", 128001);
  }
  c.validate(path);
  return c;
}

ModelConfig hgrn_bit_from_hf(const json& j, const std::string& path) {
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
  hf_known_keys(j, path, known, "HGRNBit");
  const auto get_int = [&](const char* key, int64_t fallback) {
    return hf_int(j, path, key, fallback);
  };
  const auto require_value = [&](const char* key, const json& expected) {
    hf_require(j, path, key, expected, "as the released checkpoints use");
  };
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

}  // namespace

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
  const std::string type = j.contains("model_type") && j["model_type"].is_string()
                               ? j["model_type"].get<std::string>()
                               : std::string();
  if (type == "hgrn_bit") return hgrn_bit_from_hf(j, path);
  if (type == "bitnet") return bitnet_from_hf(j, path);
  throw Error(path + ": model_type must be \"hgrn_bit\" or \"bitnet\" (got " +
              (j.contains("model_type") ? j["model_type"].dump() : std::string("nothing")) + ")");
}

json config_to_json(const ModelConfig& c) {
  json j{{"name", c.name},
         {"vocab_size", c.vocab_size},
         {"hidden_size", c.hidden_size},
         {"num_layers", c.num_layers},
         {"intermediate_size", c.intermediate_size},
         {"rms_norm_eps", c.rms_norm_eps},
         {"bos_token_id", c.bos_token_id},
         {"eos_token_id", c.eos_token_id},
         {"max_position_embeddings", c.max_position_embeddings}};
  // An HGRNBit config is written as before BitNet existed, so its files and model ids
  // (model_id hashes this JSON) stay what they were; "architecture" appears for BitNet only.
  if (c.architecture == Architecture::bitnet) {
    j["architecture"] = architecture_name(c.architecture);
    j["num_heads"] = c.num_heads;
    j["num_kv_heads"] = c.num_kv_heads;
    j["head_dim"] = c.head_dim;
    j["rope_theta"] = c.rope_theta;
  }
  return j;
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
    // Files written before BitNet have no architecture: they are HGRNBit.
    if (j.contains("architecture")) {
      c.architecture = architecture_from_name(j.at("architecture").get<std::string>(), where);
    }
    if (c.architecture == Architecture::bitnet) {
      c.num_heads = j.at("num_heads").get<int64_t>();
      c.num_kv_heads = j.at("num_kv_heads").get<int64_t>();
      c.head_dim = j.at("head_dim").get<int64_t>();
      c.rope_theta = j.at("rope_theta").get<double>();
    }
  } catch (const json::exception& e) {
    throw Error(where + ": bad model config (" + e.what() + ")");
  }
  c.validate(where);
  return c;
}

}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// BitNet b1.58 checkpoint conversion: the packed deployment layout and the bf16 master layout
// (reference/bitnet-model.md §1 quantization_config, §3 tensors and packing).
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "mmf/bf16.hpp"
#include "mmf/convert.hpp"
#include "mmf/error.hpp"
#include "mmf/tokenizer.hpp"

namespace mmf {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// How the checkpoint stores each projection.
enum class WeightLayout {
  packed_times_scale,   // offline, linear_class autobitlinear: y = (x . T) * weight_scale
  packed_divide_scale,  // offline, linear_class bitlinear: y = (x . T) / weight_scale
  master,               // online: bf16 latent weights, ternarized at conversion
};

std::string read_text(const fs::path& p, const char* what) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error(p.string() + ": missing " + what);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

json read_json(const fs::path& p, const char* what) {
  try {
    return json::parse(read_text(p, what));
  } catch (const json::exception& e) {
    throw Error(p.string() + ": not valid JSON (" + e.what() + ")");
  }
}

// quantization_config of config.json, with transformers' BitNetQuantConfig defaults
// (linear_class "bitlinear", quantization_mode "offline").
WeightLayout read_quantization(const fs::path& config_path) {
  const json config = read_json(config_path, "config.json");
  const std::string where = config_path.string() + ": quantization_config";
  if (!config.contains("quantization_config") || !config["quantization_config"].is_object()) {
    throw Error(config_path.string() +
                ": no quantization_config (a BitNet b1.58 checkpoint has one, with quant_method "
                "\"bitnet\"; without it the projections would be plain linear layers)");
  }
  const json& q = config["quantization_config"];
  static const std::set<std::string> known = {"quant_method",      "linear_class",
                                              "quantization_mode", "modules_to_not_convert",
                                              "use_rms_norm",      "rms_norm_eps"};
  for (auto it = q.begin(); it != q.end(); ++it) {
    if (!known.count(it.key())) {
      throw Error(where + " has the unknown key '" + it.key() +
                  "' (mmf reads quant_method, linear_class, quantization_mode, "
                  "modules_to_not_convert, use_rms_norm, rms_norm_eps)");
    }
  }
  const auto string_or = [&](const char* key, const char* fallback) {
    if (!q.contains(key) || q[key].is_null()) return std::string(fallback);
    if (!q[key].is_string()) throw Error(where + "." + key + " must be a string");
    return q[key].get<std::string>();
  };
  if (string_or("quant_method", "") != "bitnet") {
    throw Error(where + ".quant_method must be \"bitnet\"");
  }
  if (q.contains("use_rms_norm") && q["use_rms_norm"] == true) {
    throw Error(where + ".use_rms_norm = true is not supported (the released 2B4T has no norm " +
                "inside its BitLinears)");
  }
  if (q.contains("modules_to_not_convert") && !q["modules_to_not_convert"].is_null()) {
    const json& m = q["modules_to_not_convert"];
    if (!m.is_array() || (m.size() > 0 && m != json::array({"lm_head"}))) {
      throw Error(where + ".modules_to_not_convert = " + m.dump() +
                  " is not supported (mmf reads every projection as ternary; the head is the "
                  "embedding)");
    }
  }
  const std::string linear_class = string_or("linear_class", "bitlinear");
  const std::string mode = string_or("quantization_mode", "offline");
  if (linear_class != "autobitlinear" && linear_class != "bitlinear") {
    throw Error(where + ".linear_class = \"" + linear_class +
                "\" is not one mmf knows (autobitlinear: weight_scale multiplies; bitlinear: it "
                "divides)");
  }
  if (mode == "online") {
    if (linear_class != "autobitlinear") {
      throw Error(where + ": quantization_mode \"online\" needs linear_class \"autobitlinear\"");
    }
    return WeightLayout::master;
  }
  if (mode != "offline") {
    throw Error(where + ".quantization_mode = \"" + mode + "\" is not one mmf knows (offline | " +
                "online)");
  }
  return linear_class == "autobitlinear" ? WeightLayout::packed_times_scale
                                         : WeightLayout::packed_divide_scale;
}

class BitNetReader {
 public:
  BitNetReader(const CheckpointTensors& ckpt, WeightLayout layout, Packing packing)
      : ckpt_(ckpt), layout_(layout), packing_(packing) {}

  std::vector<float> floats(const std::string& name, const std::vector<int64_t>& shape) {
    used_.insert(name);
    return read_checkpoint_floats(ckpt_, name, shape);
  }

  TernaryTensor ternary(const std::string& name, int64_t rows, int64_t cols) {
    Ternarized t =
        layout_ == WeightLayout::master ? master(name, rows, cols) : packed(name, rows, cols);
    TernaryTensor out;
    out.rows = rows;
    out.cols = cols;
    out.packing = packing_;
    out.scale = t.scale;
    out.packed =
        pack_matrix(t.trits, static_cast<size_t>(rows), static_cast<size_t>(cols), packing_);
    return out;
  }

  // Every tensor of the checkpoint must have been read: one the model would ignore is refused.
  void check_all_used() const {
    for (const std::string& name : ckpt_.names()) {
      if (!used_.count(name)) {
        throw Error(ckpt_.dir() + ": tensor '" + name +
                    "' is not part of a BitNetForCausalLM of this config and quantization_config "
                    "(mmf refuses tensors it would ignore)");
      }
    }
  }

 private:
  Ternarized master(const std::string& name, int64_t rows, int64_t cols) {
    return ternarize(floats(name + ".weight", {rows, cols}));
  }

  // uint8 codes c = t + 1, four output rows a byte: byte (r, k) holds rows r, r+R, r+2R, r+3R of
  // column k in bits 0-1, 2-3, 4-5, 6-7, with R = rows / 4 (transformers' pack_weights).
  Ternarized packed(const std::string& name, int64_t rows, int64_t cols) {
    const std::string wname = name + ".weight";
    used_.insert(wname);
    const SafetensorsFile& file = ckpt_.file_of(wname);
    if (rows % 4 != 0) {
      throw Error(file.path() + ": tensor '" + wname + "': " + std::to_string(rows) +
                  " output rows are not divisible by 4, as packed uint8 codes need");
    }
    const int64_t quarter = rows / 4;
    const TensorInfo& w = file.require(wname, DType::U8, {quarter, cols});
    const uint8_t* codes = file.data(w);
    Ternarized t;
    t.trits.resize(static_cast<size_t>(rows * cols));
    for (int64_t r = 0; r < quarter; ++r) {
      for (int64_t k = 0; k < cols; ++k) {
        const uint8_t byte = codes[r * cols + k];
        for (int64_t i = 0; i < 4; ++i) {
          const int code = (byte >> (2 * i)) & 3;
          if (code == 3) {
            throw Error(file.path() + ": tensor '" + wname + "' holds the unused code 3 at [" +
                        std::to_string(r) + ", " + std::to_string(k) + "] (bits " +
                        std::to_string(2 * i) + "-" + std::to_string(2 * i + 1) + ")");
          }
          t.trits[static_cast<size_t>((i * quarter + r) * cols + k)] =
              static_cast<int8_t>(code - 1);
        }
      }
    }
    const std::string sname = name + ".weight_scale";
    used_.insert(sname);
    const SafetensorsFile& sfile = ckpt_.file_of(sname);
    const TensorInfo* s = sfile.find(sname);
    const bool scalar = s->shape.empty() || s->shape == std::vector<int64_t>{1};
    if (!scalar || (s->dtype != DType::BF16 && s->dtype != DType::F32)) {
      throw Error(sfile.path() + ": tensor '" + sname + "' has dtype " + dtype_name(s->dtype) +
                  " and shape " + shape_string(s->shape) +
                  ", expected one BF16 or F32 value (shape [1] or [])");
    }
    const float v = read_checkpoint_floats(ckpt_, sname, s->shape)[0];
    if (!(v > 0.0f)) {
      throw Error(sfile.path() + ": tensor '" + sname + "' = " + std::to_string(v) +
                  " is not a positive scale");
    }
    t.scale = layout_ == WeightLayout::packed_times_scale ? v : 1.0f / v;
    return t;
  }

  const CheckpointTensors& ckpt_;
  WeightLayout layout_;
  Packing packing_;
  std::set<std::string> used_;
};

// generation_config.json is optional; when present its token ids must lie in the vocabulary.
void check_generation_config(const fs::path& dir, const ModelConfig& c) {
  const fs::path p = dir / "generation_config.json";
  if (!fs::exists(p)) return;
  const json g = read_json(p, "generation_config.json");
  if (!g.is_object()) throw Error(p.string() + ": expected a JSON object");
  for (const char* key : {"bos_token_id", "eos_token_id", "pad_token_id"}) {
    if (!g.contains(key) || g[key].is_null()) continue;
    const json ids = g[key].is_array() ? g[key] : json::array({g[key]});
    for (const json& id : ids) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= c.vocab_size) {
        throw Error(p.string() + ": " + key + " = " + g[key].dump() +
                    " is not a token id of the vocabulary [0, " + std::to_string(c.vocab_size) +
                    ")");
      }
    }
  }
}

}  // namespace

Model convert_bitnet_checkpoint(const std::string& dir, Packing packing) {
  if (!fs::is_directory(dir)) throw Error(dir + ": not a directory (expected a checkpoint dir)");
  const fs::path config_path = fs::path(dir) / "config.json";
  Model m;
  m.config = load_hf_config_json(config_path.string());
  require_architecture(m.config, Architecture::bitnet, "convert_bitnet_checkpoint");
  const WeightLayout layout = read_quantization(config_path);
  m.packing = packing;
  m.source = fs::path(dir).filename().string();
  if (m.source.empty()) m.source = dir;
  m.config.name = m.source;
  const ModelConfig& c = m.config;

  const fs::path tok_path = fs::path(dir) / "tokenizer.json";
  m.tokenizer_json = read_text(tok_path, "tokenizer.json (a BitNet checkpoint's tokenizer)");
  const auto tok =
      make_bpe_tokenizer(m.tokenizer_json, tok_path.string(), static_cast<int32_t>(c.bos_token_id));
  if (tok->vocab_size() > c.vocab_size) {
    throw Error(tok_path.string() + ": the tokenizer has ids up to " +
                std::to_string(tok->vocab_size() - 1) + " but config.json's vocab_size is " +
                std::to_string(c.vocab_size));
  }
  check_generation_config(dir, c);

  const CheckpointTensors ckpt = CheckpointTensors::open_dir(dir);
  BitNetReader r(ckpt, layout, packing);
  const int64_t h = c.hidden_size, inter = c.intermediate_size;
  const int64_t kv = c.num_kv_heads * c.head_dim;
  const std::vector<float> emb = r.floats("model.embed_tokens.weight", {c.vocab_size, h});
  m.embedding.resize(emb.size());
  for (size_t k = 0; k < emb.size(); ++k) m.embedding[k] = float_to_bf16(emb[k]);
  m.bitnet_layers.resize(static_cast<size_t>(c.num_layers));
  for (int64_t l = 0; l < c.num_layers; ++l) {
    BitNetLayerWeights& layer = m.bitnet_layers[static_cast<size_t>(l)];
    const std::string p = "model.layers." + std::to_string(l) + ".";
    layer.input_norm = r.floats(p + "input_layernorm.weight", {h});
    layer.q_proj = r.ternary(p + "self_attn.q_proj", h, h);
    layer.k_proj = r.ternary(p + "self_attn.k_proj", kv, h);
    layer.v_proj = r.ternary(p + "self_attn.v_proj", kv, h);
    layer.attn_sub_norm = r.floats(p + "self_attn.attn_sub_norm.weight", {h});
    layer.o_proj = r.ternary(p + "self_attn.o_proj", h, h);
    layer.post_attn_norm = r.floats(p + "post_attention_layernorm.weight", {h});
    layer.gate_proj = r.ternary(p + "mlp.gate_proj", inter, h);
    layer.up_proj = r.ternary(p + "mlp.up_proj", inter, h);
    layer.ffn_sub_norm = r.floats(p + "mlp.ffn_sub_norm.weight", {inter});
    layer.down_proj = r.ternary(p + "mlp.down_proj", h, inter);
  }
  m.final_norm = r.floats("model.norm.weight", {h});
  r.check_all_used();
  return m;
}

}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Converted-model file I/O and random models.
#include "mmf/model.hpp"

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "mmf/bf16.hpp"
#include "mmf/checksum.hpp"
#include "mmf/error.hpp"
#include "mmf/safetensors.hpp"

namespace mmf {
namespace {

using json = nlohmann::json;

std::string layer_prefix(int64_t l) {
  return "model.layers." + std::to_string(l) + ".";
}

template <class T>
std::vector<uint8_t> to_bytes(const std::vector<T>& v) {
  std::vector<uint8_t> out(v.size() * sizeof(T));
  if (!v.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}

template <class T>
std::vector<T> from_bytes(const SafetensorsFile& f, const TensorInfo& t) {
  std::vector<T> out(static_cast<size_t>(t.numel()));
  if (!out.empty()) std::memcpy(out.data(), f.data(t), t.bytes());
  return out;
}

// Visits every (name, ternary tensor) and (name, norm vector) pair of a model in one fixed order,
// so reading and writing cannot disagree on names. A HGRNBit BitLinear is its norm, then its
// ternary weights.
template <class M, class OnTernary, class OnNorm>
void visit_tensors(M& m, OnTernary on_ternary, OnNorm on_norm) {
  const int64_t h = m.config.hidden_size, i = m.config.intermediate_size;
  if (m.config.architecture == Architecture::bitnet) {
    const int64_t kv = m.config.num_kv_heads * m.config.head_dim;
    for (int64_t l = 0; l < m.config.num_layers; ++l) {
      auto& layer = m.bitnet_layers[static_cast<size_t>(l)];
      const std::string p = layer_prefix(l);
      on_norm(p + "input_layernorm.weight", layer.input_norm, h);
      on_ternary(p + "self_attn.q_proj", layer.q_proj, h, h);
      on_ternary(p + "self_attn.k_proj", layer.k_proj, kv, h);
      on_ternary(p + "self_attn.v_proj", layer.v_proj, kv, h);
      on_norm(p + "self_attn.attn_sub_norm.weight", layer.attn_sub_norm, h);
      on_ternary(p + "self_attn.o_proj", layer.o_proj, h, h);
      on_norm(p + "post_attention_layernorm.weight", layer.post_attn_norm, h);
      on_ternary(p + "mlp.gate_proj", layer.gate_proj, i, h);
      on_ternary(p + "mlp.up_proj", layer.up_proj, i, h);
      on_norm(p + "mlp.ffn_sub_norm.weight", layer.ffn_sub_norm, i);
      on_ternary(p + "mlp.down_proj", layer.down_proj, h, i);
    }
    on_norm("model.norm.weight", m.final_norm, h);
    return;
  }
  const auto bitlinear = [&](const std::string& name, auto& bl, int64_t rows, int64_t cols) {
    on_norm(name + ".norm.weight", bl.norm, cols);
    on_ternary(name, bl.weight, rows, cols);
  };
  for (int64_t l = 0; l < m.config.num_layers; ++l) {
    auto& layer = m.layers[static_cast<size_t>(l)];
    const std::string p = layer_prefix(l);
    on_norm(p + "attn_norm.weight", layer.attn_norm, h);
    bitlinear(p + "attn.i_proj", layer.i_proj, h, h);
    bitlinear(p + "attn.f_proj", layer.f_proj, h, h);
    bitlinear(p + "attn.g_proj", layer.g_proj, h, h);
    on_norm(p + "attn.g_norm.weight", layer.g_norm, h);
    bitlinear(p + "attn.o_proj", layer.o_proj, h, h);
    on_norm(p + "mlp_norm.weight", layer.mlp_norm, h);
    bitlinear(p + "mlp.gate_proj", layer.gate_proj, 2 * i, h);
    bitlinear(p + "mlp.down_proj", layer.down_proj, h, i);
  }
  on_norm("model.norm.weight", m.final_norm, h);
  bitlinear("lm_head", m.lm_head, m.config.vocab_size, h);
}

// The embedding's tensor name: each family keeps its Hugging Face name.
const char* embedding_name(const ModelConfig& c) {
  return c.architecture == Architecture::bitnet ? "model.embed_tokens.weight"
                                                : "model.embeddings.weight";
}

// The tokenizer a model carries: (tensor name, bytes).
std::pair<const char*, const std::string*> tokenizer_tensor(const Model& m) {
  if (m.config.architecture == Architecture::bitnet) return {"tokenizer.json", &m.tokenizer_json};
  return {"tokenizer.model", &m.tokenizer_model};
}

}  // namespace

namespace {

// Checks the metadata of a converted model (format, version) and parses its config and packing.
void read_converted_header(const SafetensorsFile& file, ModelConfig& config, Packing& packing) {
  const std::string& path = file.path();
  const auto& meta = file.metadata();
  const auto meta_get = [&](const char* key) -> const std::string& {
    const auto it = meta.find(key);
    if (it == meta.end()) {
      throw Error(path + ": not an mmf converted model (metadata has no '" + key +
                  "'; convert a Hugging Face checkpoint with `mmf convert`)");
    }
    return it->second;
  };
  if (meta_get("format") != kConvertedFormatName) {
    throw Error(path + ": not an mmf converted model (metadata format is '" + meta_get("format") +
                "', expected '" + kConvertedFormatName +
                "'; convert a Hugging Face checkpoint with `mmf convert`)");
  }
  if (meta_get("format_version") != std::to_string(kConvertedFormatVersion)) {
    throw Error(path + ": format_version " + meta_get("format_version") +
                " is not supported (this mmf reads version " +
                std::to_string(kConvertedFormatVersion) + ")");
  }
  json config_json;
  try {
    config_json = json::parse(meta_get("config"));
  } catch (const json::exception& e) {
    throw Error(path + ": metadata 'config' is not valid JSON (" + e.what() + ")");
  }
  config = config_from_json(config_json, path + " (metadata config)");
  packing = parse_packing(meta_get("packing"), path + " (metadata packing)");
}

// Every tensor must have a CRC32C in the metadata 'checksums' (written by save_converted) and
// match it, and every checksum must belong to a tensor: a flipped bit anywhere in the data
// section is found here, named by its tensor, before any value is used.
void verify_checksums(const SafetensorsFile& file) {
  const std::string& path = file.path();
  const auto it = file.metadata().find("checksums");
  if (it == file.metadata().end()) {
    throw Error(path +
                ": metadata has no 'checksums' (convert the checkpoint again with "
                "`mmf convert`)");
  }
  json sums;
  try {
    sums = json::parse(it->second);
  } catch (const json::exception& e) {
    throw Error(path + ": metadata 'checksums' is not valid JSON (" + e.what() + ")");
  }
  if (!sums.is_object()) {
    throw Error(path + ": metadata 'checksums' must be a JSON object of tensor name to crc32c");
  }
  for (const TensorInfo& t : file.tensors()) {
    const auto entry = sums.find(t.name);
    if (entry == sums.end() || !entry->is_string()) {
      throw Error(path + ": tensor '" + t.name + "' has no checksum in the metadata");
    }
    const std::string actual = crc32c_string(crc32c(file.data(t), t.bytes()));
    if (entry->get<std::string>() != actual) {
      throw Error(path + ": tensor '" + t.name + "' is corrupted: its bytes give " + actual +
                  ", the file records " + entry->get<std::string>() +
                  " (the file changed after `mmf convert` wrote it; convert the checkpoint "
                  "again or restore the file)");
    }
  }
  if (sums.size() != file.tensors().size()) {
    for (const auto& [name, crc] : sums.items()) {
      if (file.find(name) == nullptr) {
        throw Error(path + ": metadata 'checksums' names tensor '" + name +
                    "', which the file does not hold");
      }
    }
  }
}

}  // namespace

ModelConfig load_converted_config(const std::string& path) {
  ModelConfig config;
  Packing packing;
  read_converted_header(*SafetensorsFile::open(path), config, packing);
  return config;
}

Model load_converted(const std::string& path) {
  const auto file = SafetensorsFile::open(path);
  Model m;
  read_converted_header(*file, m.config, m.packing);
  verify_checksums(*file);
  const auto& meta = file->metadata();
  m.source = meta.count("source") ? meta.at("source") : path;

  const ModelConfig& c = m.config;
  const auto& emb = file->require(embedding_name(c), DType::BF16, {c.vocab_size, c.hidden_size});
  m.embedding = from_bytes<uint16_t>(*file, emb);
  if (c.architecture == Architecture::bitnet) {
    m.bitnet_layers.resize(static_cast<size_t>(c.num_layers));
  } else {
    const auto& lb = file->require("model.lower_bounds", DType::F32, {c.num_layers, c.hidden_size});
    m.lower_bounds = from_bytes<float>(*file, lb);
    m.layers.resize(static_cast<size_t>(c.num_layers));
  }

  visit_tensors(
      m,
      [&](const std::string& name, TernaryTensor& t, int64_t rows, int64_t cols) {
        t.rows = rows;
        t.cols = cols;
        t.packing = m.packing;
        const auto& w =
            file->require(name + ".weight", DType::U8, {rows, static_cast<int64_t>(t.row_bytes())});
        t.packed = from_bytes<uint8_t>(*file, w);
        const auto& s = file->require(name + ".scale", DType::F32, {});
        std::memcpy(&t.scale, file->data(s), sizeof(float));
        if (!(t.scale > 0.0f) || !std::isfinite(t.scale)) {
          throw Error(path + ": tensor '" + name + ".scale' must be a positive finite number");
        }
        const TritDecodeTable& table = trit_decode_table(m.packing);
        for (size_t k = 0; k < t.packed.size(); ++k) {
          if (!table.valid[t.packed[k]]) {
            throw Error(path + ": tensor '" + name + ".weight' holds an invalid " +
                        packing_name(m.packing) + " byte at offset " + std::to_string(k));
          }
        }
      },
      [&](const std::string& name, std::vector<float>& v, int64_t n) {
        v = from_bytes<float>(*file, file->require(name, DType::F32, {n}));
      });

  const char* tok_name = tokenizer_tensor(m).first;
  std::string& tok_bytes =
      c.architecture == Architecture::bitnet ? m.tokenizer_json : m.tokenizer_model;
  if (const TensorInfo* tok = file->find(tok_name)) {
    if (tok->dtype != DType::U8 || tok->shape.size() != 1) {
      throw Error(path + ": tensor '" + tok_name + "' must be U8 with one dimension");
    }
    tok_bytes.assign(reinterpret_cast<const char*>(file->data(*tok)), tok->bytes());
  }
  return m;
}

namespace {

// Every tensor of a converted model in file order: (name, dtype, shape, bytes). The writer and
// model_id() share it, so the id is built from the same bytes the file's checksums cover.
template <class Fn>
void for_each_stored_tensor(const Model& model, Fn fn) {
  const ModelConfig& c = model.config;
  const auto raw = [](const auto& v) {
    return std::pair<const void*, size_t>(v.data(), v.size() * sizeof(v[0]));
  };
  fn(embedding_name(c), DType::BF16, std::vector<int64_t>{c.vocab_size, c.hidden_size},
     raw(model.embedding));
  if (c.architecture == Architecture::hgrn_bit) {
    fn("model.lower_bounds", DType::F32, std::vector<int64_t>{c.num_layers, c.hidden_size},
       raw(model.lower_bounds));
  }
  visit_tensors(
      model,
      [&](const std::string& name, const TernaryTensor& t, int64_t rows, int64_t) {
        fn(name + ".weight", DType::U8,
           std::vector<int64_t>{rows, static_cast<int64_t>(t.row_bytes())}, raw(t.packed));
        fn(name + ".scale", DType::F32, std::vector<int64_t>{},
           std::pair<const void*, size_t>(&t.scale, sizeof(float)));
      },
      [&](const std::string& name, const std::vector<float>& v, int64_t n) {
        fn(name, DType::F32, std::vector<int64_t>{n}, raw(v));
      });
  const auto [tok_name, tok_bytes] = tokenizer_tensor(model);
  if (!tok_bytes->empty()) {
    fn(tok_name, DType::U8, std::vector<int64_t>{static_cast<int64_t>(tok_bytes->size())},
       raw(*tok_bytes));
  }
}

}  // namespace

void save_converted(const Model& model, const std::string& path) {
  SafetensorsWriter w;
  json checksums = json::object();
  for_each_stored_tensor(
      model, [&](const std::string& name, DType dtype, const std::vector<int64_t>& shape,
                 std::pair<const void*, size_t> bytes) {
        const auto* p = static_cast<const uint8_t*>(bytes.first);
        checksums[name] = crc32c_string(crc32c(p, bytes.second));
        w.add(name, dtype, shape, std::vector<uint8_t>(p, p + bytes.second));
      });
  w.set_metadata("format", kConvertedFormatName);
  w.set_metadata("format_version", std::to_string(kConvertedFormatVersion));
  w.set_metadata("config", config_to_json(model.config).dump());
  w.set_metadata("packing", packing_name(model.packing));
  w.set_metadata("source", model.source);
  w.set_metadata("checksums", checksums.dump());
  w.write(path);
}

uint64_t model_id(const Model& model) {
  uint64_t h = fnv1a64(config_to_json(model.config).dump());
  h = fnv1a64(packing_name(model.packing), h);
  for_each_stored_tensor(model, [&](const std::string& name, DType, const std::vector<int64_t>&,
                                    std::pair<const void*, size_t> bytes) {
    h = fnv1a64(name + "=" + crc32c_string(crc32c(bytes.first, bytes.second)) + ";", h);
  });
  return h;
}

Model make_random_model(const ModelConfig& config, uint64_t seed, Packing packing) {
  config.validate("random model '" + config.name + "'");
  Model m;
  m.config = config;
  m.packing = packing;
  m.source = "random:" + config.name + " (seed " + std::to_string(seed) + ")";
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const ModelConfig& c = config;
  m.embedding.resize(static_cast<size_t>(c.vocab_size * c.hidden_size));
  for (auto& e : m.embedding) e = float_to_bf16(normal(rng));
  if (c.architecture == Architecture::bitnet) {
    m.bitnet_layers.resize(static_cast<size_t>(c.num_layers));
  } else {
    m.lower_bounds.assign(static_cast<size_t>(c.num_layers * c.hidden_size), 0.0f);
    m.layers.resize(static_cast<size_t>(c.num_layers));
  }
  visit_tensors(
      m,
      [&](const std::string&, TernaryTensor& t, int64_t rows, int64_t cols) {
        t.rows = rows;
        t.cols = cols;
        t.packing = packing;
        // Scale as absmean of a N(0, 1/cols) latent: keeps activations O(1) through the layers.
        t.scale = static_cast<float>(std::sqrt(2.0 / M_PI / static_cast<double>(cols)));
        // Each random 64-bit word yields 32 independent trits (2 bits each, value 3 -> 0) so
        // that billion-weight models build in seconds.
        std::vector<int8_t> row(static_cast<size_t>(cols));
        t.packed.resize(static_cast<size_t>(rows) * t.row_bytes());
        for (int64_t r = 0; r < rows; ++r) {
          uint64_t bits = 0;
          for (int64_t k = 0; k < cols; ++k) {
            if (k % 32 == 0) bits = rng();
            const int v = static_cast<int>(bits & 3);
            bits >>= 2;
            row[static_cast<size_t>(k)] = static_cast<int8_t>(v == 3 ? 0 : v - 1);
          }
          pack_row(row.data(), static_cast<size_t>(cols), packing,
                   t.packed.data() + static_cast<size_t>(r) * t.row_bytes());
        }
      },
      [&](const std::string&, std::vector<float>& v, int64_t n) {
        v.assign(static_cast<size_t>(n), 1.0f);
      });
  return m;
}

std::vector<float> forget_lower_bounds(const Model& model) {
  const size_t layers = static_cast<size_t>(model.config.num_layers);
  const size_t h = static_cast<size_t>(model.config.hidden_size);
  std::vector<float> lb(layers * h);
  for (size_t k = 0; k < h; ++k) {
    float max_raw = -INFINITY;
    for (size_t l = 0; l < layers; ++l) max_raw = std::max(max_raw, model.lower_bounds[l * h + k]);
    std::vector<float> p(layers);
    float sum = 0.0f;
    for (size_t l = 0; l < layers; ++l) {
      p[l] = std::exp(model.lower_bounds[l * h + k] - max_raw);
      sum += p[l];
    }
    float cumulative = 0.0f;
    for (size_t l = 0; l < layers; ++l) {
      p[l] /= sum;
      cumulative += p[l];
      lb[l * h + k] = cumulative - p[0];
    }
  }
  return lb;
}

}  // namespace mmf

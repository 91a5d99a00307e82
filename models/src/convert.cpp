// SPDX-License-Identifier: Apache-2.0
// Checkpoint conversion: ternarize once, pack, keep norms and the bf16 embedding.
#include "mmf/convert.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mmf/bf16.hpp"
#include "mmf/error.hpp"
#include "mmf/safetensors.hpp"
#include "mmf/tokenizer.hpp"

namespace mmf {
namespace {

namespace fs = std::filesystem;

std::vector<float> read_floats(const CheckpointTensors& ckpt, const std::string& name,
                               const std::vector<int64_t>& shape) {
  return read_checkpoint_floats(ckpt, name, shape);
}

BitLinearWeights convert_bitlinear(const CheckpointTensors& ckpt, const std::string& name,
                                   int64_t rows, int64_t cols, Packing packing) {
  BitLinearWeights bl;
  bl.norm = read_floats(ckpt, name + ".norm.weight", {cols});
  const Ternarized t = ternarize(read_floats(ckpt, name + ".weight", {rows, cols}));
  bl.weight.rows = rows;
  bl.weight.cols = cols;
  bl.weight.packing = packing;
  bl.weight.scale = t.scale;
  bl.weight.packed =
      pack_matrix(t.trits, static_cast<size_t>(rows), static_cast<size_t>(cols), packing);
  return bl;
}

}  // namespace

// Latent weights are bf16 in the released checkpoints; f32 re-saves are accepted too.
std::vector<float> read_checkpoint_floats(const CheckpointTensors& ckpt, const std::string& name,
                                          const std::vector<int64_t>& shape) {
  const SafetensorsFile& file = ckpt.file_of(name);
  const TensorInfo* t = file.find(name);
  if (t->dtype != DType::BF16 && t->dtype != DType::F32) {
    throw Error(file.path() + ": tensor '" + name + "' has dtype " + dtype_name(t->dtype) +
                ", expected BF16 (or F32)");
  }
  if (t->shape != shape) {
    throw Error(file.path() + ": tensor '" + name + "' has shape " + shape_string(t->shape) +
                ", expected " + shape_string(shape));
  }
  std::vector<float> out(static_cast<size_t>(t->numel()));
  const uint8_t* src = file.data(*t);
  if (t->dtype == DType::F32) {
    std::memcpy(out.data(), src, out.size() * sizeof(float));
  } else {
    for (size_t k = 0; k < out.size(); ++k) {
      uint16_t bits;
      std::memcpy(&bits, src + 2 * k, 2);
      out[k] = bf16_to_float(bits);
    }
  }
  for (float v : out) {
    if (!std::isfinite(v)) throw Error(file.path() + ": tensor '" + name + "' holds NaN or inf");
  }
  return out;
}

Ternarized ternarize(const std::vector<float>& latent) {
  double sum = 0.0;
  for (float v : latent) sum += std::fabs(static_cast<double>(v));
  const double mean = latent.empty() ? 0.0 : sum / static_cast<double>(latent.size());
  Ternarized out;
  out.scale = std::max(static_cast<float>(mean), 1e-5f);
  const float inverse = 1.0f / out.scale;
  out.trits.resize(latent.size());
  for (size_t k = 0; k < latent.size(); ++k) {
    const float q = std::nearbyint(latent[k] * inverse);  // default mode: half to even
    out.trits[k] = static_cast<int8_t>(q > 0.0f ? 1 : (q < 0.0f ? -1 : 0));
  }
  return out;
}

Model convert_hf_checkpoint(const std::string& dir, Packing packing) {
  if (!fs::is_directory(dir)) throw Error(dir + ": not a directory (expected a checkpoint dir)");
  Model m;
  m.config = load_hf_config_json((fs::path(dir) / "config.json").string());
  if (m.config.architecture == Architecture::bitnet) return convert_bitnet_checkpoint(dir, packing);
  m.packing = packing;
  m.source = fs::path(dir).filename().string();
  if (m.source.empty()) m.source = dir;
  m.config.name = m.source;

  const fs::path tok_path = fs::path(dir) / "tokenizer.model";
  std::ifstream tok(tok_path, std::ios::binary);
  if (!tok) {
    throw Error(tok_path.string() +
                ": missing tokenizer (a SentencePiece tokenizer.model is "
                "required so the converted model works on its own)");
  }
  std::ostringstream tok_bytes;
  tok_bytes << tok.rdbuf();
  m.tokenizer_model = tok_bytes.str();
  if (m.tokenizer_model.empty()) throw Error(tok_path.string() + ": tokenizer file is empty");
  const int32_t pieces =
      make_sentencepiece_tokenizer(m.tokenizer_model, tok_path.string())->vocab_size();
  if (pieces > m.config.vocab_size) {
    throw Error(tok_path.string() + ": the tokenizer has " + std::to_string(pieces) +
                " pieces but config.json's vocab_size is " + std::to_string(m.config.vocab_size));
  }

  const CheckpointTensors ckpt = CheckpointTensors::open_dir(dir);
  const ModelConfig& c = m.config;
  const int64_t h = c.hidden_size, inter = c.intermediate_size;

  const std::vector<float> emb = read_floats(ckpt, "model.embeddings.weight", {c.vocab_size, h});
  m.embedding.resize(emb.size());
  for (size_t k = 0; k < emb.size(); ++k) m.embedding[k] = float_to_bf16(emb[k]);
  m.lower_bounds = read_floats(ckpt, "model.lower_bounds", {c.num_layers, h});
  m.layers.resize(static_cast<size_t>(c.num_layers));
  for (int64_t l = 0; l < c.num_layers; ++l) {
    LayerWeights& layer = m.layers[static_cast<size_t>(l)];
    const std::string p = "model.layers." + std::to_string(l) + ".";
    layer.attn_norm = read_floats(ckpt, p + "attn_norm.weight", {h});
    layer.i_proj = convert_bitlinear(ckpt, p + "attn.i_proj", h, h, packing);
    layer.f_proj = convert_bitlinear(ckpt, p + "attn.f_proj", h, h, packing);
    layer.g_proj = convert_bitlinear(ckpt, p + "attn.g_proj", h, h, packing);
    layer.g_norm = read_floats(ckpt, p + "attn.g_norm.weight", {h});
    layer.o_proj = convert_bitlinear(ckpt, p + "attn.o_proj", h, h, packing);
    layer.mlp_norm = read_floats(ckpt, p + "mlp_norm.weight", {h});
    layer.gate_proj = convert_bitlinear(ckpt, p + "mlp.gate_proj", 2 * inter, h, packing);
    layer.down_proj = convert_bitlinear(ckpt, p + "mlp.down_proj", h, inter, packing);
  }
  m.final_norm = read_floats(ckpt, "model.norm.weight", {h});
  m.lm_head = convert_bitlinear(ckpt, "lm_head", c.vocab_size, h, packing);
  return m;
}

}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// A converted model in memory: ternary weights (packed once, never re-quantized), per-tensor
// scales, norm weights, bf16 embedding and the tokenizer. Read and written as safetensors
// (docs/model-files.md); built at random for throughput work.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmf/model_config.hpp"
#include "mmf/ternary_pack.hpp"

namespace mmf {

// Version of the converted-model file format, stored in its metadata. Version 2 added the
// per-tensor CRC32C checksums (metadata 'checksums'); version 1 files must be converted again.
constexpr int kConvertedFormatVersion = 2;
constexpr const char* kConvertedFormatName = "mmf-converted";

// W ~= trits * scale, with scale = max(mean|W_latent|, 1e-5) (the released absmean rule).
struct TernaryTensor {
  int64_t rows = 0;
  int64_t cols = 0;
  Packing packing = Packing::two_bit;
  float scale = 1.0f;
  std::vector<uint8_t> packed;  // rows * packed_row_bytes(cols)
  size_t row_bytes() const { return packed_row_bytes(static_cast<size_t>(cols), packing); }
  const uint8_t* row(int64_t r) const {
    return packed.data() + static_cast<size_t>(r) * row_bytes();
  }
};

// A FusedBitLinear: its own RMSNorm weight (over the input) and ternary weights [out, in].
struct BitLinearWeights {
  std::vector<float> norm;
  TernaryTensor weight;
};

struct LayerWeights {
  std::vector<float> attn_norm;
  BitLinearWeights i_proj, f_proj, g_proj;
  std::vector<float> g_norm;
  BitLinearWeights o_proj;
  std::vector<float> mlp_norm;
  BitLinearWeights gate_proj;  // [2I, H]: rows [0, I) gate, [I, 2I) up
  BitLinearWeights down_proj;  // [H, I]
};

// One BitNet b1.58 decoder layer (reference/bitnet-model.md §2). The projections have no norm
// of their own: input_norm feeds q/k/v, attn_sub_norm feeds o, post_attn_norm feeds gate/up,
// ffn_sub_norm feeds down. KV = num_kv_heads * head_dim.
struct BitNetLayerWeights {
  std::vector<float> input_norm;         // input_layernorm [H]
  TernaryTensor q_proj, k_proj, v_proj;  // [H, H], [KV, H], [KV, H]
  std::vector<float> attn_sub_norm;      // [H], after attention, before o_proj
  TernaryTensor o_proj;                  // [H, H]
  std::vector<float> post_attn_norm;     // post_attention_layernorm [H]
  TernaryTensor gate_proj, up_proj;      // [I, H] each
  std::vector<float> ffn_sub_norm;       // [I], before down_proj
  TernaryTensor down_proj;               // [H, I]
};

// config.architecture decides which fields are filled: HGRNBit has lower_bounds, layers, lm_head
// and a SentencePiece tokenizer_model; BitNet has bitnet_layers and a tokenizer_json, and its head
// is the embedding.
struct Model {
  ModelConfig config;
  Packing packing = Packing::two_bit;
  std::vector<uint16_t> embedding;                // bf16 bits, [V, H]
  std::vector<float> lower_bounds;                // HGRNBit: raw parameter, [L, H]
  std::vector<LayerWeights> layers;               // HGRNBit
  std::vector<BitNetLayerWeights> bitnet_layers;  // BitNet
  std::vector<float> final_norm;
  BitLinearWeights lm_head;     // HGRNBit: [V, H]
  std::string tokenizer_model;  // HGRNBit: serialized SentencePiece model; empty if none
  std::string tokenizer_json;   // BitNet: Hugging Face tokenizer.json text; empty if none
  std::string source;           // where it came from, for reports
};

// Reads a converted model, validating format, version, every tensor's checksum, dtype and shape
// and every packed byte. Errors name the file and the tensor.
Model load_converted(const std::string& path);
// Only the config of a converted model, with the same format and version checks.
ModelConfig load_converted_config(const std::string& path);
// Writes atomically (temporary name, then rename): no partial file on failure. Records a CRC32C
// per tensor in the metadata ('checksums').
void save_converted(const Model& model, const std::string& path);
// Seeded random ternary weights (about 1/3 each of -1, 0, +1), unit norms, small embedding.
// For throughput work; `tokenizer_model` stays empty.
Model make_random_model(const ModelConfig& config, uint64_t seed, Packing packing);

// Identity of a model's contents: FNV-1a over its config, packing and the CRC32C of every tensor
// as save_converted would store it. Equal models have equal ids; a device image records it.
uint64_t model_id(const Model& model);

// Per-layer forget-gate lower bounds of the released code: p = softmax(raw, over layers),
// LB = cumsum(p) - p[0]; returns [L, H]. LB[0] is 0.
std::vector<float> forget_lower_bounds(const Model& model);

}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Float32 reference of BitNet b1.58 (transformers' modeling_bitnet.py with AutoBitLinear, as
// reference/bitnet-model.md §2 describes it) on a converted model, one decode step at a time
// with a KV cache. Like FloatModel for HGRNBit, it measures what the fixed-point golden model
// costs; it is not an integer engine.
#pragma once

#include <cstdint>
#include <vector>

#include "mmf/language_model.hpp"
#include "mmf/model.hpp"

namespace mmf {

// Two of the fixed-point model's storage choices applied alone to the float reference, to measure
// what each costs (docs/bitnet.md): K and V rounded to int8 codes with a per-head absmax as they
// enter the cache, and the head's rows rounded to int8 with a per-row absmax.
struct BitNetFloatOptions {
  bool int8_kv_cache = false;
  bool int8_head = false;
};

class BitNetFloatModel final : public LanguageModel {
 public:
  // Keeps a reference: `model` must outlive this object. Throws mmf::Error unless the model is
  // a BitNet model.
  explicit BitNetFloatModel(const Model& model, BitNetFloatOptions options = {});
  // Empties the KV cache: the next step is position 0.
  void reset() override;
  // Feeds the token at the next position. Throws mmf::Error naming the limit once the context
  // (max_position_embeddings) is full.
  const std::vector<float>& step(int32_t token) override;
  // Positions held in the KV cache.
  int64_t position() const { return position_; }

 private:
  // RMSNorm (fp32, eps from the config) then `* weight`.
  void rms_norm(const float* in, const std::vector<float>& weight, float* out) const;
  // Per-token absmax int8 codes of `in` (round half to even, as torch.round); returns the
  // dequantization factor 1/s_x = max|in| / 127.
  float quantize(const float* in, size_t n);
  // out = (codes . trits) * scale / s_x over the tensor's rows.
  void ternary(const TernaryTensor& w, float inv_sx, float* out);
  // Rotates each head of `v` (heads x head_dim) by the angles of `position_`: pairs (i, i + d/2).
  void rope(float* v, int64_t heads) const;

  // v rounded to 127 levels of max|v| over each head of head_dim values (the int8 cache).
  void round_heads_to_int8(float* v, int64_t heads) const;

  const Model& model_;
  BitNetFloatOptions options_;
  int64_t position_ = 0;
  std::vector<float> head_rows_;  // with int8_head: the embedding's rows rounded, [V, H]
  std::vector<float> inv_freq_;   // [head_dim / 2]
  // KV cache, [layer][position][kv_heads * head_dim], grown as positions are added.
  std::vector<std::vector<float>> k_cache_, v_cache_;
  // Scratch, sized once.
  std::vector<float> x_, h_, q_, k_, v_, attn_, a_, gate_, up_, z_, y_, scores_, logits_;
  std::vector<int8_t> codes_;
  std::vector<int32_t> acc_;
};

}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Fixed-point golden model of BitNet b1.58 (docs/numerics.md, "BitNet b1.58"): one decode step
// composed of the golden units (fixed_units.hpp), with an int8 KV cache. Every integer engine
// that runs BitNet must match its logits bit for bit.
#pragma once

#include <cstdint>
#include <vector>

#include "mmf/fixed_params.hpp"
#include "mmf/language_model.hpp"
#include "mmf/model.hpp"

namespace mmf {

// The integer parameters of a BitNet model, compiled once on the host (float math only here).
struct FixedBitNetLayer {
  FixedBitLinear q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj;
};

struct FixedBitNetParams {
  std::vector<FixedBitNetLayer> layers;
  // The head tied to the embedding, as int8 rows: codes = round(127 E / max|E_row|), and per row
  // 2^16 * (max|E_row| / 127) * sqrt(H) * sigma_code / 127 with the final norm as code weight.
  std::vector<int16_t> head_w_code;
  std::vector<int8_t> head_codes;          // [V, H]
  std::vector<fx::Scaled> head_constants;  // [V]
  // 1 / (127^2 * sqrt(head_dim) * 2^16): a score's multiplier besides the two head scales.
  fx::Scaled score_constant{0, 0};
  // RoPE tables, [rows][head_dim / 2] signed Q16: low rows for p_lo < 2^kRopeLoBits, high rows
  // for p_hi = p >> kRopeLoBits up to the context.
  std::vector<int32_t> rope_lo_cos, rope_lo_sin, rope_hi_cos, rope_hi_sin;
};

// `model` must outlive the result. Throws mmf::Error for a model that is not BitNet or whose
// context exceeds 2^kMaxContextLog2 positions.
FixedBitNetParams compile_bitnet_fixed_params(const Model& model);

class BitNetFixedModel final : public LanguageModel {
 public:
  // Keeps a reference: `model` must outlive this object. The KV cache is allocated here, for the
  // model's whole context.
  explicit BitNetFixedModel(const Model& model);
  void reset() override;
  // Throws mmf::Error naming the limit once the context is full.
  const std::vector<float>& step(int32_t token) override;
  // The Q16 logits of the last step.
  const std::vector<int32_t>& logits_q16() const { return logits_q16_; }
  int64_t position() const { return position_; }

 private:
  // codes_ and the token scale of p (RMSNorm weight `bl.w_code`), then out = the projection.
  fx::Scaled quantize(const int32_t* p, const FixedBitLinear& bl, int64_t n);
  void project(const FixedBitLinear& bl, fx::Scaled token_scale, int32_t* out);

  const Model& model_;
  FixedBitNetParams params_;
  int64_t position_ = 0;
  // KV cache: [layer][position][kv_heads * head_dim] int8 codes, [layer][position][kv_heads]
  // absmax scales (Q16).
  std::vector<int8_t> k_codes_, v_codes_;
  std::vector<uint32_t> k_amax_, v_amax_;
  // Scratch, sized once (no allocation per token).
  std::vector<int32_t> x_, q_, k_, v_, attn_, a_, gate_, up_, square_, z_, acc_, logits_q16_;
  std::vector<int32_t> cos_, sin_, scores_;
  std::vector<uint32_t> weights_;
  std::vector<int8_t> codes_, q_codes_;
  std::vector<float> logits_;
};

}  // namespace mmf

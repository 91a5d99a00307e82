// SPDX-License-Identifier: Apache-2.0
// Fixed-point golden model of BitNet b1.58 (docs/numerics.md, "BitNet b1.58"): one decode step
// composed of the golden units (fixed_units.hpp), with an int8 KV cache. Every integer engine
// that runs BitNet must match its logits bit for bit.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
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

// Bytes the fixed-point KV cache holds per position of context: int8 codes plus a 4-byte scale
// per head, K and V, all layers (docs/numerics.md).
int64_t bitnet_kv_bytes_per_position(const ModelConfig& config);

// The deterministic cache entries of a context fill (BitNetFixedModel::fill_context, and the
// accelerator's, which writes the same entries into its cache): for each layer and position
// below `positions`, in that order, the K and V codes of every KV head (num_kv_heads x head_dim
// each) and each KV head's K and V scales (num_kv_heads each), from one generator of `seed`.
struct FilledPosition {
  const int8_t* k_codes;
  const int8_t* v_codes;
  const uint32_t* k_amax;
  const uint32_t* v_amax;
};
void generate_context_fill(
    const ModelConfig& config, int64_t positions, uint64_t seed,
    const std::function<void(int64_t layer, int64_t position, const FilledPosition&)>& sink);

// The decode step. Its heavy parts (the projections, attention over the cache, the head) are
// virtual: the golden units here; the cpu backend (BitNetCpuModel) runs the same parts on its
// SIMD kernels and thread pool, and everything else (the step's order, the quantizer, RoPE, the
// KV append, ReLU², the residual) is this class's, one definition for both.
class BitNetFixedModel : public LanguageModel {
 public:
  // Keeps a reference: `model` must outlive this object. The KV cache is allocated here, for the
  // model's whole context.
  explicit BitNetFixedModel(const Model& model);
  void reset() final;
  // Throws mmf::Error naming the limit once the context is full.
  const std::vector<float>& step(int32_t token) final;
  // The Q16 logits of the last step.
  const std::vector<int32_t>& logits_q16() const { return logits_q16_; }
  int64_t position() const { return position_; }

  // Starts the context at `positions` cached positions whose K and V entries are deterministic
  // pseudo-random codes and scales (seeded), not the model's: for measuring decode at a long
  // context without running its prefill. Throws mmf::Error past the context.
  void fill_context(int64_t positions, uint64_t seed);

 protected:
  // A projection of the current codes (codes_) into `out` (Q16).
  struct Projection {
    const FixedBitLinear* bl;
    int32_t* out;
  };
  // Up to three projections of one input (q/k/v, gate/up share its codes).
  virtual void project(std::initializer_list<Projection> projections, fx::Scaled token_scale);
  // Every query head of `layer` over the cache's position_ + 1 entries into attn_ (Q16).
  virtual void attention(size_t layer);
  // The head's logits (logits_q16_) from the final norm's codes (codes_).
  virtual void head(fx::Scaled token_scale);
  // Called after each quantization of an input of `n` values into codes_.
  virtual void codes_ready(int64_t n) { (void)n; }

  const Model& model_;
  FixedBitNetParams params_;
  int64_t position_ = 0;
  // KV cache: codes [layer][position][kv_heads * head_dim] int8, scales [layer][kv_head][position]
  // (the Q16 absmax of each head's values).
  std::vector<int8_t> k_codes_, v_codes_;
  std::vector<uint32_t> k_amax_, v_amax_;
  std::vector<int8_t> codes_;  // the current input's activation codes
  std::vector<int32_t> q_, attn_, logits_q16_;

 private:
  fx::Scaled quantize(const int32_t* p, const std::vector<int16_t>& w_code, int64_t n);

  // Scratch, sized once (no allocation per token).
  std::vector<int32_t> x_, k_, v_, a_, gate_, up_, square_, z_, acc_;
  std::vector<int32_t> cos_, sin_, scores_;
  std::vector<uint32_t> weights_;
  std::vector<int8_t> q_codes_;
  std::vector<float> logits_;
};

}  // namespace mmf

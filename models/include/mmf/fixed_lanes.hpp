// SPDX-License-Identifier: Apache-2.0
// The per-element formulas of the golden fixed-point units (fixed_units.hpp), written once: the
// golden loops (fixed_units.cpp) and the HLS vector units (hls/include/mmf_hls/) both call them,
// so a unit test of an HLS unit checks its loop and pass structure against the golden loop, and
// a formula cannot drift between the two.
//
// Plain integer C++ on numerics.hpp only: no heap, no exceptions, no standard containers, so HLS
// code includes it unchanged (each function is one lane of a vector unit's unrolled loop).
#pragma once

#include <cstdint>

#include "mmf/numerics.hpp"

namespace mmf::fx {

// ---- Norm + absmax + int8 quantize (fixed_units.hpp, quantize_activations) -------------------
// Precision of the reciprocal 127 / max|u|.
constexpr int kCodeShift = 32;
// |a >> sh| < 2^kSquareBits keeps each square below 2^30 and the sum of 2^24 squares below 2^54.
constexpr int kSquareBits = 15;

// A norm weight applied to one value: round(p * w / 2^15), saturated.
inline int32_t norm_weight_product(int32_t p, int16_t w) {
  return saturate32(shift_round(int64_t{p} * w, kNormWeightFrac));
}

// The shift of the sum of squares: the smallest sh >= 0 with |a >> sh| < 2^kSquareBits.
inline int quantize_shift(uint64_t a_max) {
  const int sh = bit_length(a_max) - kSquareBits;
  return sh > 0 ? sh : 0;
}

// One value's term of the sum of squares: (a >> sh)^2.
inline uint64_t quantize_square(int32_t a, int sh) {
  const int64_t v = int64_t{a} >> sh;
  return static_cast<uint64_t>(v * v);
}

// One reciprocal per vector, u_max > 0; |u| <= u_max keeps |u| * recip below 127 * 2^32.
inline uint64_t quantize_recip(uint64_t u_max) {
  return (uint64_t{kCodeMax} << kCodeShift) / u_max;
}

// The signed code of one product: round(|u| * 127 / u_max) with the sign of u.
inline int8_t quantize_code(int32_t u, uint64_t recip) {
  const uint64_t q = (magnitude(u) * recip + (uint64_t{1} << (kCodeShift - 1))) >> kCodeShift;
  const int32_t code = static_cast<int32_t>(q < uint64_t{kCodeMax} ? q : kCodeMax);
  return static_cast<int8_t>(u < 0 ? -code : code);
}

// The token scale max|u| / sqrt(sum_sq) * 2^-sh. sum_sq > 0 here: the largest |a| survives the
// shift with at least 14 bits (or is >= 1).
inline Scaled quantize_scale(uint64_t u_max, uint64_t sum_sq, int sh) {
  const Scaled r = rsqrt_u64(sum_sq);
  return normalize(Scaled{u_max * r.mant, r.exp - sh});
}

// ---- Rescale ---------------------------------------------------------------------------------
// The token scale times the tensor constant: normalize(normalize(t) * normalize(k)), one
// multiplier per BitLinear.
inline Scaled combine_scales(Scaled token_scale, Scaled tensor_constant) {
  const Scaled t = normalize(token_scale);
  const Scaled k = normalize(tensor_constant);
  return normalize(Scaled{t.mant * k.mant, t.exp + k.exp});
}

// ---- Block-scaled products (scaled_products, the o_proj and down_proj inputs) -----------------
// One product a * b >> sh, sh = product_shift(max|a|, max|b|) of the vector.
inline int32_t scaled_product(int32_t a, int32_t b, int sh) {
  return saturate32(shift_round(int64_t{a} * b, sh));
}

// ---- MLGRU -----------------------------------------------------------------------------------
// One channel's new state and its SiLU (the input of the o_proj products).
struct MlgruLane {
  int32_t state;
  int32_t silu_state;
};

// f = sigmoid(f_pre), lifted to lb + (1 - lb) * f when has_lower_bound (layers > 0);
// s = f * s + silu(i_pre) * (1 - f); silu_state = silu(s). Gates Q0.16, the rest Q16.
inline MlgruLane mlgru_lane(int32_t i_pre, int32_t f_pre, bool has_lower_bound,
                            uint32_t lower_bound, int32_t state) {
  int64_t f = sigmoid_q16(f_pre);
  if (has_lower_bound) {
    const int64_t lb = lower_bound;
    f = lb + shift_round((kOne - lb) * f, kGateFrac);
  }
  const int64_t input = shift_round(int64_t{silu_q16(i_pre)} * (kOne - f), kGateFrac);
  const int32_t s = saturate32(shift_round(f * state, kGateFrac) + input);
  return MlgruLane{s, silu_q16(s)};
}

// ---- Residual add ----------------------------------------------------------------------------
inline int32_t residual_add_lane(int32_t x, int32_t a) {
  return saturate32(int64_t{x} + a);
}

// ---- BitNet b1.58: RoPE (fixed_units.hpp, rope_angles and rope) ------------------------------
struct RopePair {
  int32_t a, b;  // cos and sin of an angle, or a rotated pair (v[j], v[j + half])
};

// cos and sin of p = p_hi * 2^kRopeLoBits + p_lo from its two table rows' entries.
inline RopePair rope_angle(int32_t hi_cos, int32_t hi_sin, int32_t lo_cos, int32_t lo_sin) {
  return RopePair{static_cast<int32_t>(
                      shift_round(int64_t{hi_cos} * lo_cos - int64_t{hi_sin} * lo_sin, kRopeFrac)),
                  static_cast<int32_t>(
                      shift_round(int64_t{hi_sin} * lo_cos + int64_t{hi_cos} * lo_sin, kRopeFrac))};
}

// The pair (x, y) = (v[j], v[j + half]) rotated by the angle (cos, sin).
inline RopePair rope_rotate(int32_t x, int32_t y, int32_t cos, int32_t sin) {
  return RopePair{saturate32(shift_round(int64_t{x} * cos - int64_t{y} * sin, kRopeFrac)),
                  saturate32(shift_round(int64_t{y} * cos + int64_t{x} * sin, kRopeFrac))};
}

// ---- BitNet b1.58: attention (fixed_units.hpp, attention_head) -------------------------------
// One position's score from its int8 dot product: the query's and the key's absmax times the
// normalized score constant c, one multiplier per position.
inline int32_t attention_score(int32_t qk, uint32_t q_amax, uint32_t k_amax, Scaled c) {
  const Scaled p = normalize(Scaled{uint64_t{q_amax} * k_amax, 0});
  const Scaled m = normalize(Scaled{p.mant * c.mant, p.exp + c.exp});
  return m.mant == 0 ? 0 : apply_scale(qk, m);
}

// A softmax numerator: exp of the score less the largest.
inline uint32_t attention_exp(int32_t score, int32_t max_score) {
  const int64_t x = int64_t{score} - max_score;
  return exp_q16(static_cast<int32_t>(x < INT32_MIN ? INT32_MIN : x));
}

// The shift that keeps w = e * amax_v >> sh_w below 2^kAttnWeightBits for the largest amax_v.
inline int attention_weight_shift(uint64_t v_max) {
  const int sh = bit_length(v_max) + kGateFrac + 1 - kAttnWeightBits;
  return sh > 0 ? sh : 0;
}

// One position's weight of its value row.
inline uint32_t attention_weight(uint32_t e, uint32_t v_amax, int sh_w) {
  return static_cast<uint32_t>(shift_round(int64_t{e} * v_amax, sh_w));
}

// The reciprocal of 127 S (S the sum of the numerators, > 0): floor(2^(16 + L) / (127 S)) in
// (2^16, 2^17], L = bitlen(127 S).
struct AttentionRecip {
  uint64_t recip;
  int l;
};
inline AttentionRecip attention_recip(uint64_t sum) {
  const uint64_t denominator = uint64_t{kCodeMax} * sum;
  const int l = bit_length(denominator);
  return AttentionRecip{(uint64_t{1} << (kActFrac + l)) / denominator, l};
}

// One output value from its accumulator sum_t w[t] * v[t][e].
inline int32_t attention_out(int64_t acc, AttentionRecip r, int sh_w) {
  return saturate32(shift_round(acc * static_cast<int64_t>(r.recip), kActFrac + r.l - sh_w));
}

}  // namespace mmf::fx

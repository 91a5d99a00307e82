// SPDX-License-Identifier: Apache-2.0
// Golden fixed-point units, one function per hardware unit (docs/numerics.md). The HLS units and
// RTL modules are tested against exactly these functions. Their per-element formulas are in
// fixed_lanes.hpp, which the HLS units call as well.
#pragma once

#include <cstdint>

#include "mmf/fixed_lanes.hpp"
#include "mmf/numerics.hpp"

namespace mmf::fx {

// Norm + absmax + int8 quantize unit. For a BitLinear input p (Q16) of n values:
//   a = p * w_rms / 2^15 (or p when w_rms is null),  u = p * w_code / 2^15
//   codes = round_half_away(127 * u / max|u|)  via one reciprocal per vector
//   token_scale = max|u| / sqrt(sum (a >> sh)^2) * 2^-sh   (sh keeps |a >> sh| < 2^15)
// The BitLinear's per-tensor constant supplies sqrt(n), the weight scales and 2^16.
// If max|u| or max|a| is 0 the codes are 0 and token_scale is 0.
struct Quantized {
  Scaled token_scale;
};
Quantized quantize_activations(const int32_t* p, const int16_t* w_rms, const int16_t* w_code,
                               int64_t n, int8_t* codes);

// The same quantizer in its three passes, for engines that split them over threads (the cpu
// backend); quantize_activations is exactly their composition over [0, n) (quantize_shift,
// quantize_recip and quantize_scale are in fixed_lanes.hpp):
//   1. quantize_products over every range: a = p * w_rms, u = p * w_code, and their maxima;
//   2. if either maximum is 0: codes 0, token_scale 0; else sh = quantize_shift(a_max),
//      sum_sq = sum of quantize_sum_sq over every range;
//   3. quantize_codes over every range with recip = quantize_recip(u_max);
//      token_scale = quantize_scale(u_max, sum_sq, sh).
// Maxima and sums are exact integers, so any split gives the same result.
struct QuantizeMaxima {
  uint64_t a_max = 0, u_max = 0;
};
QuantizeMaxima quantize_products(const int32_t* p, const int16_t* w_rms, const int16_t* w_code,
                                 int64_t begin, int64_t end, int32_t* a, int32_t* u);
uint64_t quantize_sum_sq(const int32_t* a, int sh, int64_t begin, int64_t end);
void quantize_codes(const int32_t* u, uint64_t recip, int64_t begin, int64_t end, int8_t* codes);

// combine_scales (the token scale with the tensor constant) is in fixed_lanes.hpp.

// Rescale unit: out[r] = apply_scale(acc[r], scale) for r < rows.
void rescale(const int32_t* acc, int64_t rows, Scaled scale, int32_t* out);

// Products that feed a BitLinear (o_proj, down_proj) are block-scaled: the BitLinear is
// invariant to the scale of its input, so out[k] = a[k] * b[k] >> sh keeps as many bits as
// fit in int32, with sh = max(0, bitlen(max|a|) + bitlen(max|b|) - kProductBits) bounding
// every product below 2^31 (Q32 exact when sh = 0); magnitude and product_shift are in
// numerics.hpp.
void scaled_products(const int32_t* a, const int32_t* b, int64_t n, int32_t* out);

// MLGRU unit, per channel k < n (all Q16 except gates Q0.16):
//   f = sigmoid(f_pre);  f = lb + (1 - lb) * f  when lower_bound is not null (layers > 0)
//   s = f * s + silu(i_pre) * (1 - f)                 (state, kept between tokens)
//   silu_state = silu(s)
//   p_o = scaled_products(g, silu_state)   (o_proj input; RMSNorm(g) cancels in o_proj)
void mlgru(const int32_t* i_pre, const int32_t* f_pre, const int32_t* g,
           const uint32_t* lower_bound, int64_t n, int32_t* state, int32_t* silu_state,
           int32_t* p_o);

// GLU unit: silu_gate = silu(gu[0:n]); z = scaled_products(silu_gate, gu[n:2n]) (down_proj input).
void glu(const int32_t* gu, int64_t n, int32_t* silu_gate, int32_t* z);

// Residual add unit: x[k] = saturate(x[k] + a[k]).
void residual_add(int32_t* x, const int32_t* a, int64_t n);

// ---- BitNet b1.58 units (fixed_bitnet_units.cpp; docs/numerics.md, "BitNet b1.58") ----------

// Head quantizer: codes[e] = round_half_away(127 * v[e] / amax) for one head of d values, with
// the quantizer's reciprocal (quantize_recip, quantize_code); returns amax = max|v| (Q16), the
// head's scale. amax 0 gives codes 0. Query heads and KV-cache entries use it.
uint32_t quantize_head(const int32_t* v, int64_t d, int8_t* codes);

// RoPE angle unit: cos/sin of position p = p_hi * 2^kRopeLoBits + p_lo for each of `half`
// frequencies, from rows p_lo of the low table and p_hi of the high table (signed Q16):
//   cos = shift_round(c_hi * c_lo - s_hi * s_lo, 16),  sin = shift_round(s_hi * c_lo + c_hi * s_lo,
//   16)
void rope_angles(const int32_t* lo_cos, const int32_t* lo_sin, const int32_t* hi_cos,
                 const int32_t* hi_sin, int64_t half, int64_t position, int32_t* cos, int32_t* sin);

// RoPE unit: rotates each of `heads` heads of d = 2 * half Q16 values in place, pairs (j, j +
// half):
//   v[j] = sat(shift_round(v[j] * cos[j] - v[j + half] * sin[j], 16))
//   v[j + half] = sat(shift_round(v[j + half] * cos[j] + v[j] * sin[j], 16))
void rope(int32_t* v, int64_t heads, int64_t half, const int32_t* cos, const int32_t* sin);

// Attention unit for one query head over `positions` cache entries (codes at stride `stride`
// int8 values apart; this head's KV head at offset 0):
//   scores  z[t] = apply_scale(sum_e q[e] * k[t][e], normalize(normalize(amax_q * amax_k[t])
//                  * score_constant))                                          Q16
//   softmax e[t] = exp_q16(z[t] - max z),  S = sum e[t]                          Q0.16, < 2^31
//   values  w[t] = shift_round(e[t] * amax_v[t], sh_w),  sh_w from max amax_v so w < 2^24
//           acc[d] = sum_t w[t] * v[t][d]                                         < 2^45
//           out[d] = sat(shift_round(acc[d] * recip, 16 + L - sh_w)),
//           L = bitlen(127 S), recip = floor(2^(16 + L) / (127 S))                Q16
// score_constant = 1 / (127^2 * sqrt(d) * 2^16) from the host. `scores` and `weights` are
// scratch of `positions` values. positions <= 2^kMaxContextLog2, d <= kMaxHeadDim.
// The unit's two inner loops can be handed in, so that an engine runs them on its own kernels
// while the algorithm stays this one: `dot` returns sum_e a[e] * b[e] over n int8 values, `row`
// adds w * v[e] to acc[e] for e < n (|w| < 2^24, so each product fits 32 bits). Null: the
// plain loops here.
using Int8DotFn = int32_t (*)(const int8_t* a, const int8_t* b, int64_t n);
using WeightedRowFn = void (*)(int64_t* acc, int32_t w, const int8_t* v, int64_t n);
void attention_head(const int8_t* q_codes, uint32_t q_amax, const int8_t* k_codes,
                    const uint32_t* k_amax, const int8_t* v_codes, const uint32_t* v_amax,
                    int64_t positions, int64_t d, int64_t stride, Scaled score_constant,
                    int32_t* scores, uint32_t* weights, int32_t* out, Int8DotFn dot = nullptr,
                    WeightedRowFn row = nullptr);

// ReLU² GLU unit: r = max(gate, 0); s = scaled_products(r, r); z = scaled_products(s, up). The
// down_proj BitLinear (after ffn_sub_norm) ignores its input's scale, so the shifts are dropped.
// `square` is scratch of n values.
void relu2_glu(const int32_t* gate, const int32_t* up, int64_t n, int32_t* square, int32_t* z);

// Head unit (BitNet's head tied to the embedding, as int8 rows): for each row r,
//   out[r] = apply_scale(sum_k codes[k] * weight[r][k], combine_scales(token_scale, constants[r]))
// |sum| <= 127^2 * cols < 2^31 for cols < 2^17.
void head_logits(const int8_t* codes, const int8_t* weight, const Scaled* constants, int64_t rows,
                 int64_t cols, Scaled token_scale, int32_t* out);

// Greedy sampling unit: the index of the largest of v[0..n), the first of equal ones (the rule
// of std::max_element, which the host's sampler applies to the same logits). n >= 1.
int64_t argmax(const int32_t* v, int64_t n);

}  // namespace mmf::fx

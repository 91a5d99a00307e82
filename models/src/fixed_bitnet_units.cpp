// SPDX-License-Identifier: Apache-2.0
// Golden fixed-point units of BitNet b1.58: head quantizer, RoPE, attention, ReLU² GLU.
#include <algorithm>

#include "mmf/fixed_lanes.hpp"
#include "mmf/fixed_units.hpp"

namespace mmf::fx {

uint32_t quantize_head(const int32_t* v, int64_t d, int8_t* codes) {
  uint64_t amax = 0;
  for (int64_t e = 0; e < d; ++e) amax = std::max(amax, magnitude(v[e]));
  if (amax == 0) {
    std::fill(codes, codes + d, int8_t{0});
    return 0;
  }
  const uint64_t recip = quantize_recip(amax);
  for (int64_t e = 0; e < d; ++e) codes[e] = quantize_code(v[e], recip);
  // amax <= 2^31 (|INT32_MIN|): it fits the 32-bit scale field.
  return static_cast<uint32_t>(amax);
}

void rope_angles(const int32_t* lo_cos, const int32_t* lo_sin, const int32_t* hi_cos,
                 const int32_t* hi_sin, int64_t half, int64_t position, int32_t* cos,
                 int32_t* sin) {
  const int64_t lo = position & ((int64_t{1} << kRopeLoBits) - 1);
  const int64_t hi = position >> kRopeLoBits;
  for (int64_t j = 0; j < half; ++j) {
    const RopePair r = rope_angle(hi_cos[hi * half + j], hi_sin[hi * half + j],
                                  lo_cos[lo * half + j], lo_sin[lo * half + j]);
    cos[j] = r.a;
    sin[j] = r.b;
  }
}

void rope(int32_t* v, int64_t heads, int64_t half, const int32_t* cos, const int32_t* sin) {
  for (int64_t h = 0; h < heads; ++h) {
    int32_t* x = v + h * 2 * half;
    for (int64_t j = 0; j < half; ++j) {
      const RopePair r = rope_rotate(x[j], x[j + half], cos[j], sin[j]);
      x[j] = r.a;
      x[j + half] = r.b;
    }
  }
}

namespace {

int32_t plain_dot(const int8_t* a, const int8_t* b, int64_t n) {
  int32_t dot = 0;
  for (int64_t e = 0; e < n; ++e) dot += int32_t{a[e]} * b[e];
  return dot;
}

void plain_weighted_row(int64_t* acc, int32_t w, const int8_t* v, int64_t n) {
  for (int64_t e = 0; e < n; ++e) acc[e] += w * int32_t{v[e]};  // |w v| < 2^31
}

}  // namespace

void attention_head(const int8_t* q_codes, uint32_t q_amax, const int8_t* k_codes,
                    const uint32_t* k_amax, const int8_t* v_codes, const uint32_t* v_amax,
                    int64_t positions, int64_t d, int64_t stride, Scaled score_constant,
                    int32_t* scores, uint32_t* weights, int32_t* out, Int8DotFn dot,
                    WeightedRowFn row) {
  if (dot == nullptr) dot = plain_dot;
  if (row == nullptr) row = plain_weighted_row;
  // Scores: an int8 dot product (|dot| < 127^2 * d) and one multiplier per position.
  const Scaled c = normalize(score_constant);
  int32_t max_score = INT32_MIN;
  for (int64_t t = 0; t < positions; ++t) {
    scores[t] = attention_score(dot(q_codes, k_codes + t * stride, d), q_amax, k_amax[t], c);
    max_score = std::max(max_score, scores[t]);
  }
  // Softmax numerators and their sum; the largest is exp(0) = 2^16.
  uint64_t sum = 0;
  uint64_t v_max = 0;
  for (int64_t t = 0; t < positions; ++t) {
    weights[t] = attention_exp(scores[t], max_score);
    sum += weights[t];
    v_max = std::max<uint64_t>(v_max, v_amax[t]);
  }
  // Weighted sum of the value codes with w = e * amax_v >> sh_w below 2^kAttnWeightBits.
  const int sh_w = attention_weight_shift(v_max);
  for (int64_t t = 0; t < positions; ++t) {
    weights[t] = attention_weight(weights[t], v_amax[t], sh_w);
  }
  const AttentionRecip recip = attention_recip(sum);  // sum > 0: the largest e is 2^16
  // Row by row through the cache (each entry read once, in order); integer sums, so the order
  // does not change them.
  int64_t acc[kMaxHeadDim] = {};
  for (int64_t t = 0; t < positions; ++t) {
    row(acc, static_cast<int32_t>(weights[t]), v_codes + t * stride, d);
  }
  for (int64_t e = 0; e < d; ++e) out[e] = attention_out(acc[e], recip, sh_w);
}

void relu2_glu(const int32_t* gate, const int32_t* up, int64_t n, int32_t* square, int32_t* z) {
  for (int64_t k = 0; k < n; ++k) square[k] = std::max(gate[k], 0);
  scaled_products(square, square, n, square);
  scaled_products(square, up, n, z);
}

void head_logits(const int8_t* codes, const int8_t* weight, const Scaled* constants, int64_t rows,
                 int64_t cols, Scaled token_scale, int32_t* out) {
  for (int64_t r = 0; r < rows; ++r) {
    const int8_t* w = weight + r * cols;
    int32_t acc = 0;
    for (int64_t k = 0; k < cols; ++k) acc += int32_t{codes[k]} * w[k];
    out[r] = apply_scale(acc, combine_scales(token_scale, constants[r]));
  }
}

}  // namespace mmf::fx

// SPDX-License-Identifier: Apache-2.0
// Golden fixed-point units.
#include "mmf/fixed_units.hpp"

#include <algorithm>
#include <cstdlib>

namespace mmf::fx {
namespace {

constexpr int kCodeShift = 32;   // reciprocal precision of the quantizer
constexpr int kSquareBits = 15;  // |a >> sh| < 2^15 before squaring

int32_t weight_product(int32_t p, const int16_t* w, int64_t k) {
  return w == nullptr ? p : saturate32(shift_round(int64_t{p} * w[k], kNormWeightFrac));
}

// The signed code of one product: round(|u| * 127 / u_max) with the sign of u.
int32_t code_of(int32_t u, uint64_t recip) {
  const uint64_t q = (magnitude(u) * recip + (uint64_t{1} << (kCodeShift - 1))) >> kCodeShift;
  const int32_t code = static_cast<int32_t>(std::min<uint64_t>(q, kCodeMax));
  return u < 0 ? -code : code;
}

}  // namespace

QuantizeMaxima quantize_products(const int32_t* p, const int16_t* w_rms, const int16_t* w_code,
                                 int64_t begin, int64_t end, int32_t* a, int32_t* u) {
  QuantizeMaxima m;
  for (int64_t k = begin; k < end; ++k) {
    a[k] = weight_product(p[k], w_rms, k);
    u[k] = weight_product(p[k], w_code, k);
    m.a_max = std::max(m.a_max, magnitude(a[k]));
    m.u_max = std::max(m.u_max, magnitude(u[k]));
  }
  return m;
}

int quantize_shift(uint64_t a_max) {
  return std::max(0, bit_length(a_max) - kSquareBits);
}

uint64_t quantize_sum_sq(const int32_t* a, int sh, int64_t begin, int64_t end) {
  uint64_t sum_sq = 0;
  for (int64_t k = begin; k < end; ++k) {
    const int64_t v = int64_t{a[k]} >> sh;
    sum_sq += static_cast<uint64_t>(v * v);
  }
  return sum_sq;
}

// One reciprocal per vector; |u| <= u_max keeps |u| * recip below 127 * 2^32.
uint64_t quantize_recip(uint64_t u_max) {
  return (uint64_t{kCodeMax} << kCodeShift) / u_max;
}

void quantize_codes(const int32_t* u, uint64_t recip, int64_t begin, int64_t end, int8_t* codes) {
  for (int64_t k = begin; k < end; ++k) codes[k] = static_cast<int8_t>(code_of(u[k], recip));
}

// sum_sq > 0 here: the largest |a| survives the shift with at least 14 bits (or is >= 1).
Scaled quantize_scale(uint64_t u_max, uint64_t sum_sq, int sh) {
  const Scaled r = rsqrt_u64(sum_sq);
  return normalize(Scaled{u_max * r.mant, r.exp - sh});
}

Quantized quantize_activations(const int32_t* p, const int16_t* w_rms, const int16_t* w_code,
                               int64_t n, int8_t* codes) {
  uint64_t a_max = 0, u_max = 0;
  for (int64_t k = 0; k < n; ++k) {
    a_max = std::max(a_max, magnitude(weight_product(p[k], w_rms, k)));
    u_max = std::max(u_max, magnitude(weight_product(p[k], w_code, k)));
  }
  if (a_max == 0 || u_max == 0) {
    std::fill(codes, codes + n, int8_t{0});
    return Quantized{Scaled{0, 0}};
  }
  const int sh = quantize_shift(a_max);
  uint64_t sum_sq = 0;
  for (int64_t k = 0; k < n; ++k) {
    const int64_t a = int64_t{weight_product(p[k], w_rms, k)} >> sh;
    sum_sq += static_cast<uint64_t>(a * a);
  }
  const uint64_t recip = quantize_recip(u_max);
  for (int64_t k = 0; k < n; ++k) {
    codes[k] = static_cast<int8_t>(code_of(weight_product(p[k], w_code, k), recip));
  }
  return Quantized{quantize_scale(u_max, sum_sq, sh)};
}

Scaled combine_scales(Scaled token_scale, Scaled tensor_constant) {
  const Scaled t = normalize(token_scale);
  const Scaled k = normalize(tensor_constant);
  return normalize(Scaled{t.mant * k.mant, t.exp + k.exp});
}

void rescale(const int32_t* acc, int64_t rows, Scaled scale, int32_t* out) {
  for (int64_t r = 0; r < rows; ++r) out[r] = apply_scale(acc[r], scale);
}

void scaled_products(const int32_t* a, const int32_t* b, int64_t n, int32_t* out) {
  uint64_t max_a = 0, max_b = 0;
  for (int64_t k = 0; k < n; ++k) {
    max_a = std::max(max_a, magnitude(a[k]));
    max_b = std::max(max_b, magnitude(b[k]));
  }
  const int sh = product_shift(max_a, max_b);
  for (int64_t k = 0; k < n; ++k) out[k] = saturate32(shift_round(int64_t{a[k]} * b[k], sh));
}

void mlgru(const int32_t* i_pre, const int32_t* f_pre, const int32_t* g,
           const uint32_t* lower_bound, int64_t n, int32_t* state, int32_t* silu_state,
           int32_t* p_o) {
  for (int64_t k = 0; k < n; ++k) {
    int64_t f = sigmoid_q16(f_pre[k]);
    if (lower_bound != nullptr) {
      const int64_t lb = lower_bound[k];
      f = lb + shift_round((kOne - lb) * f, kGateFrac);
    }
    const int64_t input = shift_round(int64_t{silu_q16(i_pre[k])} * (kOne - f), kGateFrac);
    state[k] = saturate32(shift_round(f * state[k], kGateFrac) + input);
    silu_state[k] = silu_q16(state[k]);
  }
  scaled_products(g, silu_state, n, p_o);
}

void glu(const int32_t* gu, int64_t n, int32_t* silu_gate, int32_t* z) {
  for (int64_t k = 0; k < n; ++k) silu_gate[k] = silu_q16(gu[k]);
  scaled_products(silu_gate, gu + n, n, z);
}

void residual_add(int32_t* x, const int32_t* a, int64_t n) {
  for (int64_t k = 0; k < n; ++k) x[k] = saturate32(int64_t{x[k]} + a[k]);
}

int64_t argmax(const int32_t* v, int64_t n) {
  int64_t best = 0;
  for (int64_t k = 1; k < n; ++k) {
    if (v[k] > v[best]) best = k;
  }
  return best;
}

}  // namespace mmf::fx

// SPDX-License-Identifier: Apache-2.0
// Golden fixed-point units.
#include "mmf/fixed_units.hpp"

#include <algorithm>
#include <cstdlib>

namespace mmf::fx {
namespace {

// p * w[k] / 2^15, or p when there is no norm weight.
int32_t weight_product(int32_t p, const int16_t* w, int64_t k) {
  return w == nullptr ? p : norm_weight_product(p, w[k]);
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

uint64_t quantize_sum_sq(const int32_t* a, int sh, int64_t begin, int64_t end) {
  uint64_t sum_sq = 0;
  for (int64_t k = begin; k < end; ++k) sum_sq += quantize_square(a[k], sh);
  return sum_sq;
}

void quantize_codes(const int32_t* u, uint64_t recip, int64_t begin, int64_t end, int8_t* codes) {
  for (int64_t k = begin; k < end; ++k) codes[k] = quantize_code(u[k], recip);
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
  for (int64_t k = 0; k < n; ++k) sum_sq += quantize_square(weight_product(p[k], w_rms, k), sh);
  const uint64_t recip = quantize_recip(u_max);
  for (int64_t k = 0; k < n; ++k) codes[k] = quantize_code(weight_product(p[k], w_code, k), recip);
  return Quantized{quantize_scale(u_max, sum_sq, sh)};
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
  for (int64_t k = 0; k < n; ++k) out[k] = scaled_product(a[k], b[k], sh);
}

void mlgru(const int32_t* i_pre, const int32_t* f_pre, const int32_t* g,
           const uint32_t* lower_bound, int64_t n, int32_t* state, int32_t* silu_state,
           int32_t* p_o) {
  const bool has_lower_bound = lower_bound != nullptr;
  for (int64_t k = 0; k < n; ++k) {
    const MlgruLane lane = mlgru_lane(i_pre[k], f_pre[k], has_lower_bound,
                                      has_lower_bound ? lower_bound[k] : 0, state[k]);
    state[k] = lane.state;
    silu_state[k] = lane.silu_state;
  }
  scaled_products(g, silu_state, n, p_o);
}

void glu(const int32_t* gu, int64_t n, int32_t* silu_gate, int32_t* z) {
  for (int64_t k = 0; k < n; ++k) silu_gate[k] = silu_q16(gu[k]);
  scaled_products(silu_gate, gu + n, n, z);
}

void residual_add(int32_t* x, const int32_t* a, int64_t n) {
  for (int64_t k = 0; k < n; ++k) x[k] = residual_add_lane(x[k], a[k]);
}

int64_t argmax(const int32_t* v, int64_t n) {
  int64_t best = 0;
  for (int64_t k = 1; k < n; ++k) {
    if (v[k] > v[best]) best = k;
  }
  return best;
}

}  // namespace mmf::fx

// SPDX-License-Identifier: Apache-2.0
// Norm + absmax + int8 quantize unit: the front half of a BitLinear (docs/numerics.md,
// "BitLinear"; golden: mmf::fx::quantize_activations). Three passes over the input, Cfg::
// vector_lanes values per cycle: maxima, sum of squares, codes. One reciprocal and one rsqrt
// per vector, none per value.
#pragma once

#include <cstdint>

#include "mmf/fixed_lanes.hpp"
#include "mmf_hls/vector_loop.hpp"

namespace mmf_hls {

// Quantizes p[0..n) to codes[0..n) and returns the token scale; the formulas are the golden
// lanes of fixed_lanes.hpp (norm_weight_product, quantize_square, quantize_code, ...). w_rms is
// used only when has_rms.
template <class Cfg>
mmf::fx::Scaled norm_quantize(const int32_t* p, bool has_rms, const int16_t* w_rms,
                              const int16_t* w_code, uint32_t n, int8_t* codes) {
  using namespace mmf::fx;
  const auto rms_product = [&](uint32_t k) {
    return has_rms ? norm_weight_product(p[k], w_rms[k]) : p[k];
  };
  const auto code_product = [&](uint32_t k) { return norm_weight_product(p[k], w_code[k]); };

  uint64_t a_max = 0, u_max = 0;
  vector_loop<Cfg>(n, [&](uint32_t k) {
    const uint64_t a = magnitude(rms_product(k));
    const uint64_t u = magnitude(code_product(k));
    a_max = a > a_max ? a : a_max;
    u_max = u > u_max ? u : u_max;
  });
  if (a_max == 0 || u_max == 0) {
    vector_loop<Cfg>(n, [&](uint32_t k) { codes[k] = 0; });
    return Scaled{0, 0};
  }
  const int sh = quantize_shift(a_max);
  uint64_t sum_sq = 0;
  vector_loop<Cfg>(n, [&](uint32_t k) { sum_sq += quantize_square(rms_product(k), sh); });
  const uint64_t recip = quantize_recip(u_max);
  vector_loop<Cfg>(n, [&](uint32_t k) { codes[k] = quantize_code(code_product(k), recip); });
  return quantize_scale(u_max, sum_sq, sh);
}

}  // namespace mmf_hls

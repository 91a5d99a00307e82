// SPDX-License-Identifier: Apache-2.0
// Norm + absmax + int8 quantize unit: the front half of a BitLinear (docs/numerics.md,
// "BitLinear"; golden: mmf::fx::quantize_activations). Three passes over the input, Cfg::
// vector_lanes values per cycle: maxima, sum of squares, codes. One reciprocal and one rsqrt
// per vector, none per value.
#pragma once

#include <cstdint>

#include "mmf/numerics.hpp"
#include "mmf_hls/vector_loop.hpp"

namespace mmf_hls {

// round(p * w / 2^15), saturated; with has_w false the weight is 1.
inline int32_t norm_weight_product(int32_t p, bool has_w, int16_t w) {
  return has_w ? mmf::fx::saturate32(mmf::fx::shift_round(int64_t{p} * w, mmf::fx::kNormWeightFrac))
               : p;
}

// Quantizes p[0..n) to codes[0..n) and returns the token scale; see fixed_units.hpp for the
// formulas. w_rms is used only when has_rms.
template <class Cfg>
mmf::fx::Scaled norm_quantize(const int32_t* p, bool has_rms, const int16_t* w_rms,
                              const int16_t* w_code, uint32_t n, int8_t* codes) {
  using namespace mmf::fx;
  // Precision of the reciprocal 127 / max|u|.
  constexpr int code_shift = 32;
  // |a >> sh| < 2^15 keeps each square below 2^30 and the sum of 2^24 squares below 2^54.
  constexpr int square_bits = 15;

  const auto rms_product = [&](uint32_t k) {
    return norm_weight_product(p[k], has_rms, has_rms ? w_rms[k] : int16_t{0});
  };
  const auto code_product = [&](uint32_t k) { return norm_weight_product(p[k], true, w_code[k]); };

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
  const int a_bits = bit_length(a_max);
  const int sh = a_bits > square_bits ? a_bits - square_bits : 0;
  uint64_t sum_sq = 0;
  vector_loop<Cfg>(n, [&](uint32_t k) {
    const int64_t a = int64_t{rms_product(k)} >> sh;
    sum_sq += static_cast<uint64_t>(a * a);
  });
  const uint64_t recip = (uint64_t{kCodeMax} << code_shift) / u_max;
  vector_loop<Cfg>(n, [&](uint32_t k) {
    const int32_t u = code_product(k);
    const uint64_t q = (magnitude(u) * recip + (uint64_t{1} << (code_shift - 1))) >> code_shift;
    const int32_t code = static_cast<int32_t>(q < uint64_t{kCodeMax} ? q : kCodeMax);
    codes[k] = static_cast<int8_t>(u < 0 ? -code : code);
  });
  const Scaled r = rsqrt_u64(sum_sq);
  return normalize(Scaled{u_max * r.mant, r.exp - sh});
}

}  // namespace mmf_hls

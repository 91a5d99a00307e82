// SPDX-License-Identifier: Apache-2.0
// Block-scaled products feeding a BitLinear (o_proj and down_proj inputs): out = a * b >> sh
// with one shift per vector (fixed_units.hpp, scaled_products). Two passes: maxima, products.
#pragma once

#include <cstdint>

#include "mmf/numerics.hpp"

namespace mmf_hls {

template <class Cfg>
void scaled_products(const int32_t* a, const int32_t* b, uint32_t n, int32_t* out) {
  uint64_t max_a = 0, max_b = 0;
  for (uint32_t k0 = 0; k0 < n; k0 += Cfg::vector_lanes) {
#pragma HLS PIPELINE II = 1
    for (int j = 0; j < Cfg::vector_lanes; ++j) {
#pragma HLS UNROLL
      const uint32_t k = k0 + j;
      if (k < n) {
        const uint64_t ma = mmf::fx::magnitude(a[k]), mb = mmf::fx::magnitude(b[k]);
        max_a = ma > max_a ? ma : max_a;
        max_b = mb > max_b ? mb : max_b;
      }
    }
  }
  const int sh = mmf::fx::product_shift(max_a, max_b);
  for (uint32_t k0 = 0; k0 < n; k0 += Cfg::vector_lanes) {
#pragma HLS PIPELINE II = 1
    for (int j = 0; j < Cfg::vector_lanes; ++j) {
#pragma HLS UNROLL
      const uint32_t k = k0 + j;
      if (k < n) {
        out[k] = mmf::fx::saturate32(mmf::fx::shift_round(int64_t{a[k]} * b[k], sh));
      }
    }
  }
}

}  // namespace mmf_hls

// SPDX-License-Identifier: Apache-2.0
// Residual add unit (golden: mmf::fx::residual_add): x += a, saturating to int32.
#pragma once

#include <cstdint>

#include "mmf/numerics.hpp"

namespace mmf_hls {

template <class Cfg>
void residual_add(int32_t* x, const int32_t* a, uint32_t n) {
  for (uint32_t k0 = 0; k0 < n; k0 += Cfg::vector_lanes) {
#pragma HLS PIPELINE II = 1
    for (int j = 0; j < Cfg::vector_lanes; ++j) {
#pragma HLS UNROLL
      const uint32_t k = k0 + j;
      if (k < n) x[k] = mmf::fx::saturate32(int64_t{x[k]} + a[k]);
    }
  }
}

}  // namespace mmf_hls

// SPDX-License-Identifier: Apache-2.0
// Residual add unit (golden: mmf::fx::residual_add): x += a, saturating to int32.
#pragma once

#include <cstdint>

#include "mmf/fixed_lanes.hpp"
#include "mmf_hls/vector_loop.hpp"

namespace mmf_hls {

template <class Cfg>
void residual_add(int32_t* x, const int32_t* a, uint32_t n) {
  vector_loop<Cfg>(n, [&](uint32_t k) { x[k] = mmf::fx::residual_add_lane(x[k], a[k]); });
}

}  // namespace mmf_hls

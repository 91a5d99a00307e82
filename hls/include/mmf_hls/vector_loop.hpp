// SPDX-License-Identifier: Apache-2.0
// The loop every vector unit is built on: body(k) for k < n, Cfg::vector_lanes values per cycle
// (pipelined over groups, unrolled within a group, the tail of the last group masked). The
// arrays body(k) touches are read Cfg::vector_lanes consecutive values a cycle: their owner
// partitions them cyclically by that factor (controller.hpp, run_program).
#pragma once

#include <cstdint>

namespace mmf_hls {

template <class Cfg, class Body>
void vector_loop(uint32_t n, Body&& body) {
  [[maybe_unused]] constexpr int kMaxGroups = Cfg::max_vector / Cfg::vector_lanes;
vector_groups:
  for (uint32_t k0 = 0; k0 < n; k0 += Cfg::vector_lanes) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxGroups
#pragma HLS PIPELINE II = 1
  vector_lanes:
    for (int j = 0; j < Cfg::vector_lanes; ++j) {
#pragma HLS UNROLL
      const uint32_t k = k0 + static_cast<uint32_t>(j);
      if (k < n) body(k);
    }
  }
}

}  // namespace mmf_hls

// SPDX-License-Identifier: Apache-2.0
// Greedy sampling unit (golden: mmf::fx::argmax; RTL: rtl/mmf/mmf_argmax.sv): the index of the
// largest of n int32 values at vec[addr..], the first of equal ones. The values come
// Cfg::vector_lanes a beat, as the vector bank's reader delivers them: each beat's largest (the
// lowest lane of equal ones) is found within the beat, then kept only if it is strictly larger
// than the largest so far, so an earlier beat wins a tie.
#pragma once

#include <cstdint>

#include "mmf_hls/program_format.hpp"

namespace mmf_hls {

template <class Cfg>
uint32_t argmax(const uint32_t* vec, uint32_t addr, uint32_t n) {
  uint32_t best_index = 0;
  int32_t best = 0;
  [[maybe_unused]] constexpr uint32_t kMaxBeats = kMaxRows / Cfg::vector_lanes;
argmax_beats:
  for (uint32_t k0 = 0; k0 < n; k0 += Cfg::vector_lanes) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxBeats
#pragma HLS PIPELINE II = 1
    uint32_t beat_index = k0;
    int32_t beat_max = 0;
  argmax_lanes:
    for (int j = 0; j < Cfg::vector_lanes; ++j) {
#pragma HLS UNROLL
      const uint32_t k = k0 + static_cast<uint32_t>(j);
      if (k < n) {
        const auto v = static_cast<int32_t>(vec[addr + k]);
        if (j == 0 || v > beat_max) {
          beat_max = v;
          beat_index = k;
        }
      }
    }
    if (k0 == 0 || beat_max > best) {
      best = beat_max;
      best_index = beat_index;
    }
  }
  return best_index;
}

}  // namespace mmf_hls

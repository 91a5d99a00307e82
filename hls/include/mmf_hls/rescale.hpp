// SPDX-License-Identifier: Apache-2.0
// Rescale unit: the back half of a BitLinear. Each row sum times (token scale x tensor
// constant), rounded and saturated to Q16 (golden: mmf::fx::combine_scales, rescale), then
// stored.
#pragma once

#include <hls_stream.h>

#include <cstdint>

#include "mmf/fixed_lanes.hpp"
#include "mmf/numerics.hpp"
#include "mmf_hls/program_format.hpp"

namespace mmf_hls {

// normalize(normalize(token) * normalize(constant)): one multiplier per BitLinear, the golden
// function itself (fixed_lanes.hpp).
using mmf::fx::combine_scales;

// Reads `rows` sums and writes the rescaled outputs.
inline void rescale_rows(hls::stream<int32_t>& sums, uint32_t rows, mmf::fx::Scaled scale,
                         hls::stream<int32_t>& out) {
rescale_rows:
  for (uint32_t r = 0; r < rows; ++r) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxRows
#pragma HLS PIPELINE II = 1
    out.write(mmf::fx::apply_scale(sums.read(), scale));
  }
}

// Last stage of a BitLinear: the rows go to an on-chip buffer or, with to_memory (the lm_head),
// to vec[addr..addr + rows).
inline void store_rows(hls::stream<int32_t>& in, uint32_t rows, int32_t* buffer, uint32_t* vec,
                       bool to_memory, uint32_t addr) {
store_rows:
  for (uint32_t r = 0; r < rows; ++r) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxRows
#pragma HLS PIPELINE II = 1
    const int32_t v = in.read();
    if (to_memory) {
      vec[addr + r] = static_cast<uint32_t>(v);
    } else {
      buffer[r] = v;
    }
  }
}

}  // namespace mmf_hls

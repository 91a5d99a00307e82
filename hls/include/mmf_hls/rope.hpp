// SPDX-License-Identifier: Apache-2.0
// RoPE unit (golden: mmf::fx::rope_angles and rope; the lanes are fixed_lanes.hpp's rope_angle
// and rope_rotate): the angles of the pass's position from one row of each table in the vector
// bank, then every head of the buffer rotated in place, a pair (j, j + half) a lane.
#pragma once

#include <cstdint>

#include "mmf/fixed_lanes.hpp"
#include "mmf_hls/program_format.hpp"
#include "mmf_hls/vector_loop.hpp"

namespace mmf_hls {

static_assert(kRopeLoRows == (1u << mmf::fx::kRopeLoBits), "the low RoPE table of numerics.hpp");

// The Rope descriptor `d` at position p on buffer x (n values of n / head_dim heads).
template <class Cfg>
void rope(const uint32_t* vec, const uint32_t* d, uint32_t p, int32_t* x) {
  if constexpr (Cfg::attention) {
    using namespace mmf::fx;
    const uint32_t head_dim = d[kFieldHeadDim], half = head_dim / 2, n = d[kFieldN];
    const uint64_t lo = d[kFieldAddr0] + uint64_t{p % kRopeLoRows} * head_dim;
    const uint64_t hi = d[kFieldAddr2] + uint64_t{p / kRopeLoRows} * head_dim;
    int32_t cos[Cfg::max_head_dim / 2], sin[Cfg::max_head_dim / 2];
  rope_angles:
    for (uint32_t j = 0; j < half; ++j) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = Cfg::max_head_dim / 2
#pragma HLS PIPELINE II = 1
      const RopePair r =
          rope_angle(static_cast<int32_t>(vec[hi + j]), static_cast<int32_t>(vec[hi + half + j]),
                     static_cast<int32_t>(vec[lo + j]), static_cast<int32_t>(vec[lo + half + j]));
      cos[j] = r.a;
      sin[j] = r.b;
    }
    // Pair k of n / 2: head k / half, frequency k % half.
    vector_loop<Cfg>(n / 2, [&](uint32_t k) {
      const uint32_t j = k % half;
      int32_t* v = x + (k / half) * head_dim;
      const RopePair r = rope_rotate(v[j], v[j + half], cos[j], sin[j]);
      v[j] = r.a;
      v[j + half] = r.b;
    });
  } else {
    (void)vec, (void)d, (void)p, (void)x;
  }
}

}  // namespace mmf_hls

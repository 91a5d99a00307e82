// SPDX-License-Identifier: Apache-2.0
// MLGRU unit (docs/numerics.md, "MLGRU"; golden: mmf::fx::mlgru): forget gate with the
// per-layer lower bound, state update, SiLU of the state and the o_proj input products.
#pragma once

#include <cstdint>

#include "mmf/fixed_lanes.hpp"
#include "mmf_hls/scaled_products.hpp"
#include "mmf_hls/vector_loop.hpp"

namespace mmf_hls {

// Updates state[0..n) in place and writes p_o = block-scaled g * silu(state). silu_state is
// scratch of n values. lower_bound (Q0.16) is used only when has_lower_bound. Each channel is
// the golden lane mmf::fx::mlgru_lane (fixed_lanes.hpp).
template <class Cfg>
void mlgru(const int32_t* i_pre, const int32_t* f_pre, const int32_t* g, bool has_lower_bound,
           const uint32_t* lower_bound, uint32_t n, int32_t* state, int32_t* silu_state,
           int32_t* p_o) {
  vector_loop<Cfg>(n, [&](uint32_t k) {
    const mmf::fx::MlgruLane lane = mmf::fx::mlgru_lane(
        i_pre[k], f_pre[k], has_lower_bound, has_lower_bound ? lower_bound[k] : 0u, state[k]);
    state[k] = lane.state;
    silu_state[k] = lane.silu_state;
  });
  scaled_products<Cfg>(g, silu_state, n, p_o);
}

}  // namespace mmf_hls

// SPDX-License-Identifier: Apache-2.0
// MLGRU unit (docs/numerics.md, "MLGRU"; golden: mmf::fx::mlgru): forget gate with the
// per-layer lower bound, state update, SiLU of the state and the o_proj input products.
#pragma once

#include <cstdint>

#include "mmf/numerics.hpp"
#include "mmf_hls/scaled_products.hpp"
#include "mmf_hls/vector_loop.hpp"

namespace mmf_hls {

// Updates state[0..n) in place and writes p_o = block-scaled g * silu(state). silu_state is
// scratch of n values. lower_bound (Q0.16) is used only when has_lower_bound.
template <class Cfg>
void mlgru(const int32_t* i_pre, const int32_t* f_pre, const int32_t* g, bool has_lower_bound,
           const uint32_t* lower_bound, uint32_t n, int32_t* state, int32_t* silu_state,
           int32_t* p_o) {
  using namespace mmf::fx;
  vector_loop<Cfg>(n, [&](uint32_t k) {
    int64_t f = sigmoid_q16(f_pre[k]);
    if (has_lower_bound) {
      const int64_t lb = lower_bound[k];
      f = lb + shift_round((kOne - lb) * f, kGateFrac);
    }
    const int64_t input = shift_round(int64_t{silu_q16(i_pre[k])} * (kOne - f), kGateFrac);
    state[k] = saturate32(shift_round(f * state[k], kGateFrac) + input);
    silu_state[k] = silu_q16(state[k]);
  });
  scaled_products<Cfg>(g, silu_state, n, p_o);
}

}  // namespace mmf_hls

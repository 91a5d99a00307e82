// SPDX-License-Identifier: Apache-2.0
// GLU unit (golden: mmf::fx::glu): z = block-scaled silu(gate) * up for gu = [gate | up].
#pragma once

#include <cstdint>

#include "mmf/numerics.hpp"
#include "mmf_hls/scaled_products.hpp"
#include "mmf_hls/vector_loop.hpp"

namespace mmf_hls {

// gu holds 2n values; silu_gate is scratch of n values; z gets n values.
template <class Cfg>
void glu(const int32_t* gu, uint32_t n, int32_t* silu_gate, int32_t* z) {
  vector_loop<Cfg>(n, [&](uint32_t k) { silu_gate[k] = mmf::fx::silu_q16(gu[k]); });
  scaled_products<Cfg>(silu_gate, gu + n, n, z);
}

}  // namespace mmf_hls

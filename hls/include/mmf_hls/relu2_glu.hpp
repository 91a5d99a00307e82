// SPDX-License-Identifier: Apache-2.0
// ReLU² GLU unit (golden: mmf::fx::relu2_glu): r = max(gate, 0), s = scaled_products(r, r),
// z = scaled_products(s, up), through the block-scaled product unit twice.
#pragma once

#include <cstdint>

#include "mmf_hls/scaled_products.hpp"
#include "mmf_hls/vector_loop.hpp"

namespace mmf_hls {

// `square` is scratch of n values; z may not alias gate or up.
template <class Cfg>
void relu2_glu(const int32_t* gate, const int32_t* up, uint32_t n, int32_t* square, int32_t* z) {
  vector_loop<Cfg>(n, [&](uint32_t k) { square[k] = gate[k] > 0 ? gate[k] : 0; });
  scaled_products<Cfg>(square, square, n, square);
  scaled_products<Cfg>(square, up, n, z);
}

}  // namespace mmf_hls

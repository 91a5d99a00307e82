// SPDX-License-Identifier: Apache-2.0
// Block-scaled products feeding a BitLinear (o_proj and down_proj inputs): out = a * b >> sh
// with one shift per vector (fixed_units.hpp, scaled_products; the lane is fixed_lanes.hpp,
// scaled_product). Two passes: maxima, products.
#pragma once

#include <cstdint>

#include "mmf/fixed_lanes.hpp"
#include "mmf_hls/vector_loop.hpp"

namespace mmf_hls {

template <class Cfg>
void scaled_products(const int32_t* a, const int32_t* b, uint32_t n, int32_t* out) {
  using namespace mmf::fx;
  uint64_t max_a = 0, max_b = 0;
  vector_loop<Cfg>(n, [&](uint32_t k) {
    const uint64_t ma = magnitude(a[k]), mb = magnitude(b[k]);
    max_a = ma > max_a ? ma : max_a;
    max_b = mb > max_b ? mb : max_b;
  });
  const int sh = product_shift(max_a, max_b);
  vector_loop<Cfg>(n, [&](uint32_t k) { out[k] = scaled_product(a[k], b[k], sh); });
}

}  // namespace mmf_hls

// SPDX-License-Identifier: Apache-2.0
// int8 dot products: the scalar loop and the dispatch (int8_kernels.hpp).
#include "mmf/host/backends/cpu/int8_kernels.hpp"

namespace mmf::cpu {
namespace detail {
int32_t int8_dot_avx2(const int8_t* a, const int8_t* b, int64_t n);
void int8_weighted_row_avx2(int64_t* acc, int32_t w, const int8_t* v, int64_t n);
}  // namespace detail

int32_t int8_dot(Isa isa, const int8_t* a, const int8_t* b, int64_t n) {
  if (isa != Isa::scalar) return detail::int8_dot_avx2(a, b, n);
  int32_t sum = 0;
  for (int64_t k = 0; k < n; ++k) sum += int32_t{a[k]} * b[k];
  return sum;
}

fx::Int8DotFn attention_dot_kernel(Isa isa) {
  return isa == Isa::scalar ? nullptr : detail::int8_dot_avx2;
}

fx::WeightedRowFn attention_row_kernel(Isa isa) {
  return isa == Isa::scalar ? nullptr : detail::int8_weighted_row_avx2;
}

}  // namespace mmf::cpu

// SPDX-License-Identifier: Apache-2.0
// Signed int8 dot products for the cpu backend: the rows of BitNet's head (int8 rows of the
// embedding, bitnet_fixed_model.hpp) against the head's activation codes. Exact int32 sums, equal
// to the scalar loop for every length and instruction set (AVX2: bytes widened to 16 bits,
// vpmaddwd into 32-bit lanes; AVX-512 machines take the AVX2 path).
#pragma once

#include <cstdint>

#include "mmf/host/backends/cpu/ternary_kernels.hpp"

namespace mmf::cpu {

// sum_k a[k] * b[k]; n < 2^17 keeps the sum inside int32 (|a b| <= 2^14).
int32_t int8_dot(Isa isa, const int8_t* a, const int8_t* b, int64_t n);

}  // namespace mmf::cpu

// SPDX-License-Identifier: Apache-2.0
// Signed int8 kernels for the cpu backend: dot products for the rows of BitNet's head (int8 rows
// of the embedding, bitnet_fixed_model.hpp) and attention's scores, and attention's weighted rows.
// Exact int32 sums, equal to the scalar loop for every length and instruction set (AVX2: bytes
// widened to 16 bits, vpmaddwd into 32-bit lanes; AVX-512 machines take the AVX2 path).
#pragma once

#include <cstdint>

#include "mmf/fixed_units.hpp"
#include "mmf/host/backends/cpu/ternary_kernels.hpp"

namespace mmf::cpu {

// sum_k a[k] * b[k]; n < 2^17 keeps the sum inside int32 (|a b| <= 2^14).
int32_t int8_dot(Isa isa, const int8_t* a, const int8_t* b, int64_t n);

// The inner loops of the attention unit (fx::attention_head) for `isa`: the int8 dot product
// above, and acc[e] += w * v[e] over int8 v with 64-bit sums (|w| < 2^24; AVX2: 32-bit products
// widened to 64 bits). Scalar: null, the unit's own loops.
fx::Int8DotFn attention_dot_kernel(Isa isa);
fx::WeightedRowFn attention_row_kernel(Isa isa);

}  // namespace mmf::cpu

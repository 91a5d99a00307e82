// SPDX-License-Identifier: Apache-2.0
// The per-instruction-set matvec loops behind ternary_kernels.hpp; each SIMD file is compiled
// with its own target flags and only called after a CPU check.
#pragma once

#include "mmf/host/cpu/ternary_kernels.hpp"

namespace mmf::cpu::detail {

// Block geometry of a path: G packed bytes unpack to F fields each, F * G codes per block,
// code position k * G + j holding trit F * j + k of the block.
struct BlockShape {
  int bytes;   // G
  int fields;  // F: trits per byte
};
BlockShape block_shape(Isa isa, Packing packing);

// acc[r - begin] = sum_k t_k c_k over the prepared codes (`code_sum`: their sum).
void dots_avx2(const TernaryRows& w, const int8_t* codes, int32_t code_sum, int64_t blocks,
               int64_t begin, int64_t end, int32_t* acc);
void dots_avx512(const TernaryRows& w, const int8_t* codes, int32_t code_sum, int64_t blocks,
                 int64_t begin, int64_t end, int32_t* acc);

}  // namespace mmf::cpu::detail

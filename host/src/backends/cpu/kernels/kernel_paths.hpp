// SPDX-License-Identifier: Apache-2.0
// The per-instruction-set matvec loops behind ternary_kernels.hpp; each SIMD file is compiled
// with its own target flags and only called after a CPU check.
#pragma once

#include <type_traits>

#include "mmf/host/backends/cpu/ternary_kernels.hpp"

namespace mmf::cpu::detail {

// Block geometry of a path: G packed bytes unpack to F fields each, F * G codes per block,
// code position k * G + j holding trit F * j + k of the block.
struct BlockShape {
  int bytes;   // G
  int fields;  // F: trits per byte
};
BlockShape block_shape(Isa isa, Packing packing);

// sum_k t_k x_k over one packed row, decoded by arithmetic (the scalar path; unprepared codes).
int32_t scalar_row_dot(const uint8_t* row, Packing packing, int64_t cols, const int8_t* x);

// acc[r - begin] = sum_k t_k c_k over the prepared codes (`code_sum`: their sum).
void dots_avx2(const TernaryRows& w, const int8_t* codes, int32_t code_sum, int64_t blocks,
               int64_t begin, int64_t end, int32_t* acc);
void dots_avx512(const TernaryRows& w, const int8_t* codes, int32_t code_sum, int64_t blocks,
                 int64_t begin, int64_t end, int32_t* acc);

// R rows of a matrix as one path's loops see them.
struct RowBlock {
  const uint8_t* const* row;  // R row starts
  const int8_t* codes;        // prepared
  int32_t code_sum;
  int64_t blocks;     // code blocks per row
  int64_t row_bytes;  // packed bytes read per row
  size_t row_stride;
};

// Rows [begin, end) through Path::two_bit<N> or Path::five_trit<N>(const RowBlock&, out): in
// blocks of R rows that share each load of the codes, then one row at a time. Each SIMD file
// instantiates it with its own Path, under its own target flags.
template <class Path, int R>
void dots_by_row_blocks(const TernaryRows& w, const int8_t* codes, int32_t code_sum, int64_t blocks,
                        int64_t begin, int64_t end, int32_t* acc) {
  const auto row_bytes = static_cast<int64_t>(packed_row_bytes(w.cols, w.packing));
  auto run = [&](auto rows, int64_t first) {
    constexpr int kRows = decltype(rows)::value;
    const uint8_t* row[kRows];
    for (int r = 0; r < kRows; ++r) row[r] = w.data + static_cast<size_t>(first + r) * w.row_stride;
    const RowBlock b{row, codes, code_sum, blocks, row_bytes, w.row_stride};
    if (w.packing == Packing::two_bit) {
      Path::template two_bit<kRows>(b, acc + first - begin);
    } else {
      Path::template five_trit<kRows>(b, acc + first - begin);
    }
  };
  int64_t r = begin;
  for (; r + R <= end; r += R) run(std::integral_constant<int, R>{}, r);
  for (; r < end; ++r) run(std::integral_constant<int, 1>{}, r);
}

}  // namespace mmf::cpu::detail

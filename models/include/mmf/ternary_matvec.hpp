// SPDX-License-Identifier: Apache-2.0
// The golden ternary matrix-vector product: int8 codes x packed trits -> int32 accumulators.
// Exact integer arithmetic; every engine must produce the same accumulators.
#pragma once

#include <cstdint>

#include "mmf/model.hpp"

namespace mmf {

// sum_k codes[k] * trit[k] over one packed row of `cols` trits.
inline int32_t ternary_row_dot(const uint8_t* row, Packing packing, int64_t cols,
                               const int8_t* codes) {
  const TritDecodeTable& table = trit_decode_table(packing);
  const int per = trits_per_byte(packing);
  const int64_t full_bytes = cols / per;
  const int64_t tail = cols - full_bytes * per;
  int32_t sum = 0;
  const int8_t* x = codes;
  for (int64_t b = 0; b < full_bytes; ++b, x += per) {
    const int8_t* t = table.trits[row[b]];
    for (int k = 0; k < per; ++k) sum += t[k] * x[k];
  }
  if (tail > 0) {
    const int8_t* t = table.trits[row[full_bytes]];
    for (int64_t k = 0; k < tail; ++k) sum += t[k] * x[k];
  }
  return sum;
}

// acc[r] = sum_k codes[k] * W[r][k] for r in [row_begin, row_end).
inline void ternary_matvec(const TernaryTensor& w, const int8_t* codes, int32_t* acc,
                           int64_t row_begin, int64_t row_end) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    acc[r - row_begin] = ternary_row_dot(w.row(r), w.packing, w.cols, codes);
  }
}

}  // namespace mmf

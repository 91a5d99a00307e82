// SPDX-License-Identifier: Apache-2.0
// AVX-512 (F, BW, VL, VNNI) matvec loops; compiled with those target flags, called only when
// isa_supported(Isa::avx512). Four rows at a time share each load of the codes.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernel_paths.hpp"

namespace mmf::cpu::detail {
namespace {

constexpr int kRowBlock = 4;

// A DRAM-resident matrix: each block of rows is a few 4 KiB pages, and the hardware prefetchers
// stop at page boundaries, so the loads wait on DRAM; measured on this 2-core host, prefetching
// into L2 the same bytes of a row about 64 KiB ahead took a 16384 x 16384 matvec from about
// 23 to 30-38 GB/s (`mmf bench --op matvec`). Prefetches past the matrix end do not fault.
constexpr size_t kPrefetchBytes = size_t{64} << 10;

size_t prefetch_ahead(size_t row_stride, int rows_per_block) {
  const size_t rows = std::max<size_t>(static_cast<size_t>(rows_per_block),
                                       (kPrefetchBytes + row_stride - 1) / row_stride);
  return rows * row_stride;
}

// 2-bit: 64 packed bytes, no shifts. Field k of every byte is isolated in place, as
// u_k 4^k with u_k = f ^ 1 = 1 - t (00 -> 1, 01 -> 0, 11 -> 2) by one vpternlogd
// ((w ^ 0x55) & (3 << 2k)), at most 2 x 64 = 128, so vpdpbusd takes it as an unsigned byte.
// Field k has its own accumulator, whose sum is exactly 4^k sum_j u_kj c_kj; then
//   sum t c = sum c - sum_k (acc_k >> 2k),
template <int R>
void rows_2bit(const uint8_t* const* row, const int8_t* codes, int32_t code_sum, int64_t blocks,
               int64_t row_bytes, size_t ahead, int32_t* out) {
  const __m512i flip = _mm512_set1_epi8(0x55);
  const __m512i field[4] = {_mm512_set1_epi8(0x03), _mm512_set1_epi8(0x0C), _mm512_set1_epi8(0x30),
                            _mm512_set1_epi8(static_cast<char>(0xC0))};
  __m512i acc[R][4];
  for (int r = 0; r < R; ++r) {
    for (int k = 0; k < 4; ++k) acc[r][k] = _mm512_setzero_si512();
  }
  const int64_t full = row_bytes / 64;
  for (int64_t b = 0; b < blocks; ++b) {
    __m512i w[R];
    if (b < full) {
      for (int r = 0; r < R; ++r) {
        _mm_prefetch(reinterpret_cast<const char*>(row[r] + ahead + 64 * b), _MM_HINT_T1);
        w[r] = _mm512_loadu_si512(row[r] + 64 * b);
      }
    } else {  // the row's last bytes; masked-off bytes read as 0 (their codes are 0)
      const __mmask64 mask = (__mmask64{1} << (row_bytes - 64 * b)) - 1;
      for (int r = 0; r < R; ++r) w[r] = _mm512_maskz_loadu_epi8(mask, row[r] + 64 * b);
    }
    for (int k = 0; k < 4; ++k) {
      const __m512i x = _mm512_loadu_si512(codes + 256 * b + 64 * k);
      for (int r = 0; r < R; ++r) {
        // 0x28: (A ^ B) & C with A = w, B = 0x55.., C = the field mask.
        const __m512i u = _mm512_ternarylogic_epi32(w[r], flip, field[k], 0x28);
        acc[r][k] = _mm512_dpbusd_epi32(acc[r][k], u, x);
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    int32_t one_minus_t = 0;
    for (int k = 0; k < 4; ++k) one_minus_t += _mm512_reduce_add_epi32(acc[r][k]) >> (2 * k);
    out[r] = code_sum - one_minus_t;
  }
}

// 1.6-bit: base-3 digits of 64 packed bytes in 16-bit lanes; digit = v - 3 floor(v / 3) with
// floor(v / 3) = (v * 171) >> 9, exact for v < 256.
inline __m512i next_digit(__m512i& v) {
  const __m512i q = _mm512_srli_epi16(_mm512_mullo_epi16(v, _mm512_set1_epi16(171)), 9);
  const __m512i d = _mm512_sub_epi16(v, _mm512_add_epi16(q, _mm512_add_epi16(q, q)));
  v = q;
  return d;
}

inline __m512i to_bytes(__m512i lo, __m512i hi) {
  return _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi16_epi8(lo)),
                            _mm512_cvtepi16_epi8(hi), 1);
}

template <int R>
void rows_five_trit(const uint8_t* const* row, const int8_t* codes, int32_t code_sum,
                    int64_t blocks, int64_t row_bytes, int32_t* out) {
  __m512i acc[R];
  for (int r = 0; r < R; ++r) acc[r] = _mm512_setzero_si512();
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t left = row_bytes - 64 * b;
    const __mmask64 mask = left >= 64 ? ~__mmask64{0} : (__mmask64{1} << left) - 1;
    __m512i lo[R], hi[R];
    for (int r = 0; r < R; ++r) {
      const __m512i w = _mm512_maskz_loadu_epi8(mask, row[r] + 64 * b);
      lo[r] = _mm512_cvtepu8_epi16(_mm512_castsi512_si256(w));
      hi[r] = _mm512_cvtepu8_epi16(_mm512_extracti64x4_epi64(w, 1));
    }
    const int8_t* x = codes + 320 * b;
    for (int k = 0; k < 5; ++k) {
      const __m512i xk = _mm512_loadu_si512(x + 64 * k);
      for (int r = 0; r < R; ++r) {
        // The fifth digit is what is left after four divisions.
        const __m512i digits =
            k < 4 ? to_bytes(next_digit(lo[r]), next_digit(hi[r])) : to_bytes(lo[r], hi[r]);
        acc[r] = _mm512_dpbusd_epi32(acc[r], digits, xk);
      }
    }
  }
  for (int r = 0; r < R; ++r) out[r] = _mm512_reduce_add_epi32(acc[r]) - code_sum;
}

struct Avx512Path {
  template <int R>
  static void two_bit(const RowBlock& b, int32_t* out) {
    rows_2bit<R>(b.row, b.codes, b.code_sum, b.blocks, b.row_bytes, prefetch_ahead(b.row_stride, R),
                 out);
  }
  template <int R>
  static void five_trit(const RowBlock& b, int32_t* out) {
    rows_five_trit<R>(b.row, b.codes, b.code_sum, b.blocks, b.row_bytes, out);
  }
};

}  // namespace

void dots_avx512(const TernaryRows& w, const int8_t* codes, int32_t code_sum, int64_t blocks,
                 int64_t begin, int64_t end, int32_t* acc) {
  dots_by_row_blocks<Avx512Path, kRowBlock>(w, codes, code_sum, blocks, begin, end, acc);
}

}  // namespace mmf::cpu::detail

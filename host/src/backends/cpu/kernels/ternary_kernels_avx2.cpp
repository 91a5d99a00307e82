// SPDX-License-Identifier: Apache-2.0
// AVX2 matvec loops; compiled with -mavx2, called only when isa_supported(Isa::avx2). The
// unsigned x signed byte products go through vpmaddubsw (pairs, at most 2 x 2 x 128 in 16 bits)
// and vpmaddwd into 32-bit sums.
#include <immintrin.h>

#include <cstring>

#include "kernel_paths.hpp"

namespace mmf::cpu::detail {
namespace {

constexpr int kRowBlock = 4;

inline __m256i dot_bytes(__m256i acc, __m256i u, __m256i x) {
  const __m256i pairs = _mm256_maddubs_epi16(u, x);
  return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}

inline int32_t reduce(__m256i v) {
  const __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  const __m128i t = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  return _mm_cvtsi128_si32(_mm_add_epi32(t, _mm_shuffle_epi32(t, 0xB1)));
}

// Up to `n` bytes at p into the low bytes of a zeroed buffer (the row's last, partial block).
template <size_t N>
inline void load_tail(const uint8_t* p, int64_t n, uint8_t (&buf)[N]) {
  std::memset(buf, 0, N);
  std::memcpy(buf, p, static_cast<size_t>(n));
}

// 2-bit: 8 packed bytes broadcast to the four 64-bit lanes, lane i shifted right by 2i.
inline __m256i unpack_2bit(uint64_t bytes) {
  const __m256i w = _mm256_srlv_epi64(_mm256_set1_epi64x(static_cast<long long>(bytes)),
                                      _mm256_set_epi64x(6, 4, 2, 0));
  return _mm256_and_si256(_mm256_add_epi8(w, _mm256_set1_epi8(1)), _mm256_set1_epi8(3));
}

template <int R>
void rows_2bit(const uint8_t* const* row, const int8_t* codes, int32_t code_sum, int64_t blocks,
               int64_t row_bytes, int32_t* out) {
  __m256i acc[R];
  for (int r = 0; r < R; ++r) acc[r] = _mm256_setzero_si256();
  for (int64_t b = 0; b < blocks; ++b) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + 32 * b));
    const int64_t left = row_bytes - 8 * b;
    for (int r = 0; r < R; ++r) {
      uint64_t bytes = 0;
      if (left >= 8) {
        std::memcpy(&bytes, row[r] + 8 * b, 8);
      } else {
        std::memcpy(&bytes, row[r] + 8 * b, static_cast<size_t>(left));
      }
      acc[r] = dot_bytes(acc[r], unpack_2bit(bytes), x);
    }
  }
  for (int r = 0; r < R; ++r) out[r] = reduce(acc[r]) - code_sum;  // u = t + 1
}

// 1.6-bit: base-3 digits of 32 packed bytes in 16-bit lanes (see the AVX-512 file).
inline __m256i next_digit(__m256i& v) {
  const __m256i q = _mm256_srli_epi16(_mm256_mullo_epi16(v, _mm256_set1_epi16(171)), 9);
  const __m256i d = _mm256_sub_epi16(v, _mm256_add_epi16(q, _mm256_add_epi16(q, q)));
  v = q;
  return d;
}

inline __m256i to_bytes(__m256i lo, __m256i hi) {
  // packus interleaves the 128-bit lanes (lo0-7 hi0-7 lo8-15 hi8-15); 0xD8 puts them in order.
  return _mm256_permute4x64_epi64(_mm256_packus_epi16(lo, hi), 0xD8);
}

template <int R>
void rows_five_trit(const uint8_t* const* row, const int8_t* codes, int32_t code_sum,
                    int64_t blocks, int64_t row_bytes, int32_t* out) {
  __m256i acc[R];
  for (int r = 0; r < R; ++r) acc[r] = _mm256_setzero_si256();
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t left = row_bytes - 32 * b;
    __m256i lo[R], hi[R];
    for (int r = 0; r < R; ++r) {
      __m256i w;
      if (left >= 32) {
        w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row[r] + 32 * b));
      } else {
        alignas(32) uint8_t buf[32];
        load_tail(row[r] + 32 * b, left, buf);
        w = _mm256_load_si256(reinterpret_cast<const __m256i*>(buf));
      }
      lo[r] = _mm256_cvtepu8_epi16(_mm256_castsi256_si128(w));
      hi[r] = _mm256_cvtepu8_epi16(_mm256_extracti128_si256(w, 1));
    }
    const int8_t* x = codes + 160 * b;
    for (int k = 0; k < 5; ++k) {
      const __m256i xk = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 32 * k));
      for (int r = 0; r < R; ++r) {
        const __m256i digits =
            k < 4 ? to_bytes(next_digit(lo[r]), next_digit(hi[r])) : to_bytes(lo[r], hi[r]);
        acc[r] = dot_bytes(acc[r], digits, xk);
      }
    }
  }
  for (int r = 0; r < R; ++r) out[r] = reduce(acc[r]) - code_sum;  // u = t + 1
}

struct Avx2Path {
  template <int R>
  static void two_bit(const RowBlock& b, int32_t* out) {
    rows_2bit<R>(b.row, b.codes, b.code_sum, b.blocks, b.row_bytes, out);
  }
  template <int R>
  static void five_trit(const RowBlock& b, int32_t* out) {
    rows_five_trit<R>(b.row, b.codes, b.code_sum, b.blocks, b.row_bytes, out);
  }
};

}  // namespace

void dots_avx2(const TernaryRows& w, const int8_t* codes, int32_t code_sum, int64_t blocks,
               int64_t begin, int64_t end, int32_t* acc) {
  dots_by_row_blocks<Avx2Path, kRowBlock>(w, codes, code_sum, blocks, begin, end, acc);
}

}  // namespace mmf::cpu::detail

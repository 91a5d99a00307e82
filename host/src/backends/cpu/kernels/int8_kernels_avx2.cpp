// SPDX-License-Identifier: Apache-2.0
// AVX2 int8 dot product; compiled with -mavx2, called only for Isa::avx2 or Isa::avx512 (whose
// CPUs have AVX2).
#include <immintrin.h>

#include <cstdint>

namespace mmf::cpu::detail {

int32_t int8_dot_avx2(const int8_t* a, const int8_t* b, int64_t n) {
  __m256i acc = _mm256_setzero_si256();
  int64_t k = 0;
  for (; k + 16 <= n; k += 16) {
    const __m256i x =
        _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + k)));
    const __m256i y =
        _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + k)));
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(x, y));  // pairs of products: |.| < 2^15
  }
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  int32_t sum = _mm_cvtsi128_si32(s);
  for (; k < n; ++k) sum += int32_t{a[k]} * b[k];
  return sum;
}

void int8_weighted_row_avx2(int64_t* acc, int32_t w, const int8_t* v, int64_t n) {
  const __m256i weight = _mm256_set1_epi32(w);
  int64_t e = 0;
  for (; e + 8 <= n; e += 8) {
    const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(v + e));
    const __m256i p = _mm256_mullo_epi32(_mm256_cvtepi8_epi32(bytes), weight);  // |p| < 2^31
    auto* lo = reinterpret_cast<__m256i*>(acc + e);
    auto* hi = reinterpret_cast<__m256i*>(acc + e + 4);
    _mm256_storeu_si256(lo, _mm256_add_epi64(_mm256_loadu_si256(lo),
                                             _mm256_cvtepi32_epi64(_mm256_castsi256_si128(p))));
    _mm256_storeu_si256(hi,
                        _mm256_add_epi64(_mm256_loadu_si256(hi),
                                         _mm256_cvtepi32_epi64(_mm256_extracti128_si256(p, 1))));
  }
  for (; e < n; ++e) acc[e] += w * int32_t{v[e]};
}

}  // namespace mmf::cpu::detail

// SPDX-License-Identifier: Apache-2.0
// Accelerator configurations the HLS unit tests run over, and random test vectors. Traits are
// compile-time, test parameters are run-time: with_config() maps a lane count to its traits.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "mmf_hls/accel_traits.hpp"

namespace mmf::test {

// lanes, weight channels, vector lanes, max vector, max ops, tile rows: a row per weight word
// (4, 16) and tiles of 4 x 16 (64) and 16 x 16 (256).
using Lanes4 = mmf_hls::AccelTraits<4, 1, 1, 2048, 8, 1>;
using Lanes16 = mmf_hls::AccelTraits<16, 2, 4, 2048, 8, 1>;
using Lanes64 = mmf_hls::AccelTraits<64, 3, 8, 2048, 8, 4>;
using Lanes256 = mmf_hls::AccelTraits<256, 5, 16, 2048, 8, 16>;

// Calls f(Cfg{}) with the traits whose lane count is `lanes`.
template <class F>
void with_config(int lanes, F&& f) {
  switch (lanes) {
    case 4:
      return f(Lanes4{});
    case 16:
      return f(Lanes16{});
    case 64:
      return f(Lanes64{});
    case 256:
      return f(Lanes256{});
    default:
      throw std::invalid_argument("no test traits with this lane count");
  }
}

// One channel's rows as weight words, written from the layout's definition (WeightTile in
// program_format.hpp) rather than with it: trit (i, k) of the row-major `trits` (rows x n) is
// lane (i % R) * C + k % C of word (i / R) * ceil(n / C) + k / C, two_bit coded; R x C is the
// tile, padding trits are zero.
template <class Cfg>
std::vector<typename Cfg::weight_word_t> tile_words(const int8_t* trits, uint32_t rows,
                                                    uint32_t n) {
  constexpr uint32_t R = Cfg::tile_rows, C = Cfg::tile_cols;
  using TwoBit = typename Cfg::TwoBit;
  const uint32_t block_words = (n + C - 1) / C;
  std::vector<typename Cfg::weight_word_t> words((rows + R - 1) / R * block_words, 0);
  for (uint32_t i = 0; i < rows; ++i) {
    for (uint32_t k = 0; k < n; ++k) {
      const int8_t t = trits[size_t{i} * n + k];
      const uint32_t lane = (i % R) * C + k % C;
      words[(i / R) * block_words + k / C].range(2 * lane + 1, 2 * lane) =
          t == 0 ? TwoBit::code_zero : (t > 0 ? TwoBit::code_plus : TwoBit::code_minus);
    }
  }
  return words;
}

// One unit test case: traits (by lane count) and a shape.
struct UnitCase {
  int lanes;
  uint32_t n;
  uint32_t rows;  // used by the ternary accumulate tests
  friend std::ostream& operator<<(std::ostream& os, const UnitCase& c) {
    return os << "lanes" << c.lanes << "_n" << c.n << "_rows" << c.rows;
  }
};

// Shapes include lengths that are not multiples of any lane count.
inline std::vector<UnitCase> unit_cases() {
  std::vector<UnitCase> out;
  for (int lanes : {4, 16, 64, 256}) {
    for (uint32_t n : {1u, 3u, 17u, 64u, 250u, 1000u}) {
      out.push_back(UnitCase{lanes, n, n % 7 + 5});
    }
  }
  return out;
}

inline std::string unit_case_name(const testing::TestParamInfo<UnitCase>& info) {
  const UnitCase& c = info.param;
  return "lanes" + std::to_string(c.lanes) + "_n" + std::to_string(c.n) + "_rows" +
         std::to_string(c.rows);
}

// Q16 activations with magnitudes spread over many binades (some near saturation).
inline std::vector<int32_t> random_q16(std::mt19937& rng, uint32_t n) {
  std::uniform_int_distribution<int> bits(0, 31);
  std::vector<int32_t> v(n);
  for (auto& x : v) {
    const int b = bits(rng);
    const int64_t lim = (int64_t{1} << b) - 1;
    x = static_cast<int32_t>(std::uniform_int_distribution<int64_t>(-lim, lim)(rng));
  }
  return v;
}

inline std::vector<int16_t> random_norm_weights(std::mt19937& rng, uint32_t n) {
  std::uniform_int_distribution<int> d(-32767, 32767);
  std::vector<int16_t> v(n);
  for (auto& x : v) x = static_cast<int16_t>(d(rng));
  return v;
}

}  // namespace mmf::test

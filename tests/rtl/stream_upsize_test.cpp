// SPDX-License-Identifier: Apache-2.0
// rtl/common/mmf_stream_upsize.sv: narrow beats gathered into wide words in order, a `last`
// closing a short word with zero tail slots, under random stalls on both sides.
#include "Vmmf_stream_upsize.h"
#include "common/checks.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

constexpr int kRatio = 4;  // -GInWidth=8 -GRatio=4: 32-bit words

TEST(StreamUpsizeRtl, GathersBeatsIntoWords) {
  std::mt19937 rng(6);
  // Vectors of random lengths; the last beat of each carries `last`.
  std::vector<LastBeat> beats;
  std::vector<uint64_t> expected;
  for (int v = 0; v < 300; ++v) {
    const int n = 1 + static_cast<int>(rng() % 11);
    uint32_t word = 0;
    int slot = 0;
    for (int k = 0; k < n; ++k) {
      const auto b = static_cast<uint8_t>(rng());
      beats.push_back({b, k == n - 1});
      word |= uint32_t{b} << (8 * slot);
      if (++slot == kRatio || k == n - 1) {
        expected.push_back(word);
        word = 0;
        slot = 0;
      }
    }
  }
  check_regroup<Vmmf_stream_upsize>("mmf_stream_upsize", beats, expected, rng);
}

// Known values, worked by hand: six beats and a `last` make a full word and a word of two
// slots, zero tail; a lone `last` beat a word of one slot; four beats without `last` a word.
TEST(StreamUpsizeRtl, KnownValues) {
  std::mt19937 rng(7);
  check_regroup<Vmmf_stream_upsize>("mmf_stream_upsize",
                                    {{0x11, false},
                                     {0x22, false},
                                     {0x33, false},
                                     {0x44, false},
                                     {0x55, false},
                                     {0x66, true},
                                     {0x77, true},
                                     {0xA1, false},
                                     {0xB2, false},
                                     {0xC3, false},
                                     {0xD4, false}},
                                    {0x44332211, 0x00006655, 0x00000077, 0xD4C3B2A1}, rng);
}

}  // namespace
}  // namespace mmf::test

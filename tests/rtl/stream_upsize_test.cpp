// SPDX-License-Identifier: Apache-2.0
// rtl/common/mmf_stream_upsize.sv: narrow beats gathered into wide words in order, a `last`
// closing a short word with zero tail slots, under random stalls on both sides.
#include "Vmmf_stream_upsize.h"
#include "common/checks.hpp"
#include "rtl/verilated_unit.hpp"

namespace mmf::test {
namespace {

constexpr int kRatio = 4;  // -GInWidth=8 -GRatio=4: 32-bit words

TEST(StreamUpsizeRtl, GathersBeatsIntoWords) {
  std::mt19937 rng(6);
  // Vectors of random lengths; the last beat of each carries `last`.
  std::vector<std::pair<uint8_t, bool>> beats;
  std::vector<uint32_t> expected;
  for (int v = 0; v < 300; ++v) {
    const int n = 1 + static_cast<int>(rng() % 11);
    uint32_t word = 0;
    int slot = 0;
    for (int k = 0; k < n; ++k) {
      const auto b = static_cast<uint8_t>(rng());
      beats.emplace_back(b, k == n - 1);
      word |= uint32_t{b} << (8 * slot);
      if (++slot == kRatio || k == n - 1) {
        expected.push_back(word);
        word = 0;
        slot = 0;
      }
    }
  }
  VerilatedUnit<Vmmf_stream_upsize> dut;
  dut.reset();
  auto& io = dut.io();
  std::bernoulli_distribution hold(0.3);
  size_t sent = 0;
  std::vector<uint32_t> got;
  while (got.size() < expected.size()) {
    MMF_ASSERT_TRUE(dut.cycles() < 20 * beats.size() + 100) << "watchdog";
    io.in_valid_i = sent < beats.size() && !hold(rng);
    io.in_data_i = sent < beats.size() ? beats[sent].first : 0;
    io.in_last_i = sent < beats.size() && beats[sent].second;
    io.out_ready_i = !hold(rng);
    dut.settle();
    if (io.in_valid_i && io.in_ready_o) ++sent;
    if (io.out_valid_o && io.out_ready_i) got.push_back(io.out_data_o);
    dut.tick();
  }
  MMF_EXPECT_EQ(got, expected);
  MMF_EXPECT_EQ(sent, beats.size());
}

}  // namespace
}  // namespace mmf::test

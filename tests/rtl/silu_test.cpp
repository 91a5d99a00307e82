// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_silu.sv (with mmf_numerics_pkg and the generated tables) against
// mmf::fx::silu_q16 and sigmoid_q16, bit for bit: edge values around the clamps and the table
// steps, and random values over every binade, with random stalls.
#include "Vmmf_silu_l4.h"
#include "common/checks.hpp"
#include "mmf/numerics.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

constexpr int kVectorLanes = 4;  // -GVectorLanes of the Verilated model

std::vector<int32_t> test_values() {
  std::vector<int32_t> v = {0,
                            1,
                            -1,
                            INT32_MAX,
                            INT32_MIN,
                            1 << 20,
                            (1 << 20) - 1,
                            -(1 << 20),
                            -(1 << 20) - 1,
                            1 << 16,
                            -(1 << 16),
                            4095,
                            4096,
                            -4096,
                            -4097};
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> bits(0, 31);
  for (int k = 0; k < 20000; ++k) {
    const int64_t lim = (int64_t{1} << bits(rng)) - 1;
    v.push_back(static_cast<int32_t>(std::uniform_int_distribution<int64_t>(-lim, lim)(rng)));
  }
  while (v.size() % kVectorLanes != 0) v.push_back(0);
  return v;
}

TEST(SiluRtl, MatchesTheGoldenFunctions) {
  const std::vector<int32_t> values = test_values();
  VerilatedUnit<Vmmf_silu_l4> dut;
  dut.reset();
  auto& io = dut.io();
  std::mt19937 rng(3);
  size_t checked = 0;
  int mismatches = 0;
  StreamDriver streams("mmf_silu", rng, 0.25);
  const StreamIn& in = streams.in_ports(io, values.size() / kVectorLanes, [&](size_t b) {
    set_port(io.in_data_i, beat_words(values, b, kVectorLanes));
  });
  streams.out_ports(io, [&](size_t) {
    for (int k = 0; k < kVectorLanes; ++k) {
      const int32_t x = values[checked + k];
      const auto silu = static_cast<int32_t>(io.out_silu_o[k]);
      // Sigmoid lanes are 17 bits wide, packed back to back.
      const int bit = 17 * k;
      const uint64_t lo = io.out_sigmoid_o[bit / 32] >> (bit % 32);
      const uint64_t hi =
          bit % 32 > 15 ? uint64_t{io.out_sigmoid_o[bit / 32 + 1]} << (32 - bit % 32) : 0;
      const auto sigmoid = static_cast<uint32_t>((lo | hi) & 0x1FFFF);
      if (silu != fx::silu_q16(x) || sigmoid != fx::sigmoid_q16(x)) ++mismatches;
      if (mismatches == 1 && (silu != fx::silu_q16(x) || sigmoid != fx::sigmoid_q16(x))) {
        ADD_FAILURE() << "x = " << x << ": silu " << silu << " vs " << fx::silu_q16(x)
                      << ", sigmoid " << sigmoid << " vs " << fx::sigmoid_q16(x);
      }
    }
    checked += kVectorLanes;
  });
  MMF_ASSERT_TRUE(streams.run(
      dut, [&] { return checked >= values.size(); }, 10 * values.size()));
  MMF_EXPECT_EQ(in.sent, values.size() / kVectorLanes);
  MMF_EXPECT_EQ(mismatches, 0) << "of " << values.size() << " values";
  MMF_EXPECT_EQ(checked, values.size());
}

// One beat through an idle pipeline: its result is out kSiluLatency cycles later, the latency
// the timed model charges (mmf_hls::kSiluLatency).
TEST(SiluRtl, LatencyIsWhatTheTimedModelCharges) {
  VerilatedUnit<Vmmf_silu_l4> dut;
  dut.reset();
  auto& io = dut.io();
  io.out_ready_i = 1;
  io.in_valid_i = 1;
  set_port(io.in_data_i, std::vector<uint32_t>(kVectorLanes, 0x10000u));
  dut.settle();
  MMF_ASSERT_TRUE(io.in_ready_o);
  dut.tick();
  io.in_valid_i = 0;
  const uint32_t cycles = dut.latency_of_last_beat([&] { return io.out_valid_o != 0; });
  MMF_EXPECT_EQ(cycles, mmf_hls::kSiluLatency);
  MMF_EXPECT_EQ(static_cast<int32_t>(io.out_silu_o[0]), fx::silu_q16(0x10000));
}

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_bf16_to_q16.sv against mmf::fx::bf16_to_q16 on every one of the 65,536 bfloat16
// bit patterns (zeros, subnormals, infinities and NaNs included), with random stalls.
#include "Vmmf_bf16_to_q16.h"
#include "common/checks.hpp"
#include "mmf/numerics.hpp"
#include "rtl/verilated_unit.hpp"

namespace mmf::test {
namespace {

TEST(Bf16ToQ16Rtl, MatchesTheGoldenConversionExhaustively) {
  constexpr uint32_t kLanes = 2;  // -GLanes of the model
  VerilatedUnit<Vmmf_bf16_to_q16> dut;
  dut.reset();
  auto& io = dut.io();
  std::mt19937 rng(2);
  std::bernoulli_distribution hold(0.2);
  uint32_t sent = 0, checked = 0;
  int mismatches = 0;
  while (checked < 65536) {
    MMF_ASSERT_TRUE(dut.cycles() < 400000) << "watchdog";
    io.in_valid_i = sent < 65536 && !hold(rng);
    io.in_data_i = (sent & 0xFFFF) | (((sent + 1) & 0xFFFF) << 16);
    io.out_ready_i = !hold(rng);
    dut.settle();
    if (io.out_valid_o && io.out_ready_i) {
      for (uint32_t k = 0; k < kLanes; ++k) {
        const auto bits = static_cast<uint16_t>(checked + k);
        const auto got = static_cast<int32_t>(static_cast<uint32_t>(io.out_data_o >> (32 * k)));
        if (got != fx::bf16_to_q16(bits) && ++mismatches <= 3) {
          ADD_FAILURE() << "bf16 0x" << std::hex << bits << std::dec << ": " << got << " vs "
                        << fx::bf16_to_q16(bits);
        }
      }
      checked += kLanes;
    }
    if (io.in_valid_i && io.in_ready_o) sent += kLanes;
    dut.tick();
  }
  MMF_EXPECT_EQ(mismatches, 0);
  MMF_EXPECT_EQ(checked, 65536u);
}

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_bf16_to_q16.sv against mmf::fx::bf16_to_q16 on every one of the 65,536 bfloat16
// bit patterns (zeros, subnormals, infinities and NaNs included), with random stalls.
#include "Vmmf_bf16_to_q16.h"
#include "common/checks.hpp"
#include "mmf/numerics.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

TEST(Bf16ToQ16Rtl, MatchesTheGoldenConversionExhaustively) {
  constexpr uint32_t kVectorLanes = 2;  // -GVectorLanes of the model
  VerilatedUnit<Vmmf_bf16_to_q16> dut;
  dut.reset();
  auto& io = dut.io();
  std::mt19937 rng(2);
  uint32_t checked = 0;
  int mismatches = 0;
  // Beat b carries the bit patterns 2b and 2b + 1.
  StreamDriver streams("mmf_bf16_to_q16", rng, 0.2);
  const StreamIn& in = streams.in_ports(io, 65536 / kVectorLanes, [&](size_t b) {
    const auto lo = static_cast<uint32_t>(kVectorLanes * b);
    io.in_data_i = lo | ((lo + 1) << 16);
  });
  streams.out_ports(io, [&](size_t) {
    for (uint32_t k = 0; k < kVectorLanes; ++k) {
      const auto bits = static_cast<uint16_t>(checked + k);
      const auto got = static_cast<int32_t>(static_cast<uint32_t>(io.out_data_o >> (32 * k)));
      if (got != fx::bf16_to_q16(bits) && ++mismatches <= 3) {
        ADD_FAILURE() << "bf16 0x" << std::hex << bits << std::dec << ": " << got << " vs "
                      << fx::bf16_to_q16(bits);
      }
    }
    checked += kVectorLanes;
  });
  MMF_ASSERT_TRUE(streams.run(
      dut, [&] { return checked >= 65536; }, 400000));
  MMF_EXPECT_EQ(in.sent, 65536u / kVectorLanes);
  MMF_EXPECT_EQ(mismatches, 0);
  MMF_EXPECT_EQ(checked, 65536u);
}

}  // namespace
}  // namespace mmf::test

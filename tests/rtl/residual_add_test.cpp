// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_residual_add.sv against its HLS twin (mmf_hls::residual_add), saturation included,
// with random stalls.
#include "mmf_hls/residual_add.hpp"
#include "Vmmf_residual_add_l4.h"
#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

using Cfg = mmf_hls::AccelTraits<16, 1, 4, 2048, 8>;  // vector_lanes: -GVectorLanes=4
constexpr uint32_t kVectorLanes = Cfg::vector_lanes;

TEST(ResidualAddRtl, MatchesTheHlsUnit) {
  constexpr uint32_t n = 4000;
  static_assert(n % kVectorLanes == 0, "whole beats");
  std::mt19937 rng(5);
  std::vector<int32_t> x = random_q16(rng, n), a = random_q16(rng, n);
  x[0] = INT32_MAX;
  a[0] = 5;  // saturates upward
  x[1] = INT32_MIN;
  a[1] = -5;  // and downward
  std::vector<int32_t> expected = x;
  mmf_hls::residual_add<Cfg>(expected.data(), a.data(), n);

  VerilatedUnit<Vmmf_residual_add_l4> dut;
  dut.reset();
  auto& io = dut.io();
  std::vector<int32_t> got;
  StreamDriver streams("mmf_residual_add", rng, 0.3);
  const StreamIn& in = streams.in_ports(io, n / kVectorLanes, [&](size_t b) {
    set_port(io.in_x_i, beat_words(x, b, kVectorLanes));
    set_port(io.in_a_i, beat_words(a, b, kVectorLanes));
  });
  streams.out_ports(io, [&](size_t) {
    for (uint32_t k = 0; k < kVectorLanes; ++k)
      got.push_back(static_cast<int32_t>(io.out_data_o[k]));
  });
  MMF_ASSERT_TRUE(streams.run(
      dut, [&] { return got.size() >= n; }, 20 * n));
  MMF_EXPECT_EQ(in.sent, n / kVectorLanes);
  MMF_EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace mmf::test

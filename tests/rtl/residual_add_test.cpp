// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_residual_add.sv against its HLS twin (mmf_hls::residual_add), saturation included,
// with random stalls.
#include "mmf_hls/residual_add.hpp"
#include "Vmmf_residual_add_l4.h"
#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "rtl/verilated_unit.hpp"

namespace mmf::test {
namespace {

using Cfg = mmf_hls::AccelTraits<16, 1, 4, 2048, 8>;  // vector_lanes 4 = -GLanes of the model
constexpr uint32_t kLanes = Cfg::vector_lanes;

TEST(ResidualAddRtl, MatchesTheHlsUnit) {
  const uint32_t n = 4000;
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
  std::bernoulli_distribution hold(0.3);
  std::vector<int32_t> got;
  size_t sent = 0;
  while (got.size() < n) {
    MMF_ASSERT_TRUE(dut.cycles() < 20 * n) << "watchdog: no progress";
    std::vector<uint32_t> wx(kLanes), wa(kLanes);
    for (uint32_t k = 0; k < kLanes; ++k) {
      wx[k] = static_cast<uint32_t>(x[(sent + k) % n]);
      wa[k] = static_cast<uint32_t>(a[(sent + k) % n]);
    }
    set_port(io.in_x_i, wx);
    set_port(io.in_a_i, wa);
    io.in_valid_i = sent < n && !hold(rng);
    io.out_ready_i = !hold(rng);
    dut.settle();
    if (io.in_valid_i && io.in_ready_o) sent += kLanes;
    if (io.out_valid_o && io.out_ready_i) {
      for (uint32_t k = 0; k < kLanes; ++k) got.push_back(static_cast<int32_t>(io.out_data_o[k]));
    }
    dut.tick();
  }
  MMF_EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace mmf::test

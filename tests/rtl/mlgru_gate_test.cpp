// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_mlgru_gate.sv against the element-wise part of its HLS twin (mmf_hls::mlgru: new
// state and SiLU of the state), with and without the lower bound, over two steps, with stalls;
// and its latency against the constant the timed model charges.
#include "Vmmf_mlgru_gate_l4.h"
#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf_hls/mlgru.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

using Cfg = mmf_hls::AccelTraits<16, 1, 4, 2048, 8>;  // vector_lanes: -GVectorLanes=4
constexpr uint32_t kVectorLanes = Cfg::vector_lanes;

class MlgruGateRtl : public testing::TestWithParam<bool> {};

TEST_P(MlgruGateRtl, MatchesTheHlsUnit) {
  const bool has_lb = GetParam();
  constexpr uint32_t n = 2000;
  static_assert(n % kVectorLanes == 0, "whole beats");
  std::mt19937 rng(has_lb ? 11 : 12);
  std::uniform_int_distribution<uint32_t> gate(0, 1u << 16);
  std::vector<int32_t> i = random_q16(rng, n), f = random_q16(rng, n);
  const std::vector<int32_t> g = random_q16(rng, n);
  std::vector<uint32_t> lb(n);
  for (auto& v : lb) v = gate(rng);
  std::vector<int32_t> state = random_q16(rng, n);  // the RTL's state, carried between steps
  // The ends of every operand's range first: the lower bound's 0 and 1.0, the clamps of the
  // sigmoid, and int32's limits, which the new state saturates at.
  const std::vector<int32_t> ends = {INT32_MIN, -(1 << 20), -1, 0, 1, 1 << 20, INT32_MAX};
  size_t edge = 0;
  for (const int32_t vi : ends) {
    for (const int32_t vf : ends) {
      for (const int32_t vs : {INT32_MIN, 0, INT32_MAX}) {
        i[edge] = vi;
        f[edge] = vf;
        state[edge] = vs;
        lb[edge] = edge % 3 == 0 ? 0u : (edge % 3 == 1 ? 1u << 16 : lb[edge]);
        ++edge;
      }
    }
  }
  std::vector<int32_t> ref_state = state, ref_silu(n), p_o(n);

  VerilatedUnit<Vmmf_mlgru_gate_l4> dut;
  dut.reset();
  auto& io = dut.io();
  for (int step = 0; step < 2; ++step) {
    mmf_hls::mlgru<Cfg>(i.data(), f.data(), g.data(), has_lb, lb.data(), n, ref_state.data(),
                        ref_silu.data(), p_o.data());
    std::vector<int32_t> got_state, got_silu;
    StreamDriver streams("mmf_mlgru_gate", rng, 0.3);
    const StreamIn& in = streams.in_ports(io, n / kVectorLanes, [&](size_t b) {
      set_port(io.in_i_i, beat_words(i, b, kVectorLanes));
      set_port(io.in_f_i, beat_words(f, b, kVectorLanes));
      set_port(io.in_state_i, beat_words(state, b, kVectorLanes));
      set_port(io.in_lb_i, beat_words(lb, b, kVectorLanes));
      io.in_has_lb_i = has_lb;
    });
    streams.out_ports(io, [&](size_t) {
      for (uint32_t k = 0; k < kVectorLanes; ++k) {
        got_state.push_back(static_cast<int32_t>(io.out_state_o[k]));
        got_silu.push_back(static_cast<int32_t>(io.out_silu_o[k]));
      }
    });
    MMF_ASSERT_TRUE(streams.run(
        dut, [&] { return got_state.size() >= n; }, 20 * n));
    MMF_EXPECT_EQ(in.sent, n / kVectorLanes) << "step " << step;
    MMF_EXPECT_EQ(got_state, ref_state) << "step " << step;
    MMF_EXPECT_EQ(got_silu, ref_silu) << "step " << step;
    state = got_state;
  }
}

// One beat through an idle pipeline: its result is out kMlgruGateLatency cycles later, the
// latency the timed model charges to the MLGRU's gate pass (mmf_hls::kMlgruGateLatency).
TEST(MlgruGateRtlLatency, IsWhatTheTimedModelCharges) {
  VerilatedUnit<Vmmf_mlgru_gate_l4> dut;
  dut.reset();
  auto& io = dut.io();
  constexpr int32_t kState = 3 << 16, kIPre = 1 << 16, kFPre = -(1 << 15);
  constexpr uint32_t kLb = 1u << 14;
  io.out_ready_i = 1;
  io.in_valid_i = 1;
  io.in_has_lb_i = 1;
  set_port(io.in_i_i, std::vector<uint32_t>(kVectorLanes, static_cast<uint32_t>(kIPre)));
  set_port(io.in_f_i, std::vector<uint32_t>(kVectorLanes, static_cast<uint32_t>(kFPre)));
  set_port(io.in_state_i, std::vector<uint32_t>(kVectorLanes, static_cast<uint32_t>(kState)));
  set_port(io.in_lb_i, std::vector<uint32_t>(kVectorLanes, kLb));
  dut.settle();
  MMF_ASSERT_TRUE(io.in_ready_o);
  dut.tick();
  io.in_valid_i = 0;
  const uint32_t cycles = dut.latency_of_last_beat([&] { return io.out_valid_o != 0; });
  MMF_EXPECT_EQ(cycles, mmf_hls::kMlgruGateLatency);
  int32_t state = kState, silu = 0;
  const int32_t i_pre = kIPre, f_pre = kFPre, g = 0;
  int32_t p_o = 0;
  mmf_hls::mlgru<Cfg>(&i_pre, &f_pre, &g, true, &kLb, 1, &state, &silu, &p_o);
  MMF_EXPECT_EQ(static_cast<int32_t>(io.out_state_o[0]), state);
  MMF_EXPECT_EQ(static_cast<int32_t>(io.out_silu_o[0]), silu);
}

INSTANTIATE_TEST_SUITE_P(LowerBound, MlgruGateRtl, testing::Bool(), [](const auto& test_info) {
  return test_info.param ? "with_lower_bound" : "layer0";
});

}  // namespace
}  // namespace mmf::test

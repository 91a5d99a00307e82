// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_rescale.sv against its HLS twin (mmf_hls::combine_scales + rescale_rows), bit for
// bit: scales from tiny to saturating, row sums up to the int32 extremes, random stalls.
#include "mmf_hls/rescale.hpp"
#include "Vmmf_rescale.h"
#include "common/checks.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

struct ScaleCase {
  int token_exp, const_exp;
  friend std::ostream& operator<<(std::ostream& os, const ScaleCase& c) {
    return os << c.token_exp << "_" << c.const_exp;
  }
};

class RescaleRtl : public testing::TestWithParam<ScaleCase> {};

TEST_P(RescaleRtl, MatchesTheHlsUnit) {
  const ScaleCase c = GetParam();
  std::mt19937 rng(static_cast<uint32_t>(c.token_exp * 131 + c.const_exp + 1000));
  std::uniform_int_distribution<uint32_t> mant(1, 0x7FFFFFFFu);
  std::uniform_int_distribution<int32_t> acc(-(1 << 24), 1 << 24);
  VerilatedUnit<Vmmf_rescale> dut;
  dut.reset();
  auto& io = dut.io();
  for (int job = 0; job < 3; ++job) {
    const fx::Scaled token{mant(rng), c.token_exp}, constant{mant(rng), c.const_exp};
    const uint32_t rows = job == 1 ? 0 : 300;
    std::vector<int32_t> sums(rows);
    for (auto& s : sums) s = acc(rng);
    if (rows > 2) {
      sums[0] = INT32_MAX;
      sums[1] = INT32_MIN;
    }
    hls::stream<int32_t> in("sums"), out("out");
    for (int32_t s : sums) in.write(s);
    mmf_hls::rescale_rows(in, rows, mmf_hls::combine_scales(token, constant), out);
    std::vector<int32_t> expected;
    while (!out.empty()) expected.push_back(out.read());

    std::vector<int32_t> got;
    StreamDriver streams("mmf_rescale", rng, 0.3);
    const StreamIn& job_in = streams.job_ports(io, [&](size_t) {
      io.job_token_mant_i = static_cast<uint32_t>(token.mant);
      io.job_token_exp_i = static_cast<uint16_t>(token.exp);
      io.job_const_mant_i = static_cast<uint32_t>(constant.mant);
      io.job_const_exp_i = static_cast<uint16_t>(constant.exp);
      io.job_rows_i = rows;
    });
    StreamIn& sums_in = streams.in_ports(
        io, rows, [&](size_t r) { io.in_data_i = static_cast<uint32_t>(sums[r]); });
    sums_in.after = &job_in;
    streams.out_ports(io, [&](size_t) { got.push_back(static_cast<int32_t>(io.out_data_o)); });
    MMF_ASSERT_TRUE(streams.run(
        dut, [&] { return job_in.sent == 1 && got.size() >= rows; }, 20 * rows + 50));
    // A job of no rows must leave the unit idle for the next.
    for (int k = 0; k < 3; ++k) dut.tick();
    MMF_EXPECT_EQ(got, expected) << "job " << job;
    MMF_EXPECT_EQ(sums_in.sent, rows) << "job " << job;
  }
}

// A job, then one row through the idle pipeline: the row's result is out kRescaleLatency cycles
// after the row is taken, the latency the timed model charges (mmf_hls::kRescaleLatency).
TEST(RescaleRtl, RowLatencyIsWhatTheTimedModelCharges) {
  VerilatedUnit<Vmmf_rescale> dut;
  dut.reset();
  auto& io = dut.io();
  const fx::Scaled token{0x12345678u, -20}, constant{0x40000000u, -12};
  io.out_ready_i = 1;
  io.job_valid_i = 1;
  io.job_token_mant_i = static_cast<uint32_t>(token.mant);
  io.job_token_exp_i = static_cast<uint16_t>(token.exp);
  io.job_const_mant_i = static_cast<uint32_t>(constant.mant);
  io.job_const_exp_i = static_cast<uint16_t>(constant.exp);
  io.job_rows_i = 1;
  dut.settle();
  MMF_ASSERT_TRUE(io.job_ready_o);
  dut.tick();
  io.job_valid_i = 0;
  io.in_valid_i = 1;
  io.in_data_i = 1000;
  for (int k = 0; k < 100 && !(dut.settle(), io.in_ready_o); ++k) dut.tick();
  MMF_ASSERT_TRUE(io.in_ready_o) << "the job never started its rows";
  dut.tick();
  io.in_valid_i = 0;
  const uint32_t cycles = dut.latency_of_last_beat([&] { return io.out_valid_o != 0; });
  MMF_EXPECT_EQ(cycles, mmf_hls::kRescaleLatency);
  MMF_EXPECT_EQ(static_cast<int32_t>(io.out_data_o),
                fx::apply_scale(1000, mmf_hls::combine_scales(token, constant)));
}

INSTANTIATE_TEST_SUITE_P(
    Scales, RescaleRtl,
    testing::Values(ScaleCase{-40, -30}, ScaleCase{-20, -20}, ScaleCase{-10, -5}, ScaleCase{0, -31},
                    ScaleCase{-5, 3}, ScaleCase{20, 15}, ScaleCase{-120, -60},
                    // exp = -63 (all zero) and 32 (all saturated but 0): the shift's edges
                    ScaleCase{-50, -44}, ScaleCase{-49, -44}, ScaleCase{-48, -44}, ScaleCase{0, 0},
                    ScaleCase{1, 0}, ScaleCase{2, 0}),
    [](const auto& test_info) {
      const ScaleCase& c = test_info.param;
      auto name = [](int e) { return (e < 0 ? "m" : "p") + std::to_string(std::abs(e)); };
      return name(c.token_exp) + "_" + name(c.const_exp);
    });

}  // namespace
}  // namespace mmf::test

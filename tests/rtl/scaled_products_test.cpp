// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_scaled_products.sv against its HLS twin (mmf_hls::scaled_products), bit for bit:
// lengths that are not multiples of the lanes (garbage in the unused lanes of the last beat),
// values up to INT32_MIN, and random stalls; two jobs back to back on one unit.
#include "mmf_hls/scaled_products.hpp"
#include "Vmmf_scaled_products_l4.h"
#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

using Cfg = mmf_hls::AccelTraits<16, 1, 4, 2048, 8>;  // vector_lanes: -GVectorLanes=4
constexpr uint32_t kVectorLanes = Cfg::vector_lanes;

// Beats of one pass: a and b with the lanes past n filled with garbage.
std::vector<std::pair<std::vector<uint32_t>, std::vector<uint32_t>>> beats(
    const std::vector<int32_t>& a, const std::vector<int32_t>& b, std::mt19937& rng) {
  std::vector<std::pair<std::vector<uint32_t>, std::vector<uint32_t>>> out;
  for (size_t base = 0; base < a.size(); base += kVectorLanes) {
    std::vector<uint32_t> wa(kVectorLanes), wb(kVectorLanes);
    for (uint32_t k = 0; k < kVectorLanes; ++k) {
      wa[k] =
          base + k < a.size() ? static_cast<uint32_t>(a[base + k]) : static_cast<uint32_t>(rng());
      wb[k] =
          base + k < b.size() ? static_cast<uint32_t>(b[base + k]) : static_cast<uint32_t>(rng());
    }
    out.emplace_back(wa, wb);
  }
  return out;
}

class ScaledProductsRtl : public testing::TestWithParam<uint32_t> {};

TEST_P(ScaledProductsRtl, MatchesTheHlsUnit) {
  const uint32_t n = GetParam();
  std::mt19937 rng(n * 17u);
  VerilatedUnit<Vmmf_scaled_products_l4> dut;
  dut.reset();
  auto& io = dut.io();
  for (int job = 0; job < 2; ++job) {
    std::vector<int32_t> a = random_q16(rng, n), b = random_q16(rng, n);
    if (job == 1) a[n / 2] = INT32_MIN;  // the magnitude that needs 32 bits
    std::vector<int32_t> expected(n);
    mmf_hls::scaled_products<Cfg>(a.data(), b.data(), n, expected.data());
    const auto pass = beats(a, b, rng);
    std::vector<int32_t> got;
    StreamDriver streams("mmf_scaled_products", rng, 0.3);
    const StreamIn& job_in = streams.job_ports(io, [&](size_t) { set_port(io.job_n_i, {n}); });
    // Beats over both passes.
    StreamIn& in = streams.in_ports(io, 2 * pass.size(), [&](size_t k) {
      set_port(io.in_a_i, pass[k % pass.size()].first);
      set_port(io.in_b_i, pass[k % pass.size()].second);
    });
    in.after = &job_in;
    streams.out_ports(io, [&](size_t) {
      for (uint32_t k = 0; k < kVectorLanes && got.size() < n; ++k) {
        got.push_back(static_cast<int32_t>(io.out_data_o[k]));
      }
    });
    MMF_ASSERT_TRUE(streams.run(
        dut, [&] { return got.size() >= n; }, 40 * pass.size() + 100));
    MMF_EXPECT_EQ(got, expected) << "job " << job;
    MMF_EXPECT_EQ(in.sent, 2 * pass.size()) << "each pass takes every beat once";
  }
}

// A job with no stalls: its last product is out 2 * beats + scaled_products_fill(lanes) cycles
// after the job is taken, the time the timed model charges (mmf_hls::scaled_products_fill).
TEST(ScaledProductsRtl, FillIsWhatTheTimedModelCharges) {
  constexpr uint32_t kBeats = 5, n = kBeats * kVectorLanes;
  std::mt19937 rng(7);
  VerilatedUnit<Vmmf_scaled_products_l4> dut;
  dut.reset();
  auto& io = dut.io();
  const std::vector<int32_t> a = random_q16(rng, n), b = random_q16(rng, n);
  const auto pass = beats(a, b, rng);
  io.out_ready_i = 1;
  io.job_valid_i = 1;
  set_port(io.job_n_i, {n});
  dut.settle();
  MMF_ASSERT_TRUE(io.job_ready_o);
  dut.tick();
  io.job_valid_i = 0;
  uint32_t cycles = 0, sent = 0, out_beats = 0;
  while (out_beats < kBeats && cycles < 200) {
    io.in_valid_i = sent < 2 * kBeats;
    set_port(io.in_a_i, pass[sent % kBeats].first);
    set_port(io.in_b_i, pass[sent % kBeats].second);
    dut.settle();
    ++cycles;
    if (io.in_valid_i && io.in_ready_o) ++sent;
    if (io.out_valid_o) ++out_beats;
    dut.tick();
  }
  MMF_EXPECT_EQ(out_beats, kBeats);
  MMF_EXPECT_EQ(cycles, 2 * kBeats + mmf_hls::scaled_products_fill(kVectorLanes));
}

INSTANTIATE_TEST_SUITE_P(Lengths, ScaledProductsRtl, testing::Values(1u, 3u, 4u, 17u, 250u, 1000u));

}  // namespace
}  // namespace mmf::test

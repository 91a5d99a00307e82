// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_axi_read_master.sv against the memory-channel timing model (sim/): the data of
// several commands (some crossing 4 KiB pages) arrives in order and intact, bursts obey AXI
// (no page crossing, at most MaxBurst beats), and streaming reaches the channel's rate: several
// bursts stay outstanding so latency is paid once per command, not once per burst (the FIFO of
// 64 beats covers latency x rate + MaxBurst in every case here).
#include <cstring>

#include "Vmmf_axi_read_master.h"
#include "common/checks.hpp"
#include "mmf/sim/axi_memory.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

constexpr uint32_t kBeatBytes = 4;  // -GDataWidth=32
constexpr uint32_t kMaxBurst = 16;  // -GMaxBurst=16

struct TimingCase {
  double bytes_per_cycle;
  uint32_t latency;
  uint32_t outstanding;
  friend std::ostream& operator<<(std::ostream& os, const TimingCase& t) {
    return os << t.bytes_per_cycle << "Bpc_lat" << t.latency << "_out" << t.outstanding;
  }
};

class AxiReadMasterRtl : public testing::TestWithParam<TimingCase> {};

TEST_P(AxiReadMasterRtl, StreamsCommandsAtTheChannelRate) {
  const TimingCase t = GetParam();
  std::vector<uint8_t> memory(1 << 16);
  std::mt19937 rng(1);
  for (auto& b : memory) b = static_cast<uint8_t>(rng());
  sim::AxiMemoryChannel channel(sim::ChannelTiming{t.bytes_per_cycle, t.latency, t.outstanding, {}},
                                memory.data(), memory.size(), kBeatBytes);
  // (byte address, beats): page crossings, a single beat, a long run.
  const std::vector<std::pair<uint32_t, uint32_t>> commands = {
      {4096 - 8, 40}, {100 * 4, 1}, {8192 + 4, 3000}, {4 * 5000, 77}};
  uint64_t total_beats = 0;
  std::vector<uint8_t> expected;
  for (const auto& [addr, beats] : commands) {
    expected.insert(expected.end(), memory.begin() + addr, memory.begin() + addr + beats * 4);
    total_beats += beats;
  }

  VerilatedUnit<Vmmf_axi_read_master> dut;
  dut.reset();
  auto& io = dut.io();
  std::vector<uint8_t> got;
  int bad_bursts = 0;
  uint64_t first_r = 0, first_out = 0;  // cycles of the first beat in and out
  const uint64_t start = dut.cycles();
  StreamDriver streams("mmf_axi_read_master", rng, 0.0);  // no stalls: the channel's rate
  streams.in(
      "cmd", commands.size(),
      [&](size_t k) {
        io.cmd_addr_i = commands[k].first;
        io.cmd_beats_i = commands[k].second;
      },
      [&](bool v) { io.cmd_valid_i = v; }, [&] { return io.cmd_ready_o != 0; });
  streams.out_ports(io, [&](size_t) {
    if (first_out == 0) first_out = dut.cycles();
    const uint32_t word = io.out_data_o;
    for (uint32_t k = 0; k < kBeatBytes; ++k) got.push_back(static_cast<uint8_t>(word >> (8 * k)));
  });
  // The memory channel answers the unit's bursts.
  streams.before_settle = [&] {
    io.ar_ready_i = channel.ar_ready();
    io.r_valid_i = channel.r_valid();
    uint32_t beat = 0;
    if (channel.r_valid()) std::memcpy(&beat, channel.r_data(), kBeatBytes);
    io.r_data_i = beat;
    io.r_last_i = channel.r_last();
    io.r_resp_i = channel.r_resp();
  };
  streams.after_settle = [&] {
    if (io.ar_valid_o && io.ar_ready_i) {
      const uint64_t addr = io.ar_addr_o;
      const uint32_t beats = io.ar_len_o + 1u;
      if (beats > kMaxBurst || (addr % 4096) + beats * kBeatBytes > 4096) ++bad_bursts;
      channel.ar_accept(addr, io.ar_len_o);
    }
    if (io.r_valid_i && io.r_ready_o) {
      if (first_r == 0) first_r = dut.cycles();
      channel.r_accept();
    }
  };
  streams.after_tick = [&] { channel.tick(); };
  MMF_ASSERT_TRUE(streams.run(
      dut, [&] { return got.size() >= expected.size(); }, 20 * total_beats + 2000));
  MMF_EXPECT_TRUE(got == expected) << "data differs";
  MMF_EXPECT_EQ(bad_bursts, 0) << "bursts crossing 4 KiB or longer than MaxBurst";
  MMF_EXPECT_EQ(io.bytes_o, total_beats * kBeatBytes);
  MMF_EXPECT_EQ(static_cast<int>(io.error_o), 0);
  // The FIFO's latency, which the timed model charges (mmf_hls::kWeightFifoLatency).
  MMF_EXPECT_EQ(first_out - first_r, mmf_hls::kWeightFifoLatency) << "R beat to FIFO output";
  // The rate bound: beats at the channel's rate, plus one latency per command and a few cycles
  // of hand-over. Without overlapping bursts every burst would pay the latency.
  const double cycles = static_cast<double>(dut.cycles() - start);
  const double rate_bound = static_cast<double>(total_beats * kBeatBytes) /
                            std::min(t.bytes_per_cycle, double{kBeatBytes});
  const double allowance = static_cast<double>(commands.size() * (t.latency + 8) + 20);
  MMF_EXPECT_LE(cycles, rate_bound + allowance) << "cycles " << cycles << ", bound " << rate_bound;
}

INSTANTIATE_TEST_SUITE_P(Timings, AxiReadMasterRtl,
                         testing::Values(TimingCase{4.0, 50, 8}, TimingCase{2.5, 10, 4},
                                         TimingCase{4.0, 40, 16}),
                         [](const auto& test_info) {
                           const TimingCase& c = test_info.param;
                           return "rate" +
                                  std::to_string(static_cast<int>(c.bytes_per_cycle * 10)) +
                                  "_lat" + std::to_string(c.latency) + "_out" +
                                  std::to_string(c.outstanding);
                         });

}  // namespace
}  // namespace mmf::test

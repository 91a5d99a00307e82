// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_axi_write_master.sv against the memory-channel model: the data of several
// commands (some crossing 4 KiB pages) lands intact, bursts are legal, idle rises only after the
// last response, and streaming keeps to the channel's rate.
#include <cstring>

#include "Vmmf_axi_write_master.h"
#include "common/checks.hpp"
#include "mmf/sim/axi_memory.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

constexpr uint32_t kBeatBytes = 4;  // -GDataWidth=32
constexpr uint32_t kMaxBurst = 16;  // -GMaxBurst=16

class AxiWriteMasterRtl : public testing::TestWithParam<double> {};

TEST_P(AxiWriteMasterRtl, WritesLandIntactAndInOrder) {
  const double stall = GetParam();
  std::vector<uint8_t> memory(1 << 16, 0);
  std::vector<uint8_t> expected = memory;
  const uint32_t latency = 20;
  sim::AxiMemoryChannel channel(sim::ChannelTiming{4.0, latency, 8, {}}, memory.data(),
                                memory.size(), kBeatBytes);
  const std::vector<std::pair<uint32_t, uint32_t>> commands = {
      {4096 - 12, 30}, {4 * 300, 1}, {12288 + 8, 1500}, {4 * 9000, 65}};
  std::mt19937 rng(4);
  std::vector<uint32_t> data;
  for (const auto& [addr, beats] : commands) {
    for (uint32_t k = 0; k < beats; ++k) {
      const auto word = static_cast<uint32_t>(rng());
      data.push_back(word);
      std::memcpy(&expected[addr + 4 * k], &word, 4);
    }
  }
  VerilatedUnit<Vmmf_axi_write_master> dut;
  dut.reset();
  auto& io = dut.io();
  int bad_bursts = 0, idle_too_early = 0;
  const uint64_t start = dut.cycles();
  bool done = false;
  StreamDriver streams("mmf_axi_write_master", rng, stall);  // stalls on the data input only
  StreamIn& cmd = streams.in(
      "cmd", commands.size(),
      [&](size_t k) {
        io.cmd_addr_i = commands[k].first;
        io.cmd_beats_i = commands[k].second;
      },
      [&](bool v) { io.cmd_valid_i = v; }, [&] { return io.cmd_ready_o != 0; });
  cmd.gaps = false;
  const StreamIn& in = streams.in_ports(io, data.size(), [&](size_t k) {
    io.in_data_i = data[k];
    io.in_strb_i = 0xF;
  });
  // The memory channel answers the unit's bursts.
  streams.before_settle = [&] {
    io.aw_ready_i = channel.aw_ready();
    io.w_ready_i = channel.w_ready();
    io.b_valid_i = channel.b_valid();
    io.b_resp_i = channel.b_resp();
  };
  streams.after_settle = [&] {
    if (io.aw_valid_o && io.aw_ready_i) {
      const uint64_t addr = io.aw_addr_o;
      const uint32_t beats = io.aw_len_o + 1u;
      if (beats > kMaxBurst || (addr % 4096) + beats * kBeatBytes > 4096) ++bad_bursts;
      channel.aw_accept(addr, io.aw_len_o);
    }
    if (io.w_valid_o && io.w_ready_i) {
      const uint32_t word = io.w_data_o;
      channel.w_accept(reinterpret_cast<const uint8_t*>(&word), io.w_strb_o, io.w_last_o);
    }
    if (io.b_valid_i && io.b_ready_o) channel.b_accept();
    const bool all_sent = cmd.sent == commands.size() && in.sent == data.size();
    if (io.idle_o && all_sent && channel.b_valid()) ++idle_too_early;
    done = all_sent && io.idle_o && dut.cycles() > start + 2;
  };
  streams.after_tick = [&] { channel.tick(); };
  MMF_ASSERT_TRUE(streams.run(
      dut, [&] { return done; }, 50 * data.size() + 2000));
  MMF_EXPECT_TRUE(memory == expected) << "memory differs after the writes";
  MMF_EXPECT_EQ(bad_bursts, 0);
  MMF_EXPECT_EQ(idle_too_early, 0) << "idle while a response was still on its way";
  MMF_EXPECT_EQ(io.bytes_o, data.size() * uint64_t{kBeatBytes});
  MMF_EXPECT_EQ(static_cast<int>(io.error_o), 0);
  if (stall == 0.0) {
    const double cycles = static_cast<double>(dut.cycles() - start);
    MMF_EXPECT_LE(cycles, static_cast<double>(data.size() + commands.size() * (latency + 8) + 20));
  }
}

INSTANTIATE_TEST_SUITE_P(Stalls, AxiWriteMasterRtl, testing::Values(0.0, 0.3),
                         [](const auto& test_info) {
                           return test_info.param == 0.0 ? "no_stalls" : "input_stalls";
                         });

}  // namespace
}  // namespace mmf::test

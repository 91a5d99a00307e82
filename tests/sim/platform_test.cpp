// SPDX-License-Identifier: Apache-2.0
// The SystemC platform's timed model on programs of one kind of op: a BitLinear whose weights
// dwarf its FIFO streams at the memory channels' rate (never faster), at any lane count; the
// host link adds its launch cost and transfer time; ops come back one span each.
#include "mmf/sim/platform.hpp"

#include "common/checks.hpp"
#include "mmf/host/backends/device.hpp"

namespace mmf::test {
namespace {

using namespace mmf_hls;

std::array<uint32_t, kDescriptorWords> bitlinear(uint32_t n, uint32_t rows) {
  std::array<uint32_t, kDescriptorWords> d{};
  d[kFieldOpcode] = kOpBitLinear;
  d[kFieldN] = n;
  d[kFieldRows] = rows;
  d[kFieldAddr0] = kNoAddress;
  d[kFieldDst] = 1;
  return d;
}

struct StreamCase {
  const char* name;
  uint32_t lanes, channels;
  double channel_bytes_per_cycle;
};

class PlatformStream : public testing::TestWithParam<StreamCase> {};

TEST_P(PlatformStream, IsBoundByTheChannelsRate) {
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  const StreamCase& c = GetParam();
  sim::PlatformParams p;
  p.kernel.lanes = c.lanes;
  p.kernel.channels = c.channels;
  p.kernel.vector_lanes = 4;
  p.kernel.fifo_words = 1024;
  p.kernel.weight_timing.bytes_per_cycle = c.channel_bytes_per_cycle;
  p.kernel.vec_timing.bytes_per_cycle = 64.0;
  p.link.gbps = 10.0;
  p.link.launch_us = 20.0;
  p.clock_mhz = 250.0;
  const auto platform = sim::make_platform(p);
  sim::PlatformLaunch l;
  l.num_ops = 1;
  const uint32_t n = 8 * c.lanes, rows = 4096 * c.channels;  // 8 words a row
  l.ops_run.push_back(bitlinear(n, rows));
  l.host_to_device_bytes = 4;
  l.device_to_host_bytes = 100000;
  const sim::PlatformResult r = platform->run(l);
  const double word_bytes = c.lanes / 4.0;
  const double per_channel_bytes = 4096.0 * 8 * word_bytes;
  const double rate = std::min(c.channel_bytes_per_cycle, word_bytes);  // a beat a cycle at most
  const double bound = per_channel_bytes / rate;
  MMF_EXPECT_EQ(r.weight_bytes, static_cast<uint64_t>(per_channel_bytes * c.channels));
  MMF_EXPECT_GE(static_cast<double>(r.kernel_cycles), bound) << c.name;
  MMF_EXPECT_LE(static_cast<double>(r.kernel_cycles), 1.05 * bound + 2000) << c.name;
  MMF_ASSERT_EQ(r.ops.size(), size_t{1});
  MMF_EXPECT_LE(r.ops[0].end, r.kernel_cycles);
  // Link: 20 us of launch and 100 kB at 10 GB/s (10 us) at 250 MHz, and the token's write
  // response from the memory (its 64-cycle latency).
  MMF_EXPECT_GE(static_cast<double>(r.link_cycles), 30e-6 * 250e6);
  MMF_EXPECT_LE(static_cast<double>(r.link_cycles), 30e-6 * 250e6 + 100);
}

INSTANTIATE_TEST_SUITE_P(Builds, PlatformStream,
                         testing::Values(StreamCase{"narrow_beat_bound", 16, 2, 47.9},
                                         StreamCase{"wide_memory_bound", 512, 4, 47.9},
                                         StreamCase{"many_channels", 256, 31, 20.0}),
                         [](const auto& test_info) { return std::string(test_info.param.name); });

}  // namespace
}  // namespace mmf::test

namespace mmf::test {
namespace {

// The platform is one per process and is reconfigured for each device. A launch times the
// same after a run at another clock as before it: no state of the earlier run (bursts in
// flight, in the earlier clock's cycles) survives into the next configuration. Found by
// host_calibration_test run in one process, where kv260 (250 MHz) after ci-tiny (300 MHz)
// waited 61,000 cycles in its first BitLinear.
TEST(PlatformReconfigured, TimesALaunchAsBeforeARunAtAnotherClock) {
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  const auto params = [](double clock_mhz) {
    sim::PlatformParams p;
    p.kernel.lanes = 16;
    p.kernel.channels = 2;
    p.kernel.vector_lanes = 4;
    p.kernel.fifo_words = 256;
    p.kernel.weight_timing.bytes_per_cycle = 2.0;
    p.kernel.vec_timing.bytes_per_cycle = 64.0;
    p.clock_mhz = clock_mhz;
    return p;
  };
  sim::PlatformLaunch l;
  l.num_ops = 1;
  l.ops_run.push_back(bitlinear(64, 4096));
  const auto run = [&](double clock_mhz) {
    return sim::make_platform(params(clock_mhz))->run(l).kernel_cycles;
  };
  const uint64_t first = run(250.0);
  for (int k = 0; k < 3; ++k) run(300.0);  // a later clock's cycles run ahead of 250 MHz's
  MMF_EXPECT_EQ(run(250.0), first);
  MMF_EXPECT_LT(0u, first);
}

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// The memory-channel timing model on its own: first beat after the latency, sustained rate,
// the outstanding limit, data in order, and SLVERR outside the memory; and its transaction-level
// form (ChannelTimeline, the SystemC platform's) against it.
#include "mmf/sim/axi_memory.hpp"

#include <algorithm>

#include "common/checks.hpp"

namespace mmf::test {
namespace {

using sim::AxiMemoryChannel;
using sim::ChannelTiming;

std::vector<uint8_t> counting_memory(size_t n) {
  std::vector<uint8_t> m(n);
  for (size_t k = 0; k < n; ++k) m[k] = static_cast<uint8_t>(k * 7 + 1);
  return m;
}

// Takes every beat as soon as it is offered; returns the cycles of each beat.
std::vector<uint64_t> drain(AxiMemoryChannel& ch, size_t beats, std::vector<uint8_t>* data,
                            uint32_t beat_bytes) {
  std::vector<uint64_t> at;
  while (at.size() < beats && ch.cycles() < 100000) {
    if (ch.r_valid()) {
      at.push_back(ch.cycles());
      if (data) data->insert(data->end(), ch.r_data(), ch.r_data() + beat_bytes);
      ch.r_accept();
    }
    ch.tick();
  }
  return at;
}

TEST(AxiMemoryChannel, LatencyRateAndOrder) {
  auto memory = counting_memory(4096);
  AxiMemoryChannel ch(ChannelTiming{16.0, 30, 4, {}}, memory.data(), memory.size(), 64);
  ch.ar_accept(0, 3);    // 4 beats
  ch.ar_accept(512, 1);  // 2 beats
  std::vector<uint8_t> data;
  const auto at = drain(ch, 6, &data, 64);
  MMF_ASSERT_EQ(at.size(), size_t{6});
  MMF_EXPECT_GE(at[0], 30u) << "no beat before the latency";
  // 16 bytes per cycle and 64-byte beats: one beat every 4 cycles once streaming.
  MMF_EXPECT_EQ(at[5] - at[1], 16u);
  std::vector<uint8_t> expected(memory.begin(), memory.begin() + 256);
  expected.insert(expected.end(), memory.begin() + 512, memory.begin() + 640);
  MMF_EXPECT_TRUE(data == expected) << "beats in request order";
  MMF_EXPECT_EQ(ch.bytes_served(), 384u);
}

TEST(AxiMemoryChannel, AcceptsUpToMaxOutstanding) {
  auto memory = counting_memory(4096);
  AxiMemoryChannel ch(ChannelTiming{64.0, 10, 2, {}}, memory.data(), memory.size(), 64);
  MMF_EXPECT_TRUE(ch.ar_ready());
  ch.ar_accept(0, 0);
  ch.ar_accept(64, 0);
  MMF_EXPECT_FALSE(ch.ar_ready()) << "two requests in flight";
  drain(ch, 1, nullptr, 64);
  MMF_EXPECT_TRUE(ch.ar_ready()) << "a finished request frees a slot";
}

TEST(AxiMemoryChannel, OutOfRangeReadsAnswerSlverr) {
  auto memory = counting_memory(256);
  AxiMemoryChannel ch(ChannelTiming{64.0, 1, 4, {}}, memory.data(), memory.size(), 64);
  ch.ar_accept(192, 1);  // second beat is past the end
  while (!ch.r_valid()) ch.tick();
  MMF_EXPECT_EQ(static_cast<int>(ch.r_resp()), 0);
  ch.r_accept();
  ch.tick();
  MMF_ASSERT_TRUE(ch.r_valid());
  MMF_EXPECT_EQ(static_cast<int>(ch.r_resp()), 2);
  MMF_EXPECT_TRUE(ch.r_last());
  ch.r_accept();
  MMF_EXPECT_EQ(ch.errors(), 1u);
}

TEST(AxiMemoryChannel, WritesLandAndAnswerAfterTheLatency) {
  std::vector<uint8_t> memory(256, 0);
  AxiMemoryChannel ch(ChannelTiming{8.0, 5, 2, {}}, memory.data(), memory.size(), 8);
  MMF_EXPECT_FALSE(ch.w_ready()) << "no data before its address";
  ch.aw_accept(16, 1);  // two beats
  const std::vector<uint8_t> beat(8, 0xAB);
  while (!ch.w_ready()) ch.tick();
  ch.w_accept(beat.data(), 0x0F, false);  // low four bytes only
  ch.tick();
  MMF_ASSERT_TRUE(ch.w_ready());
  ch.w_accept(beat.data(), 0xFF, true);
  const uint64_t last = ch.cycles();
  while (!ch.b_valid()) ch.tick();
  MMF_EXPECT_EQ(ch.cycles() - last, 5u) << "response after the latency";
  MMF_EXPECT_EQ(static_cast<int>(ch.b_resp()), 0);
  ch.b_accept();
  const std::vector<uint8_t> want = {0xAB, 0xAB, 0xAB, 0xAB, 0,    0,    0,    0,
                                     0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB};
  MMF_EXPECT_TRUE(std::equal(want.begin(), want.end(), memory.begin() + 16)) << "strobes";
  // A wrong wlast is a protocol error of the master.
  ch.aw_accept(0, 1);
  ch.tick();
  try {
    ch.w_accept(beat.data(), 0xFF, true);
    MMF_EXPECT_TRUE(false) << "wlast on the first of two beats was accepted";
  } catch (const std::logic_error&) {
    MMF_EXPECT_TRUE(true);
  }
}

TEST(AxiMemoryChannel, OutOfRangeWritesAnswerSlverr) {
  std::vector<uint8_t> memory(64, 0);
  AxiMemoryChannel ch(ChannelTiming{8.0, 1, 2, {}}, memory.data(), memory.size(), 8);
  ch.aw_accept(64, 0);
  const std::vector<uint8_t> beat(8, 1);
  while (!ch.w_ready()) ch.tick();
  ch.w_accept(beat.data(), 0xFF, true);
  while (!ch.b_valid()) ch.tick();
  MMF_EXPECT_EQ(static_cast<int>(ch.b_resp()), 2);
  ch.b_accept();
  MMF_EXPECT_EQ(ch.errors(), 1u);
  MMF_EXPECT_TRUE(std::all_of(memory.begin(), memory.end(), [](uint8_t b) { return b == 0; }));
}

}  // namespace
}  // namespace mmf::test

namespace mmf::test {
namespace {

// Refresh arithmetic, by hand: a 100-cycle period whose first 10 cycles move no data.
TEST(ChannelTiming, AfterRefreshSkipsTheRefreshes) {
  ChannelTiming t;
  t.refresh_interval_cycles = 100.0;
  t.refresh_cycles = 10.0;
  MMF_EXPECT_NEAR(t.after_refresh(0.0, 0.0), 10.0, 1e-9);  // begun in a refresh: waits
  MMF_EXPECT_NEAR(t.after_refresh(5.0, 20.0), 30.0, 1e-9);
  MMF_EXPECT_NEAR(t.after_refresh(50.0, 50.0), 100.0, 1e-9);  // ends as the next refresh begins
  MMF_EXPECT_NEAR(t.after_refresh(50.0, 60.0), 120.0, 1e-9);
  // 5 cycles to 100, 90 in each of the next two periods, 15 in the third.
  MMF_EXPECT_NEAR(t.after_refresh(95.0, 200.0), 325.0, 1e-9);
  MMF_EXPECT_TRUE(t.refreshing(205.0));
  MMF_EXPECT_FALSE(t.refreshing(210.0));
  MMF_EXPECT_NEAR(t.average_bytes_per_cycle(), 64.0 * 0.9, 1e-9);
  ChannelTiming none;
  MMF_EXPECT_NEAR(none.after_refresh(95.0, 200.0), 295.0, 1e-9);
}

// While the channel refreshes no beat leaves, and over many refreshes the channel delivers
// its average rate.
TEST(AxiMemoryChannel, RefreshStopsBeatsAndSetsTheAverageRate) {
  auto memory = counting_memory(1 << 20);
  ChannelTiming t{32.0, 20, 16, {}};
  t.refresh_interval_cycles = 200.0;
  t.refresh_cycles = 30.0;
  AxiMemoryChannel ch(t, memory.data(), memory.size(), 64);
  const size_t beats = 4096;
  std::vector<uint64_t> at;
  uint64_t next = 0;
  while (at.size() < beats && ch.cycles() < 1000000) {
    if (ch.ar_ready() && next < beats) {
      ch.ar_accept(next * 64, 15);
      next += 16;
    }
    if (ch.r_valid()) {
      MMF_ASSERT_TRUE(!t.refreshing(static_cast<double>(ch.cycles())))
          << "a beat at cycle " << ch.cycles() << ", inside a refresh";
      at.push_back(ch.cycles());
      ch.r_accept();
    }
    ch.tick();
  }
  MMF_ASSERT_EQ(at.size(), beats);
  const double rate =
      64.0 * static_cast<double>(beats - 1) / static_cast<double>(at.back() - at[0]);
  MMF_EXPECT_NEAR(rate / t.average_bytes_per_cycle(), 1.0, 0.01)
      << rate << " B/cycle against " << t.average_bytes_per_cycle();
}

// Injected faults: the chosen beat answers the chosen error and counts it; a stall stops the
// beats for good.
TEST(AxiMemoryChannel, InjectsReadErrorsAndStalls) {
  auto memory = counting_memory(4096);
  sim::ChannelTiming t{64.0, 2, 4, {}};
  t.faults.read_error_beat = 3;
  t.faults.read_error_resp = 3;  // DECERR
  AxiMemoryChannel ch(t, memory.data(), memory.size(), 64);
  ch.ar_accept(0, 4);  // 5 beats
  std::vector<uint8_t> resp;
  while (resp.size() < 5 && ch.cycles() < 1000) {
    if (ch.r_valid()) {
      resp.push_back(ch.r_resp());
      ch.r_accept();
    }
    ch.tick();
  }
  MMF_EXPECT_EQ(resp, (std::vector<uint8_t>{0, 0, 3, 0, 0}));
  MMF_EXPECT_EQ(ch.errors(), 1u);

  sim::ChannelTiming s{64.0, 2, 4, {}};
  s.faults.stall_after_beats = 2;
  AxiMemoryChannel stalled(s, memory.data(), memory.size(), 64);
  stalled.ar_accept(0, 7);  // 8 beats, only 2 come
  MMF_EXPECT_EQ(drain(stalled, 8, nullptr, 64).size(), 2u);
  MMF_EXPECT_EQ(stalled.cycles(), 100000u);  // drain gave up
}

// The transaction-level timeline gives the cycle of a stream's last beat within two cycles of
// the beat-level model, for channels faster and slower than a beat a cycle.
struct TimelineCase {
  const char* name;
  double bytes_per_cycle;
  uint32_t latency, beat_bytes, bursts, beats_per_burst;
  double refresh_interval = 0.0, refresh = 0.0;  // cycles; 0: none
};

class ChannelTimelineMatches : public testing::TestWithParam<TimelineCase> {};

TEST_P(ChannelTimelineMatches, TheBeatLevelModel) {
  const TimelineCase& c = GetParam();
  ChannelTiming timing{c.bytes_per_cycle, c.latency, c.bursts, {}};
  timing.refresh_interval_cycles = c.refresh_interval;
  timing.refresh_cycles = c.refresh;
  auto memory = counting_memory(size_t{c.bursts} * c.beats_per_burst * c.beat_bytes);
  AxiMemoryChannel beats(timing, memory.data(), memory.size(), c.beat_bytes);
  sim::ChannelTimeline bursts(timing, c.beat_bytes);
  double last = 0.0;
  for (uint32_t b = 0; b < c.bursts; ++b) {
    beats.ar_accept(uint64_t{b} * c.beats_per_burst * c.beat_bytes, c.beats_per_burst - 1);
    last = bursts.read(0.0, c.beats_per_burst);
  }
  const auto at = drain(beats, size_t{c.bursts} * c.beats_per_burst, nullptr, c.beat_bytes);
  MMF_ASSERT_EQ(at.size(), size_t{c.bursts} * c.beats_per_burst);
  MMF_EXPECT_NEAR(last, static_cast<double>(at.back()), 2.0) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Streams, ChannelTimelineMatches,
    testing::Values(TimelineCase{"one_burst", 47.9, 64, 16, 1, 16},
                    TimelineCase{"hbm_wide_beats", 47.9, 64, 128, 8, 32},
                    TimelineCase{"beat_bound", 47.9, 64, 4, 4, 64},
                    TimelineCase{"slow_channel", 8.0, 30, 64, 4, 16},
                    // The u280's HBM at 300 MHz: 3.9 us / 260 ns.
                    TimelineCase{"hbm_refresh", 51.3, 72, 128, 16, 64, 1170.0, 78.0},
                    TimelineCase{"refresh_mid_burst", 16.0, 10, 64, 2, 32, 100.0, 10.0}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// rtl/common/mmf_gearbox.sv and mmf_stream_align.sv, the lane regrouping cells of the kernel:
// every lane comes out once, in order, with the documented zero tail, for up, down and uneven
// ratios, under random stalls on both sides; the realignment's latency is what the timed model
// charges.
#include "Vmmf_gearbox_2to4.h"
#include "Vmmf_gearbox_3to2.h"
#include "Vmmf_gearbox_4to4.h"
#include "Vmmf_gearbox_8to3.h"
#include "Vmmf_stream_align_l4.h"
#include "common/checks.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

// Streams of random byte lanes (8-bit lanes: every port fits 64 bits), each closed by `last`.
template <class Model>
void check_gearbox(int in_lanes, int out_lanes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<LastBeat> beats;
  std::vector<uint64_t> expected;
  for (int v = 0; v < 200; ++v) {
    const int n_beats = 1 + static_cast<int>(rng() % 7);
    std::vector<uint8_t> lanes;
    for (int b = 0; b < n_beats; ++b) {
      uint64_t data = 0;
      for (int k = 0; k < in_lanes; ++k) {
        const auto x = static_cast<uint8_t>(rng());
        lanes.push_back(x);
        data |= uint64_t{x} << (8 * k);
      }
      beats.push_back({data, b == n_beats - 1});
    }
    for (size_t k = 0; k < lanes.size(); k += out_lanes) {
      uint64_t word = 0;
      for (int j = 0; j < out_lanes && k + j < lanes.size(); ++j) {
        word |= uint64_t{lanes[k + j]} << (8 * j);
      }
      expected.push_back(word);
    }
  }
  check_regroup<Model>("mmf_gearbox", beats, expected, rng);
}

// Known values, worked by hand: lanes 01 02 ... in order, each stream closed by `last`.
TEST(GearboxRtl, KnownValuesUpAndDown) {
  std::mt19937 rng(5);
  // 2 -> 4: five lanes make a full word and a word of one lane, zero tail.
  check_regroup<Vmmf_gearbox_2to4>("mmf_gearbox", {{0x0201, false}, {0x0403, false}, {0x05, true}},
                                   {0x04030201, 0x05}, rng);
  // 3 -> 2: three lanes make a word and a word of one lane; the next stream starts afresh.
  check_regroup<Vmmf_gearbox_3to2>("mmf_gearbox",
                                   {{0x030201, true}, {0x060504, false}, {0x090807, true}},
                                   {0x0201, 0x03, 0x0504, 0x0706, 0x0908}, rng);
  // 8 -> 3: eight lanes make two full words and one of two lanes.
  check_regroup<Vmmf_gearbox_8to3>("mmf_gearbox", {{0x0807060504030201, true}},
                                   {0x030201, 0x060504, 0x0807}, rng);
}

TEST(GearboxRtl, UpTwoToFour) {
  check_gearbox<Vmmf_gearbox_2to4>(2, 4, 1);
}
TEST(GearboxRtl, UnevenThreeToTwo) {
  check_gearbox<Vmmf_gearbox_3to2>(3, 2, 2);
}
TEST(GearboxRtl, EqualFourToFour) {
  check_gearbox<Vmmf_gearbox_4to4>(4, 4, 3);
}
TEST(GearboxRtl, DownEightToThree) {
  check_gearbox<Vmmf_gearbox_8to3>(8, 3, 4);
}

// Jobs (off, n): the lanes [off, off + n) of ceil((off + n) / 4) input beats come out from lane
// 0, ceil(n / 4) beats; lanes past n in the last beat are not compared (unspecified).
TEST(StreamAlignRtl, DropsLeadingLanes) {
  std::mt19937 rng(9);
  VerilatedUnit<Vmmf_stream_align_l4> dut;
  dut.reset();
  auto& io = dut.io();
  int jobs = 0;
  for (int job = 0; job < 300; ++job) {
    const uint32_t off = rng() % 4, n = 1 + rng() % 21;
    std::vector<uint8_t> lanes((off + n + 3) / 4 * 4);
    for (auto& x : lanes) x = static_cast<uint8_t>(rng());
    io.job_valid_i = 1;
    io.job_off_i = off;
    io.job_n_i = n;
    io.in_valid_i = 0;
    io.out_ready_i = 0;
    dut.settle();
    MMF_ASSERT_TRUE(io.job_ready_o) << "idle between jobs";
    dut.tick();
    io.job_valid_i = 0;
    const size_t in_beats = lanes.size() / 4, out_beats = (n + 3) / 4;
    StreamDriver streams("mmf_stream_align", rng, 0.3);
    const StreamIn& in = streams.in_ports(io, in_beats, [&](size_t b) {
      uint32_t beat = 0;
      for (int k = 0; k < 4; ++k) beat |= uint32_t{lanes[4 * b + k]} << (8 * k);
      io.in_data_i = beat;
    });
    const StreamOut& out = streams.out_ports(io, [&](size_t b) {
      for (uint32_t k = 0; k < 4 && 4 * b + k < n; ++k) {
        MMF_EXPECT_EQ((io.out_data_o >> (8 * k)) & 0xFF, lanes[off + 4 * b + k])
            << "job " << job << " beat " << b << " lane " << k;
      }
    });
    MMF_ASSERT_TRUE(streams.run(
        dut, [&] { return out.taken >= out_beats; }, 30 * in_beats + 100));
    MMF_EXPECT_EQ(in.sent, in_beats) << "job " << job << ": every input beat taken";
    ++jobs;
  }
  MMF_EXPECT_EQ(jobs, 300);
}

// Known values, worked by hand: lanes [3, 9) of three input beats (lanes 00 to 0B) come out as
// 03 04 05 06 and 07 08 (the last beat's two tail lanes unspecified), under random stalls.
TEST(StreamAlignRtl, KnownValues) {
  std::mt19937 rng(11);
  VerilatedUnit<Vmmf_stream_align_l4> dut;
  dut.reset();
  auto& io = dut.io();
  io.job_off_i = 3;
  io.job_n_i = 6;
  const std::vector<uint32_t> in_beats = {0x03020100u, 0x07060504u, 0x0B0A0908u};
  std::vector<uint32_t> got;
  StreamDriver streams("mmf_stream_align", rng, 0.3);
  const StreamIn& job = streams.job_ports(io, [](size_t) {});
  streams.in_ports(io, in_beats.size(), [&](size_t k) { io.in_data_i = in_beats[k]; }).after = &job;
  streams.out_ports(io, [&](size_t) { got.push_back(io.out_data_o); });
  MMF_ASSERT_TRUE(streams.run(
      dut, [&] { return got.size() >= 2; }, 100));
  MMF_EXPECT_EQ(got[0], 0x06050403u);
  MMF_EXPECT_EQ(got[1] & 0xFFFFu, 0x0807u);
}

// A job of lanes [1, 5): the second input beat completes the output beat, which comes out
// kStreamAlignLatency cycles after that beat is taken (the output register).
TEST(StreamAlignRtl, LatencyIsWhatTheTimedModelCharges) {
  VerilatedUnit<Vmmf_stream_align_l4> dut;
  dut.reset();
  auto& io = dut.io();
  io.job_valid_i = 1;
  io.job_off_i = 1;
  io.job_n_i = 4;
  io.out_ready_i = 1;
  dut.settle();
  MMF_ASSERT_TRUE(io.job_ready_o);
  dut.tick();
  io.job_valid_i = 0;
  for (const uint32_t beat : {0x03020100u, 0x07060504u}) {
    io.in_valid_i = 1;
    io.in_data_i = beat;
    dut.settle();
    MMF_ASSERT_TRUE(io.in_ready_o);
    MMF_EXPECT_FALSE(io.out_valid_o) << "no output before the completing beat is registered";
    dut.tick();
  }
  io.in_valid_i = 0;
  const uint32_t cycles = dut.latency_of_last_beat([&] { return io.out_valid_o != 0; });
  MMF_EXPECT_EQ(cycles, mmf_hls::kStreamAlignLatency);
  MMF_EXPECT_EQ(io.out_data_o, 0x04030201u);
}

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_attention_exp.sv (with mmf_numerics_pkg and the generated exp2 table) against
// mmf::fx::attention_exp, bit for bit: differences around every table step for every shift down
// to the 2^-17 underflow, score == max, differences clamped at INT32_MIN, scores above the max
// (the golden model's wrap), random differences over every binade and random maxima, with
// random stalls; and the latency the timed model is given.
#include <algorithm>
#include <cmath>

#include "Vmmf_attention_exp_l4.h"
#include "common/checks.hpp"
#include "mmf/fixed_lanes.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

constexpr int kVectorLanes = 4;  // -GVectorLanes of the Verilated model
constexpr int kExpBits = 17;     // out_exp_o's lanes: Q0.16 in [0, 2^16]

// One beat: the head's maximum and VectorLanes scores.
struct ExpBeat {
  int32_t max;
  int32_t score[kVectorLanes];
};

// Differences x = score - max whose y = round(x log2(e)) lies around each table step i (f =
// i * 2^8 + d) of each n from 0 down past the underflow (n = -18 gives 0), three x a target.
std::vector<int64_t> table_step_differences() {
  std::vector<int64_t> xs;
  const double log2e = static_cast<double>(fx::kLog2eQ30) / (1 << 30);
  for (int n = 0; n >= -19; --n) {
    for (int i = 0; i < 256; ++i) {
      for (int d : {-1, 0, 1, 128, 255}) {
        const double y = static_cast<double>(n) * 65536 + i * 256 + d;
        const auto x = static_cast<int64_t>(std::llround(y / log2e));
        for (int64_t dx = -1; dx <= 1; ++dx) {
          if (x + dx <= 0) xs.push_back(x + dx);
        }
      }
    }
  }
  return xs;
}

std::vector<ExpBeat> test_beats() {
  std::mt19937 rng(11);
  std::vector<ExpBeat> beats;
  // Edge pairs: each max with the score equal to it, the int32 extremes (differences below
  // INT32_MIN clamp there, those above INT32_MAX wrap as the model's cast does) and one less.
  for (int32_t max : {0, 1, -1, INT32_MAX, INT32_MIN, INT32_MIN + 1, 1 << 20, -(1 << 20), 65536}) {
    beats.push_back({max, {max, INT32_MIN, INT32_MAX, max == INT32_MIN ? max : max - 1}});
  }
  // Differences of exactly INT32_MIN, -2^20 (the clamp of the datapath) and around them.
  beats.push_back({INT32_MAX, {-1, 0, -2, INT32_MAX - (1 << 20)}});
  beats.push_back({0, {INT32_MIN, INT32_MIN + 1, -(1 << 20), -(1 << 20) + 1}});
  beats.push_back({0, {-(1 << 20) - 1, 1, INT32_MAX, -65536}});

  // The differences around every table step, and random ones over every binade, each with a
  // random max that keeps score = max + x in int32.
  std::vector<int64_t> xs = table_step_differences();
  std::uniform_int_distribution<int> bits(0, 31);
  for (int k = 0; k < 20000; ++k) {
    const int64_t lim = (int64_t{1} << bits(rng)) - 1;
    xs.push_back(-std::uniform_int_distribution<int64_t>(0, lim)(rng));
  }
  while (xs.size() % kVectorLanes != 0) xs.push_back(0);
  std::uniform_int_distribution<int64_t> any_max(INT32_MIN, INT32_MAX);
  for (size_t b = 0; b < xs.size() / kVectorLanes; ++b) {
    int64_t lowest = 0;
    for (int k = 0; k < kVectorLanes; ++k) lowest = std::min(lowest, xs[b * kVectorLanes + k]);
    int64_t max = any_max(rng);
    if (max + lowest < INT32_MIN) max = INT32_MIN - lowest;
    ExpBeat beat{static_cast<int32_t>(max), {}};
    for (int k = 0; k < kVectorLanes; ++k) {
      beat.score[k] = static_cast<int32_t>(max + xs[b * kVectorLanes + k]);
    }
    beats.push_back(beat);
  }
  return beats;
}

// Lane k of a port of `bits`-bit lanes packed back to back.
template <std::size_t N>
uint32_t packed_lane(const VlWide<N>& port, int k, int bits) {
  const int bit = bits * k;
  const uint64_t lo = port[bit / 32] >> (bit % 32);
  const uint64_t hi =
      bit % 32 + bits > 32 ? uint64_t{port[bit / 32 + 1]} << (32 - bit % 32) : uint64_t{0};
  return static_cast<uint32_t>((lo | hi) & ((uint64_t{1} << bits) - 1));
}

TEST(AttentionExpRtl, MatchesTheGoldenFunction) {
  const std::vector<ExpBeat> beats = test_beats();
  VerilatedUnit<Vmmf_attention_exp_l4> dut;
  dut.reset();
  auto& io = dut.io();
  std::mt19937 rng(5);
  size_t checked = 0, underflows = 0, ones = 0;
  int mismatches = 0;
  StreamDriver streams("mmf_attention_exp", rng, 0.25);
  const StreamIn& in = streams.in_ports(io, beats.size(), [&](size_t b) {
    std::vector<uint32_t> words(kVectorLanes);
    for (int k = 0; k < kVectorLanes; ++k) words[k] = static_cast<uint32_t>(beats[b].score[k]);
    set_port(io.in_score_i, words);
    io.in_max_i = static_cast<uint32_t>(beats[b].max);
  });
  streams.out_ports(io, [&](size_t b) {
    for (int k = 0; k < kVectorLanes; ++k) {
      const uint32_t got = packed_lane(io.out_exp_o, k, kExpBits);
      const uint32_t want = fx::attention_exp(beats[b].score[k], beats[b].max);
      underflows += want == 0;
      ones += want == fx::kOne;
      if (got != want && ++mismatches == 1) {
        ADD_FAILURE() << "score " << beats[b].score[k] << ", max " << beats[b].max << ": " << got
                      << " vs " << want;
      }
      ++checked;
    }
  });
  MMF_ASSERT_TRUE(streams.run(
      dut, [&] { return checked >= beats.size() * kVectorLanes; }, 10 * beats.size()));
  MMF_EXPECT_EQ(in.sent, beats.size());
  MMF_EXPECT_EQ(mismatches, 0) << "of " << checked << " values";
  MMF_EXPECT_EQ(checked, beats.size() * kVectorLanes);
  MMF_EXPECT_GE(checked, size_t{50000});
  // The cases reached both ends of the range.
  MMF_EXPECT_GT(underflows, size_t{1000});
  MMF_EXPECT_GT(ones, size_t{10});
}

// One beat through an idle pipeline: its result is out kAttentionExpLatency cycles later.
TEST(AttentionExpRtl, LatencyIsTheConstant) {
  VerilatedUnit<Vmmf_attention_exp_l4> dut;
  dut.reset();
  auto& io = dut.io();
  io.out_ready_i = 1;
  io.in_valid_i = 1;
  set_port(io.in_score_i, std::vector<uint32_t>(kVectorLanes, 0u));
  io.in_max_i = 0x10000u;
  dut.settle();
  MMF_ASSERT_TRUE(io.in_ready_o);
  dut.tick();
  io.in_valid_i = 0;
  const uint32_t cycles = dut.latency_of_last_beat([&] { return io.out_valid_o != 0; });
  MMF_EXPECT_EQ(cycles, mmf_hls::kAttentionExpLatency);
  MMF_EXPECT_EQ(packed_lane(io.out_exp_o, 0, kExpBits), fx::attention_exp(0, 0x10000));
}

}  // namespace
}  // namespace mmf::test

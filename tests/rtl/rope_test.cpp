// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_rope.sv (the RoPE unit: two table rows in, a vector of heads rotated) against the
// golden mmf::fx::rope_angles and rope, bit for bit: every head width the 4-lane instance takes
// (8 to 64 values: 1 to 8 beats a half), one to five heads, random table rows and positions,
// random stalls on every stream and the vector offered before the tables are all in; and the
// cycles a head takes without stalls.
#include <random>
#include <vector>

#include "Vmmf_rope_l4.h"
#include "common/checks.hpp"
#include "mmf/fixed_units.hpp"
#include "mmf/numerics.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

using Model = Vmmf_rope_l4;
constexpr int kLanes = 4;        // -GVectorLanes
constexpr int kMaxHeadDim = 64;  // -GMaxHeadDim
constexpr int32_t kOne = 1 << fx::kRopeFrac;

struct RopeCase {
  int head_dim = 0;
  int heads = 0;
  std::vector<int32_t> lo, hi;  // a row of each table: [cos(half) | sin(half)]
  std::vector<int32_t> x;       // heads x head_dim values
};

RopeCase random_case(std::mt19937& rng, int head_dim, int heads) {
  RopeCase c;
  c.head_dim = head_dim;
  c.heads = heads;
  std::uniform_real_distribution<double> angle(-3.14159265358979, 3.14159265358979);
  const int half = head_dim / 2;
  for (auto* row : {&c.lo, &c.hi}) {
    row->assign(head_dim, 0);
    for (int j = 0; j < half; ++j) {
      const double a = angle(rng);
      (*row)[j] = static_cast<int32_t>(std::lround(kOne * std::cos(a)));
      (*row)[half + j] = static_cast<int32_t>(std::lround(kOne * std::sin(a)));
    }
  }
  std::uniform_int_distribution<int> bits(0, 31);
  for (int k = 0; k < heads * head_dim; ++k) {
    const int64_t lim = (int64_t{1} << bits(rng)) - 1;
    c.x.push_back(static_cast<int32_t>(std::uniform_int_distribution<int64_t>(-lim, lim)(rng)));
  }
  // The int32 ends, so the rotation saturates somewhere.
  c.x[0] = INT32_MAX;
  c.x[c.x.size() - 1] = INT32_MIN;
  return c;
}

std::vector<int32_t> golden(const RopeCase& c) {
  const int half = c.head_dim / 2;
  std::vector<int32_t> cos(half), sin(half), v = c.x;
  // Rows 0 of one-row tables: position 0 picks them.
  fx::rope_angles(c.lo.data(), c.lo.data() + half, c.hi.data(), c.hi.data() + half, half, 0,
                  cos.data(), sin.data());
  fx::rope(v.data(), c.heads, half, cos.data(), sin.data());
  return v;
}

// Runs one case through `dut` (a clear, then the streams) and returns the cycles it took.
uint64_t run_case(VerilatedUnit<Model>& dut, const RopeCase& c, std::mt19937& rng, double hold) {
  auto& io = dut.io();
  io.half_beats_i = c.head_dim / (2 * kLanes);
  io.clear_i = 1;
  io.tab_valid_i = 0;
  io.in_valid_i = 0;
  dut.tick();
  io.clear_i = 0;
  const uint64_t start = dut.cycles();
  const std::vector<int32_t> want = golden(c);
  std::vector<int32_t> tables = c.lo;
  tables.insert(tables.end(), c.hi.begin(), c.hi.end());
  const size_t tab_beats = tables.size() / kLanes, beats = c.x.size() / kLanes;
  StreamDriver streams("mmf_rope", rng, hold);
  streams.in(
      "tables", tab_beats,
      [&](size_t b) { set_port(io.tab_data_i, beat_words(tables, b, kLanes)); },
      [&](bool v) { io.tab_valid_i = v; }, [&] { return io.tab_ready_o != 0; });
  streams.in_ports(io, beats,
                   [&](size_t b) { set_port(io.in_data_i, beat_words(c.x, b, kLanes)); });
  size_t got = 0;
  int mismatches = 0;
  streams.out_ports(io, [&](size_t b) {
    for (int k = 0; k < kLanes; ++k, ++got) {
      const auto v = static_cast<int32_t>(io.out_data_o[k]);
      if (v != want[got] && ++mismatches == 1) {
        ADD_FAILURE() << "head_dim " << c.head_dim << ", beat " << b << " lane " << k << ": " << v
                      << " vs " << want[got];
      }
    }
  });
  MMF_EXPECT_TRUE(streams.run(
      dut, [&] { return got >= want.size(); }, 200 + 40 * beats));
  MMF_EXPECT_EQ(mismatches, 0) << "head_dim " << c.head_dim << ", " << c.heads << " heads";
  MMF_EXPECT_EQ(got, want.size());
  return dut.cycles() - start;
}

TEST(RopeRtl, RotatesEveryHeadAsTheGoldenUnit) {
  VerilatedUnit<Model> dut;
  dut.reset();
  std::mt19937 rng(29);
  int cases = 0;
  // One unit for all cases: each op's clear restarts it, whatever the last one left.
  for (int head_dim = 2 * kLanes; head_dim <= kMaxHeadDim; head_dim *= 2) {
    for (int heads = 1; heads <= 5; ++heads) {
      for (int rep = 0; rep < 3; ++rep, ++cases) {
        run_case(dut, random_case(rng, head_dim, heads), rng, 0.3);
        if (testing::Test::HasFailure()) return;
      }
    }
  }
  MMF_EXPECT_EQ(cases, 4 * 5 * 3);
}

// Without stalls a head takes about 2H + 8 cycles (its high half waits for the rotation's 7
// stages, then goes out while the next head's low half comes in): measured against that bound.
TEST(RopeRtl, AHeadTakesTwoHalvesAndTheRotationLatency) {
  VerilatedUnit<Model> dut;
  dut.reset();
  std::mt19937 rng(31);
  for (int head_dim : {8, 64}) {
    const int half_beats = head_dim / (2 * kLanes), heads = 6;
    const uint64_t cycles = run_case(dut, random_case(rng, head_dim, heads), rng, 0.0);
    const uint64_t bound = 4 * half_beats + 8 /* angles */ + heads * (2 * half_beats + 9);
    MMF_EXPECT_LE(cycles, bound) << "head_dim " << head_dim;
  }
}

}  // namespace
}  // namespace mmf::test

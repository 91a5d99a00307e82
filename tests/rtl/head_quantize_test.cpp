// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_head_quantize.sv against mmf::fx::quantize_head, bit for bit: edge heads (all
// zero, INT32_MIN, INT32_MAX, a single nonzero value, rounding ties, the smallest amax), random
// heads of several head_dims, jobs of 1 to MaxHeads heads back to back on one unit, random
// stalls on every port; and the time of a job without stalls, which shows that the heads'
// reciprocals overlap instead of following one another.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "Vmmf_head_quantize_l4.h"
#include "Vmmf_head_quantize_l8.h"
#include "common/checks.hpp"
#include "mmf/fixed_units.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

// The Verilated models' parameters: -GVectorLanes=4 (l4) and 8 (l8); MaxHeadDim (128) and
// MaxHeads at their defaults.
constexpr uint32_t kMaxHeads = 8;
// The unit's constants (mmf_head_quantize.sv, header): a code beat leaves CodeLatency cycles
// after its input beat; a head's pass-2 beats are taken from RecipCycles + log2(lanes) cycles
// after its last pass-1 beat (the max tree, then its division of 39 cycles).
constexpr uint32_t kCodeLatency = 7;
constexpr uint32_t kAmaxLatency = 4;  // plus log2(lanes), after the head's last pass-1 beat
constexpr uint32_t kRecipCycles = 44;

// One job: heads of head_dim values each (all of one length).
struct Job {
  uint32_t head_dim = 0;
  std::vector<std::vector<int32_t>> heads;
};

// What the unit should give for a sequence of jobs: every head's amax and codes, in order.
struct Output {
  std::vector<uint32_t> amax;
  std::vector<int8_t> codes;
};

Output golden(const std::vector<Job>& jobs) {
  Output out;
  for (const Job& job : jobs) {
    for (const std::vector<int32_t>& head : job.heads) {
      std::vector<int8_t> codes(head.size());
      out.amax.push_back(
          fx::quantize_head(head.data(), static_cast<int64_t>(head.size()), codes.data()));
      out.codes.insert(out.codes.end(), codes.begin(), codes.end());
    }
  }
  return out;
}

// The input beats of `jobs` as port words: each job's heads, then the same heads again.
std::vector<std::vector<uint32_t>> input_beats(const std::vector<Job>& jobs, uint32_t lanes) {
  std::vector<std::vector<uint32_t>> beats;
  for (const Job& job : jobs) {
    for (int pass = 0; pass < 2; ++pass) {
      for (const std::vector<int32_t>& head : job.heads) {
        for (size_t b = 0; b < head.size() / lanes; ++b) {
          beats.push_back(beat_words(head, b, lanes));
        }
      }
    }
  }
  return beats;
}

// "" when equal, else the first difference.
template <class T>
std::string first_difference(const std::vector<T>& got, const std::vector<T>& want,
                             const char* what) {
  std::ostringstream s;
  if (got.size() != want.size()) s << got.size() << " " << what << " for " << want.size();
  for (size_t k = 0; k < std::min(got.size(), want.size()); ++k) {
    if (got[k] != want[k]) {
      s << "; " << what << " " << k << ": " << int64_t{got[k]} << " vs " << int64_t{want[k]};
      break;
    }
  }
  return s.str();
}

// Streams `jobs` through a fresh unit with each port held at random (probability `hold` a
// cycle) and expects the golden amax and codes; afterwards the unit is idle, with nothing more
// to give.
template <class Model, uint32_t Lanes>
void check_jobs(const std::vector<Job>& jobs, double hold, uint32_t seed) {
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  const Output want = golden(jobs);
  const std::vector<std::vector<uint32_t>> beats = input_beats(jobs, Lanes);
  Output got;
  std::mt19937 rng(seed);
  StreamDriver streams("mmf_head_quantize", rng, hold);
  const StreamIn& job_in = streams.in(
      "job", jobs.size(),
      [&](size_t j) {
        set_port(io.job_heads_i, {static_cast<uint32_t>(jobs[j].heads.size())});
        set_port(io.job_beats_i, {jobs[j].head_dim / Lanes});
      },
      [&](bool v) { io.job_valid_i = v; }, [&] { return io.job_ready_o != 0; });
  // Beats may be offered before their job is taken: the unit is not ready for them until then.
  const StreamIn& in =
      streams.in_ports(io, beats.size(), [&](size_t b) { set_port(io.in_data_i, beats[b]); });
  streams.out(
      "amax", [&] { return io.amax_valid_o != 0; }, [&](bool r) { io.amax_ready_i = r; },
      [&](size_t) { got.amax.push_back(io.amax_data_o); });
  streams.out(
      "code", [&] { return io.code_valid_o != 0; }, [&](bool r) { io.code_ready_i = r; },
      [&](size_t) {
        const uint64_t word = io.code_data_o;
        for (uint32_t k = 0; k < Lanes; ++k) {
          got.codes.push_back(static_cast<int8_t>(static_cast<uint8_t>(word >> (8 * k))));
        }
      });
  MMF_ASSERT_TRUE(streams.run(
      dut,
      [&] { return got.codes.size() >= want.codes.size() && got.amax.size() >= want.amax.size(); },
      40 * beats.size() + 200 * jobs.size()));
  MMF_EXPECT_EQ(job_in.sent, jobs.size());
  MMF_EXPECT_EQ(in.sent, beats.size()) << "two passes over every job";
  MMF_EXPECT_EQ(first_difference(got.amax, want.amax, "amax"), "");
  MMF_EXPECT_EQ(first_difference(got.codes, want.codes, "codes"), "");
  MMF_EXPECT_GE(got.amax.size(), jobs.size());
  // Nothing more comes out, and the unit takes a new job.
  io.amax_ready_i = 1;
  io.code_ready_i = 1;
  bool extra = false;
  for (int c = 0; c < 60; ++c) {
    dut.settle();
    extra = extra || io.amax_valid_o || io.code_valid_o;
    dut.tick();
  }
  dut.settle();
  MMF_EXPECT_FALSE(extra) << "outputs after the last job";
  MMF_EXPECT_TRUE(io.job_ready_o) << "idle after the last job";
}

// ---- Heads -------------------------------------------------------------------------------------

// A head of `dim` values drawn by `value(e)`.
std::vector<int32_t> head_of(uint32_t dim, const std::function<int32_t(uint32_t)>& value) {
  std::vector<int32_t> v(dim);
  for (uint32_t e = 0; e < dim; ++e) v[e] = value(e);
  return v;
}

// Values up to 2^bits - 1 in magnitude, bits drawn per head, so that codes cover -127..127.
std::vector<int32_t> random_head(uint32_t dim, std::mt19937& rng) {
  const int bits = std::uniform_int_distribution<int>(0, 31)(rng);
  const int64_t lim = (int64_t{1} << bits) - 1;
  std::uniform_int_distribution<int64_t> d(-lim, lim);
  std::vector<int32_t> v = head_of(dim, [&](uint32_t) { return static_cast<int32_t>(d(rng)); });
  // Now and then the amax is INT32_MIN's 2^31.
  if (std::bernoulli_distribution(0.1)(rng)) v[rng() % dim] = INT32_MIN;
  return v;
}

// The edge heads: all zero, the int32 extremes, a single nonzero value anywhere, rounding ties
// (127 v / amax = n + 1/2 with amax = 254 m and v = m (2n + 1); exact when m is a power of two),
// the smallest maxima (reciprocals of 39 bits), the maximum in the last lane of the last beat.
std::vector<std::vector<int32_t>> edge_heads(uint32_t dim, std::mt19937& rng) {
  std::vector<std::vector<int32_t>> out;
  out.push_back(std::vector<int32_t>(dim, 0));
  out.push_back(std::vector<int32_t>(dim, INT32_MIN));
  out.push_back(std::vector<int32_t>(dim, INT32_MAX));
  out.push_back(head_of(dim, [](uint32_t e) {
    const int32_t v[] = {INT32_MIN, INT32_MAX, -1, 1, 0, INT32_MIN + 1, INT32_MAX - 1, 1 << 30};
    return v[e % 8];
  }));
  for (int32_t single : {1, -1, INT32_MIN, INT32_MAX, 12345}) {
    const uint32_t at = single == 12345 ? dim - 1 : static_cast<uint32_t>(rng() % dim);
    out.push_back(head_of(dim, [&](uint32_t e) { return e == at ? single : 0; }));
  }
  for (int64_t m : {int64_t{1}, int64_t{2}, int64_t{1} << 20, int64_t{3}, int64_t{12345}}) {
    std::uniform_int_distribution<int64_t> n(0, 126);
    out.push_back(head_of(dim, [&](uint32_t e) {
      if (e == 0) return static_cast<int32_t>(-254 * m);
      const int64_t v = m * (2 * n(rng) + 1);
      return static_cast<int32_t>(e % 2 ? v : -v);
    }));
  }
  for (int32_t amax : {1, 2, 3, 5}) {
    std::uniform_int_distribution<int32_t> d(-amax, amax);
    out.push_back(head_of(dim, [&](uint32_t e) { return e == 0 ? amax : d(rng); }));
  }
  // amax 2^31 - 1 against values one below it and near the middle.
  out.push_back(head_of(dim, [](uint32_t e) {
    const int32_t v[] = {INT32_MAX, INT32_MAX - 1, -(INT32_MAX / 254), INT32_MAX / 2, 1 << 23};
    return v[e % 5];
  }));
  // The maximum alone in the last lane of the last beat.
  out.push_back(head_of(dim, [&](uint32_t e) { return e == dim - 1 ? -1000000 : int32_t(e); }));
  return out;
}

// Heads split into jobs of 1, 2, ..., MaxHeads heads (then again from 1).
std::vector<Job> jobs_of(uint32_t dim, const std::vector<std::vector<int32_t>>& heads) {
  std::vector<Job> jobs;
  size_t next = 0;
  for (uint32_t n = 1; next < heads.size(); n = n % kMaxHeads + 1) {
    Job job{dim, {}};
    for (uint32_t h = 0; h < n && next < heads.size(); ++h) job.heads.push_back(heads[next++]);
    jobs.push_back(job);
  }
  return jobs;
}

// ---- Bit-exact runs ----------------------------------------------------------------------------

enum class Heads { edge, random };

struct Case {
  uint32_t lanes;
  uint32_t head_dim;
  Heads heads;
  double hold;  // probability a cycle that each port is held
  friend std::ostream& operator<<(std::ostream& os, const Case& c) {
    return os << "l" << c.lanes << "_d" << c.head_dim
              << (c.heads == Heads::edge ? "_edge" : "_random") << (c.hold > 0 ? "_stalls" : "");
  }
};

class HeadQuantizeRtl : public testing::TestWithParam<Case> {};

TEST_P(HeadQuantizeRtl, MatchesTheGoldenFunction) {
  const Case c = GetParam();
  std::mt19937 rng(c.lanes * 1000 + c.head_dim + (c.heads == Heads::edge ? 7 : 0));
  std::vector<std::vector<int32_t>> heads;
  if (c.heads == Heads::edge) {
    heads = edge_heads(c.head_dim, rng);
  } else {
    // Every job size 1..MaxHeads, twice, as far as the value budget goes.
    const uint32_t count = std::max(2 * kMaxHeads * (kMaxHeads + 1) / 2, 32768 / c.head_dim);
    for (uint32_t h = 0; h < count; ++h) heads.push_back(random_head(c.head_dim, rng));
  }
  const std::vector<Job> jobs = jobs_of(c.head_dim, heads);
  if (c.lanes == 4) {
    check_jobs<Vmmf_head_quantize_l4, 4>(jobs, c.hold, static_cast<uint32_t>(rng()));
  } else {
    check_jobs<Vmmf_head_quantize_l8, 8>(jobs, c.hold, static_cast<uint32_t>(rng()));
  }
}

std::vector<Case> cases() {
  std::vector<Case> out;
  // head_dim / lanes beats a head: 1 (the smallest job the ports allow), 2, 4, 16 and 32.
  for (uint32_t dim : {4u, 8u, 16u, 64u, 128u}) {
    for (Heads h : {Heads::edge, Heads::random}) {
      out.push_back({4, dim, h, 0.3});
      if (dim == 8) out.push_back({4, dim, h, 0.0});
    }
  }
  for (uint32_t dim : {16u, 64u, 128u}) {
    for (Heads h : {Heads::edge, Heads::random}) out.push_back({8, dim, h, 0.3});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Shapes, HeadQuantizeRtl, testing::ValuesIn(cases()),
                         [](const auto& test_info) {
                           std::ostringstream s;
                           s << test_info.param;
                           return s.str();
                         });

// ---- Timing --------------------------------------------------------------------------------

// When a job's outputs left, in cycles from the job's handshake (cycle 0).
struct JobTiming {
  uint32_t last_code = 0;
  std::vector<uint32_t> amax;  // per head
};

// Runs one job of `heads` random heads of `dim` values on the 4-lane model, every output ready
// and the input always offered, and checks its outputs.
JobTiming job_timing(uint32_t heads, uint32_t dim) {
  constexpr uint32_t kLanes = 4;
  std::mt19937 rng(heads * 100 + dim);
  Job job{dim, {}};
  for (uint32_t h = 0; h < heads; ++h) job.heads.push_back(random_head(dim, rng));
  const Output want = golden({job});
  const std::vector<std::vector<uint32_t>> beats = input_beats({job}, kLanes);
  VerilatedUnit<Vmmf_head_quantize_l4> dut;
  dut.reset();
  auto& io = dut.io();
  io.amax_ready_i = 1;
  io.code_ready_i = 1;
  io.job_valid_i = 1;
  set_port(io.job_heads_i, {heads});
  set_port(io.job_beats_i, {dim / kLanes});
  dut.settle();
  MMF_EXPECT_TRUE(io.job_ready_o);
  dut.tick();
  io.job_valid_i = 0;
  Output got;
  JobTiming t;
  uint32_t sent = 0;
  for (uint32_t cycle = 1; got.codes.size() < want.codes.size() && cycle < 4000; ++cycle) {
    io.in_valid_i = sent < beats.size();
    set_port(io.in_data_i, beats[std::min<size_t>(sent, beats.size() - 1)]);
    dut.settle();
    if (io.in_valid_i && io.in_ready_o) ++sent;
    if (io.amax_valid_o) {
      got.amax.push_back(io.amax_data_o);
      t.amax.push_back(cycle);
    }
    if (io.code_valid_o) {
      for (uint32_t k = 0; k < kLanes; ++k) {
        got.codes.push_back(static_cast<int8_t>(static_cast<uint8_t>(io.code_data_o >> (8 * k))));
      }
      t.last_code = cycle;
    }
    dut.tick();
  }
  MMF_EXPECT_EQ(first_difference(got.amax, want.amax, "amax"), "") << heads << " x " << dim;
  MMF_EXPECT_EQ(first_difference(got.codes, want.codes, "codes"), "") << heads << " x " << dim;
  return t;
}

// The reciprocals do not serialize: a job of MaxHeads heads of B beats, no stalls, ends within
// 2 H B + 50 cycles (two passes of a beat a cycle, at most one division of 39 cycles and the
// pipeline), where one divider shared by the heads would have the last head's reciprocal only
// H x 39 cycles after the first head's maximum. Exactly: pass 2 starts when pass 1 is over or
// head 0's reciprocal is ready, whichever is later, and then takes a beat a cycle, every later
// head's reciprocal being ready before its turn. Each amax leaves as soon as its head's last
// pass-1 beat has gone through the max tree.
TEST(HeadQuantizeTiming, ReciprocalsOverlapAcrossHeads) {
  constexpr uint32_t kLanes = 4, kTreeLevels = 2;
  for (uint32_t dim : {8u, 16u, 64u, 128u}) {
    const uint32_t b = dim / kLanes;
    for (uint32_t heads : {1u, 2u, kMaxHeads}) {
      const uint32_t hb = heads * b;
      const uint32_t pass2 = std::max(1 + hb, b + kTreeLevels + kRecipCycles);
      const JobTiming t = job_timing(heads, dim);
      MMF_EXPECT_EQ(t.last_code, pass2 + hb - 1 + kCodeLatency) << heads << " heads of " << dim;
      if (heads == kMaxHeads) {
        MMF_EXPECT_LT(t.last_code, 2 * hb + 50) << heads << " heads of " << dim;
      }
      MMF_ASSERT_EQ(t.amax.size(), size_t{heads});
      for (uint32_t h = 0; h < heads; ++h) {
        MMF_EXPECT_EQ(t.amax[h], (h + 1) * b + kTreeLevels + kAmaxLatency) << "head " << h;
      }
    }
  }
}

}  // namespace
}  // namespace mmf::test

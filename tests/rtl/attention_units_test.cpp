// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_attention_score.sv, mmf_attention_weight.sv, mmf_attention_recip.sv and
// mmf_attention_out.sv against mmf::fx::attention_score, attention_weight, attention_recip and
// attention_out, bit for bit: edge operands (0, 1, the int32 and uint32 extremes, absmax 2^31,
// score exponents across the clamps at -63 and 32, every sh_w, sums 1 and the largest,
// accumulators at +-2^45, ties of the rounding), the operands of golden attention heads
// (attention_head on random queries and caches, each unit's operands taken step by step and
// checked against it), random operands over every binade of their ranges, all under random
// stalls on the input and output streams, job ports changed between jobs; and the latencies
// the timed model is given.
#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "Vmmf_attention_out_l4.h"
#include "Vmmf_attention_recip_c16384.h"
#include "Vmmf_attention_recip_c512.h"
#include "Vmmf_attention_score_l4.h"
#include "Vmmf_attention_weight_l4.h"
#include "common/checks.hpp"
#include "mmf/fixed_lanes.hpp"
#include "mmf/fixed_params.hpp"
#include "mmf/fixed_units.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

constexpr int kVectorLanes = 4;                  // -GVectorLanes of the Verilated models
constexpr int kExpBits = 17;                     // the weight unit's in_exp_i lanes
constexpr int64_t kAccLimit = int64_t{1} << 45;  // |acc| < 2^45 (numerics.hpp)

// ---- Operand sources ---------------------------------------------------------------------

// A value of a random binade below 2^bits: b uniform in [0, bits], then uniform in [0, 2^b).
uint64_t binade(std::mt19937& rng, int bits) {
  const int b = std::uniform_int_distribution<int>(0, bits)(rng);
  if (b == 0) return 0;
  const uint64_t top = b == 64 ? UINT64_MAX : (uint64_t{1} << b) - 1;
  return std::uniform_int_distribution<uint64_t>(0, top)(rng);
}

// The same with a random sign.
int64_t signed_binade(std::mt19937& rng, int bits) {
  const auto v = static_cast<int64_t>(binade(rng, bits));
  return std::bernoulli_distribution(0.5)(rng) ? -v : v;
}

// n Q16 values of a normal distribution of standard deviation `scale`.
std::vector<int32_t> random_q16(std::mt19937& rng, int64_t n, double scale) {
  std::normal_distribution<double> normal(0.0, scale);
  std::vector<int32_t> v(static_cast<size_t>(n));
  for (int32_t& x : v) x = static_cast<int32_t>(std::clamp(normal(rng), -2e9, 2e9));
  return v;
}

// One query head's attention as the golden model computes it, with every operand the four
// units take.
struct HeadTrace {
  fx::Scaled c;  // the normalized score constant
  uint32_t q_amax = 0;
  std::vector<int32_t> qk;       // per position
  std::vector<uint32_t> k_amax;  // per position
  std::vector<uint32_t> e;       // softmax numerators, per position
  std::vector<uint32_t> v_amax;  // per position
  int sh_w = 0;
  uint64_t sum = 0;
  std::vector<int64_t> acc;  // per value dimension
};

// A head of dimension d over `positions` cache entries: a random query and random K and V rows
// (Q16 values of random magnitudes, each row its own), quantized as the KV cache holds them;
// fx::attention_head gives the scores, weights and outputs, and the lanes taken one by one
// must give the same.
HeadTrace trace_head(std::mt19937& rng, int64_t d, int64_t positions) {
  std::uniform_real_distribution<double> magnitude(12.0, 24.0);  // log2 of a Q16 scale
  std::uniform_real_distribution<double> row_factor(0.25, 4.0);
  const auto n = static_cast<size_t>(positions);
  HeadTrace h;
  h.c = fx::normalize(tensor_constant(
      1.0 / (double{fx::kCodeMax} * fx::kCodeMax * std::sqrt(static_cast<double>(d)) * 65536.0)));
  std::vector<int8_t> q_codes(static_cast<size_t>(d)), k_codes(n * d), v_codes(n * d);
  const std::vector<int32_t> q = random_q16(rng, d, std::exp2(magnitude(rng)));
  h.q_amax = fx::quantize_head(q.data(), d, q_codes.data());
  const double k_scale = std::exp2(magnitude(rng)), v_scale = std::exp2(magnitude(rng));
  for (size_t t = 0; t < n; ++t) {
    const std::vector<int32_t> k = random_q16(rng, d, k_scale * row_factor(rng));
    const std::vector<int32_t> v = random_q16(rng, d, v_scale * row_factor(rng));
    h.k_amax.push_back(fx::quantize_head(k.data(), d, &k_codes[t * d]));
    h.v_amax.push_back(fx::quantize_head(v.data(), d, &v_codes[t * d]));
  }
  std::vector<int32_t> scores(n), out(static_cast<size_t>(d));
  std::vector<uint32_t> weights(n);
  fx::attention_head(q_codes.data(), h.q_amax, k_codes.data(), h.k_amax.data(), v_codes.data(),
                     h.v_amax.data(), positions, d, d, h.c, scores.data(), weights.data(),
                     out.data());

  // The same, lane by lane.
  std::vector<int32_t> my_scores;
  int32_t max_score = INT32_MIN;
  uint64_t v_max = 0;
  for (size_t t = 0; t < n; ++t) {
    int32_t dot = 0;
    for (int64_t j = 0; j < d; ++j) dot += int32_t{q_codes[j]} * k_codes[t * d + j];
    h.qk.push_back(dot);
    my_scores.push_back(fx::attention_score(dot, h.q_amax, h.k_amax[t], h.c));
    max_score = std::max(max_score, my_scores.back());
    v_max = std::max<uint64_t>(v_max, h.v_amax[t]);
  }
  h.sh_w = fx::attention_weight_shift(v_max);
  std::vector<uint32_t> my_weights;
  for (size_t t = 0; t < n; ++t) {
    h.e.push_back(fx::attention_exp(my_scores[t], max_score));
    h.sum += h.e.back();
    my_weights.push_back(fx::attention_weight(h.e.back(), h.v_amax[t], h.sh_w));
  }
  const fx::AttentionRecip r = fx::attention_recip(h.sum);
  std::vector<int32_t> my_out;
  for (int64_t j = 0; j < d; ++j) {
    int64_t acc = 0;
    for (size_t t = 0; t < n; ++t) acc += int64_t{my_weights[t]} * v_codes[t * d + j];
    h.acc.push_back(acc);
    my_out.push_back(fx::attention_out(acc, r, h.sh_w));
  }
  MMF_EXPECT_EQ(my_scores, scores);
  MMF_EXPECT_EQ(my_weights, weights);
  MMF_EXPECT_EQ(my_out, out);
  return h;
}

// Heads of 2B4T's and tiny-bitnet's dimensions over random context lengths.
std::vector<HeadTrace> traced_heads() {
  std::mt19937 rng(29);
  std::vector<HeadTrace> heads;
  for (int k = 0; k < 48; ++k) {
    const int64_t d = k % 2 == 0 ? 128 : 64;
    const int64_t positions = k < 4 ? 1 + k : std::uniform_int_distribution<int64_t>(1, 400)(rng);
    heads.push_back(trace_head(rng, d, positions));
  }
  return heads;
}

// ---- The lane units under jobs ----------------------------------------------------------------

// One job of a lane unit: the values of its job ports and the lanes streamed under them.
template <class Job, class Lane>
struct UnitJob {
  Job job;
  std::vector<Lane> lanes;
};

// How a lane unit is driven and checked.
template <class Model, class Job, class Lane>
struct LaneUnit {
  std::string name;
  std::function<void(Model&, const Job&)> set_job;
  std::function<void(Model&, const Lane*)> set_beat;  // kVectorLanes lanes
  std::function<int64_t(Model&, int)> get;            // lane k of the output beat
  std::function<int64_t(const Job&, const Lane&)> golden;
  std::function<std::string(const Job&, const Lane&)> describe;
};

// Streams every job's lanes (padded to whole beats with zero lanes) through one unit under
// random stalls, each job's ports set while the unit is empty (the previous job's results all
// out), and compares each lane with the golden function; expects at least `min_lanes` lanes.
template <class Model, class Job, class Lane>
void check_jobs(const LaneUnit<Model, Job, Lane>& unit, const std::vector<UnitJob<Job, Lane>>& jobs,
                size_t min_lanes) {
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  std::mt19937 rng(31);
  size_t checked = 0;
  int mismatches = 0;
  for (const UnitJob<Job, Lane>& job : jobs) {
    std::vector<Lane> lanes = job.lanes;
    while (lanes.size() % kVectorLanes != 0) lanes.push_back(Lane{});
    const size_t beats = lanes.size() / kVectorLanes;
    unit.set_job(io, job.job);
    size_t done = 0;
    StreamDriver streams(unit.name, rng, 0.3);
    const StreamIn& in =
        streams.in_ports(io, beats, [&](size_t b) { unit.set_beat(io, &lanes[b * kVectorLanes]); });
    streams.out_ports(io, [&](size_t b) {
      for (int k = 0; k < kVectorLanes; ++k) {
        const Lane& lane = lanes[b * kVectorLanes + k];
        const int64_t got = unit.get(io, k), want = unit.golden(job.job, lane);
        if (got != want && ++mismatches <= 3) {
          ADD_FAILURE() << unit.name << " of " << unit.describe(job.job, lane) << ": " << got
                        << " vs " << want;
        }
        ++done;
      }
    });
    MMF_ASSERT_TRUE(streams.run(
        dut, [&] { return done >= lanes.size(); }, 20 * beats + 200));
    MMF_EXPECT_EQ(in.sent, beats);
    checked += done;
  }
  MMF_EXPECT_EQ(mismatches, 0) << "of " << checked << " lanes";
  MMF_EXPECT_GE(checked, min_lanes);
}

// Lane k of a port of `bits`-bit lanes packed back to back, set to `value`.
template <std::size_t N>
void set_packed_lane(VlWide<N>& port, int k, int bits, uint32_t value) {
  for (int i = 0; i < bits; ++i) {
    const int bit = k * bits + i;
    const uint32_t mask = 1u << (bit % 32);
    port[bit / 32] = (value >> i) & 1u ? port[bit / 32] | mask : port[bit / 32] & ~mask;
  }
}

// ---- Scores ------------------------------------------------------------------------------

struct ScoreLane {
  int32_t qk = 0;
  uint32_t q_amax = 0, k_amax = 0;
};
using ScoreJob = UnitJob<fx::Scaled, ScoreLane>;

// The exponent of the multiplier m of a score (attention_score's second normalize).
int score_exponent(const ScoreLane& s, fx::Scaled c) {
  const fx::Scaled p = fx::normalize(fx::Scaled{uint64_t{s.q_amax} * s.k_amax, 0});
  return fx::normalize(fx::Scaled{p.mant * c.mant, p.exp + c.exp}).exp;
}

std::vector<ScoreJob> score_jobs(const std::vector<HeadTrace>& heads) {
  std::mt19937 rng(37);
  std::vector<ScoreJob> jobs;
  // Every combination of edge operands, under constants whose exponents sweep every lane's
  // m.exp across both clamps (-63 and 32: the products' excesses are 0 to 64), and at the ends
  // of the 16-bit port.
  const std::vector<int32_t> qks = {
      0, 1, -1, 3, -3, INT32_MAX, INT32_MIN, INT32_MIN + 1, 127 * 127 * 256, -127 * 127 * 256};
  const std::vector<uint32_t> amaxes = {0, 1, 3, 1u << 16, (1u << 31) - 1, 1u << 31, UINT32_MAX};
  std::vector<ScoreLane> edges;
  for (int32_t qk : qks) {
    for (uint32_t qa : amaxes) {
      for (uint32_t ka : amaxes) edges.push_back({qk, qa, ka});
    }
  }
  std::vector<int> exps = {-32768, -32767, -1000, 1000, 32766, 32767};
  for (int e = -130; e <= 36; ++e) exps.push_back(e);
  for (uint64_t mant : {uint64_t{1}, uint64_t{1} << 30, (uint64_t{1} << 31) - 1}) {
    for (int e : exps) jobs.push_back({fx::Scaled{mant, e}, edges});
  }
  for (int e : {-64, 0, 40}) jobs.push_back({fx::Scaled{0, e}, edges});
  // Ties: q_amax * k_amax = 2^30 and c = 2^-31 (or 2^-32) make the score qk / 2 (or qk / 4).
  for (int e : {-31, -32}) {
    std::vector<ScoreLane> ties;
    for (int32_t qk = -21; qk <= 21; ++qk) ties.push_back({qk, 1u << 15, 1u << 15});
    jobs.push_back({fx::Scaled{1, e}, ties});
  }
  // The golden heads: one job a head.
  for (const HeadTrace& h : heads) {
    ScoreJob job{h.c, {}};
    for (size_t t = 0; t < h.qk.size(); ++t) job.lanes.push_back({h.qk[t], h.q_amax, h.k_amax[t]});
    jobs.push_back(job);
  }
  // Random operands over every binade, under random constants.
  for (int j = 0; j < 320; ++j) {
    ScoreJob job{fx::Scaled{std::max<uint64_t>(1, binade(rng, 31)),
                            std::uniform_int_distribution<int>(-140, 40)(rng)},
                 {}};
    for (int k = 0; k < 64; ++k) {
      const int64_t qk = std::clamp<int64_t>(signed_binade(rng, 32), INT32_MIN, INT32_MAX);
      job.lanes.push_back({static_cast<int32_t>(qk), static_cast<uint32_t>(binade(rng, 32)),
                           static_cast<uint32_t>(binade(rng, 32))});
    }
    jobs.push_back(job);
  }
  return jobs;
}

TEST(AttentionScoreRtl, MatchesTheGoldenFunction) {
  using Model = Vmmf_attention_score_l4;
  size_t saturated = 0, zeros = 0;
  constexpr int kLimits[] = {-63, -62, 31, 32};  // m.exp at the clamps of the shift
  std::vector<size_t> at_exponent(std::size(kLimits), 0);
  LaneUnit<Model, fx::Scaled, ScoreLane> unit{
      "mmf_attention_score",
      [](Model& io, const fx::Scaled& c) {
        io.c_mant_i = static_cast<uint32_t>(c.mant);
        io.c_exp_i = static_cast<uint16_t>(c.exp);
      },
      [](Model& io, const ScoreLane* lanes) {
        std::vector<uint32_t> qk(kVectorLanes), qa(kVectorLanes), ka(kVectorLanes);
        for (int k = 0; k < kVectorLanes; ++k) {
          qk[k] = static_cast<uint32_t>(lanes[k].qk);
          qa[k] = lanes[k].q_amax;
          ka[k] = lanes[k].k_amax;
        }
        set_port(io.in_qk_i, qk);
        set_port(io.in_q_amax_i, qa);
        set_port(io.in_k_amax_i, ka);
      },
      [](Model& io, int k) { return int64_t{static_cast<int32_t>(io.out_score_o[k])}; },
      [&](const fx::Scaled& c, const ScoreLane& s) {
        const int32_t want = fx::attention_score(s.qk, s.q_amax, s.k_amax, c);
        saturated += want == INT32_MAX || want == INT32_MIN;
        zeros += want == 0;
        const int e = score_exponent(s, c);
        for (size_t i = 0; i < std::size(kLimits); ++i) at_exponent[i] += e == kLimits[i];
        return int64_t{want};
      },
      [](const fx::Scaled& c, const ScoreLane& s) {
        std::ostringstream o;
        o << "qk " << s.qk << ", amax " << s.q_amax << " x " << s.k_amax << ", c " << c.mant
          << " * 2^" << c.exp;
        return o.str();
      }};
  check_jobs(unit, score_jobs(traced_heads()), 200000);
  // The cases reached both saturations, zero, and m.exp at both clamps.
  MMF_EXPECT_GT(saturated, size_t{1000});
  MMF_EXPECT_GT(zeros, size_t{1000});
  for (size_t n : at_exponent) MMF_EXPECT_GT(n, size_t{100});
}

// ---- Weights -----------------------------------------------------------------------------

struct WeightLane {
  uint32_t e = 0, v_amax = 0;
};
using WeightJob = UnitJob<int, WeightLane>;

std::vector<WeightJob> weight_jobs(const std::vector<HeadTrace>& heads) {
  std::mt19937 rng(41);
  std::vector<WeightJob> jobs;
  // Edge operands (e up to the port's 2^17 - 1, amax_v up to 2^32 - 1) under every shift; odd
  // products under shifts >= 1 include the ties.
  const std::vector<uint32_t> es = {
      0, 1, 2, 3, 1u << 15, (1u << 16) - 1, 1u << 16, (1u << 16) + 1, (1u << 17) - 1};
  const std::vector<uint32_t> vs = {0,        1,         2, 3, 1u << 16, 1u << 24, (1u << 31) - 1,
                                    1u << 31, UINT32_MAX};
  std::vector<WeightLane> edges;
  for (uint32_t e : es) {
    for (uint32_t v : vs) edges.push_back({e, v});
  }
  for (int sh = 0; sh < 64; ++sh) jobs.push_back({sh, edges});
  for (const HeadTrace& h : heads) {
    WeightJob job{h.sh_w, {}};
    for (size_t t = 0; t < h.e.size(); ++t) job.lanes.push_back({h.e[t], h.v_amax[t]});
    jobs.push_back(job);
  }
  // Random numerators and scales; half the jobs under their own attention_weight_shift, half
  // under any shift.
  for (int j = 0; j < 480; ++j) {
    WeightJob job{0, {}};
    uint64_t v_max = 0;
    for (int k = 0; k < 64; ++k) {
      const auto e = static_cast<uint32_t>(
          k % 2 == 0 ? std::uniform_int_distribution<uint32_t>(0, 1u << 16)(rng) : binade(rng, 17));
      const auto v = static_cast<uint32_t>(binade(rng, 32));
      v_max = std::max<uint64_t>(v_max, v);
      job.lanes.push_back({e, v});
    }
    job.job = j % 2 == 0 ? fx::attention_weight_shift(v_max)
                         : std::uniform_int_distribution<int>(0, 63)(rng);
    jobs.push_back(job);
  }
  return jobs;
}

TEST(AttentionWeightRtl, MatchesTheGoldenFunction) {
  using Model = Vmmf_attention_weight_l4;
  LaneUnit<Model, int, WeightLane> unit{
      "mmf_attention_weight",
      [](Model& io, const int& sh_w) { io.sh_w_i = static_cast<uint8_t>(sh_w); },
      [](Model& io, const WeightLane* lanes) {
        std::vector<uint32_t> v(kVectorLanes);
        for (int k = 0; k < kVectorLanes; ++k) {
          set_packed_lane(io.in_exp_i, k, kExpBits, lanes[k].e);
          v[k] = lanes[k].v_amax;
        }
        set_port(io.in_v_amax_i, v);
      },
      [](Model& io, int k) { return int64_t{io.out_weight_o[k]}; },
      [](const int& sh_w, const WeightLane& w) {
        return int64_t{fx::attention_weight(w.e, w.v_amax, sh_w)};
      },
      [](const int& sh_w, const WeightLane& w) {
        std::ostringstream o;
        o << "e " << w.e << ", amax_v " << w.v_amax << ", sh_w " << sh_w;
        return o.str();
      }};
  check_jobs(unit, weight_jobs(traced_heads()), 40000);
}

// ---- Outputs -----------------------------------------------------------------------------

struct OutJob {
  fx::AttentionRecip r;
  int sh_w;
};
using OutUnitJob = UnitJob<OutJob, int64_t>;

std::vector<OutUnitJob> out_jobs(const std::vector<HeadTrace>& heads) {
  std::mt19937 rng(43);
  std::vector<OutUnitJob> jobs;
  // Edge accumulators under reciprocals at both ends and shifts 16 + l - sh_w from -47 to 79
  // (both clamps; l = 9 with sh_w = 24 is the shift 1, whose odd products are ties).
  const std::vector<int64_t> accs = {0,
                                     1,
                                     -1,
                                     2,
                                     -3,
                                     kAccLimit - 1,
                                     -(kAccLimit - 1),
                                     -kAccLimit,
                                     kAccLimit / 2,
                                     -kAccLimit / 2,
                                     int64_t{1} << 31,
                                     -(int64_t{1} << 31),
                                     12345678901,
                                     -12345678901};
  const uint64_t max_sum = uint64_t{1} << (fx::kMaxContextLog2 + fx::kActFrac);
  std::vector<uint64_t> recips = {(1u << 16) + 1, (1u << 17) - 1, 3u << 15,
                                  fx::attention_recip(1).recip, fx::attention_recip(max_sum).recip};
  for (uint64_t recip : recips) {
    for (int l : {0, 7, 9, 20, 38, 47, 63}) {
      for (int sh_w : {0, 1, 24, 25, 40, 63}) {
        jobs.push_back({OutJob{fx::AttentionRecip{recip, l}, sh_w}, accs});
      }
    }
  }
  for (const HeadTrace& h : heads) {
    jobs.push_back({OutJob{fx::attention_recip(h.sum), h.sh_w}, h.acc});
  }
  // Random accumulators of every binade under the reciprocals of random sums.
  for (int j = 0; j < 480; ++j) {
    const uint64_t sum = std::max<uint64_t>(1, binade(rng, 31) % (max_sum + 1));
    OutUnitJob job{OutJob{fx::attention_recip(sum), std::uniform_int_distribution<int>(0, 25)(rng)},
                   {}};
    for (int k = 0; k < 64; ++k) {
      job.lanes.push_back(std::clamp(signed_binade(rng, 46), -kAccLimit, kAccLimit - 1));
    }
    jobs.push_back(job);
  }
  return jobs;
}

TEST(AttentionOutRtl, MatchesTheGoldenFunction) {
  using Model = Vmmf_attention_out_l4;
  size_t saturated = 0;
  LaneUnit<Model, OutJob, int64_t> unit{
      "mmf_attention_out",
      [](Model& io, const OutJob& j) {
        io.recip_i = static_cast<uint32_t>(j.r.recip);
        io.l_i = static_cast<uint8_t>(j.r.l);
        io.sh_w_i = static_cast<uint8_t>(j.sh_w);
      },
      [](Model& io, const int64_t* lanes) {
        std::vector<uint32_t> words;
        for (int k = 0; k < kVectorLanes; ++k) {
          const auto v = static_cast<uint64_t>(lanes[k]);
          words.push_back(static_cast<uint32_t>(v));
          words.push_back(static_cast<uint32_t>(v >> 32));
        }
        set_port(io.in_acc_i, words);
      },
      [](Model& io, int k) { return int64_t{static_cast<int32_t>(io.out_value_o[k])}; },
      [&](const OutJob& j, const int64_t& acc) {
        const int32_t want = fx::attention_out(acc, j.r, j.sh_w);
        saturated += want == INT32_MAX || want == INT32_MIN;
        return int64_t{want};
      },
      [](const OutJob& j, const int64_t& acc) {
        std::ostringstream o;
        o << "acc " << acc << ", recip " << j.r.recip << ", l " << j.r.l << ", sh_w " << j.sh_w;
        return o.str();
      }};
  check_jobs(unit, out_jobs(traced_heads()), 35000);
  MMF_EXPECT_GT(saturated, size_t{100});
}

// ---- Reciprocals -------------------------------------------------------------------------

// Sums from 1 to max_sum = MaxContext * 2^16: the edges (1, powers of two and their
// neighbours, the largest), the golden heads' sums that fit, random sums of every binade.
std::vector<uint64_t> recip_sums(const std::vector<HeadTrace>& heads, uint64_t max_sum) {
  std::mt19937 rng(47);
  std::vector<uint64_t> sums = {1, 2, 3, 127, 128, max_sum, max_sum - 1};
  for (uint64_t p = 4; p < max_sum; p *= 2) {
    for (uint64_t s : {p - 1, p, p + 1}) sums.push_back(s);
  }
  for (const HeadTrace& h : heads) {
    if (h.sum <= max_sum) sums.push_back(h.sum);
  }
  const int bits = fx::bit_length(max_sum);
  while (sums.size() < 10000) {
    const uint64_t s = binade(rng, bits);
    if (s >= 1 && s <= max_sum) sums.push_back(s);
  }
  return sums;
}

// One sum at a time through the iterative unit, under random stalls on both streams.
template <class Model>
void check_recip(const std::string& name, uint64_t max_sum) {
  const std::vector<uint64_t> sums = recip_sums(traced_heads(), max_sum);
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  std::mt19937 rng(53);
  size_t checked = 0;
  int mismatches = 0;
  StreamDriver streams(name, rng, 0.3);
  const StreamIn& in = streams.in_ports(
      io, sums.size(), [&](size_t k) { io.in_sum_i = static_cast<uint32_t>(sums[k]); });
  streams.out_ports(io, [&](size_t k) {
    const fx::AttentionRecip want = fx::attention_recip(sums[k]);
    if ((io.out_recip_o != want.recip || io.out_l_o != want.l) && ++mismatches <= 3) {
      ADD_FAILURE() << name << " of " << sums[k] << ": (" << io.out_recip_o << ", "
                    << int{io.out_l_o} << ") vs (" << want.recip << ", " << want.l << ")";
    }
    ++checked;
  });
  MMF_ASSERT_TRUE(streams.run(
      dut, [&] { return checked >= sums.size(); }, 60 * sums.size()));
  MMF_EXPECT_EQ(in.sent, sums.size());
  MMF_EXPECT_EQ(checked, sums.size());
  MMF_EXPECT_EQ(mismatches, 0) << "of " << checked << " sums";
}

TEST(AttentionRecipRtl, MatchesTheGoldenFunctionAtTheNumericsLimit) {
  check_recip<Vmmf_attention_recip_c16384>("mmf_attention_recip",
                                           uint64_t{1} << (fx::kMaxContextLog2 + fx::kActFrac));
}

TEST(AttentionRecipRtl, MatchesTheGoldenFunctionAtTinyContexts) {
  check_recip<Vmmf_attention_recip_c512>("mmf_attention_recip", uint64_t{512} << fx::kActFrac);
}

// ---- Latencies ---------------------------------------------------------------------------

// One beat through an idle unit: its result is out `latency` cycles after it was taken.
template <class Model>
uint32_t latency_of_one_beat(VerilatedUnit<Model>& dut) {
  auto& io = dut.io();
  io.out_ready_i = 1;
  io.in_valid_i = 1;
  dut.settle();
  if (!io.in_ready_o) return 0;
  dut.tick();
  io.in_valid_i = 0;
  return dut.latency_of_last_beat([&] { return io.out_valid_o != 0; });
}

TEST(AttentionUnitsRtl, LatenciesAreTheConstants) {
  {
    VerilatedUnit<Vmmf_attention_score_l4> dut;
    dut.reset();
    auto& io = dut.io();
    io.c_mant_i = 1u << 30;
    io.c_exp_i = static_cast<uint16_t>(-40);
    set_port(io.in_qk_i, std::vector<uint32_t>(kVectorLanes, 1000u));
    set_port(io.in_q_amax_i, std::vector<uint32_t>(kVectorLanes, 1u << 20));
    set_port(io.in_k_amax_i, std::vector<uint32_t>(kVectorLanes, 1u << 20));
    MMF_EXPECT_EQ(latency_of_one_beat(dut), mmf_hls::kAttentionScoreLatency);
    MMF_EXPECT_EQ(static_cast<int32_t>(io.out_score_o[0]),
                  fx::attention_score(1000, 1u << 20, 1u << 20, fx::Scaled{1u << 30, -40}));
  }
  {
    VerilatedUnit<Vmmf_attention_weight_l4> dut;
    dut.reset();
    auto& io = dut.io();
    io.sh_w_i = 9;
    for (int k = 0; k < kVectorLanes; ++k) set_packed_lane(io.in_exp_i, k, kExpBits, 40000);
    set_port(io.in_v_amax_i, std::vector<uint32_t>(kVectorLanes, 300000u));
    MMF_EXPECT_EQ(latency_of_one_beat(dut), mmf_hls::kAttentionWeightLatency);
    MMF_EXPECT_EQ(io.out_weight_o[0], fx::attention_weight(40000, 300000, 9));
  }
  {
    VerilatedUnit<Vmmf_attention_out_l4> dut;
    dut.reset();
    auto& io = dut.io();
    const fx::AttentionRecip r = fx::attention_recip(123456);
    io.recip_i = static_cast<uint32_t>(r.recip);
    io.l_i = static_cast<uint8_t>(r.l);
    io.sh_w_i = 7;
    set_port(io.in_acc_i, std::vector<uint32_t>(2 * kVectorLanes, 0x1234u));
    MMF_EXPECT_EQ(latency_of_one_beat(dut), mmf_hls::kAttentionOutLatency);
    const int64_t acc = (int64_t{0x1234} << 32) | 0x1234;
    MMF_EXPECT_EQ(static_cast<int32_t>(io.out_value_o[0]), fx::attention_out(acc, r, 7));
  }
  {
    VerilatedUnit<Vmmf_attention_recip_c16384> dut;
    dut.reset();
    auto& io = dut.io();
    io.in_sum_i = 123456;
    MMF_EXPECT_EQ(latency_of_one_beat(dut), mmf_hls::kAttentionRecipLatency);
    MMF_EXPECT_EQ(uint64_t{io.out_recip_o}, fx::attention_recip(123456).recip);
  }
}

}  // namespace
}  // namespace mmf::test

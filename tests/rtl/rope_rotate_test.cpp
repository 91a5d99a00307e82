// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_rope_rotate.sv and rtl/mmf/mmf_rope_angle.sv against mmf::fx::rope_rotate and
// rope_angle, bit for bit: every combination of edge operands (cos and sin at +-2^16 and 0, x
// and y at the int32 extremes, so both ends saturate), angles of random positions and random
// operands, with random stalls; and the latencies the timed model is given.
#include <array>
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "Vmmf_rope_angle_l4.h"
#include "Vmmf_rope_rotate_l4.h"
#include "common/checks.hpp"
#include "mmf/fixed_lanes.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

constexpr int kVectorLanes = 4;  // -GVectorLanes of the Verilated models
constexpr int32_t kOneQ16 = 1 << fx::kRopeFrac;
constexpr double kPi = 3.14159265358979323846;

// One lane's four operands: (x, y, cos, sin) of a rotation, (hi_cos, hi_sin, lo_cos, lo_sin)
// of an angle.
using Quad = std::array<int32_t, 4>;

// A cos and sin pair of a random angle, as the RoPE tables hold them.
std::pair<int32_t, int32_t> random_angle(std::mt19937& rng) {
  const double theta = std::uniform_real_distribution<double>(-kPi, kPi)(rng);
  return {static_cast<int32_t>(std::lround(kOneQ16 * std::cos(theta))),
          static_cast<int32_t>(std::lround(kOneQ16 * std::sin(theta)))};
}

// Every combination of the edge values of each operand, then random lanes from `random_lane`,
// padded to whole beats.
std::vector<Quad> lanes_of(const std::array<std::vector<int32_t>, 4>& edges,
                           const std::function<Quad()>& random_lane, int randoms) {
  std::vector<Quad> out;
  for (int32_t a : edges[0]) {
    for (int32_t b : edges[1]) {
      for (int32_t c : edges[2]) {
        for (int32_t d : edges[3]) out.push_back({a, b, c, d});
      }
    }
  }
  for (int k = 0; k < randoms; ++k) out.push_back(random_lane());
  while (out.size() % kVectorLanes != 0) out.push_back({0, 0, 0, 0});
  return out;
}

// cos and sin at the ends of their range, 0, the smallest steps, 45 degrees and one half.
std::vector<int32_t> trig_edges() {
  return {kOneQ16, -kOneQ16, 0, 1, -1, 46341, -46341, 32768, -32769};
}

std::vector<Quad> rotate_lanes() {
  std::mt19937 rng(17);
  const std::vector<int32_t> xy = {
      0, 1, -1, INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1, 1 << 16, -(1 << 16)};
  std::uniform_int_distribution<int32_t> any_trig(-kOneQ16, kOneQ16);
  std::uniform_int_distribution<int> bits(0, 31);
  bool table = false;
  return lanes_of(
      {xy, xy, trig_edges(), trig_edges()},
      [&] {
        // Alternately an angle of the table's kind and independent cos and sin; x and y over
        // every binade.
        table = !table;
        const auto [c, s] = table ? random_angle(rng) : std::pair{any_trig(rng), any_trig(rng)};
        const int64_t lim = (int64_t{1} << bits(rng)) - 1;
        std::uniform_int_distribution<int64_t> v(-lim, lim);
        return Quad{static_cast<int32_t>(v(rng)), static_cast<int32_t>(v(rng)), c, s};
      },
      20000);
}

std::vector<Quad> angle_lanes() {
  std::mt19937 rng(19);
  std::uniform_int_distribution<int32_t> any_trig(-kOneQ16, kOneQ16);
  bool table = false;
  return lanes_of(
      {trig_edges(), trig_edges(), trig_edges(), trig_edges()},
      [&] {
        table = !table;
        if (!table) return Quad{any_trig(rng), any_trig(rng), any_trig(rng), any_trig(rng)};
        const auto [hc, hs] = random_angle(rng);
        const auto [lc, ls] = random_angle(rng);
        return Quad{hc, hs, lc, ls};
      },
      20000);
}

// Operand `which` of the lanes of beat `beat`, as port words.
std::vector<uint32_t> operand_words(const std::vector<Quad>& lanes, size_t beat, int which) {
  std::vector<uint32_t> words(kVectorLanes);
  for (int k = 0; k < kVectorLanes; ++k) {
    words[k] = static_cast<uint32_t>(lanes[beat * kVectorLanes + k][which]);
  }
  return words;
}

// Streams `lanes` through a fresh unit with random stalls and expects `golden` of each lane's
// operands on its two outputs; `set` drives a beat's four operand ports, `get` reads lane k's
// two results.
template <class Model>
void check_unit(const std::string& name, const std::vector<Quad>& lanes,
                const std::function<fx::RopePair(const Quad&)>& golden,
                const std::function<void(Model&, size_t)>& set,
                const std::function<fx::RopePair(Model&, int)>& get, size_t* saturated) {
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  std::mt19937 rng(23);
  size_t checked = 0;
  int mismatches = 0;
  StreamDriver streams(name, rng, 0.25);
  const size_t beats = lanes.size() / kVectorLanes;
  const StreamIn& in = streams.in_ports(io, beats, [&](size_t b) { set(io, b); });
  streams.out_ports(io, [&](size_t) {
    for (int k = 0; k < kVectorLanes; ++k) {
      const Quad& q = lanes[checked];
      const fx::RopePair got = get(io, k), want = golden(q);
      for (int32_t v : {want.a, want.b}) *saturated += v == INT32_MAX || v == INT32_MIN;
      if ((got.a != want.a || got.b != want.b) && ++mismatches == 1) {
        ADD_FAILURE() << name << " of (" << q[0] << ", " << q[1] << ", " << q[2] << ", " << q[3]
                      << "): (" << got.a << ", " << got.b << ") vs (" << want.a << ", " << want.b
                      << ")";
      }
      ++checked;
    }
  });
  MMF_ASSERT_TRUE(streams.run(
      dut, [&] { return checked >= lanes.size(); }, 10 * beats));
  MMF_EXPECT_EQ(in.sent, beats);
  MMF_EXPECT_EQ(mismatches, 0) << "of " << lanes.size() << " lanes";
  MMF_EXPECT_EQ(checked, lanes.size());
  MMF_EXPECT_GE(checked, size_t{20000});
}

TEST(RopeRotateRtl, MatchesTheGoldenFunction) {
  using Model = Vmmf_rope_rotate_l4;
  const std::vector<Quad> lanes = rotate_lanes();
  size_t saturated = 0;
  check_unit<Model>(
      "mmf_rope_rotate", lanes,
      [](const Quad& q) { return fx::rope_rotate(q[0], q[1], q[2], q[3]); },
      [&](Model& io, size_t b) {
        set_port(io.in_x_i, operand_words(lanes, b, 0));
        set_port(io.in_y_i, operand_words(lanes, b, 1));
        set_port(io.in_cos_i, operand_words(lanes, b, 2));
        set_port(io.in_sin_i, operand_words(lanes, b, 3));
      },
      [](Model& io, int k) {
        return fx::RopePair{static_cast<int32_t>(io.out_x_o[k]),
                            static_cast<int32_t>(io.out_y_o[k])};
      },
      &saturated);
  // Both ends of int32 were reached (x, y at the extremes with |cos| or |sin| = 2^16).
  MMF_EXPECT_GT(saturated, size_t{100});
}

TEST(RopeAngleRtl, MatchesTheGoldenFunction) {
  using Model = Vmmf_rope_angle_l4;
  const std::vector<Quad> lanes = angle_lanes();
  size_t saturated = 0;
  check_unit<Model>(
      "mmf_rope_angle", lanes, [](const Quad& q) { return fx::rope_angle(q[0], q[1], q[2], q[3]); },
      [&](Model& io, size_t b) {
        set_port(io.in_hi_cos_i, operand_words(lanes, b, 0));
        set_port(io.in_hi_sin_i, operand_words(lanes, b, 1));
        set_port(io.in_lo_cos_i, operand_words(lanes, b, 2));
        set_port(io.in_lo_sin_i, operand_words(lanes, b, 3));
      },
      [](Model& io, int k) {
        return fx::RopePair{static_cast<int32_t>(io.out_cos_o[k]),
                            static_cast<int32_t>(io.out_sin_o[k])};
      },
      &saturated);
  MMF_EXPECT_EQ(saturated, size_t{0}) << "angles are within 2^17, never near int32's ends";
}

// One beat through an idle pipeline: its result is out `latency` cycles later.
template <class Model>
uint32_t measured_latency(const std::function<void(Model&)>& set) {
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  io.out_ready_i = 1;
  io.in_valid_i = 1;
  set(io);
  dut.settle();
  if (!io.in_ready_o) return 0;
  dut.tick();
  io.in_valid_i = 0;
  return dut.latency_of_last_beat([&] { return io.out_valid_o != 0; });
}

TEST(RopeRotateRtl, LatenciesAreTheConstants) {
  const std::vector<uint32_t> one(kVectorLanes, static_cast<uint32_t>(kOneQ16));
  const std::vector<uint32_t> zero(kVectorLanes, 0u);
  MMF_EXPECT_EQ(measured_latency<Vmmf_rope_rotate_l4>([&](Vmmf_rope_rotate_l4& io) {
                  set_port(io.in_x_i, one);
                  set_port(io.in_y_i, one);
                  set_port(io.in_cos_i, one);
                  set_port(io.in_sin_i, zero);
                }),
                mmf_hls::kRopeRotateLatency);
  MMF_EXPECT_EQ(measured_latency<Vmmf_rope_angle_l4>([&](Vmmf_rope_angle_l4& io) {
                  set_port(io.in_hi_cos_i, one);
                  set_port(io.in_hi_sin_i, zero);
                  set_port(io.in_lo_cos_i, one);
                  set_port(io.in_lo_sin_i, zero);
                }),
                mmf_hls::kRopeAngleLatency);
}

}  // namespace
}  // namespace mmf::test

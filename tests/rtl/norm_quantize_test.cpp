// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_norm_quantize.sv against its HLS twin (mmf_hls::norm_quantize), bit for bit:
// codes and token scale, with and without the block norm weight, ragged lengths, an all-zero
// input, small values (a reciprocal wider than 33 bits), INT32 extremes (saturated products),
// garbage in the unused lanes of the last beat, and random stalls. And the time of a job
// without stalls, which the timed model charges (mmf_hls::norm_quantize_first_code).
#include "mmf_hls/norm_quantize.hpp"
#include "Vmmf_norm_quantize_l4.h"
#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

using Cfg = mmf_hls::AccelTraits<16, 1, 4, 2048, 8>;  // vector_lanes: -GVectorLanes=4
constexpr uint32_t kVectorLanes = Cfg::vector_lanes;

struct Beat {
  std::vector<uint32_t> p, w_rms, w_code;  // lane-packed
};

std::vector<Beat> beats(const std::vector<int32_t>& p, const std::vector<int16_t>& w_rms,
                        const std::vector<int16_t>& w_code, std::mt19937& rng) {
  std::vector<Beat> out;
  for (size_t base = 0; base < p.size(); base += kVectorLanes) {
    std::vector<uint32_t> vp(kVectorLanes), vr(kVectorLanes), vc(kVectorLanes);
    for (uint32_t k = 0; k < kVectorLanes; ++k) {
      const bool used = base + k < p.size();
      vp[k] = used ? static_cast<uint32_t>(p[base + k]) : static_cast<uint32_t>(rng());
      vr[k] = used ? static_cast<uint16_t>(w_rms[base + k]) : static_cast<uint16_t>(rng());
      vc[k] = used ? static_cast<uint16_t>(w_code[base + k]) : static_cast<uint16_t>(rng());
    }
    out.push_back(Beat{vp, pack_lanes(vr, 16), pack_lanes(vc, 16)});
  }
  return out;
}

enum class Values { random, zero, small, extreme };

struct Case {
  uint32_t n;
  bool has_rms;
  Values values = Values::random;
  friend std::ostream& operator<<(std::ostream& os, const Case& c) {
    static const char* const kNames[] = {"", "_zero", "_small", "_extreme"};
    return os << "n" << c.n << (c.has_rms ? "_rms" : "") << kNames[static_cast<int>(c.values)];
  }
};

std::vector<int32_t> inputs(const Case& c, std::mt19937& rng) {
  switch (c.values) {
    case Values::zero:
      return std::vector<int32_t>(c.n, 0);
    case Values::small: {
      // |u| <= 40 < 64: the reciprocal 127 * 2^32 / max|u| takes more than 33 bits.
      std::uniform_int_distribution<int32_t> d(-40, 40);
      std::vector<int32_t> v(c.n);
      for (auto& x : v) x = d(rng);
      return v;
    }
    case Values::extreme: {
      std::vector<int32_t> v(c.n);
      for (uint32_t k = 0; k < c.n; ++k) {
        v[k] = k % 3 == 0 ? INT32_MIN : (k % 3 == 1 ? INT32_MAX : -1);
      }
      return v;
    }
    case Values::random:
      break;
  }
  return random_q16(rng, c.n);
}

// Norm weights; the extreme case takes -2^15 + 1 and 2^15 - 1 so that products saturate.
std::vector<int16_t> weights(const Case& c, std::mt19937& rng) {
  if (c.values != Values::extreme) return random_norm_weights(rng, c.n);
  std::vector<int16_t> w(c.n);
  for (uint32_t k = 0; k < c.n; ++k) w[k] = k % 2 == 0 ? -32767 : 32767;
  return w;
}

class NormQuantizeRtl : public testing::TestWithParam<Case> {};

TEST_P(NormQuantizeRtl, MatchesTheHlsUnit) {
  const Case c = GetParam();
  std::mt19937 rng(c.n * 3u + c.has_rms);
  VerilatedUnit<Vmmf_norm_quantize_l4> dut;
  dut.reset();
  auto& io = dut.io();
  for (int job = 0; job < 2; ++job) {  // back to back on one unit
    std::vector<int32_t> p = inputs(c, rng);
    const std::vector<int16_t> w_rms = weights(c, rng);
    const std::vector<int16_t> w_code = weights(c, rng);
    std::vector<int8_t> expected(c.n);
    const fx::Scaled scale = mmf_hls::norm_quantize<Cfg>(p.data(), c.has_rms, w_rms.data(),
                                                         w_code.data(), c.n, expected.data());
    const std::vector<Beat> pass = beats(p, w_rms, w_code, rng);
    std::vector<int8_t> codes;
    uint64_t mant = 0;
    int exp = 0;
    StreamDriver streams("mmf_norm_quantize", rng, 0.3);
    const StreamIn& job_in = streams.job_ports(io, [&](size_t) {
      set_port(io.job_n_i, {c.n});
      io.job_has_rms_i = c.has_rms;
    });
    // Three passes over the input.
    StreamIn& in = streams.in_ports(io, 3 * pass.size(), [&](size_t b) {
      const Beat& beat = pass[b % pass.size()];
      set_port(io.in_p_i, beat.p);
      set_port(io.in_w_rms_i, beat.w_rms);
      set_port(io.in_w_code_i, beat.w_code);
    });
    in.after = &job_in;
    streams.out(
        "code", [&] { return io.code_valid_o != 0; }, [&](bool r) { io.code_ready_i = r; },
        [&](size_t) {
          for (uint32_t k = 0; k < kVectorLanes && codes.size() < c.n; ++k) {
            codes.push_back(static_cast<int8_t>((io.code_data_o >> (8 * k)) & 0xFF));
          }
        });
    const StreamOut& scale_out = streams.out(
        "scale", [&] { return io.scale_valid_o != 0; }, [&](bool r) { io.scale_ready_i = r; },
        [&](size_t) {
          MMF_EXPECT_EQ(codes.size(), size_t{c.n}) << "the scale follows the last code";
          mant = io.scale_mant_o;
          exp = static_cast<int16_t>(io.scale_exp_o);
        });
    MMF_ASSERT_TRUE(streams.run(
        dut, [&] { return scale_out.taken > 0; }, 60 * pass.size() + 200));
    MMF_EXPECT_EQ(codes, expected) << "job " << job;
    MMF_EXPECT_EQ(mant, scale.mant) << "job " << job;
    MMF_EXPECT_EQ(exp, scale.exp) << "job " << job;
    MMF_EXPECT_EQ(in.sent, 3 * pass.size()) << "three passes over the input";
  }
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (uint32_t n : {1u, 3u, 4u, 17u, 250u, 1000u}) {
    out.push_back({n, true});
    out.push_back({n, false});
  }
  out.push_back({9, true, Values::zero});
  for (Values v : {Values::small, Values::extreme}) {
    for (uint32_t n : {1u, 7u, 300u}) out.push_back({n, n % 2 == 1, v});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Shapes, NormQuantizeRtl, testing::ValuesIn(cases()),
                         [](const auto& test_info) {
                           std::ostringstream s;
                           s << test_info.param;
                           return s.str();
                         });

// Jobs with no stalls: the first code beat is out norm_quantize_first_code(beats, lanes) cycles
// after the job is taken, and the token scale one cycle after the last code beat whenever the
// vector is longer than the scale's sequence.
TEST(NormQuantizeTiming, FirstCodeIsWhatTheTimedModelCharges) {
  for (uint32_t n : {1u, 4u, 40u, 160u, 200u, 1000u}) {
    std::mt19937 rng(n);
    VerilatedUnit<Vmmf_norm_quantize_l4> dut;
    dut.reset();
    auto& io = dut.io();
    const std::vector<int32_t> p = random_q16(rng, n);
    const std::vector<Beat> pass =
        beats(p, random_norm_weights(rng, n), random_norm_weights(rng, n), rng);
    const uint32_t n_beats = static_cast<uint32_t>(pass.size());
    io.code_ready_i = 1;
    io.scale_ready_i = 1;
    io.job_valid_i = 1;
    io.job_has_rms_i = 1;
    set_port(io.job_n_i, {n});
    dut.settle();
    MMF_ASSERT_TRUE(io.job_ready_o);
    dut.tick();
    io.job_valid_i = 0;
    uint32_t cycles = 0, sent = 0, first_code = 0, last_code = 0, scale = 0;
    while (scale == 0 && cycles < 10 * n_beats + 300) {
      io.in_valid_i = sent < 3 * n_beats;
      const Beat& beat = pass[sent % n_beats];
      set_port(io.in_p_i, beat.p);
      set_port(io.in_w_rms_i, beat.w_rms);
      set_port(io.in_w_code_i, beat.w_code);
      dut.settle();
      ++cycles;
      if (io.in_valid_i && io.in_ready_o) ++sent;
      if (io.code_valid_o) {
        if (first_code == 0) first_code = cycles;
        last_code = cycles;
      }
      if (io.scale_valid_o) scale = cycles;
      dut.tick();
    }
    MMF_EXPECT_EQ(first_code, mmf_hls::norm_quantize_first_code(n_beats, kVectorLanes))
        << "n " << n;
    MMF_EXPECT_EQ(last_code, first_code + n_beats - 1) << "n " << n << ": a code beat a cycle";
    if (n_beats >= 32) MMF_EXPECT_EQ(scale, last_code + 1) << "n " << n;
    MMF_EXPECT_TRUE(scale > last_code) << "n " << n;
  }
}

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_norm_quantize.sv against its HLS twin (mmf_hls::norm_quantize), bit for bit:
// codes and token scale, with and without the block norm weight, ragged lengths, an all-zero
// input, garbage in the unused lanes of the last beat, and random stalls.
#include "mmf_hls/norm_quantize.hpp"
#include "Vmmf_norm_quantize_l4.h"
#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "rtl/verilated_unit.hpp"

namespace mmf::test {
namespace {

using Cfg = mmf_hls::AccelTraits<16, 1, 4, 2048, 8>;  // vector_lanes 4 = -GLanes of the model
constexpr uint32_t kLanes = Cfg::vector_lanes;

struct Beat {
  std::vector<uint32_t> p, w_rms, w_code;  // lane-packed
};

std::vector<Beat> beats(const std::vector<int32_t>& p, const std::vector<int16_t>& w_rms,
                        const std::vector<int16_t>& w_code, std::mt19937& rng) {
  std::vector<Beat> out;
  for (size_t base = 0; base < p.size(); base += kLanes) {
    std::vector<uint32_t> vp(kLanes), vr(kLanes), vc(kLanes);
    for (uint32_t k = 0; k < kLanes; ++k) {
      const bool used = base + k < p.size();
      vp[k] = used ? static_cast<uint32_t>(p[base + k]) : static_cast<uint32_t>(rng());
      vr[k] = used ? static_cast<uint16_t>(w_rms[base + k]) : static_cast<uint16_t>(rng());
      vc[k] = used ? static_cast<uint16_t>(w_code[base + k]) : static_cast<uint16_t>(rng());
    }
    out.push_back(Beat{vp, pack_lanes(vr, 16), pack_lanes(vc, 16)});
  }
  return out;
}

struct Case {
  uint32_t n;
  bool has_rms;
  bool zero;
  friend std::ostream& operator<<(std::ostream& os, const Case& c) {
    return os << "n" << c.n << (c.has_rms ? "_rms" : "") << (c.zero ? "_zero" : "");
  }
};

class NormQuantizeRtl : public testing::TestWithParam<Case> {};

TEST_P(NormQuantizeRtl, MatchesTheHlsUnit) {
  const Case c = GetParam();
  std::mt19937 rng(c.n * 3u + c.has_rms);
  std::bernoulli_distribution hold(0.3);
  VerilatedUnit<Vmmf_norm_quantize_l4> dut;
  dut.reset();
  auto& io = dut.io();
  for (int job = 0; job < 2; ++job) {  // back to back on one unit
    std::vector<int32_t> p = c.zero ? std::vector<int32_t>(c.n, 0) : random_q16(rng, c.n);
    const std::vector<int16_t> w_rms = random_norm_weights(rng, c.n);
    const std::vector<int16_t> w_code = random_norm_weights(rng, c.n);
    std::vector<int8_t> expected(c.n);
    const fx::Scaled scale = mmf_hls::norm_quantize<Cfg>(p.data(), c.has_rms, w_rms.data(),
                                                         w_code.data(), c.n, expected.data());
    const std::vector<Beat> pass = beats(p, w_rms, w_code, rng);
    std::vector<int8_t> codes;
    bool job_sent = false, scale_taken = false;
    size_t sent = 0;
    uint64_t mant = 0;
    int exp = 0;
    const uint64_t limit = dut.cycles() + 60 * pass.size() + 200;
    while (!scale_taken) {
      MMF_ASSERT_TRUE(dut.cycles() < limit) << "watchdog: no progress";
      io.job_valid_i = !job_sent;
      set_port(io.job_n_i, {c.n});
      io.job_has_rms_i = c.has_rms;
      const Beat& beat = pass[sent % pass.size()];
      set_port(io.in_p_i, beat.p);
      set_port(io.in_w_rms_i, beat.w_rms);
      set_port(io.in_w_code_i, beat.w_code);
      io.in_valid_i = job_sent && sent < 3 * pass.size() && !hold(rng);
      io.code_ready_i = !hold(rng);
      io.scale_ready_i = !hold(rng);
      dut.settle();
      if (io.job_valid_i && io.job_ready_o) job_sent = true;
      if (io.in_valid_i && io.in_ready_o) ++sent;
      if (io.code_valid_o && io.code_ready_i) {
        for (uint32_t k = 0; k < kLanes && codes.size() < c.n; ++k) {
          codes.push_back(static_cast<int8_t>((io.code_data_o >> (8 * k)) & 0xFF));
        }
      }
      if (io.scale_valid_o && io.scale_ready_i) {
        MMF_EXPECT_EQ(codes.size(), size_t{c.n}) << "the scale follows the last code";
        mant = io.scale_mant_o;
        exp = static_cast<int16_t>(io.scale_exp_o);
        scale_taken = true;
      }
      dut.tick();
    }
    MMF_EXPECT_EQ(codes, expected) << "job " << job;
    MMF_EXPECT_EQ(mant, scale.mant) << "job " << job;
    MMF_EXPECT_EQ(exp, scale.exp) << "job " << job;
    MMF_EXPECT_EQ(sent, 3 * pass.size()) << "three passes over the input";
  }
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (uint32_t n : {1u, 3u, 4u, 17u, 250u, 1000u}) {
    out.push_back({n, true, false});
    out.push_back({n, false, false});
  }
  out.push_back({9, true, true});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Shapes, NormQuantizeRtl, testing::ValuesIn(cases()),
                         [](const auto& test_info) {
                           std::ostringstream s;
                           s << test_info.param;
                           return s.str();
                         });

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// The fixed-point primitives and units against their real-valued definitions (docs/numerics.md).
#include "mmf/numerics.hpp"

#include <cmath>
#include <random>

#include "common/checks.hpp"
#include "mmf/bf16.hpp"
#include "mmf/fixed_lanes.hpp"
#include "mmf/fixed_units.hpp"

namespace mmf::fx {
namespace {

double real(Scaled s) {
  return std::ldexp(static_cast<double>(s.mant), s.exp);
}

TEST(NumericsTables, MatchTheirDefinitions) {
  for (int i = 0; i < kSigmoidLutSize; ++i) {
    const double x = -16.0 + i / 16.0;
    MMF_EXPECT_EQ(kSigmoidLut[i],
                  static_cast<uint32_t>(std::floor(65536.0 / (1 + std::exp(-x)) + 0.5)));
  }
  for (int i = 0; i < kRsqrtLutSize; ++i) {
    const double x = 1.0 + i / 128.0;
    MMF_EXPECT_EQ(kRsqrtLut[i], static_cast<uint32_t>(std::floor(65536.0 / std::sqrt(x) + 0.5)));
  }
}

// Declared accuracy: linear interpolation on a 1/16 grid errs by at most max|sigmoid''| h^2 / 8
// = 0.0962 / 256 / 8 = 4.7e-5, plus two half-LSB roundings of Q0.16 (1.5e-5): 6.2e-5 in all.
TEST(Numerics, SigmoidAndSiluAreAccurate) {
  double worst_sigmoid = 0.0, worst_silu = 0.0;
  for (int32_t x = -(20 << 16); x <= (20 << 16); x += 97) {
    const double xr = x / 65536.0;
    const double s = 1.0 / (1.0 + std::exp(-xr));
    worst_sigmoid = std::max(worst_sigmoid, std::fabs(sigmoid_q16(x) / 65536.0 - s));
    worst_silu = std::max(worst_silu,
                          std::fabs(silu_q16(x) / 65536.0 - xr * s) / std::max(1.0, std::fabs(xr)));
  }
  MMF_EXPECT_LT(worst_sigmoid, 6.2e-5);
  MMF_EXPECT_LT(worst_silu, 1e-4);
  MMF_EXPECT_EQ(sigmoid_q16(0), 32768u);
  MMF_EXPECT_EQ(sigmoid_q16(INT32_MAX), 65536u);
  MMF_EXPECT_EQ(sigmoid_q16(INT32_MIN), 0u);
}

TEST(Numerics, RsqrtHasRelativeErrorBelow1e4) {
  std::mt19937_64 rng(1);
  double worst = 0.0;
  for (int k = 0; k < 20000; ++k) {
    const uint64_t s = (rng() >> (rng() % 63)) | 1;
    const double exact = 1.0 / std::sqrt(static_cast<double>(s));
    worst = std::max(worst, std::fabs(real(rsqrt_u64(s)) / exact - 1.0));
  }
  MMF_EXPECT_LT(worst, 1e-4);
  MMF_EXPECT_NEAR(real(rsqrt_u64(1)), 1.0, 1e-12);
  MMF_EXPECT_NEAR(real(rsqrt_u64(4)), 0.5, 1e-12);
}

TEST(Numerics, Bf16ToQ16RoundsHalfAwayAndSaturates) {
  std::mt19937 rng(2);
  std::normal_distribution<float> dist(0.0f, 3.0f);
  for (int k = 0; k < 5000; ++k) {
    const uint16_t b = float_to_bf16(dist(rng));
    const double v = static_cast<double>(bf16_to_float(b)) * 65536.0;
    MMF_EXPECT_EQ(bf16_to_q16(b), static_cast<int32_t>(std::round(v)));
  }
  MMF_EXPECT_EQ(bf16_to_q16(float_to_bf16(1e9f)), INT32_MAX);
  MMF_EXPECT_EQ(bf16_to_q16(float_to_bf16(-1e9f)), INT32_MIN);
  MMF_EXPECT_EQ(bf16_to_q16(float_to_bf16(1e-9f)), 0);
}

TEST(Numerics, ApplyScaleRoundsAndSaturates) {
  MMF_EXPECT_EQ(apply_scale(3, Scaled{1, -1}), 2);    // 1.5 -> 2 (half up)
  MMF_EXPECT_EQ(apply_scale(-3, Scaled{1, -1}), -1);  // -1.5 -> -1 (half up)
  MMF_EXPECT_EQ(apply_scale(1 << 20, Scaled{1u << 30, 0}), INT32_MAX);
  MMF_EXPECT_EQ(apply_scale(-(1 << 20), Scaled{1, 40}), INT32_MIN);
  MMF_EXPECT_EQ(apply_scale(12345, Scaled{1u << 30, -100}), 0);
}

// The quantizer against its real-valued definition on random vectors of several lengths.
class QuantizeUnit : public ::testing::TestWithParam<int> {};

// The BitLinear's scale, token scale x tensor constant, each normalized to kMantBits and the
// product again: known values (the HLS and RTL rescale units use or mirror this function).
TEST(Numerics, CombineScalesNormalizesEachFactorAndTheProduct) {
  const fx::Scaled small = fx::combine_scales({3, -4}, {5, 2});
  MMF_EXPECT_EQ(small.mant, uint64_t{15});
  MMF_EXPECT_EQ(small.exp, -2);
  // 2^40 -> 2^30 (exp +10); (2^20 + 1) stays; 2^30 (2^20 + 1) has 51 bits -> >> 20.
  const fx::Scaled big = fx::combine_scales({uint64_t{1} << 40, -50}, {(1u << 20) + 1, 0});
  MMF_EXPECT_EQ(big.mant, (uint64_t{1} << 30) + (uint64_t{1} << 10));
  MMF_EXPECT_EQ(big.exp, -20);
}

TEST_P(QuantizeUnit, CodesAndScaleFollowTheDefinition) {
  const int n = GetParam();
  std::mt19937 rng(static_cast<unsigned>(n));
  std::normal_distribution<double> dist(0.0, 1.0);
  std::vector<int32_t> p(static_cast<size_t>(n));
  std::vector<int16_t> w_rms(p.size()), w_code(p.size());
  for (size_t k = 0; k < p.size(); ++k) {
    p[k] = static_cast<int32_t>(std::lround(dist(rng) * 65536.0 * 4));
    w_rms[k] = static_cast<int16_t>(std::lround(std::tanh(dist(rng)) * kNormWeightMax));
    w_code[k] = static_cast<int16_t>(std::lround(std::tanh(dist(rng)) * kNormWeightMax));
  }
  std::vector<int8_t> codes(p.size());
  const Quantized q = quantize_activations(p.data(), w_rms.data(), w_code.data(), n, codes.data());
  double u_max = 0.0, sum_sq = 0.0;
  std::vector<double> u(p.size());
  for (size_t k = 0; k < p.size(); ++k) {
    u[k] = p[k] * static_cast<double>(w_code[k]) / 32768.0;
    u_max = std::max(u_max, std::fabs(u[k]));
    const double a = p[k] * static_cast<double>(w_rms[k]) / 32768.0;
    sum_sq += a * a;
  }
  int off_by_one = 0;
  for (size_t k = 0; k < p.size(); ++k) {
    const double exact = 127.0 * u[k] / u_max;
    MMF_EXPECT_LE(std::fabs(codes[k] - exact), 0.5 + 1e-3);
    off_by_one += std::fabs(codes[k] - std::round(exact)) > 0;
  }
  MMF_EXPECT_LE(off_by_one, n / 50 + 1);  // only near-ties may round the other way
  const double expected_scale = u_max / std::sqrt(sum_sq);  // sqrt(n) lives in the constant
  MMF_EXPECT_NEAR(real(q.token_scale) / expected_scale, 1.0, 2e-4);
}

// The three passes composed over an arbitrary split equal the one-call quantizer exactly.
TEST_P(QuantizeUnit, PassesOverAnySplitEqualTheWholeQuantizer) {
  const int n = GetParam();
  std::mt19937 rng(static_cast<unsigned>(n) * 7u);
  std::vector<int32_t> p(static_cast<size_t>(n)), a(p.size()), u(p.size());
  std::vector<int16_t> w_rms(p.size()), w_code(p.size());
  for (size_t k = 0; k < p.size(); ++k) {
    p[k] = static_cast<int32_t>(rng() % 2000001) - 1000000;
    w_rms[k] = static_cast<int16_t>(rng() % 65536 - 32768);
    w_code[k] = static_cast<int16_t>(rng() % 65536 - 32768);
  }
  const int16_t* const norms[] = {w_rms.data(), nullptr};  // with and without a norm
  for (const int16_t* rms : norms) {
    std::vector<int8_t> want(p.size()), got(p.size());
    const Quantized q = quantize_activations(p.data(), rms, w_code.data(), n, want.data());
    std::vector<int64_t> cuts{0, n / 3, n / 3 + 1, n};
    QuantizeMaxima m;
    for (size_t c = 0; c + 1 < cuts.size(); ++c) {
      const QuantizeMaxima part =
          quantize_products(p.data(), rms, w_code.data(), cuts[c], cuts[c + 1], a.data(), u.data());
      m.a_max = std::max(m.a_max, part.a_max);
      m.u_max = std::max(m.u_max, part.u_max);
    }
    MMF_ASSERT_TRUE(m.a_max > 0 && m.u_max > 0);
    const int sh = quantize_shift(m.a_max);
    uint64_t sum_sq = 0;
    for (size_t c = 0; c + 1 < cuts.size(); ++c) {
      sum_sq += quantize_sum_sq(a.data(), sh, cuts[c], cuts[c + 1]);
      quantize_codes(u.data(), quantize_recip(m.u_max), cuts[c], cuts[c + 1], got.data());
    }
    const Scaled s = quantize_scale(m.u_max, sum_sq, sh);
    MMF_EXPECT_EQ(got, want);
    MMF_EXPECT_EQ(s.mant, q.token_scale.mant);
    MMF_EXPECT_EQ(s.exp, q.token_scale.exp);
  }
}

INSTANTIATE_TEST_SUITE_P(Lengths, QuantizeUnit, ::testing::Values(1, 7, 64, 250, 1000, 5632));

TEST(QuantizeUnit, ZeroInputGivesZeroCodesAndScale) {
  std::vector<int32_t> p(10, 0);
  std::vector<int16_t> w(10, 1000);
  std::vector<int8_t> codes(10, 5);
  const Quantized q = quantize_activations(p.data(), w.data(), w.data(), 10, codes.data());
  MMF_EXPECT_EQ(q.token_scale.mant, 0u);
  for (int8_t c : codes) MMF_EXPECT_EQ(c, 0);
}

TEST(MlgruUnit, FollowsTheRecurrence) {
  const int n = 64;
  std::mt19937 rng(5);
  std::normal_distribution<double> dist(0.0, 2.0);
  std::vector<int32_t> i(n), f(n), g(n), state(n), state0(n), silu_s(n), p_o(n);
  std::vector<uint32_t> lb(n);
  for (int k = 0; k < n; ++k) {
    i[k] = static_cast<int32_t>(dist(rng) * 65536);
    f[k] = static_cast<int32_t>(dist(rng) * 65536);
    g[k] = static_cast<int32_t>(dist(rng) * 65536);
    state0[k] = state[k] = static_cast<int32_t>(dist(rng) * 65536);
    lb[k] = static_cast<uint32_t>(k * 1000);
  }
  mlgru(i.data(), f.data(), g.data(), lb.data(), n, state.data(), silu_s.data(), p_o.data());
  uint64_t max_g = 0, max_silu = 0;
  for (int k = 0; k < n; ++k) {
    max_g = std::max(max_g, magnitude(g[k]));
    max_silu = std::max(max_silu, magnitude(silu_s[k]));
  }
  // p_o is g * silu(s) in Q(32 - sh): the block scale that the o_proj BitLinear ignores.
  const double p_o_unit = std::ldexp(1.0, 32 - product_shift(max_g, max_silu));
  const auto sig = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  for (int k = 0; k < n; ++k) {
    const double lbr = lb[k] / 65536.0;
    const double fr = lbr + (1 - lbr) * sig(f[k] / 65536.0);
    const double ir = i[k] / 65536.0;
    const double s = fr * state0[k] / 65536.0 + ir * sig(ir) * (1 - fr);
    MMF_EXPECT_NEAR(state[k] / 65536.0, s, 2e-4 * std::max(1.0, std::fabs(s)));
    const double o = g[k] / 65536.0 * s * sig(s);
    MMF_EXPECT_NEAR(p_o[k] / p_o_unit, o, 1e-3 * std::max(1.0, std::fabs(o)));
  }
}

TEST(GluUnit, IsSiluTimesUpBlockScaled) {
  const std::vector<int32_t> gu = {65536, -65536, 2 * 65536, 3 * 65536};
  std::vector<int32_t> silu_gate(2), z(2);
  glu(gu.data(), 2, silu_gate.data(), z.data());
  // max|silu| = 0.73 * 2^16 (16 bits), max|up| = 3 * 2^16 (18 bits): shift 3, z in Q29.
  MMF_EXPECT_EQ(product_shift(magnitude(silu_gate[0]), magnitude(gu[3])), 3);
  MMF_EXPECT_NEAR(z[0] / std::ldexp(1.0, 29), 0.7310586 * 2, 2e-4);
  MMF_EXPECT_NEAR(z[1] / std::ldexp(1.0, 29), -0.2689414 * 3, 2e-4);
}

TEST(ScaledProducts, NeverOverflowAndKeepTheRatios) {
  const std::vector<int32_t> a = {INT32_MAX, INT32_MIN, 12345, -1};
  const std::vector<int32_t> b = {INT32_MIN, INT32_MAX, 1 << 20, 7};
  std::vector<int32_t> out(4);
  scaled_products(a.data(), b.data(), 4, out.data());
  const int sh = product_shift(magnitude(INT32_MIN), magnitude(INT32_MIN));
  MMF_EXPECT_EQ(sh, 33);
  for (size_t k = 0; k < 4; ++k) {
    const double exact = std::ldexp(static_cast<double>(a[k]) * b[k], -sh);
    MMF_EXPECT_NEAR(out[k], exact, 0.5 + 1e-9 * std::fabs(exact));
  }
}

}  // namespace
}  // namespace mmf::fx

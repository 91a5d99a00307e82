// SPDX-License-Identifier: Apache-2.0
// BitNet's fixed-point units (fixed_bitnet_units.cpp) against their real-valued definitions
// (docs/numerics.md, "BitNet b1.58"): the exp table and exp_q16, the RoPE tables and rotation, the
// head quantizer, attention, ReLU² and the int8 head, on known values and random inputs.
#include <cmath>
#include <random>

#include "common/checks.hpp"
#include "mmf/bitnet_fixed_model.hpp"
#include "mmf/fixed_units.hpp"
#include "mmf/numerics.hpp"

namespace mmf::fx {
namespace {

TEST(BitNetNumericsTables, Exp2MatchesItsDefinition) {
  for (int i = 0; i < kExp2LutSize; ++i) {
    MMF_EXPECT_EQ(kExp2Lut[i], static_cast<uint32_t>(std::lround(65536.0 * std::exp2(i / 256.0))));
  }
  MMF_EXPECT_EQ(kLog2eQ30, std::llround(std::log2(std::exp(1.0)) * 1073741824.0));
}

// Declared accuracy (absolute, on [0, 1]): interpolation of 2^f on a 1/256 grid errs by at most
// ln(2)^2 * 2 / 256^2 / 8 = 1.8e-6; rounding y to Q16 costs 2^-17 * ln 2 = 5.3e-6 relative; the
// table and the final shift round half an LSB each (7.6e-6 twice): 2.3e-5 in all.
TEST(BitNetNumerics, ExpOfNonPositiveArgumentsIsAccurate) {
  double worst = 0.0;
  for (int32_t x = -(24 << 16); x <= 0; x += 37) {
    const double got = exp_q16(x) / 65536.0;
    worst = std::max(worst, std::fabs(got - std::exp(x / 65536.0)));
  }
  MMF_EXPECT_LT(worst, 2.3e-5);
  MMF_EXPECT_EQ(exp_q16(0), 65536u);
  MMF_EXPECT_EQ(exp_q16(5), 65536u);        // callers pass max-subtracted scores; > 0 is clamped
  MMF_EXPECT_EQ(exp_q16(-(13 << 16)), 0u);  // e^-13 = 2.3e-6 < 2^-17
  MMF_EXPECT_EQ(exp_q16(INT32_MIN), 0u);
  RecordProperty("worst_abs_error", std::to_string(worst));
}

// The tables of a 2B4T-shaped head (d = 128, theta 5e5, context 4096): every position's cos and
// sin from the two tables within 2 LSB of the exact value (each table entry is within half an LSB,
// their product adds one more, the final rounding half).
TEST(BitNetNumerics, RopeAnglesFromTwoTablesAreWithinTwoLsb) {
  ModelConfig c;
  c.name = "rope";
  c.architecture = Architecture::bitnet;
  c.vocab_size = 16;
  c.hidden_size = 128;
  c.num_layers = 1;
  c.intermediate_size = 8;
  c.num_heads = 1;
  c.num_kv_heads = 1;
  c.head_dim = 128;
  c.rope_theta = 500000.0;
  c.max_position_embeddings = 4096;
  const Model m = make_random_model(c, 1, Packing::two_bit);
  const FixedBitNetParams p = compile_bitnet_fixed_params(m);
  MMF_EXPECT_EQ(p.rope_lo_cos.size(), 64u * 64u);
  MMF_EXPECT_EQ(p.rope_hi_cos.size(), 64u * 64u);
  std::vector<int32_t> cos(64), sin(64);
  double worst = 0.0;
  for (int64_t pos = 0; pos < 4096; pos += 7) {
    rope_angles(p.rope_lo_cos.data(), p.rope_lo_sin.data(), p.rope_hi_cos.data(),
                p.rope_hi_sin.data(), 64, pos, cos.data(), sin.data());
    for (int j = 0; j < 64; ++j) {
      const double angle = static_cast<double>(pos) * std::pow(500000.0, -2.0 * j / 128.0);
      worst = std::max(worst, std::fabs(cos[static_cast<size_t>(j)] - 65536.0 * std::cos(angle)));
      worst = std::max(worst, std::fabs(sin[static_cast<size_t>(j)] - 65536.0 * std::sin(angle)));
    }
  }
  MMF_EXPECT_LE(worst, 2.0);
  RecordProperty("worst_lsb", std::to_string(worst));
}

TEST(BitNetNumerics, RopeRotatesHalfSplitPairs) {
  // Two heads of d = 4 (pairs (0, 2) and (1, 3)); angles 90 and 0 degrees.
  std::vector<int32_t> v = {65536, 3 << 16, 0, 1 << 15, -65536, 5, 7, 9};
  const std::vector<int32_t> cos = {0, 65536}, sin = {65536, 0};
  rope(v.data(), 2, 2, cos.data(), sin.data());
  // Pair 0 turns by 90 degrees: (a, b) -> (-b, a); pair 1 stays.
  MMF_EXPECT_EQ(v, (std::vector<int32_t>{0, 3 << 16, 65536, 1 << 15, -7, 5, -65536, 9}));
}

TEST(BitNetNumerics, HeadQuantizerRoundsHalfAwayAgainstTheAbsmax) {
  const std::vector<int32_t> v = {65536, -32768, 0, 16384};
  std::vector<int8_t> codes(4);
  MMF_EXPECT_EQ(quantize_head(v.data(), 4, codes.data()), 65536u);
  MMF_EXPECT_EQ(codes, (std::vector<int8_t>{127, -64, 0, 32}));  // 63.5 -> 64, 31.75 -> 32
  const std::vector<int32_t> zero(4, 0);
  MMF_EXPECT_EQ(quantize_head(zero.data(), 4, codes.data()), 0u);
  MMF_EXPECT_EQ(codes, (std::vector<int8_t>(4, 0)));
  const std::vector<int32_t> extreme = {INT32_MIN, INT32_MAX};
  MMF_EXPECT_EQ(quantize_head(extreme.data(), 2, codes.data()), 2147483648u);
  MMF_EXPECT_EQ(codes[0], -127);
}

// attention_head against the same integer inputs in double: softmax of the scaled scores, then
// the weighted sum of dequantized values. Within 1e-4 of the largest value scale plus 2 LSB (the
// Q16 scores, the exp table, the 24-bit weights and the 17-bit reciprocal).
TEST(BitNetNumerics, AttentionMatchesSoftmaxInDouble) {
  std::mt19937_64 rng(7);
  const int64_t d = 16, stride = 3 * d;  // three KV heads interleaved, this one at offset 0
  for (int64_t positions : {1, 2, 17, 300, 4096}) {
    std::vector<int8_t> q(d), k(static_cast<size_t>(positions * stride)),
        v(static_cast<size_t>(positions * stride));
    for (auto& x : q) x = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
    for (auto& x : k) x = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
    for (auto& x : v) x = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
    const uint32_t q_amax = 1u << 17;  // 2.0
    std::vector<uint32_t> k_amax(static_cast<size_t>(positions)), v_amax(k_amax.size());
    for (auto& a : k_amax) a = static_cast<uint32_t>(rng() % (4u << 16)) + 1;
    for (auto& a : v_amax) a = static_cast<uint32_t>(rng() % (8u << 16)) + 1;
    const double cscale = 1.0 / (127.0 * 127.0 * std::sqrt(static_cast<double>(d)) * 65536.0);
    Scaled constant{0, 0};
    {
      int e = 0;
      const double m = std::frexp(cscale, &e);
      constant = Scaled{static_cast<uint64_t>(std::llround(std::ldexp(m, 31))), e - 31};
    }
    std::vector<int32_t> scores(static_cast<size_t>(positions)), out(static_cast<size_t>(d));
    std::vector<uint32_t> weights(static_cast<size_t>(positions));
    attention_head(q.data(), q_amax, k.data(), k_amax.data(), v.data(), v_amax.data(), positions, d,
                   stride, constant, scores.data(), weights.data(), out.data());

    std::vector<double> z(static_cast<size_t>(positions));
    double zmax = -1e300, vmax = 0.0;
    for (int64_t t = 0; t < positions; ++t) {
      double dot = 0.0;
      for (int64_t e = 0; e < d; ++e)
        dot += q[static_cast<size_t>(e)] * k[static_cast<size_t>(t * stride + e)];
      z[static_cast<size_t>(t)] = dot * q_amax * k_amax[static_cast<size_t>(t)] * cscale / 65536.0;
      zmax = std::max(zmax, z[static_cast<size_t>(t)]);
      vmax = std::max(vmax, static_cast<double>(v_amax[static_cast<size_t>(t)]));
    }
    double sum = 0.0;
    for (double& s : z) sum += (s = std::exp(s - zmax));
    for (int64_t e = 0; e < d; ++e) {
      double ref = 0.0;
      for (int64_t t = 0; t < positions; ++t) {
        ref += z[static_cast<size_t>(t)] / sum * v_amax[static_cast<size_t>(t)] *
               v[static_cast<size_t>(t * stride + e)] / 127.0;
      }
      MMF_EXPECT_NEAR(out[static_cast<size_t>(e)], ref, 1e-4 * vmax + 2.0)
          << positions << " positions, element " << e;
    }
  }
}

TEST(BitNetNumerics, Relu2GluIsProportionalToReluSquaredTimesUp) {
  std::mt19937_64 rng(3);
  const int64_t n = 257;
  std::vector<int32_t> gate(n), up(n), square(n), z(n);
  for (auto& g : gate) g = static_cast<int32_t>(rng() % (40u << 16)) - (20 << 16);
  for (auto& u : up) u = static_cast<int32_t>(rng() % (40u << 16)) - (20 << 16);
  gate[5] = INT32_MAX;  // the largest square: 2^62 does not overflow
  relu2_glu(gate.data(), up.data(), n, square.data(), z.data());
  std::vector<double> ref(n);
  double ref_max = 0.0, z_max = 0.0;
  for (int64_t k = 0; k < n; ++k) {
    const double r = std::max(0, gate[static_cast<size_t>(k)]);
    ref[static_cast<size_t>(k)] = r * r * up[static_cast<size_t>(k)];
    ref_max = std::max(ref_max, std::fabs(ref[static_cast<size_t>(k)]));
    z_max = std::max(z_max, std::fabs(static_cast<double>(z[static_cast<size_t>(k)])));
  }
  // Each of the two block-scaled products rounds to an LSB of the vector's largest value, so
  // relative to the largest every element is within a few LSB.
  MMF_ASSERT_TRUE(z_max > 16777216.0);
  for (int64_t k = 0; k < n; ++k) {
    MMF_EXPECT_NEAR(z[static_cast<size_t>(k)] / z_max, ref[static_cast<size_t>(k)] / ref_max,
                    4.0 / z_max)
        << "element " << k;
  }
}

TEST(BitNetNumerics, HeadLogitsAreInt8DotProductsScaledPerRow) {
  const std::vector<int8_t> codes = {1, 2};
  const std::vector<int8_t> weight = {3, 4, -1, 0, 127, 127};
  const std::vector<Scaled> constants = {{1u << 30, -30}, {1u << 30, -29}, {0, 0}};
  std::vector<int32_t> out(3);
  head_logits(codes.data(), weight.data(), constants.data(), 3, 2, Scaled{1u << 30, -30},
              out.data());
  MMF_EXPECT_EQ(out, (std::vector<int32_t>{11, -2, 0}));
}

}  // namespace
}  // namespace mmf::fx

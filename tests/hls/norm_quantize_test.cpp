// SPDX-License-Identifier: Apache-2.0
// The HLS norm + absmax + int8 quantize unit against mmf::fx::quantize_activations.
#include "mmf_hls/norm_quantize.hpp"

#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf/fixed_units.hpp"

namespace mmf::test {
namespace {

class NormQuantize : public testing::TestWithParam<UnitCase> {};

void expect_same_scale(const fx::Scaled& got, const fx::Scaled& want) {
  MMF_EXPECT_EQ(got.mant, want.mant);
  MMF_EXPECT_EQ(got.exp, want.exp);
}

TEST_P(NormQuantize, CodesAndTokenScaleMatchTheGoldenUnit) {
  const UnitCase c = GetParam();
  with_config(c.lanes, [&](auto cfg) {
    using Cfg = decltype(cfg);
    std::mt19937 rng(c.n * 17u + static_cast<uint32_t>(c.lanes));
    for (int trial = 0; trial < 4; ++trial) {
      const bool has_rms = trial % 2 == 0;  // o_proj-like BitLinears have no block norm
      const std::vector<int32_t> p = random_q16(rng, c.n);
      const std::vector<int16_t> w_rms = random_norm_weights(rng, c.n);
      const std::vector<int16_t> w_code = random_norm_weights(rng, c.n);
      std::vector<int8_t> got(c.n), want(c.n);
      const fx::Scaled s = mmf_hls::norm_quantize<Cfg>(p.data(), has_rms, w_rms.data(),
                                                       w_code.data(), c.n, got.data());
      const fx::Quantized q = fx::quantize_activations(p.data(), has_rms ? w_rms.data() : nullptr,
                                                       w_code.data(), c.n, want.data());
      MMF_EXPECT_EQ(got, want) << "trial " << trial;
      expect_same_scale(s, q.token_scale);
    }
  });
}

TEST_P(NormQuantize, ZeroInputGivesZeroCodesAndScale) {
  const UnitCase c = GetParam();
  with_config(c.lanes, [&](auto cfg) {
    using Cfg = decltype(cfg);
    const std::vector<int32_t> p(c.n, 0);
    const std::vector<int16_t> w(c.n, 1000);
    std::vector<int8_t> codes(c.n, 5);
    const fx::Scaled s =
        mmf_hls::norm_quantize<Cfg>(p.data(), true, w.data(), w.data(), c.n, codes.data());
    MMF_EXPECT_EQ(codes, std::vector<int8_t>(c.n, 0));
    expect_same_scale(s, fx::Scaled{0, 0});
  });
}

INSTANTIATE_TEST_SUITE_P(Shapes, NormQuantize, testing::ValuesIn(unit_cases()), unit_case_name);

}  // namespace
}  // namespace mmf::test

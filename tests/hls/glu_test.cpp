// SPDX-License-Identifier: Apache-2.0
// The HLS GLU unit against mmf::fx::glu.
#include "mmf_hls/glu.hpp"

#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf/fixed_units.hpp"

namespace mmf::test {
namespace {

class Glu : public testing::TestWithParam<UnitCase> {};

TEST_P(Glu, MatchesTheGoldenUnit) {
  const UnitCase c = GetParam();
  with_config(c.lanes, [&](auto cfg) {
    using Cfg = decltype(cfg);
    std::mt19937 rng(c.n * 11u + static_cast<uint32_t>(c.lanes));
    for (int trial = 0; trial < 3; ++trial) {
      const std::vector<int32_t> gu = random_q16(rng, 2 * c.n);
      std::vector<int32_t> silu(c.n), want_silu(c.n), z(c.n), want_z(c.n);
      mmf_hls::glu<Cfg>(gu.data(), c.n, silu.data(), z.data());
      fx::glu(gu.data(), c.n, want_silu.data(), want_z.data());
      MMF_EXPECT_EQ(silu, want_silu) << "trial " << trial;
      MMF_EXPECT_EQ(z, want_z) << "trial " << trial;
    }
  });
}

INSTANTIATE_TEST_SUITE_P(Shapes, Glu, testing::ValuesIn(unit_cases()), unit_case_name);

}  // namespace
}  // namespace mmf::test

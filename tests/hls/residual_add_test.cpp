// SPDX-License-Identifier: Apache-2.0
// The HLS residual add unit against mmf::fx::residual_add, saturation included.
#include "mmf_hls/residual_add.hpp"

#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf/fixed_units.hpp"

namespace mmf::test {
namespace {

class ResidualAdd : public testing::TestWithParam<UnitCase> {};

TEST_P(ResidualAdd, MatchesTheGoldenUnit) {
  const UnitCase c = GetParam();
  with_config(c.lanes, [&](auto cfg) {
    using Cfg = decltype(cfg);
    std::mt19937 rng(c.n * 5u + static_cast<uint32_t>(c.lanes));
    std::vector<int32_t> x = random_q16(rng, c.n);
    std::vector<int32_t> a = random_q16(rng, c.n);
    x[0] = INT32_MAX;  // saturates upward when a[0] > 0, stays otherwise
    a[c.n - 1] = INT32_MIN;
    std::vector<int32_t> want = x;
    mmf_hls::residual_add<Cfg>(x.data(), a.data(), c.n);
    fx::residual_add(want.data(), a.data(), c.n);
    MMF_EXPECT_EQ(x, want);
  });
}

INSTANTIATE_TEST_SUITE_P(Shapes, ResidualAdd, testing::ValuesIn(unit_cases()), unit_case_name);

}  // namespace
}  // namespace mmf::test

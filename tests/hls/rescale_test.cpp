// SPDX-License-Identifier: Apache-2.0
// The HLS rescale unit (scale combination and per-row rescale) against the golden functions.
#include "mmf_hls/rescale.hpp"

#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf/fixed_units.hpp"

namespace mmf::test {
namespace {

class Rescale : public testing::TestWithParam<UnitCase> {};

TEST_P(Rescale, MatchesTheGoldenUnit) {
  const UnitCase c = GetParam();
  std::mt19937 rng(c.n * 3u + c.rows);
  std::uniform_int_distribution<uint64_t> mant(1, (uint64_t{1} << 40) - 1);
  std::uniform_int_distribution<int> exp(-80, 10);
  std::uniform_int_distribution<int32_t> acc(-(1 << 24), 1 << 24);
  for (int trial = 0; trial < 4; ++trial) {
    const fx::Scaled token{mant(rng), exp(rng)}, constant{mant(rng) >> 9, exp(rng)};
    const fx::Scaled got = mmf_hls::combine_scales(token, constant);
    const fx::Scaled want = fx::combine_scales(token, constant);
    MMF_EXPECT_EQ(got.mant, want.mant);
    MMF_EXPECT_EQ(got.exp, want.exp);
    std::vector<int32_t> sums(c.n);
    for (auto& s : sums) s = acc(rng);
    hls::stream<int32_t> in("sums"), out("out");
    for (int32_t s : sums) in.write(s);
    mmf_hls::rescale_rows(in, c.n, got, out);
    std::vector<int32_t> expected(c.n);
    fx::rescale(sums.data(), c.n, want, expected.data());
    for (uint32_t r = 0; r < c.n; ++r) MMF_EXPECT_EQ(out.read(), expected[r]) << "row " << r;
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, Rescale, testing::ValuesIn(unit_cases()), unit_case_name);

}  // namespace
}  // namespace mmf::test

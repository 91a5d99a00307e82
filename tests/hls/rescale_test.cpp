// SPDX-License-Identifier: Apache-2.0
// The HLS rescale unit's row stream against the golden rescale. The scale combination is the
// golden function itself (mmf_hls::combine_scales is fx::combine_scales), checked on known values
// in models_numerics_test; here only the stream around the shared lane formula is under test.
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
    const fx::Scaled scale = fx::combine_scales(token, constant);
    std::vector<int32_t> sums(c.n);
    for (auto& s : sums) s = acc(rng);
    hls::stream<int32_t> in("sums"), out("out");
    for (int32_t s : sums) in.write(s);
    mmf_hls::rescale_rows(in, c.n, scale, out);
    std::vector<int32_t> expected(c.n);
    fx::rescale(sums.data(), c.n, scale, expected.data());
    for (uint32_t r = 0; r < c.n; ++r) MMF_EXPECT_EQ(out.read(), expected[r]) << "row " << r;
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, Rescale, testing::ValuesIn(unit_cases()), unit_case_name);

}  // namespace
}  // namespace mmf::test

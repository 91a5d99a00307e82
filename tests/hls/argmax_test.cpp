// SPDX-License-Identifier: Apache-2.0
// The HLS greedy sampling unit against mmf::fx::argmax, and both against std::max_element (the
// host sampler's rule): random logits, many ties (the first index wins, within a beat and
// across beats), the extremes of int32, the largest value in the last, partial beat.
#include "mmf_hls/argmax.hpp"

#include <algorithm>

#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf/fixed_units.hpp"

namespace mmf::test {
namespace {

class Argmax : public testing::TestWithParam<UnitCase> {};

TEST_P(Argmax, MatchesTheGoldenUnitAndTheHostsRule) {
  const UnitCase c = GetParam();
  with_config(c.lanes, [&](auto cfg) {
    using Cfg = decltype(cfg);
    std::mt19937 rng(c.n * 13u + static_cast<uint32_t>(c.lanes));
    std::vector<std::vector<int32_t>> cases = {random_q16(rng, c.n)};
    std::vector<int32_t> ties(c.n);  // few distinct values: equal maxima everywhere
    for (int32_t& v : ties) v = static_cast<int32_t>(rng() % 3) - 1;
    cases.push_back(ties);
    cases.push_back(std::vector<int32_t>(c.n, INT32_MIN));  // all equal: index 0
    std::vector<int32_t> last = random_q16(rng, c.n);
    last.back() = INT32_MAX;  // the largest in the last (often partial) beat
    cases.push_back(last);
    std::vector<int32_t> first = last;
    first.front() = INT32_MAX;  // the same maximum earlier: the earlier one wins
    cases.push_back(first);
    for (const std::vector<int32_t>& v : cases) {
      std::vector<uint32_t> vec(v.size() + 3, 0xDEADBEEFu);  // the logits at word 3
      for (size_t k = 0; k < v.size(); ++k) vec[3 + k] = static_cast<uint32_t>(v[k]);
      const auto want = static_cast<uint32_t>(std::max_element(v.begin(), v.end()) - v.begin());
      MMF_EXPECT_EQ(fx::argmax(v.data(), c.n), int64_t{want});
      MMF_EXPECT_EQ(mmf_hls::argmax<Cfg>(vec.data(), 3, c.n), want);
    }
  });
}

INSTANTIATE_TEST_SUITE_P(Shapes, Argmax, testing::ValuesIn(unit_cases()), unit_case_name);

}  // namespace
}  // namespace mmf::test

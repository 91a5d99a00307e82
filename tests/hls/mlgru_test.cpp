// SPDX-License-Identifier: Apache-2.0
// The HLS MLGRU unit against mmf::fx::mlgru: state, SiLU of the state and o_proj input.
#include "mmf_hls/mlgru.hpp"

#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf/fixed_units.hpp"

namespace mmf::test {
namespace {

class Mlgru : public testing::TestWithParam<UnitCase> {};

TEST_P(Mlgru, StateAndOutputMatchTheGoldenUnit) {
  const UnitCase c = GetParam();
  with_config(c.lanes, [&](auto cfg) {
    using Cfg = decltype(cfg);
    std::mt19937 rng(c.n * 13u + static_cast<uint32_t>(c.lanes));
    std::uniform_int_distribution<uint32_t> gate(0, fx::kOne);
    for (const bool has_lb : {false, true}) {
      const auto i = random_q16(rng, c.n), f = random_q16(rng, c.n), g = random_q16(rng, c.n);
      std::vector<uint32_t> lb(c.n);
      for (auto& x : lb) x = gate(rng);
      std::vector<int32_t> state = random_q16(rng, c.n);
      std::vector<int32_t> want_state = state;
      std::vector<int32_t> silu(c.n), want_silu(c.n), p_o(c.n), want_p_o(c.n);
      // Two steps: the second starts from the state the first left.
      for (int step = 0; step < 2; ++step) {
        mmf_hls::mlgru<Cfg>(i.data(), f.data(), g.data(), has_lb, lb.data(), c.n, state.data(),
                            silu.data(), p_o.data());
        fx::mlgru(i.data(), f.data(), g.data(), has_lb ? lb.data() : nullptr, c.n,
                  want_state.data(), want_silu.data(), want_p_o.data());
        MMF_EXPECT_EQ(state, want_state) << "lower bound " << has_lb << " step " << step;
        MMF_EXPECT_EQ(silu, want_silu);
        MMF_EXPECT_EQ(p_o, want_p_o);
      }
    }
  });
}

INSTANTIATE_TEST_SUITE_P(Shapes, Mlgru, testing::ValuesIn(unit_cases()), unit_case_name);

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_argmax.sv against its HLS twin (mmf_hls::argmax) and the host sampler's rule
// (std::max_element): jobs of lengths that are and are not multiples of the lanes, random and
// tied values and the extremes of int32, beats with random gaps, jobs back to back; the index
// comes out Levels + 1 cycles after the job's last beat. Two shapes: 4 lanes (ci-tiny) and 32
// (u280).
#include <algorithm>

#include "Vmmf_argmax_l32.h"
#include "Vmmf_argmax_l4.h"
#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf_hls/argmax.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

template <uint32_t VL>
struct Vl {
  static constexpr int vector_lanes = VL;
};

// Runs one job through the unit: its beats with random gaps, then waits for the index. Checks
// the latency and returns the index.
template <class Model, uint32_t VL>
uint32_t run_job(VerilatedUnit<Model>& dut, const std::vector<int32_t>& v, std::mt19937& rng) {
  auto& io = dut.io();
  io.start_i = 1;
  io.in_valid_i = 0;
  dut.tick();
  io.start_i = 0;
  // The unit takes a beat whenever it is valid (no ready) and says nothing before the last.
  const size_t beats = (v.size() + VL - 1) / VL;
  StreamDriver streams("mmf_argmax", rng, 0.25);
  const StreamIn& in = streams.in(
      "in", beats,
      [&](size_t b) {
        const size_t k0 = b * VL, lanes = std::min<size_t>(VL, v.size() - k0);
        std::vector<uint32_t> words(VL, 0x12345678u);  // lanes past the end hold garbage
        for (size_t j = 0; j < lanes; ++j) words[j] = static_cast<uint32_t>(v[k0 + j]);
        set_port(io.in_data_i, words);
        io.in_lanes_i = static_cast<uint32_t>(lanes);
        io.in_last_i = b + 1 == beats;
      },
      [&](bool valid) { io.in_valid_i = valid; }, {});
  streams.after_settle = [&] { MMF_EXPECT_FALSE(io.out_valid_o); };
  MMF_EXPECT_TRUE(streams.run(
      dut, [&] { return in.sent == beats; }, 20 * beats + 100));
  io.in_valid_i = 0;
  const uint32_t latency = dut.latency_of_last_beat([&] { return io.out_valid_o != 0; });
  MMF_EXPECT_EQ(latency, mmf_hls::tree_levels(VL) + 1);
  const uint32_t index = io.out_index_o;
  dut.tick();
  dut.settle();
  MMF_EXPECT_FALSE(io.out_valid_o) << "the index is valid for one cycle";
  return index;
}

template <class Model, uint32_t VL>
void check_shape() {
  VerilatedUnit<Model> dut;
  dut.reset();
  std::mt19937 rng(VL);
  for (uint32_t n : {1u, 3u, VL, VL + 1, 17u, 250u, 1000u, 4099u}) {
    std::vector<std::vector<int32_t>> cases = {random_q16(rng, n)};
    std::vector<int32_t> ties(n);
    for (int32_t& t : ties) t = static_cast<int32_t>(rng() % 3) - 1;
    cases.push_back(ties);
    cases.push_back(std::vector<int32_t>(n, INT32_MIN));
    std::vector<int32_t> last = random_q16(rng, n);
    last.back() = INT32_MAX;
    cases.push_back(last);
    last.front() = INT32_MAX;
    cases.push_back(last);
    for (const std::vector<int32_t>& v : cases) {
      std::vector<uint32_t> vec(v.begin(), v.end());
      const auto want = static_cast<uint32_t>(std::max_element(v.begin(), v.end()) - v.begin());
      MMF_ASSERT_EQ(mmf_hls::argmax<Vl<VL>>(vec.data(), 0, n), want) << "n " << n;
      MMF_EXPECT_EQ((run_job<Model, VL>(dut, v, rng)), want) << "n " << n;
    }
  }
}

TEST(ArgmaxRtl, FourLanesMatchTheHlsUnit) {
  check_shape<Vmmf_argmax_l4, 4>();
}

TEST(ArgmaxRtl, ThirtyTwoLanesMatchTheHlsUnit) {
  check_shape<Vmmf_argmax_l32, 32>();
}

}  // namespace
}  // namespace mmf::test

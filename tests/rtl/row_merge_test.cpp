// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_row_merge.sv against its HLS twin (mmf_hls::merge_rows): the channels' sums come
// back in row order for row counts that are and are not multiples of the channel count, with
// random stalls on every stream, and jobs of no rows in between.
#include "Vmmf_row_merge.h"
#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf_hls/ternary_accumulate.hpp"
#include "rtl/verilated_unit.hpp"

namespace mmf::test {
namespace {

using Cfg = mmf_hls::AccelTraits<16, 3, 4, 2048, 8>;  // 3 channels = -GChannels of the model
constexpr int kChannels = Cfg::weight_channels;

TEST(RowMergeRtl, MatchesTheHlsMerge) {
  VerilatedUnit<Vmmf_row_merge> dut;
  dut.reset();
  auto& io = dut.io();
  std::mt19937 rng(8);
  std::bernoulli_distribution hold(0.3);
  for (uint32_t rows : {1u, 2u, 3u, 0u, 7u, 100u, 0u, 301u}) {
    const mmf_hls::MatvecJob job{rows, 16, 0, mmf_hls::kPackTwoBit};
    std::vector<std::vector<int32_t>> per_channel(kChannels);
    hls::stream<int32_t> hls_sums[kChannels];
    for (int c = 0; c < kChannels; ++c) {
      for (uint32_t r = 0; r < mmf_hls::channel_rows<Cfg>(job, c); ++r) {
        const auto v = static_cast<int32_t>(rng());
        per_channel[c].push_back(v);
        hls_sums[c].write(v);
      }
    }
    hls::stream<int32_t> merged("merged");
    mmf_hls::merge_rows<Cfg>(job, hls_sums, merged);
    std::vector<int32_t> expected;
    while (!merged.empty()) expected.push_back(merged.read());

    std::vector<size_t> sent(kChannels, 0);
    std::vector<int32_t> got;
    bool job_sent = false;
    const uint64_t limit = dut.cycles() + 20 * rows + 50;
    while (!job_sent || got.size() < rows) {
      MMF_ASSERT_TRUE(dut.cycles() < limit) << "watchdog, rows " << rows;
      io.job_valid_i = !job_sent;
      io.job_rows_i = rows;
      uint32_t valid = 0;
      std::vector<uint32_t> data(kChannels, 0);
      for (int c = 0; c < kChannels; ++c) {
        if (sent[c] < per_channel[c].size()) {
          data[c] = static_cast<uint32_t>(per_channel[c][sent[c]]);
          if (!hold(rng)) valid |= 1u << c;
        }
      }
      io.in_valid_i = static_cast<uint8_t>(valid);
      set_port(io.in_data_i, data);
      io.out_ready_i = !hold(rng);
      dut.settle();
      if (io.job_valid_i && io.job_ready_o) job_sent = true;
      for (int c = 0; c < kChannels; ++c) {
        if (((valid >> c) & 1) && ((io.in_ready_o >> c) & 1)) ++sent[c];
      }
      if (io.out_valid_o && io.out_ready_i) got.push_back(static_cast<int32_t>(io.out_data_o));
      dut.tick();
    }
    MMF_EXPECT_EQ(got, expected) << "rows " << rows;
  }
}

}  // namespace
}  // namespace mmf::test

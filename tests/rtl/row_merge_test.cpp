// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_row_merge.sv against its HLS twin (mmf_hls::merge_rows): the channels' sums come
// back in row order for row counts that are and are not multiples of the channel count, with
// random stalls on every stream, and jobs of no rows in between.
#include "Vmmf_row_merge.h"
#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf_hls/ternary_accumulate.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

using Cfg = mmf_hls::AccelTraits<16, 3, 4, 2048, 8>;  // 3 channels = -GChannels of the model
constexpr int kChannels = Cfg::weight_channels;

TEST(RowMergeRtl, MatchesTheHlsMerge) {
  VerilatedUnit<Vmmf_row_merge> dut;
  dut.reset();
  auto& io = dut.io();
  std::mt19937 rng(8);
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

    std::vector<int32_t> got;
    // One stream a channel: its bit of in_valid_i and in_ready_o, its word of in_data_i.
    StreamDriver streams("mmf_row_merge", rng, 0.3);
    const StreamIn& job_in = streams.job_ports(io, [&](size_t) { io.job_rows_i = rows; });
    std::vector<uint32_t> data(kChannels, 0);
    std::vector<const StreamIn*> channels;
    for (int c = 0; c < kChannels; ++c) {
      const auto bit = static_cast<uint8_t>(1u << c);
      channels.push_back(&streams.in(
          "channel " + std::to_string(c), per_channel[c].size(),
          [&, c](size_t r) {
            data[c] = static_cast<uint32_t>(per_channel[c][r]);
            set_port(io.in_data_i, data);
          },
          [&, bit](bool v) {
            io.in_valid_i = static_cast<uint8_t>(v ? io.in_valid_i | bit : io.in_valid_i & ~bit);
          },
          [&, bit] { return (io.in_ready_o & bit) != 0; }));
    }
    streams.out_ports(io, [&](size_t) { got.push_back(static_cast<int32_t>(io.out_data_o)); });
    MMF_ASSERT_TRUE(streams.run(
        dut, [&] { return job_in.sent == 1 && got.size() >= rows; }, 20 * rows + 50))
        << "rows " << rows;
    for (int c = 0; c < kChannels; ++c) {
      MMF_EXPECT_EQ(channels[c]->sent, per_channel[c].size()) << "channel " << c;
    }
    MMF_EXPECT_EQ(got, expected) << "rows " << rows;
  }
}

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_weight_channel.sv (read master + ternary accumulate) against its HLS twin
// (mmf_hls::channel_matvec) over the memory-channel model: row sums bit for bit, and one
// weight word per cycle once streaming, memory latency paid once per job.
#include <cstring>

#include "Vmmf_weight_channel.h"
#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf/sim/axi_memory.hpp"
#include "mmf_hls/ternary_accumulate.hpp"
#include "rtl/verilated_unit.hpp"

namespace mmf::test {
namespace {

// -GLanes=16 -GTileRows=4: 32-bit weight words of 4 rows x 4 columns (ci-tiny's tile)
using Cfg = mmf_hls::AccelTraits<16, 1, 4, 2048, 8, 4>;
using Word = Cfg::weight_word_t;
constexpr uint32_t kWordBytes = Cfg::weight_word_bits / 8;

struct ChannelCase {
  uint32_t rows, n;
  friend std::ostream& operator<<(std::ostream& os, const ChannelCase& c) {
    return os << c.rows << "x" << c.n;
  }
};

class WeightChannelRtl : public testing::TestWithParam<ChannelCase> {};

TEST_P(WeightChannelRtl, MatchesTheHlsChannel) {
  const ChannelCase c = GetParam();
  std::mt19937 rng(c.rows * 31 + c.n);
  const uint32_t first = 5;  // the tensor's first word in the channel
  const mmf_hls::MatvecJob job{c.rows, c.n, first};
  const uint32_t row_words = mmf_hls::words_per_row<Cfg>(job);  // of a row block
  const uint64_t beats = mmf_hls::weight_tile_of<Cfg>().read_words(c.rows, c.n, 0);
  std::vector<Word> memory(first + beats + 16);
  for (auto& w : memory) {
    for (int k = 0; k < Cfg::lanes; ++k) {
      const auto trit = static_cast<uint32_t>(rng() % 3);  // 00, 01, 11
      w.range(2 * k + 1, 2 * k) = trit == 2 ? 3u : trit;
    }
  }
  std::vector<int8_t> codes(size_t{row_words} * Cfg::tile_cols);
  for (auto& x : codes) x = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);

  hls::stream<mmf_hls::CodeWord<Cfg>> code_stream("codes");
  std::vector<std::vector<uint32_t>> code_beats;
  for (uint32_t w = 0; w < row_words; ++w) {
    mmf_hls::CodeWord<Cfg> cw;
    std::vector<uint32_t> lanes(Cfg::tile_cols);
    for (int k = 0; k < Cfg::tile_cols; ++k) {
      cw.code[k] = codes[w * Cfg::tile_cols + k];
      lanes[k] = static_cast<uint8_t>(cw.code[k]);
    }
    code_stream.write(cw);
    code_beats.push_back(pack_lanes(lanes, 8));
  }
  hls::stream<int32_t> sums("sums");
  mmf_hls::channel_matvec<Cfg>(memory.data(), 0, job, code_stream, sums);
  std::vector<int32_t> expected;
  while (!sums.empty()) expected.push_back(sums.read());

  const uint32_t latency = 40;
  sim::AxiMemoryChannel channel(sim::ChannelTiming{double{kWordBytes}, latency, 8, {}},
                                reinterpret_cast<uint8_t*>(memory.data()),
                                memory.size() * kWordBytes, kWordBytes);
  VerilatedUnit<Vmmf_weight_channel> dut;
  dut.reset();
  auto& io = dut.io();
  // The read command goes first and the accumulate job later, as the kernel's prefetcher
  // does; a job without rows reads nothing.
  bool cmd_sent = beats == 0, job_sent = false;
  size_t codes_sent = 0;
  std::vector<int32_t> got;
  const uint64_t start = dut.cycles();
  while (got.size() < expected.size()) {
    MMF_ASSERT_TRUE(dut.cycles() < start + 10 * memory.size() + 1000) << "watchdog";
    io.cmd_valid_i = !cmd_sent;
    io.cmd_addr_i = uint64_t{first} * kWordBytes;
    io.cmd_beats_i = static_cast<uint32_t>(beats);
    io.job_valid_i = !job_sent && dut.cycles() > start + 3;
    io.job_rows_i = c.rows;
    set_port(io.job_row_words_i, {row_words});
    io.code_valid_i = codes_sent < code_beats.size();
    if (codes_sent < code_beats.size()) set_port(io.code_data_i, code_beats[codes_sent]);
    io.sum_ready_i = 1;
    io.ar_ready_i = channel.ar_ready();
    io.r_valid_i = channel.r_valid();
    uint32_t beat = 0;
    if (channel.r_valid()) std::memcpy(&beat, channel.r_data(), kWordBytes);
    io.r_data_i = beat;
    io.r_last_i = channel.r_last();
    io.r_resp_i = channel.r_resp();
    dut.settle();
    if (io.cmd_valid_i && io.cmd_ready_o) cmd_sent = true;
    if (io.job_valid_i && io.job_ready_o) job_sent = true;
    if (io.code_valid_i && io.code_ready_o) ++codes_sent;
    if (io.ar_valid_o && io.ar_ready_i) channel.ar_accept(io.ar_addr_o, io.ar_len_o);
    if (io.r_valid_i && io.r_ready_o) channel.r_accept();
    if (io.sum_valid_o && io.sum_ready_i) got.push_back(static_cast<int32_t>(io.sum_data_o));
    dut.tick();
    channel.tick();
  }
  MMF_EXPECT_EQ(got, expected);
  MMF_EXPECT_EQ(io.bytes_o, beats * kWordBytes);
  // Streaming bound: every weight word at one per cycle, after the later of the first read
  // (latency) and the code load (one code word per cycle), plus a few cycles of hand-over: the
  // codes load while the first read is in flight.
  const uint64_t cycles = dut.cycles() - start;
  MMF_EXPECT_LE(cycles, beats + std::max(latency, row_words + 2) + Cfg::tile_rows + 12)
      << "rows " << c.rows << ", words per row block " << row_words;
}

INSTANTIATE_TEST_SUITE_P(Shapes, WeightChannelRtl,
                         testing::Values(ChannelCase{1, 16}, ChannelCase{7, 250},
                                         ChannelCase{64, 1000}, ChannelCase{300, 64}),
                         [](const auto& test_info) {
                           return "rows" + std::to_string(test_info.param.rows) + "_n" +
                                  std::to_string(test_info.param.n);
                         });

}  // namespace
}  // namespace mmf::test

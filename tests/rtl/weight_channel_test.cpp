// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_weight_channel.sv (read master + ternary accumulate) against its HLS twin
// (mmf_hls::channel_matvec) over the memory-channel model: row sums bit for bit, and one
// weight word per cycle once streaming, memory latency paid once per job. Built with FiveTrit
// (the unpacker at the memory port, before the FIFO), the channel gives the same sums from the
// same trits stored 1.6-bit (each row block from a fresh beat, WeightTile), reading fewer beats
// at the unpacker's half a beat a cycle, and passes 2-bit jobs through.
#include <cstring>

#include "Vmmf_weight_channel.h"
#include "Vmmf_weight_channel_five_trit.h"
#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf/sim/axi_memory.hpp"
#include "mmf/ternary_pack.hpp"
#include "mmf_hls/ternary_accumulate.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

// -GLanes=16 -GTileRows=4: 32-bit weight words of 4 rows x 4 columns (ci-tiny's tile)
using Cfg = mmf_hls::AccelTraits<16, 1, 4, 2048, 8, 4>;
using Word = Cfg::weight_word_t;
constexpr uint32_t kWordBytes = Cfg::weight_word_bits / 8;

// Which model and packing: the channel without the decoder (2-bit), and with it (FiveTrit) on
// 2-bit and on 1.6-bit weights.
enum class Variant { two_bit, five_trit_build_two_bit, five_trit_build_packed };

struct ChannelCase {
  uint32_t rows, n;
  Variant variant;
  friend std::ostream& operator<<(std::ostream& os, const ChannelCase& c) {
    return os << c.rows << "x" << c.n << " variant " << static_cast<int>(c.variant);
  }
};

// The tensor's words (from `first`, blocks of row_words) stored 1.6-bit: each row block's trits
// (word 0 first, lane 0 first) packed five to a byte from a fresh beat, by the models library.
std::vector<Word> five_trit_image(const std::vector<Word>& memory, uint32_t first, uint64_t words,
                                  uint32_t row_words) {
  std::vector<Word> out(memory.size(), 0);
  uint64_t at = first;
  for (uint64_t b = 0; b * row_words < words; ++b) {
    std::vector<int8_t> trits;
    for (uint32_t w = 0; w < row_words; ++w) {
      const Word word = memory[first + b * row_words + w];
      for (int k = 0; k < Cfg::lanes; ++k) {
        const auto code = static_cast<uint32_t>(word.range(2 * k + 1, 2 * k));
        trits.push_back(code == 0 ? 0 : (code == 1 ? 1 : -1));
      }
    }
    const uint64_t beats = mmf_hls::WeightTile::five_trit_beats(row_words);
    std::vector<uint8_t> bytes(beats * kWordBytes, 0);
    pack_row(trits.data(), trits.size(), Packing::five_trit, bytes.data());
    for (uint64_t k = 0; k < beats; ++k) {
      uint32_t v = 0;
      std::memcpy(&v, &bytes[k * kWordBytes], kWordBytes);
      out[at++] = v;
    }
  }
  return out;
}

class WeightChannelRtl : public testing::TestWithParam<ChannelCase> {};

template <class Model>
void check_channel(const ChannelCase& c) {
  const bool packed = c.variant == Variant::five_trit_build_packed;
  std::mt19937 rng(c.rows * 31 + c.n);
  const uint32_t first = 5;  // the tensor's first word in the channel
  const mmf_hls::MatvecJob job{c.rows, c.n, first, mmf_hls::kPackTwoBit};
  const uint32_t row_words = mmf_hls::words_per_row<Cfg>(job);  // of a row block
  const uint64_t words = mmf_hls::weight_tile_of<Cfg>().read_words(c.rows, c.n, 0);
  const uint64_t beats = mmf_hls::weight_tile_of<Cfg>().read_units(
      c.rows, c.n, 0, packed ? mmf_hls::kPackFiveTrit : mmf_hls::kPackTwoBit);
  std::vector<Word> memory(first + words + 16);
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
  // The sums of the 2-bit tensor: the 1.6-bit one holds the same trits.
  hls::stream<int32_t> sums("sums");
  mmf_hls::channel_matvec<Cfg>(memory.data(), 0, job, code_stream, sums);
  std::vector<int32_t> expected;
  while (!sums.empty()) expected.push_back(sums.read());
  if (packed) memory = five_trit_image(memory, first, words, row_words);

  const uint32_t latency = 40;
  sim::AxiMemoryChannel channel(sim::ChannelTiming{double{kWordBytes}, latency, 8, {}},
                                reinterpret_cast<uint8_t*>(memory.data()),
                                memory.size() * kWordBytes, kWordBytes);
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  // The read command goes first and the accumulate job later (4 cycles on), as the kernel's
  // prefetcher does; a job without rows reads nothing. Nothing stalls: the time is checked.
  bool job_sent = false;
  std::vector<int32_t> got;
  const uint64_t start = dut.cycles();
  StreamDriver streams("mmf_weight_channel", rng, 0.0);
  streams.in(
      "cmd", beats == 0 ? 0 : 1,
      [&](size_t) {
        io.cmd_addr_i = uint64_t{first} * kWordBytes;
        io.cmd_beats_i = static_cast<uint32_t>(beats);
        io.cmd_packed_i = packed;
        set_port(io.cmd_block_words_i, {packed ? row_words : 0});
        set_port(
            io.cmd_block_beats_i,
            {packed ? static_cast<uint32_t>(mmf_hls::WeightTile::five_trit_beats(row_words)) : 0});
      },
      [&](bool v) { io.cmd_valid_i = v; }, [&] { return io.cmd_ready_o != 0; });
  streams.in(
      "code", code_beats.size(), [&](size_t k) { set_port(io.code_data_i, code_beats[k]); },
      [&](bool v) { io.code_valid_i = v; }, [&] { return io.code_ready_o != 0; });
  streams.out(
      "sum", [&] { return io.sum_valid_o != 0; }, [&](bool r) { io.sum_ready_i = r; },
      [&](size_t) { got.push_back(static_cast<int32_t>(io.sum_data_o)); });
  // The job, released on the clock; the memory channel answers the unit's bursts.
  streams.before_settle = [&] {
    io.job_valid_i = !job_sent && dut.cycles() > start + 3;
    io.job_rows_i = c.rows;
    set_port(io.job_row_words_i, {row_words});
    io.job_packed_i = packed;
    io.ar_ready_i = channel.ar_ready();
    io.r_valid_i = channel.r_valid();
    uint32_t beat = 0;
    if (channel.r_valid()) std::memcpy(&beat, channel.r_data(), kWordBytes);
    io.r_data_i = beat;
    io.r_last_i = channel.r_last();
    io.r_resp_i = channel.r_resp();
  };
  streams.after_settle = [&] {
    if (io.job_valid_i && io.job_ready_o) job_sent = true;
    if (io.ar_valid_o && io.ar_ready_i) channel.ar_accept(io.ar_addr_o, io.ar_len_o);
    if (io.r_valid_i && io.r_ready_o) channel.r_accept();
  };
  streams.after_tick = [&] { channel.tick(); };
  MMF_ASSERT_TRUE(streams.run(
      dut, [&] { return got.size() >= expected.size(); }, 10 * memory.size() + 1000));
  MMF_EXPECT_EQ(got, expected);
  MMF_EXPECT_EQ(io.bytes_o, beats * kWordBytes);
  // Streaming bound: every weight word at one per cycle (the unpacker of these 16 lanes takes a
  // beat a cycle, 5 words from 4), or every row sum at one a cycle when row blocks are shorter
  // than TileRows words, after the later of the first read (latency) and the code load (one
  // code word per cycle), plus a few cycles of hand-over: the codes load while the first read
  // is in flight; the unpacker's pipeline adds its latency to a 1.6-bit job (a 2-bit one passes
  // through). With 1.6-bit weights the read master lets a burst go only with room for 16 beats
  // of 5 quarter words: this 64-word FIFO then keeps about 37 beats in flight against the
  // 40-cycle latency, so the stream pauses now and then: up to 4 % more.
  const uint64_t cycles = dut.cycles() - start;
  MMF_EXPECT_LE(cycles, std::max<uint64_t>(words, c.rows) + std::max(latency, row_words + 2) +
                            Cfg::tile_rows + 12 +
                            (packed ? mmf_hls::weight_unpack_latency(Cfg::lanes) + words / 25 : 0))
      << "rows " << c.rows << ", words per row block " << row_words;
}

TEST_P(WeightChannelRtl, MatchesTheHlsChannel) {
  const ChannelCase c = GetParam();
  if (c.variant == Variant::two_bit) {
    check_channel<Vmmf_weight_channel>(c);
  } else {
    check_channel<Vmmf_weight_channel_five_trit>(c);
  }
}

// Row blocks of 4, 63, 250, 16, 6, 2 and 8 words: every padding of a 1.6-bit block (words
// mod 5 = 4, 3, 0, 1, 1, 2, 3 quarters) at each block's end.
std::vector<ChannelCase> channel_cases() {
  std::vector<ChannelCase> out;
  for (Variant v :
       {Variant::two_bit, Variant::five_trit_build_two_bit, Variant::five_trit_build_packed}) {
    for (auto [rows, n] : {std::pair{1u, 16u},
                           {7u, 250u},
                           {64u, 1000u},
                           {300u, 64u},
                           {9u, 21u},
                           {13u, 8u},
                           {30u, 29u}}) {
      out.push_back(ChannelCase{rows, n, v});
    }
  }
  return out;
}

std::string case_name(const testing::TestParamInfo<ChannelCase>& info) {
  const ChannelCase& c = info.param;
  const char* names[] = {"two_bit", "five_trit_build_2bit", "five_trit_build_1_6bit"};
  return "rows" + std::to_string(c.rows) + "_n" + std::to_string(c.n) + "_" +
         names[static_cast<int>(c.variant)];
}

INSTANTIATE_TEST_SUITE_P(Shapes, WeightChannelRtl, testing::ValuesIn(channel_cases()), case_name);

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_weight_unpack.sv: a command's 1.6-bit beats, each row block packed on its own by
// the models library's five_trit packing (ternary_pack.hpp, the one definition) from a fresh
// beat (WeightTile in program_format.hpp), come out as the 2-bit words the same library packs
// from the same trits, for commands of one and of several row blocks whose sizes leave 0 to 4
// quarters of padding at every block's end, under random stalls on both sides; the padding
// never leaks into the next row block or command, and its quarters come back as credits; a
// 2-bit command passes through; commands queue up to the unit's depth; and with both sides
// ready a 256-lane one takes a beat every two cycles (half a beat a cycle), a narrower one
// gives a word every cycle (a beat a cycle, 4 beats in 5 cycles), words following
// weight_unpack_latency cycles behind.
#include "Vmmf_weight_unpack_l16.h"
#include "Vmmf_weight_unpack_l256.h"
#include "Vmmf_weight_unpack_l64.h"
#include "common/checks.hpp"
#include "mmf/ternary_pack.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

std::vector<uint32_t> to_words(const uint8_t* bytes, size_t n) {
  std::vector<uint32_t> w((n + 3) / 4, 0);
  for (size_t k = 0; k < n; ++k) w[k / 4] |= uint32_t{bytes[k]} << (8 * (k % 4));
  return w;
}

std::vector<uint32_t> get_port(IData p, size_t) {
  return {p};
}
template <std::size_t N>
std::vector<uint32_t> get_port(const VlWide<N>& p, size_t) {
  return std::vector<uint32_t>(p.data(), p.data() + N);
}

struct Job {
  bool packed;
  uint32_t rows, row_words;                         // rows in blocks of tile_rows
  std::vector<std::vector<uint32_t>> beats, words;  // input beats, expected 2-bit words
  uint32_t block_beats = 0, pad_quarters = 0;       // 1.6-bit: a block's beats; all padding
};

// A job of random trits in ceil(rows / tile_rows) row blocks of row_words words: its beats in
// the job's packing and its 2-bit words.
Job make_job(uint32_t lanes, uint32_t tile_rows, bool packed, uint32_t rows, uint32_t row_words,
             std::mt19937& rng) {
  Job j{packed, rows, row_words, {}, {}};
  const uint32_t blocks = (rows + tile_rows - 1) / tile_rows;
  const size_t word_bytes = lanes / 4, block_trits = size_t{row_words} * lanes;
  std::vector<uint8_t> word(word_bytes);
  for (uint32_t b = 0; b < blocks; ++b) {
    std::vector<int8_t> trits(block_trits);
    for (int8_t& t : trits) t = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
    for (uint32_t w = 0; w < row_words; ++w) {
      pack_row(&trits[size_t{w} * lanes], lanes, Packing::two_bit, word.data());
      j.words.push_back(to_words(word.data(), word_bytes));
      if (!packed) j.beats.push_back(j.words.back());
    }
    if (!packed) continue;
    // The row block's trits five to a byte from a fresh beat, its last beat padded.
    const size_t beats = mmf_hls::WeightTile::five_trit_beats(row_words);
    j.block_beats = static_cast<uint32_t>(beats);
    j.pad_quarters += static_cast<uint32_t>(5 * beats - 4 * row_words);
    std::vector<uint8_t> bytes(beats * word_bytes, 0);
    pack_row(trits.data(), trits.size(), Packing::five_trit, bytes.data());
    for (size_t k = 0; k < beats; ++k) {
      j.beats.push_back(to_words(&bytes[k * word_bytes], word_bytes));
    }
  }
  return j;
}

template <class Model>
void command(Model& io, const Job& j) {
  io.cmd_i = 1;
  io.cmd_packed_i = j.packed;
  io.cmd_beats_i = static_cast<uint32_t>(j.beats.size());
  io.cmd_block_words_i = j.packed ? j.row_words : 0;
  io.cmd_block_beats_i = j.block_beats;
}

template <class Model>
void check_unpack(uint32_t lanes, uint32_t tile_rows, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Job> jobs;
  // Row words 1..12 cover every padding (W mod 5 quarters) at the end of a command of one row
  // block, then of three and of five row blocks (a padding at each block's end); then random
  // commands, 2-bit ones among them.
  for (uint32_t blocks : {1u, 3u, 5u}) {
    for (uint32_t w = 1; w <= 12; ++w) {
      jobs.push_back(make_job(lanes, tile_rows, true, blocks * tile_rows, w, rng));
    }
  }
  for (int k = 0; k < 40; ++k) {
    const uint32_t rows = 1 + rng() % (6 * tile_rows), row_words = 1 + rng() % 13;
    jobs.push_back(make_job(lanes, tile_rows, rng() % 3 != 0, rows, row_words, rng));
  }
  std::vector<std::vector<uint32_t>> beats, words;
  uint64_t pad_expected = 0;
  for (const Job& j : jobs) {
    beats.insert(beats.end(), j.beats.begin(), j.beats.end());
    words.insert(words.end(), j.words.begin(), j.words.end());
    pad_expected += j.pad_quarters;
  }
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  size_t cmds = 0;
  uint64_t pad = 0;
  std::vector<std::vector<uint32_t>> got;
  StreamDriver streams("mmf_weight_unpack", rng, 0.3);
  // Commands go in as the queue takes them, ahead of their beats (the read master's order): a
  // command is a push while the queue is not full, not a valid/ready stream.
  std::bernoulli_distribution hold(0.3);
  streams.before_settle = [&] {
    io.cmd_i = 0;
    if (cmds < jobs.size() && !io.cmd_full_o && !hold(rng)) command(io, jobs[cmds]);
  };
  streams.after_settle = [&] { cmds += io.cmd_i; };
  const StreamIn& in =
      streams.in_ports(io, beats.size(), [&](size_t k) { set_port(io.in_data_i, beats[k]); });
  streams.out_ports(io, [&](size_t) { got.push_back(get_port(io.out_data_o, 0)); });
  streams.out(  // padding quarters given back: no ready
      "pad", [&] { return io.pad_valid_o != 0; }, {}, [&](size_t) { pad += io.pad_o; });
  MMF_ASSERT_TRUE(streams.run(
      dut, [&] { return got.size() >= words.size(); }, 200000))
      << got.size() << " words";
  MMF_EXPECT_EQ(in.sent, beats.size());
  size_t first_bad = 0;
  while (first_bad < got.size() && got[first_bad] == words[first_bad]) ++first_bad;
  MMF_EXPECT_EQ(first_bad, words.size()) << "the first wrong word";
  MMF_EXPECT_EQ(pad, pad_expected) << "padding quarters given back";
  // Nothing more comes out.
  io.cmd_i = 0;
  io.in_valid_i = 0;
  io.out_ready_i = 1;
  for (int k = 0; k < 8; ++k) {
    dut.settle();
    MMF_EXPECT_EQ(int{io.out_valid_o}, 0);
    dut.tick();
  }
  MMF_EXPECT_GE(words.size(), size_t{1000});
}

TEST(WeightUnpackRtl, SixteenLanesInFourRowTiles) {
  check_unpack<Vmmf_weight_unpack_l16>(16, 4, 1);
}
TEST(WeightUnpackRtl, SixtyFourLanes) {
  check_unpack<Vmmf_weight_unpack_l64>(64, 1, 2);
}

TEST(WeightUnpackRtl, TwoHundredFiftySixLanesInHalves) {
  check_unpack<Vmmf_weight_unpack_l256>(256, 4, 4);
}

// Both sides always ready, across the ends of row blocks of every padding (row words 1 to 10 in
// commands of 6 blocks): with halves (256 lanes), a beat taken every other cycle; with whole
// beats (16 lanes), a word every cycle; the first word weight_unpack_latency cycles after the
// first beat's (the beat register, the lookups of its parts, the word registers).
template <class Model>
void check_pace(uint32_t lanes) {
  const bool halves = mmf_hls::weight_unpack_parts(lanes) == 2;
  std::mt19937 rng(3);
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  for (uint32_t row_words : {40u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u}) {
    const uint32_t rows = row_words == 40 ? 4 : 6 * 4;  // tile rows 4
    const Job j = make_job(lanes, 4, true, rows, row_words, rng);
    command(io, j);
    io.in_valid_i = 0;
    dut.tick();
    io.cmd_i = 0;
    dut.tick();  // the command reaches the head of the queue
    size_t sent = 0;
    std::vector<std::vector<uint32_t>> got;
    uint64_t first_beat = 0, last_beat = 0, first_word = 0, last_word = 0;
    const uint64_t start = dut.cycles();
    while (got.size() < j.words.size() && dut.cycles() < start + 1000) {
      io.in_valid_i = sent < j.beats.size();
      set_port(io.in_data_i, j.beats[std::min(sent, j.beats.size() - 1)]);
      io.out_ready_i = 1;
      dut.settle();
      if (io.in_valid_i && io.in_ready_o) {
        if (sent == 0) first_beat = dut.cycles();
        last_beat = dut.cycles();
        ++sent;
      }
      if (io.out_valid_o) {
        if (got.empty()) first_word = dut.cycles();
        last_word = dut.cycles();
        got.push_back(get_port(io.out_data_o, 0));
      }
      dut.tick();
    }
    MMF_ASSERT_EQ(got.size(), j.words.size()) << "row words " << row_words;
    MMF_EXPECT_TRUE(got == j.words) << "row words " << row_words;
    MMF_EXPECT_EQ(sent, j.beats.size()) << "row words " << row_words;
    if (halves) {
      MMF_EXPECT_EQ(last_beat - first_beat, 2 * (sent - 1))
          << "not a beat every two cycles, row words " << row_words;
    } else {
      MMF_EXPECT_EQ(last_word - first_word + 1, got.size())
          << "a bubble in the word stream, row words " << row_words;
    }
    MMF_EXPECT_EQ(first_word - first_beat, uint64_t{mmf_hls::weight_unpack_latency(lanes)})
        << "row words " << row_words;
  }
}

TEST(WeightUnpackRtl, HalvesTakeABeatEveryOtherCycle) {
  check_pace<Vmmf_weight_unpack_l256>(256);
}
TEST(WeightUnpackRtl, WholeBeatsGiveAWordACycle) {
  check_pace<Vmmf_weight_unpack_l16>(16);
}

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_weight_unpack.sv: a job's 1.6-bit beats, each row block packed on its own by the
// models library's five_trit packing (ternary_pack.hpp, the one definition) from a fresh beat
// (WeightTile in program_format.hpp), come out as the 2-bit words the same library packs from
// the same trits, for jobs of one and of several row blocks whose sizes leave 0 to 4 quarters
// of padding at every block's end, under random stalls on both sides; the padding never leaks
// into the next row block or job; a 2-bit job passes through; and the unpacker keeps one word a
// cycle across row-block ends when both sides are ready.
#include "Vmmf_weight_unpack_l16.h"
#include "Vmmf_weight_unpack_l64.h"
#include "common/checks.hpp"
#include "mmf/ternary_pack.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/verilated_unit.hpp"

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
    std::vector<uint8_t> bytes(beats * word_bytes, 0);
    pack_row(trits.data(), trits.size(), Packing::five_trit, bytes.data());
    for (size_t k = 0; k < beats; ++k) {
      j.beats.push_back(to_words(&bytes[k * word_bytes], word_bytes));
    }
  }
  return j;
}

template <class Model>
void check_unpack(uint32_t lanes, uint32_t tile_rows, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Job> jobs;
  // Row words 1..12 cover every padding (W mod 5 quarters) at the end of a job of one row block,
  // then of three and of five row blocks (a padding at each block's end); then random jobs,
  // 2-bit ones among them.
  for (uint32_t blocks : {1u, 3u, 5u}) {
    for (uint32_t w = 1; w <= 12; ++w) {
      jobs.push_back(make_job(lanes, tile_rows, true, blocks * tile_rows, w, rng));
    }
  }
  for (int k = 0; k < 40; ++k) {
    const uint32_t rows = 1 + rng() % (6 * tile_rows), row_words = 1 + rng() % 13;
    jobs.push_back(make_job(lanes, tile_rows, rng() % 3 != 0, rows, row_words, rng));
  }
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  std::bernoulli_distribution hold(0.3);
  size_t words_checked = 0;
  for (size_t n = 0; n < jobs.size(); ++n) {
    const Job& j = jobs[n];
    io.job_i = 1;
    io.job_packed_i = j.packed;
    io.job_rows_i = j.rows;
    io.job_row_words_i = j.row_words;
    io.in_valid_i = 0;
    io.out_ready_i = 0;
    dut.tick();
    io.job_i = 0;
    // The next job's first beat waits behind this job's: a beat too many would be taken.
    const Job* next = n + 1 < jobs.size() ? &jobs[n + 1] : nullptr;
    size_t sent = 0;
    std::vector<std::vector<uint32_t>> got;
    while (got.size() < j.words.size()) {
      MMF_ASSERT_TRUE(dut.cycles() < 100000) << "watchdog, job " << n;
      const bool more = sent < j.beats.size();
      io.in_valid_i = (more || next != nullptr) && !hold(rng);
      set_port(io.in_data_i, more ? j.beats[sent] : next ? next->beats[0] : j.beats[0]);
      io.out_ready_i = !hold(rng);
      dut.settle();
      if (io.in_valid_i && io.in_ready_o) {
        MMF_ASSERT_TRUE(more) << "job " << n << " took a beat past its own";
        ++sent;
      }
      if (io.out_valid_o && io.out_ready_i) got.push_back(get_port(io.out_data_o, 0));
      dut.tick();
    }
    MMF_EXPECT_EQ(sent, j.beats.size()) << "job " << n;
    MMF_EXPECT_TRUE(got == j.words) << "job " << n << (j.packed ? " (1.6-bit)" : " (2-bit)")
                                    << ", rows " << j.rows << ", row words " << j.row_words;
    words_checked += got.size();
    // Nothing more comes out of a finished job.
    io.in_valid_i = 0;
    io.out_ready_i = 1;
    dut.settle();
    if (j.packed) {
      MMF_EXPECT_EQ(int{io.out_valid_o}, 0) << "job " << n;
    }
  }
  MMF_EXPECT_GE(words_checked, size_t{1000});
}

TEST(WeightUnpackRtl, SixteenLanesInFourRowTiles) {
  check_unpack<Vmmf_weight_unpack_l16>(16, 4, 1);
}
TEST(WeightUnpackRtl, SixtyFourLanes) {
  check_unpack<Vmmf_weight_unpack_l64>(64, 1, 2);
}

// Both sides always ready: a word every cycle once the first beat is in (5 words a 4 beats),
// across the ends of row blocks of every padding (row words 1 to 10 in jobs of 6 blocks), the
// words right (the beats are those of the layout).
TEST(WeightUnpackRtl, KeepsAWordACycleAcrossRowBlocks) {
  std::mt19937 rng(3);
  VerilatedUnit<Vmmf_weight_unpack_l16> dut;
  dut.reset();
  auto& io = dut.io();
  for (uint32_t row_words : {40u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u}) {
    const uint32_t rows = row_words == 40 ? 4 : 6 * 4;  // tile rows 4
    const Job j = make_job(16, 4, true, rows, row_words, rng);
    io.job_i = 1;
    io.job_packed_i = 1;
    io.job_rows_i = j.rows;
    io.job_row_words_i = j.row_words;
    io.in_valid_i = 0;
    dut.tick();
    io.job_i = 0;
    size_t sent = 0;
    std::vector<std::vector<uint32_t>> got;
    uint64_t first = 0, last = 0;
    const uint64_t start = dut.cycles();
    while (got.size() < j.words.size() && dut.cycles() < start + 1000) {
      io.in_valid_i = sent < j.beats.size();
      set_port(io.in_data_i, j.beats[std::min(sent, j.beats.size() - 1)]);
      io.out_ready_i = 1;
      dut.settle();
      if (io.in_valid_i && io.in_ready_o) ++sent;
      if (io.out_valid_o) {
        if (got.empty()) first = dut.cycles();
        last = dut.cycles();
        got.push_back(get_port(io.out_data_o, 0));
      }
      dut.tick();
    }
    MMF_ASSERT_EQ(got.size(), j.words.size()) << "row words " << row_words;
    MMF_EXPECT_TRUE(got == j.words) << "row words " << row_words;
    MMF_EXPECT_EQ(sent, j.beats.size()) << "row words " << row_words;
    MMF_EXPECT_EQ(last - first + 1, got.size())
        << "a bubble in the word stream, row words " << row_words;
    // The first word a cycle after the first beat: the beat's cycle, then the word's.
    MMF_EXPECT_EQ(first, start + 1) << "row words " << row_words;
  }
}

}  // namespace
}  // namespace mmf::test

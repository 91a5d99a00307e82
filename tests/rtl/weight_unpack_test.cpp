// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_weight_unpack.sv: a job's 1.6-bit beats, packed by the models library's
// five_trit packing (ternary_pack.hpp, the one definition), come out as the 2-bit words the
// same library packs from the same trits, for job sizes that leave 0 to 4 blocks of padding,
// under random stalls on both sides; the padding never leaks into the next job; a 2-bit job
// passes through; and the unpacker keeps one word a cycle when both sides are ready.
#include "Vmmf_weight_unpack_l16.h"
#include "Vmmf_weight_unpack_l64.h"
#include "common/checks.hpp"
#include "mmf/ternary_pack.hpp"
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

// A job of `words` words of random trits: its beats in the job's packing and its 2-bit words.
Job make_job(uint32_t lanes, uint32_t tile_rows, bool packed, uint32_t rows, uint32_t row_words,
             std::mt19937& rng) {
  Job j{packed, rows, row_words, {}, {}};
  const uint32_t words = (rows + tile_rows - 1) / tile_rows * row_words;
  std::vector<int8_t> trits(size_t{words} * lanes);
  for (int8_t& t : trits) t = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
  const size_t word_bytes = lanes / 4;
  std::vector<uint8_t> word(word_bytes);
  for (uint32_t w = 0; w < words; ++w) {
    pack_row(&trits[size_t{w} * lanes], lanes, Packing::two_bit, word.data());
    j.words.push_back(to_words(word.data(), word_bytes));
  }
  if (!packed) {
    j.beats = j.words;
    return j;
  }
  // The job's trits five to a byte, the last beat padded to whole beats.
  const size_t beats = (size_t{4} * words + 4) / 5;
  std::vector<uint8_t> bytes(beats * word_bytes, 0);
  pack_row(trits.data(), trits.size(), Packing::five_trit, bytes.data());
  for (size_t b = 0; b < beats; ++b)
    j.beats.push_back(to_words(&bytes[b * word_bytes], word_bytes));
  return j;
}

template <class Model>
void check_unpack(uint32_t lanes, uint32_t tile_rows, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Job> jobs;
  // Words 1..12 cover every padding (4 W mod 5), then larger jobs and 2-bit ones between.
  for (uint32_t w = 1; w <= 12; ++w) jobs.push_back(make_job(lanes, tile_rows, true, 1, w, rng));
  for (int k = 0; k < 30; ++k) {
    const uint32_t rows = 1 + rng() % (3 * tile_rows), row_words = 1 + rng() % 9;
    jobs.push_back(make_job(lanes, tile_rows, rng() % 3 != 0, rows, row_words, rng));
  }
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  std::bernoulli_distribution hold(0.3);
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
    MMF_EXPECT_TRUE(got == j.words) << "job " << n << (j.packed ? " (1.6-bit)" : " (2-bit)");
    // Nothing more comes out of a finished job.
    io.in_valid_i = 0;
    io.out_ready_i = 1;
    dut.settle();
    if (j.packed) MMF_EXPECT_EQ(int{io.out_valid_o}, 0) << "job " << n;
  }
}

TEST(WeightUnpackRtl, SixteenLanesInFourRowTiles) {
  check_unpack<Vmmf_weight_unpack_l16>(16, 4, 1);
}
TEST(WeightUnpackRtl, SixtyFourLanes) {
  check_unpack<Vmmf_weight_unpack_l64>(64, 1, 2);
}

// Both sides always ready: a word every cycle once the first beat is in (5 words a 4 beats).
TEST(WeightUnpackRtl, KeepsAWordACycle) {
  std::mt19937 rng(3);
  const Job j = make_job(16, 4, true, 4, 40, rng);
  VerilatedUnit<Vmmf_weight_unpack_l16> dut;
  dut.reset();
  auto& io = dut.io();
  io.job_i = 1;
  io.job_packed_i = 1;
  io.job_rows_i = j.rows;
  io.job_row_words_i = j.row_words;
  dut.tick();
  io.job_i = 0;
  size_t sent = 0, got = 0;
  uint64_t first = 0, last = 0;
  while (got < j.words.size() && dut.cycles() < 1000) {
    io.in_valid_i = sent < j.beats.size();
    set_port(io.in_data_i, j.beats[std::min(sent, j.beats.size() - 1)]);
    io.out_ready_i = 1;
    dut.settle();
    if (io.in_valid_i && io.in_ready_o) ++sent;
    if (io.out_valid_o) {
      if (got == 0) first = dut.cycles();
      last = dut.cycles();
      ++got;
    }
    dut.tick();
  }
  MMF_ASSERT_EQ(got, j.words.size());
  MMF_EXPECT_EQ(last - first + 1, got) << "a bubble in the word stream";
}

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// The HLS ternary accumulate unit and the weight datapath of a BitLinear against the golden
// ternary matvec and rescale, bit for bit, over lane counts, channel counts and ragged shapes.
#include "mmf_hls/ternary_accumulate.hpp"

#include <cstring>

#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf/fixed_units.hpp"
#include "mmf/ternary_matvec.hpp"
#include "mmf_hls/weight_datapath.hpp"

namespace mmf::test {
namespace {

using mmf_hls::CodeWord;

struct Problem {
  std::vector<int8_t> trits;  // rows x n
  std::vector<int8_t> codes;  // n, then garbage up to whole code words
  std::vector<int32_t> expected;
};

Problem make_problem(const UnitCase& c, uint32_t row_words, int lanes, int cols) {
  std::mt19937 rng(c.n * 7919u + c.rows * 31u + static_cast<uint32_t>(lanes));
  std::uniform_int_distribution<int> trit(-1, 1), code(-127, 127);
  Problem p;
  p.trits.resize(size_t{c.rows} * c.n);
  for (auto& t : p.trits) t = static_cast<int8_t>(trit(rng));
  // Codes past n are nonzero on purpose: padding trits must weight them by 0.
  p.codes.resize(size_t{row_words} * cols);
  for (auto& x : p.codes) x = static_cast<int8_t>(code(rng));
  TernaryTensor golden;
  golden.rows = c.rows;
  golden.cols = c.n;
  golden.packing = Packing::two_bit;
  golden.packed = pack_matrix(p.trits, c.rows, c.n, Packing::two_bit);
  p.expected.resize(c.rows);
  ternary_matvec(golden, p.codes.data(), p.expected.data(), 0, c.rows);
  return p;
}

template <class Cfg>
std::vector<CodeWord<Cfg>> code_words(const std::vector<int8_t>& codes) {
  std::vector<CodeWord<Cfg>> out(codes.size() / Cfg::tile_cols);
  for (size_t k = 0; k < codes.size(); ++k) {
    out[k / Cfg::tile_cols].code[k % Cfg::tile_cols] = codes[k];
  }
  return out;
}

class TernaryAccumulate : public testing::TestWithParam<UnitCase> {};

TEST_P(TernaryAccumulate, RowSumsMatchTheGoldenMatvec) {
  const UnitCase c = GetParam();
  with_config(c.lanes, [&](auto cfg) {
    using Cfg = decltype(cfg);
    const mmf_hls::MatvecJob job{c.rows, c.n, 0, mmf_hls::kPackTwoBit};
    const uint32_t row_words = mmf_hls::words_per_row<Cfg>(job);
    const Problem p = make_problem(c, row_words, Cfg::lanes, Cfg::tile_cols);
    hls::stream<typename Cfg::weight_word_t> weights("weights");
    for (const auto& w : tile_words<Cfg>(p.trits.data(), c.rows, c.n)) weights.write(w);
    hls::stream<int32_t> sums("sums");
    const auto codes = code_words<Cfg>(p.codes);
    mmf_hls::accumulate_rows<Cfg>(weights, codes.data(), c.rows, row_words, sums);
    MMF_EXPECT_TRUE(weights.empty()) << "every weight word is consumed";
    MMF_ASSERT_EQ(sums.size(), size_t{c.rows});
    for (uint32_t r = 0; r < c.rows; ++r) MMF_EXPECT_EQ(sums.read(), p.expected[r]) << "row " << r;
  });
}

// The build's weight datapath: rows dealt round-robin over the channels and tiled (as the host
// compiler lays them out), codes broadcast, one reader + accumulator per channel, rows merged in
// order, rescaled and stored to a buffer or to the vector bank.
TEST_P(TernaryAccumulate, WeightDatapathDealsRowsOverChannelsAndMergesInOrder) {
  const UnitCase c = GetParam();
  with_config(c.lanes, [&](auto cfg) {
    using Cfg = decltype(cfg);
    using Word = typename Cfg::weight_word_t;
    constexpr int kChannels = Cfg::weight_channels;
    const uint32_t first = 3;  // the tensor does not start at word 0
    const mmf_hls::MatvecJob job{c.rows, c.n, first, mmf_hls::kPackTwoBit};
    const uint32_t row_words = mmf_hls::words_per_row<Cfg>(job);
    const Problem p = make_problem(c, row_words, Cfg::lanes, Cfg::tile_cols);
    // Channel ch holds rows ch, ch + kChannels, ... as its local rows, tiled from word `first`.
    std::vector<std::vector<Word>> channel(kChannels);
    for (int ch = 0; ch < kChannels; ++ch) {
      std::vector<int8_t> local;
      uint32_t local_rows = 0;
      for (uint32_t r = static_cast<uint32_t>(ch); r < c.rows; r += kChannels, ++local_rows) {
        local.insert(local.end(), p.trits.begin() + size_t{r} * c.n,
                     p.trits.begin() + size_t{r + 1} * c.n);
      }
      channel[ch].assign(first, Word(0));
      const auto words = tile_words<Cfg>(local.data(), local_rows, c.n);
      channel[ch].insert(channel[ch].end(), words.begin(), words.end());
    }
    const Word* weights[kChannels];
    for (int ch = 0; ch < kChannels; ++ch) weights[ch] = channel[ch].data();
    const fx::Scaled scale{(uint64_t{1} << 30) + 12345, -37};
    std::vector<int32_t> expected(c.rows);
    fx::rescale(p.expected.data(), c.rows, scale, expected.data());

    std::vector<int32_t> buffer(c.rows, -1);
    std::vector<uint32_t> vec(c.rows + 8, 0xDEADBEEFu);
    mmf_hls::weight_datapath<Cfg>(weights, job, p.codes.data(), scale, buffer.data(), vec.data(),
                                  false, 0);
    MMF_EXPECT_EQ(buffer, expected) << "to an on-chip buffer";
    mmf_hls::weight_datapath<Cfg>(weights, job, p.codes.data(), scale, buffer.data(), vec.data(),
                                  true, 4);
    for (uint32_t r = 0; r < c.rows; ++r) {
      MMF_EXPECT_EQ(static_cast<int32_t>(vec[4 + r]), expected[r]) << "to memory, row " << r;
    }
    MMF_EXPECT_EQ(vec[3], 0xDEADBEEFu) << "nothing before addr";
    MMF_EXPECT_EQ(vec[4 + c.rows], 0xDEADBEEFu) << "nothing after the last row";
  });
}

INSTANTIATE_TEST_SUITE_P(Shapes, TernaryAccumulate, testing::ValuesIn(unit_cases()),
                         unit_case_name);

}  // namespace
}  // namespace mmf::test

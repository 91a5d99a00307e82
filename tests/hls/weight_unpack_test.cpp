// SPDX-License-Identifier: Apache-2.0
// The HLS weight unpacker against the models library's packings (ternary_pack.hpp, the one
// definition): a job's row blocks, each packed five trits to a byte from a fresh beat
// (WeightTile in program_format.hpp), come out as the same trits' 2-bit words, for every
// padding of a row block's last beat (0 to 4 quarters) at the end of one row block and of
// several, over the test lane counts; every beat of the job is read and none past it; a 2-bit
// job passes through; the decode table is the library's unpacking of every valid byte.
#include "mmf_hls/weight_unpack.hpp"

#include "common/checks.hpp"
#include "hls/unit_configs.hpp"

namespace mmf::test {
namespace {

template <class Cfg>
typename Cfg::weight_word_t word_of(const uint8_t* bytes) {
  typename Cfg::weight_word_t w = 0;
  for (int k = 0; k < Cfg::lanes / 4; ++k) w.range(8 * k + 7, 8 * k) = bytes[k];
  return w;
}

// A job of `blocks` row blocks of `row_words` words of random trits, through unpack_weights.
template <class Cfg>
void check_job(uint64_t blocks, uint32_t row_words, bool packed, std::mt19937& rng) {
  const size_t lanes = Cfg::lanes, word_bytes = lanes / 4;
  hls::stream<typename Cfg::weight_word_t> in, out;
  std::vector<uint8_t> bytes(word_bytes);
  std::vector<typename Cfg::weight_word_t> expected;
  for (uint64_t b = 0; b < blocks; ++b) {
    std::vector<int8_t> trits(size_t{row_words} * lanes);
    for (int8_t& t : trits) t = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
    for (uint32_t w = 0; w < row_words; ++w) {
      pack_row(&trits[w * lanes], lanes, Packing::two_bit, bytes.data());
      expected.push_back(word_of<Cfg>(bytes.data()));
      if (!packed) in.write(expected.back());
    }
    if (packed) {  // the row block from a fresh beat, its last beat padded
      const uint64_t beats = mmf_hls::WeightTile::five_trit_beats(row_words);
      std::vector<uint8_t> stream(beats * word_bytes, 0);
      pack_row(trits.data(), trits.size(), Packing::five_trit, stream.data());
      for (uint64_t k = 0; k < beats; ++k) in.write(word_of<Cfg>(&stream[k * word_bytes]));
    }
  }
  std::vector<uint8_t> marker(word_bytes, 0xFF);
  in.write(word_of<Cfg>(marker.data()));  // the next job's first beat: must stay unread
  mmf_hls::unpack_weights<Cfg>(in, blocks, row_words, packed, out);
  const std::string job = std::to_string(blocks) + " x " + std::to_string(row_words) + " words";
  MMF_EXPECT_EQ(in.size(), size_t{1}) << job << ": beats read past the job";
  MMF_ASSERT_EQ(out.size(), expected.size()) << job;
  for (size_t w = 0; w < expected.size(); ++w) {
    MMF_EXPECT_TRUE(out.read() == expected[w]) << "word " << w << " of " << job;
  }
}

class WeightUnpackHls : public testing::TestWithParam<int> {};

TEST_P(WeightUnpackHls, MatchesTheLibrarysPackings) {
  with_config(GetParam(), [](auto cfg) {
    using Cfg = decltype(cfg);
    std::mt19937 rng(static_cast<uint32_t>(Cfg::lanes));
    // Row words 1..12: every padding (row_words mod 5 quarters) at the end of one row block,
    // and of each of 3 and 7 row blocks.
    for (uint64_t blocks : {1, 3, 7}) {
      for (uint32_t row_words = 1; row_words <= 12; ++row_words) {
        check_job<Cfg>(blocks, row_words, true, rng);
      }
    }
    check_job<Cfg>(1, 97, true, rng);
    check_job<Cfg>(4, 33, true, rng);
    check_job<Cfg>(0, 5, true, rng);  // a channel without rows reads nothing
    check_job<Cfg>(1, 7, false, rng);
    check_job<Cfg>(5, 3, false, rng);
  });
}

INSTANTIATE_TEST_SUITE_P(Lanes, WeightUnpackHls, testing::Values(4, 16, 64, 256),
                         [](const testing::TestParamInfo<int>& p) {
                           return "lanes" + std::to_string(p.param);
                         });

TEST(WeightUnpackHls, DecodeTableIsTheLibrarysUnpacking) {
  for (int b = 0; b < 256; ++b) {
    const auto byte = static_cast<uint8_t>(b);
    int8_t trits[5];
    const bool valid = unpack_row(&byte, 5, Packing::five_trit, trits);
    MMF_EXPECT_EQ(valid, b <= 242) << b;
    uint8_t two_bit[2] = {0, 0};
    if (valid) pack_row(trits, 5, Packing::two_bit, two_bit);
    const uint16_t expected = static_cast<uint16_t>(two_bit[0] | (two_bit[1] & 3) << 8);
    MMF_EXPECT_EQ(mmf_hls::kFiveTritTable.codes[b], valid ? expected : 0) << b;
  }
}

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// Both packed ternary formats: round trips over shapes with tails, known encodings, invalid codes.
#include "mmf/ternary_pack.hpp"

#include <random>
#include <tuple>

#include "common/checks.hpp"
#include "mmf/error.hpp"

namespace mmf {
namespace {

class PackRoundTrip : public ::testing::TestWithParam<std::tuple<Packing, int>> {};

TEST_P(PackRoundTrip, UnpackRestoresEveryTrit) {
  const auto [packing, cols] = GetParam();
  const size_t rows = 7;
  std::mt19937 rng(static_cast<unsigned>(cols));
  std::vector<int8_t> trits(rows * static_cast<size_t>(cols));
  for (auto& t : trits) t = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
  const std::vector<uint8_t> packed = pack_matrix(trits, rows, static_cast<size_t>(cols), packing);
  MMF_EXPECT_EQ(packed.size(), rows * packed_row_bytes(static_cast<size_t>(cols), packing));
  std::vector<int8_t> back;
  MMF_ASSERT_TRUE(unpack_matrix(packed, rows, static_cast<size_t>(cols), packing, back));
  MMF_EXPECT_EQ(back, trits);
}

INSTANTIATE_TEST_SUITE_P(Shapes, PackRoundTrip,
                         ::testing::Combine(::testing::Values(Packing::two_bit, Packing::five_trit),
                                            ::testing::Values(1, 3, 4, 5, 7, 64, 65, 257, 1000)));

TEST(PackFormat, TwoBitCodesAreTwosComplement) {
  const int8_t trits[4] = {1, -1, 0, 1};
  uint8_t byte = 0;
  pack_row(trits, 4, Packing::two_bit, &byte);
  MMF_EXPECT_EQ(byte, 0b01'00'11'01);
}

TEST(PackFormat, FiveTritIsBaseThree) {
  const int8_t trits[5] = {1, -1, 0, 0, 1};
  uint8_t byte = 0;
  pack_row(trits, 5, Packing::five_trit, &byte);
  MMF_EXPECT_EQ(byte, 2 + 0 * 3 + 1 * 9 + 1 * 27 + 2 * 81);
  MMF_EXPECT_EQ(packed_row_bytes(5, Packing::five_trit), 1u);
  MMF_EXPECT_EQ(packed_row_bytes(6, Packing::five_trit), 2u);
  MMF_EXPECT_NEAR(bits_per_weight(Packing::five_trit), 1.6, 1e-12);
}

TEST(PackFormat, InvalidBytesAreRejected) {
  int8_t out[5];
  const uint8_t bad_two_bit = 0b10;
  MMF_EXPECT_FALSE(unpack_row(&bad_two_bit, 4, Packing::two_bit, out));
  const uint8_t bad_five = 243;
  MMF_EXPECT_FALSE(unpack_row(&bad_five, 5, Packing::five_trit, out));
  const uint8_t good_five = 242;
  MMF_EXPECT_TRUE(unpack_row(&good_five, 5, Packing::five_trit, out));
}

TEST(PackFormat, NamesParseBack) {
  for (Packing p : {Packing::two_bit, Packing::five_trit}) {
    MMF_EXPECT_EQ(parse_packing(packing_name(p), "test"), p);
  }
  MMF_EXPECT_ERROR(parse_packing("3bit", "--packing"), "--packing", "3bit");
}

}  // namespace
}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Every matvec path (scalar, AVX2, AVX-512) and the golden ternary_row_dot equal a plain dot
// product of the trits before packing (no decoder involved), for both packings, on shapes with
// tails: columns that end mid-byte and mid-block, row counts that are not multiples of the row
// blocking, strides with padding, and extreme codes.
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "common/checks.hpp"
#include "mmf/host/backends/cpu/ternary_kernels.hpp"
#include "mmf/ternary_matvec.hpp"

namespace mmf::cpu {
namespace {

using Shape = std::tuple<int64_t, int64_t>;  // rows, cols
using Param = std::tuple<Isa, Packing, Shape>;

class TernaryKernel : public ::testing::TestWithParam<Param> {};

TEST_P(TernaryKernel, EqualsAPlainDotOfTheTrits) {
  const auto [isa, packing, shape] = GetParam();
  const auto [rows, cols] = shape;
  if (!isa_supported(isa)) GTEST_SKIP() << "this CPU cannot run " << isa_name(isa);
  std::mt19937 rng(static_cast<uint32_t>(rows * 131 + cols));
  // Rows with a padded stride (as the device image's channel rows), random trits, and codes
  // that include -128 and 127.
  const size_t row_bytes = packed_row_bytes(static_cast<size_t>(cols), packing);
  const size_t stride = row_bytes + 7;
  std::vector<uint8_t> w(static_cast<size_t>(rows) * stride, 0xFF);  // stride padding: junk
  std::vector<int8_t> trits(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r) {
    int8_t* row = trits.data() + r * cols;
    for (int64_t k = 0; k < cols; ++k)
      row[k] = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
    pack_row(row, static_cast<size_t>(cols), packing, w.data() + static_cast<size_t>(r) * stride);
  }
  std::vector<int8_t> codes(static_cast<size_t>(cols));
  for (auto& c : codes) c = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
  if (cols > 0) codes[0] = -128;
  if (cols > 1) codes[static_cast<size_t>(cols) - 1] = 127;
  auto plain_dot = [&](int64_t r) {
    int32_t sum = 0;
    for (int64_t k = 0; k < cols; ++k)
      sum += trits[static_cast<size_t>(r * cols + k)] * codes[static_cast<size_t>(k)];
    return sum;
  };

  PreparedCodes prepared;
  prepared.prepare(isa, packing, codes.data(), cols);
  const TernaryRows m{w.data(), stride, rows, cols, packing};
  std::vector<int32_t> got(static_cast<size_t>(rows), -1);
  ternary_matvec(m, prepared, 0, rows, got.data());
  int mismatches = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const int32_t want = plain_dot(r);
    const int32_t golden =
        ternary_row_dot(w.data() + static_cast<size_t>(r) * stride, packing, cols, codes.data());
    mismatches += got[static_cast<size_t>(r)] != want || golden != want;
    if (got[static_cast<size_t>(r)] != want && mismatches < 4) {
      ADD_FAILURE() << "row " << r << ": " << got[static_cast<size_t>(r)] << ", golden " << golden
                    << ", plain dot " << want;
    }
  }
  MMF_EXPECT_EQ(mismatches, 0);
  // A sub-range of rows lands at acc[0].
  if (rows > 2) {
    std::vector<int32_t> part(static_cast<size_t>(rows - 2));
    ternary_matvec(m, prepared, 1, rows - 1, part.data());
    MMF_EXPECT_EQ(part[0], got[1]);
    MMF_EXPECT_EQ(part.back(), got[static_cast<size_t>(rows) - 2]);
  }
}

std::string name(const ::testing::TestParamInfo<Param>& p) {
  const auto [isa, packing, shape] = p.param;
  return std::string(isa_name(isa)) + "_" + (packing == Packing::two_bit ? "2bit" : "1p6bit") +
         "_" + std::to_string(std::get<0>(shape)) + "x" + std::to_string(std::get<1>(shape));
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, TernaryKernel,
    ::testing::Combine(::testing::Values(Isa::scalar, Isa::avx2, Isa::avx512),
                       ::testing::Values(Packing::two_bit, Packing::five_trit),
                       ::testing::Values(Shape{1, 1}, Shape{3, 5}, Shape{4, 63}, Shape{5, 64},
                                         Shape{7, 65}, Shape{9, 159}, Shape{8, 160}, Shape{6, 161},
                                         Shape{11, 319}, Shape{4, 320}, Shape{13, 321},
                                         Shape{17, 1000}, Shape{3, 2048}, Shape{2, 5632})),
    name);

TEST(TernaryKernelApi, RefusesMismatchedCodesAndRanges) {
  std::vector<uint8_t> w(64, 0);
  std::vector<int8_t> codes(64, 1);
  PreparedCodes p;
  p.prepare(Isa::scalar, Packing::two_bit, codes.data(), 64);
  std::vector<int32_t> acc(4);
  const TernaryRows five{w.data(), 16, 4, 64, Packing::five_trit};
  MMF_EXPECT_ERROR(ternary_matvec(five, p, 0, 4, acc.data()), "prepared for 64 columns of 2bit");
  const TernaryRows two{w.data(), 16, 4, 64, Packing::two_bit};
  MMF_EXPECT_ERROR(ternary_matvec(two, p, 0, 5, acc.data()), "rows [0, 5) outside [0, 4)");
  MMF_EXPECT_ERROR(parse_isa("sse9", "--isa"), "--isa: unknown instruction set 'sse9'");
  MMF_EXPECT_EQ(parse_isa("scalar", "--isa"), Isa::scalar);
  MMF_EXPECT_EQ(parse_isa("auto", "--isa"), best_isa());
}

}  // namespace
}  // namespace mmf::cpu

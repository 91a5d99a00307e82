// SPDX-License-Identifier: Apache-2.0
// CRC32C against its published check value, the SSE4.2 path against the table path on every
// length and alignment that exercises the 8-byte loop and its tail, chaining, and FNV-1a.
#include "mmf/checksum.hpp"

#include <random>
#include <string>
#include <vector>

#include "common/checks.hpp"

namespace mmf {
namespace {

TEST(Crc32c, MatchesTheCheckValues) {
  const std::string digits = "123456789";
  MMF_EXPECT_EQ(crc32c(digits.data(), digits.size()), 0xE3069283u);  // RFC 3720 check value
  MMF_EXPECT_EQ(crc32c_portable(digits.data(), digits.size()), 0xE3069283u);
  const std::vector<uint8_t> zeros(32, 0), ones(32, 0xFF);
  MMF_EXPECT_EQ(crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);  // RFC 3720 B.4
  MMF_EXPECT_EQ(crc32c(ones.data(), ones.size()), 0x62A8AB43u);
  MMF_EXPECT_EQ(crc32c(nullptr, 0), 0u);
  MMF_EXPECT_EQ(crc32c_string(0xE3069283u), "crc32c:e3069283");
}

TEST(Crc32c, HardwareAndTablePathsAgreeAndChain) {
  std::mt19937 rng(7);
  std::vector<uint8_t> buf(300);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t n = 0; n + offset <= 260; n += 3) {
      const uint8_t* p = buf.data() + offset;
      const uint32_t whole = crc32c(p, n);
      MMF_EXPECT_EQ(whole, crc32c_portable(p, n)) << "offset " << offset << " length " << n;
      const size_t cut = n / 3;
      MMF_EXPECT_EQ(crc32c(p + cut, n - cut, crc32c(p, cut)), whole) << "length " << n;
    }
  }
}

TEST(Crc32c, FindsEverySingleBitFlip) {
  std::vector<uint8_t> buf(64, 0x5A);
  const uint32_t good = crc32c(buf.data(), buf.size());
  for (size_t bit = 0; bit < buf.size() * 8; ++bit) {
    buf[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    MMF_EXPECT_NE(crc32c(buf.data(), buf.size()), good) << "bit " << bit;
    buf[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
}

TEST(Fnv1a64, MatchesTheReferenceValuesAndChains) {
  MMF_EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
  MMF_EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  MMF_EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
  MMF_EXPECT_EQ(fnv1a64("bar", fnv1a64("foo")), fnv1a64("foobar"));
  MMF_EXPECT_EQ(hex64_string(0x85944171f73967e8ull), "0x85944171f73967e8");
}

}  // namespace
}  // namespace mmf

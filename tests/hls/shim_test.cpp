// SPDX-License-Identifier: Apache-2.0
// The native ap_uint/hls::stream shim (hls/shim): byte layout, construction, bit and range access
// against the bytes, equality, stream order and the empty-read error: all the shim has.
#include <ap_int.h>
#include <hls_stream.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "common/checks.hpp"

namespace {

template <int W>
using Width = std::integral_constant<int, W>;

// ---- References computed from bytes and plain integers ----------------------------------------

std::vector<uint8_t> random_bytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> bytes(n);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  return bytes;
}

// The bytes a value occupies in memory.
template <class T>
std::vector<uint8_t> bytes_of(const T* values, size_t count) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::vector<uint8_t> bytes(count * sizeof(T));
  std::memcpy(bytes.data(), values, bytes.size());
  return bytes;
}
template <class T>
std::vector<uint8_t> bytes_of(const T& value) {
  return bytes_of(&value, 1);
}

// n bits from bit lo of a little-endian byte buffer, assembled one bit at a time.
uint64_t ref_bits(const std::vector<uint8_t>& bytes, size_t lo, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) {
    const size_t k = lo + static_cast<size_t>(i);
    v |= static_cast<uint64_t>((bytes[k / 8] >> (k % 8)) & 1) << i;
  }
  return v;
}

// Stores the low n bits of v at bit lo of a byte buffer, one bit at a time.
void ref_store(std::vector<uint8_t>& bytes, size_t lo, int n, uint64_t v) {
  for (int i = 0; i < n; ++i) {
    const size_t k = lo + static_cast<size_t>(i);
    const auto bit = static_cast<uint8_t>(1u << (k % 8));
    bytes[k / 8] = static_cast<uint8_t>(((v >> i) & 1u) ? bytes[k / 8] | bit : bytes[k / 8] & ~bit);
  }
}

// Counted check that `f` throws std::logic_error whose message contains `needle` (the shim's
// stream errors are std::logic_error, not mmf::Error, so MMF_EXPECT_ERROR does not apply).
template <class F>
void expect_logic_error(F&& f, const std::string& needle) {
  bool thrown = false;
  try {
    f();
  } catch (const std::logic_error& e) {
    thrown = true;
    MMF_EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
        << "message '" << e.what() << "' lacks '" << needle << "'";
  }
  MMF_EXPECT_TRUE(thrown) << "no std::logic_error";
}

// ---- Layout ------------------------------------------------------------------------------------

// Whole bytes, no padding, no alignment beyond a byte, copyable as bytes.
template <class T, size_t Bytes>
constexpr bool kPackedLayout = sizeof(T) == Bytes &&
                               alignof(T) == 1 && std::is_trivially_copyable_v<T>;

static_assert(kPackedLayout<ap_uint<1>, 1>);
static_assert(kPackedLayout<ap_uint<2>, 1>);
static_assert(kPackedLayout<ap_uint<8>, 1>);
static_assert(kPackedLayout<ap_uint<9>, 2>);
static_assert(kPackedLayout<ap_uint<17>, 3>);
static_assert(kPackedLayout<ap_uint<32>, 4>);
static_assert(kPackedLayout<ap_uint<64>, 8>);
static_assert(kPackedLayout<ap_uint<65>, 9>);
static_assert(kPackedLayout<ap_uint<128>, 16>);
static_assert(kPackedLayout<ap_uint<512>, 64>);
static_assert(kPackedLayout<ap_uint<1024>, 128>);
static_assert(!std::is_copy_constructible_v<hls::stream<int>>);
static_assert(!std::is_copy_assignable_v<hls::stream<int>>);

TEST(ApLayout, SizeIsWholeBytes) {
  MMF_EXPECT_EQ(sizeof(ap_uint<1>), 1u);
  MMF_EXPECT_EQ(sizeof(ap_uint<17>), 3u);
  MMF_EXPECT_EQ(sizeof(ap_uint<512>), 64u);
  MMF_EXPECT_EQ(sizeof(ap_uint<1024>), 128u);
  MMF_EXPECT_EQ((ap_uint<1024>::width), 1024);
}

TEST(ApLayout, UnusedHighBitsStayZero) {
  MMF_EXPECT_EQ(bytes_of(ap_uint<12>(0xFFFF)), (std::vector<uint8_t>{0xFF, 0x0F}));
  MMF_EXPECT_EQ(bytes_of(ap_uint<17>(-1)), (std::vector<uint8_t>{0xFF, 0xFF, 0x01}));
  ap_uint<12> y = 0xFFF;
  y.range(11, 4) = 0xFFFF;  // only 8 bits land
  MMF_EXPECT_EQ(bytes_of(y), (std::vector<uint8_t>{0xFF, 0x0F}));
  y.set_bit(11, false);
  MMF_EXPECT_EQ(bytes_of(y), (std::vector<uint8_t>{0xFF, 0x07}));
}

// ---- Construction: any integer, truncated to W bits (two's complement) -------------------------

TEST(ApConstruct, TruncatesAndSignFills) {
  MMF_EXPECT_EQ(ap_uint<8>(0x1FF).to_uint64(), 0xFFu);
  MMF_EXPECT_EQ(ap_uint<8>(-2).to_uint64(), 0xFEu);
  MMF_EXPECT_EQ(ap_uint<33>(int64_t{-1}).to_uint64(), (uint64_t{1} << 33) - 1);
  MMF_EXPECT_EQ(ap_uint<64>(~uint64_t{0}).to_uint64(), ~uint64_t{0});
  MMF_EXPECT_EQ(ap_uint<5>(uint8_t{0xFF}).to_uint64(), 0x1Fu);
  MMF_EXPECT_EQ(ap_uint<5>(true).to_uint64(), 1u);
  // Wider than 64 bits: negative integers fill the high bits with ones, unsigned ones with zeros.
  const ap_uint<80> minus_one = -1;
  MMF_EXPECT_EQ(bytes_of(minus_one), std::vector<uint8_t>(10, 0xFF));
  const ap_uint<80> big = ~uint64_t{0};
  std::vector<uint8_t> want(10, 0xFF);
  want[8] = want[9] = 0;
  MMF_EXPECT_EQ(bytes_of(big), want);
  MMF_EXPECT_EQ(minus_one.to_uint64(), ~uint64_t{0});  // the low 64 bits
  MMF_EXPECT_EQ(minus_one.range(79, 64), 0xFFFFu);
  MMF_EXPECT_TRUE(ap_uint<80>() == ap_uint<80>(0));
  MMF_EXPECT_TRUE(minus_one != big);
}

// ---- Words of any width: reinterpretation, bits and ranges against the bytes -------------------

template <class Param>
class ApWord : public ::testing::Test {};

using WordWidths = ::testing::Types<Width<32>, Width<64>, Width<128>, Width<512>>;
TYPED_TEST_SUITE(ApWord, WordWidths);

TYPED_TEST(ApWord, ByteBufferRoundTripsAsWords) {
  constexpr int kW = TypeParam::value;
  constexpr size_t kWordBytes = kW / 8;
  using Word = ap_uint<kW>;
  const size_t words_n = 5;
  const std::vector<uint8_t> bytes = random_bytes(words_n * kWordBytes, kW);
  const auto* words = reinterpret_cast<const Word*>(bytes.data());

  // Every bit of every word reads from bit k % 8 of byte k / 8.
  std::vector<int> got, want;
  for (size_t w = 0; w < words_n; ++w) {
    for (int k = 0; k < kW; ++k) {
      got.push_back(words[w].get_bit(k));
      want.push_back(static_cast<int>(ref_bits(bytes, w * kW + static_cast<size_t>(k), 1)));
    }
  }
  MMF_EXPECT_EQ(got, want);

  // Copies as values and back to bytes unchanged.
  const std::vector<Word> copies(words, words + words_n);
  MMF_EXPECT_EQ(bytes_of(copies.data(), copies.size()), bytes);

  // Built from byte-wide range writes, the words have the same bytes.
  std::vector<Word> built(words_n);
  for (size_t w = 0; w < words_n; ++w) {
    for (int i = 0; i < kW / 8; ++i) {
      built[w].range(8 * i + 7, 8 * i) = bytes[w * kWordBytes + i];
    }
  }
  MMF_EXPECT_EQ(bytes_of(built.data(), built.size()), bytes);
  for (size_t w = 0; w < words_n; ++w) MMF_EXPECT_TRUE(built[w] == words[w]) << "word " << w;

  // The low 64 bits are the little-endian integer; up to 64 bits, that is the word.
  for (size_t w = 0; w < words_n; ++w) {
    const uint64_t value = words[w].to_uint64();
    MMF_EXPECT_EQ(value, ref_bits(bytes, w * kW, kW < 64 ? kW : 64));
    if constexpr (kW <= 64) {
      MMF_EXPECT_TRUE(Word(value) == words[w]);
    }
  }
}

TYPED_TEST(ApWord, TwoBitRangesAtEveryPosition) {
  constexpr int kW = TypeParam::value;
  constexpr size_t kWordBytes = kW / 8;
  using Word = ap_uint<kW>;
  const std::vector<uint8_t> bytes = random_bytes(kWordBytes, kW + 1);
  const Word word = *reinterpret_cast<const Word*>(bytes.data());
  std::mt19937 rng(kW);
  for (int k = 0; k < kW / 2; ++k) {
    const size_t lo = 2 * static_cast<size_t>(k);
    const uint64_t field = ref_bits(bytes, lo, 2);
    // The const overload (a value) and the proxy of a non-const word read the same bits.
    MMF_EXPECT_EQ(static_cast<uint64_t>(word.range(2 * k + 1, 2 * k)), field) << "trit " << k;
    Word copy = word;
    MMF_EXPECT_EQ(static_cast<uint64_t>(copy(2 * k + 1, 2 * k)), field) << "trit " << k;

    // Writing one field changes exactly those two bits.
    const uint64_t v = rng() % 4;
    copy.range(2 * k + 1, 2 * k) = v;
    std::vector<uint8_t> expected = bytes;
    ref_store(expected, lo, 2, v);
    MMF_EXPECT_EQ(bytes_of(copy), expected) << "trit " << k;
  }
}

TYPED_TEST(ApWord, WideRangesAtEveryOffset) {
  constexpr int kW = TypeParam::value;
  constexpr size_t kWordBytes = kW / 8;
  using Word = ap_uint<kW>;
  const std::vector<uint8_t> bytes = random_bytes(kWordBytes, kW + 2);
  const Word word = *reinterpret_cast<const Word*>(bytes.data());
  std::mt19937_64 rng(kW);
  // 64 bits at an odd offset span 9 bytes, the longest path through range().
  for (int n : {1, 7, 8, 13, 33, 63, 64}) {
    for (int lo = 0; lo + n <= kW; ++lo) {
      const int hi = lo + n - 1;
      const size_t ulo = static_cast<size_t>(lo);
      MMF_EXPECT_EQ(static_cast<uint64_t>(word.range(hi, lo)), ref_bits(bytes, ulo, n))
          << "range(" << hi << ", " << lo << ")";
      Word copy = word;
      const uint64_t v = rng();
      copy.range(hi, lo) = v;  // the bits above n are dropped
      std::vector<uint8_t> expected = bytes;
      ref_store(expected, ulo, n, v);
      MMF_EXPECT_EQ(bytes_of(copy), expected) << "range(" << hi << ", " << lo << ") = " << v;
    }
  }
}

TYPED_TEST(ApWord, BitsReadAndWrite) {
  constexpr int kW = TypeParam::value;
  constexpr size_t kWordBytes = kW / 8;
  using Word = ap_uint<kW>;
  const std::vector<uint8_t> bytes = random_bytes(kWordBytes, kW + 3);
  Word word;
  MMF_EXPECT_TRUE(word == Word(0));
  for (int k = 0; k < kW; ++k) {
    const bool bit = ref_bits(bytes, static_cast<size_t>(k), 1) != 0;
    word.set_bit(k, !bit);
    word.set_bit(k, bit);  // a set bit is cleared again, a clear one set
  }
  MMF_EXPECT_EQ(bytes_of(word), bytes);
  for (int k = 0; k < kW; ++k) {
    MMF_EXPECT_EQ(word.get_bit(k), ref_bits(bytes, static_cast<size_t>(k), 1) != 0);
  }
  Word other = word;
  MMF_EXPECT_TRUE(other == word);
  other.set_bit(kW - 1, !other.get_bit(kW - 1));
  MMF_EXPECT_TRUE(other != word);
  MMF_EXPECT_FALSE(other == word);
}

TYPED_TEST(ApWord, RangeProxyCopiesBetweenWords) {
  constexpr int kW = TypeParam::value;
  using Word = ap_uint<kW>;
  const std::vector<uint8_t> bytes = random_bytes(kW / 8, kW + 4);
  Word src = *reinterpret_cast<const Word*>(bytes.data());
  Word dst;
  // As the weight unpacker assembles a word from quarters: proxy = proxy, 32 bits at a time.
  for (int lo = 0; lo < kW; lo += 32) dst.range(lo + 31, lo) = src.range(lo + 31, lo);
  MMF_EXPECT_TRUE(dst == src);
  MMF_EXPECT_EQ(static_cast<uint64_t>(src.range(kW - 1, kW - 8)), uint64_t{bytes.back()});
  MMF_EXPECT_EQ(src.range(kW - 1, kW - 8).to_uint64(), uint64_t{bytes.back()});
}

// ---- hls::stream -------------------------------------------------------------------------------

TEST(HlsStream, IsAFifo) {
  hls::stream<int> s("fifo");
  MMF_EXPECT_TRUE(s.empty());
  MMF_EXPECT_EQ(s.size(), 0u);
  for (int i = 1; i <= 5; ++i) s.write(i);
  MMF_EXPECT_FALSE(s.empty());
  MMF_EXPECT_EQ(s.size(), 5u);
  MMF_EXPECT_EQ(s.read(), 1);
  MMF_EXPECT_EQ(s.size(), 4u);
  s.write(6);
  std::vector<int> rest;
  while (!s.empty()) rest.push_back(s.read());
  MMF_EXPECT_EQ(rest, (std::vector<int>{2, 3, 4, 5, 6}));
}

TEST(HlsStream, CarriesWideWords) {
  hls::stream<ap_uint<512>> words("weights");
  std::vector<ap_uint<512>> sent(4);
  for (size_t i = 0; i < sent.size(); ++i) {
    for (int k = 0; k < 8; ++k) sent[i].range(64 * k + 63, 64 * k) = (i + 1) * 0x0101'0101'0101 + k;
    words.write(sent[i]);
  }
  std::vector<ap_uint<512>> got;
  while (!words.empty()) got.push_back(words.read());
  MMF_EXPECT_EQ(bytes_of(got.data(), got.size()), bytes_of(sent.data(), sent.size()));
}

TEST(HlsStream, EmptyReadNamesTheStream) {
  hls::stream<int> acc0("acc0");
  expect_logic_error([&] { acc0.read(); }, "hls::stream 'acc0' read while empty");
  acc0.write(1);
  MMF_EXPECT_EQ(acc0.read(), 1);
  expect_logic_error([&] { acc0.read(); }, "'acc0'");
  hls::stream<int> unnamed[2];
  expect_logic_error([&] { unnamed[1].read(); }, "hls::stream '(unnamed)' read while empty");
}

// ---- Out-of-range indices abort, in release builds too -----------------------------------------

TEST(ApShimDeathTest, OutOfRangeIndicesAbort) {
  ap_uint<512> word;
  const ap_uint<512>& cword = word;
  MMF_EXPECT_DEATH(cword.range(512, 511), "range\\(512, 511\\) out of range for a 512-bit value");
  MMF_EXPECT_DEATH(word.range(64, 0) = 1, "range\\(64, 0\\)");  // 65 bits
  MMF_EXPECT_DEATH(cword.range(3, 4), "range\\(3, 4\\)");
  MMF_EXPECT_DEATH(cword.range(1, -1), "range\\(1, -1\\)");
  MMF_EXPECT_DEATH(word.set_bit(512, true), "bit 512 out of range for a 512-bit value");
  MMF_EXPECT_DEATH(cword.get_bit(-1), "bit -1");
  MMF_EXPECT_DEATH(word(8, 9) = 1, "range\\(8, 9\\)");
}

}  // namespace

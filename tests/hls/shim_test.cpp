// SPDX-License-Identifier: Apache-2.0
// The native ap_int/hls::stream shim (hls/shim): byte layout, bit and range access against the
// bytes, integer semantics against a W-bit reference, stream order and the empty-read error.
#include <ap_int.h>
#include <hls_stream.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <sstream>
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

// The W-bit unsigned and signed readings of v.
template <int W>
uint64_t truncate(uint64_t v) {
  if constexpr (W == 64) {
    return v;
  } else {
    return v & ((uint64_t{1} << W) - 1u);
  }
}
template <int W>
int64_t sign_extend(uint64_t v) {
  v = truncate<W>(v);
  if constexpr (W < 64) {
    if ((v >> (W - 1)) & 1u) v |= ~uint64_t{0} << W;
  }
  return static_cast<int64_t>(v);
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
static_assert(kPackedLayout<ap_int<8>, 1>);
static_assert(kPackedLayout<ap_int<17>, 3>);
static_assert(kPackedLayout<ap_int<1024>, 128>);
static_assert(!std::is_copy_constructible_v<hls::stream<int>>);
static_assert(!std::is_copy_assignable_v<hls::stream<int>>);

TEST(ApLayout, SizeIsWholeBytes) {
  MMF_EXPECT_EQ(sizeof(ap_uint<1>), 1u);
  MMF_EXPECT_EQ(sizeof(ap_uint<17>), 3u);
  MMF_EXPECT_EQ(sizeof(ap_uint<512>), 64u);
  MMF_EXPECT_EQ(sizeof(ap_int<1024>), 128u);
  MMF_EXPECT_EQ((ap_uint<1024>::width), 1024);
}

TEST(ApLayout, UnusedHighBitsStayZero) {
  MMF_EXPECT_EQ(bytes_of(ap_uint<12>(0xFFFF)), (std::vector<uint8_t>{0xFF, 0x0F}));
  MMF_EXPECT_EQ(bytes_of(ap_int<17>(-1)), (std::vector<uint8_t>{0xFF, 0xFF, 0x01}));
  ap_uint<12> x = 0xFFF;
  x += 1;
  MMF_EXPECT_EQ(bytes_of(x), (std::vector<uint8_t>{0x00, 0x00}));
  ap_int<12> y = -1;
  y.range(11, 4) = 0xFFFF;  // only 8 bits land
  MMF_EXPECT_EQ(bytes_of(y), (std::vector<uint8_t>{0xFF, 0x0F}));
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

  // Up to 64 bits, the word is the little-endian integer.
  if constexpr (kW <= 64) {
    for (size_t w = 0; w < words_n; ++w) {
      const uint64_t value = words[w];
      MMF_EXPECT_EQ(value, ref_bits(bytes, w * kW, kW));
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

TYPED_TEST(ApWord, BitsReadAndWriteThroughEveryAccessor) {
  constexpr int kW = TypeParam::value;
  constexpr size_t kWordBytes = kW / 8;
  using Word = ap_uint<kW>;
  const std::vector<uint8_t> bytes = random_bytes(kWordBytes, kW + 3);
  Word word;
  MMF_EXPECT_TRUE(word == Word(0));
  for (int k = 0; k < kW; ++k) {
    const bool bit = ref_bits(bytes, static_cast<size_t>(k), 1) != 0;
    if (k % 3 == 0) {
      word[k] = bit;
    } else if (k % 3 == 1) {
      word.set_bit(k, bit);
    } else {
      word[k] = !bit;
      word[k] = ~word[k];  // ~ on a bit proxy is logical, like a 1-bit value
    }
  }
  MMF_EXPECT_EQ(bytes_of(word), bytes);
  const Word& cword = word;
  for (int k = 0; k < kW; ++k) {
    MMF_EXPECT_EQ(cword[k], word.get_bit(k));
    MMF_EXPECT_EQ(static_cast<bool>(word[k]), ref_bits(bytes, static_cast<size_t>(k), 1) != 0);
  }
  Word other = word;
  MMF_EXPECT_TRUE(other == word);
  other[kW - 1] = !other[kW - 1];
  MMF_EXPECT_TRUE(other != word);
}

// ---- Integer semantics (W <= 64) ---------------------------------------------------------------

TEST(ApInt, ConstructionTruncatesToWidth) {
  MMF_EXPECT_EQ(ap_uint<5>(37).to_uint64(), 5u);
  MMF_EXPECT_EQ(ap_uint<8>(-1).to_uint64(), 255u);
  MMF_EXPECT_EQ(ap_uint<12>(0x12345).to_uint64(), 0x345u);
  MMF_EXPECT_EQ(ap_uint<1>(2).to_uint64(), 0u);
  MMF_EXPECT_EQ(ap_uint<1>(true).to_uint64(), 1u);
  MMF_EXPECT_EQ(ap_uint<32>(uint64_t{0x1'2345'6789}).to_uint64(), 0x2345'6789u);
  MMF_EXPECT_EQ(ap_int<8>(200).to_int64(), -56);
  MMF_EXPECT_EQ(ap_int<8>(0x17F).to_int64(), 127);
  // Wider than 64 bits: negative integers sign-extend, unsigned ones zero-extend.
  MMF_EXPECT_EQ(bytes_of(ap_uint<128>(-1)), std::vector<uint8_t>(16, 0xFF));
  std::vector<uint8_t> low_ones(16, 0x00);
  std::fill(low_ones.begin(), low_ones.begin() + 8, 0xFF);
  MMF_EXPECT_EQ(bytes_of(ap_uint<128>(~uint64_t{0})), low_ones);
  MMF_EXPECT_TRUE(ap_uint<128>(~uint64_t{0}) == ~uint64_t{0});
  MMF_EXPECT_TRUE(ap_uint<128>(-1) != -1);  // 2^128 - 1 is not -1
  MMF_EXPECT_TRUE(ap_int<128>(-1) == -1);
  // Between widths: truncation, zero extension from ap_uint, sign extension from ap_int.
  MMF_EXPECT_EQ(ap_uint<8>(ap_uint<16>(0x1234)).to_uint64(), 0x34u);
  MMF_EXPECT_EQ(ap_uint<32>(ap_uint<8>(0x80)).to_uint64(), 0x80u);
  MMF_EXPECT_EQ(ap_uint<32>(ap_int<17>(-1)).to_uint64(), 0xFFFF'FFFFu);
  MMF_EXPECT_EQ(ap_int<64>(ap_int<17>(-5)).to_int64(), -5);
  MMF_EXPECT_EQ(bytes_of(ap_int<128>(ap_int<17>(-2))), [] {
    std::vector<uint8_t> b(16, 0xFF);
    b[0] = 0xFE;
    return b;
  }());
}

TEST(ApInt, SignExtends) {
  MMF_EXPECT_EQ(ap_int<8>(0x80).to_int64(), -128);
  MMF_EXPECT_EQ(ap_int<8>(0x7F).to_int64(), 127);
  MMF_EXPECT_EQ(ap_int<8>(-1).to_int(), -1);
  MMF_EXPECT_EQ(ap_int<8>(-1).to_uint64(), ~uint64_t{0});
  MMF_EXPECT_EQ(ap_int<8>(-1).to_uint(), ~0u);
  MMF_EXPECT_EQ(ap_int<8>(-3).to_long(), -3L);
  MMF_EXPECT_EQ(ap_uint<8>(0x80).to_int64(), 128);  // unsigned: no sign
  MMF_EXPECT_EQ(ap_int<17>(1 << 16).to_int64(), -65536);
  MMF_EXPECT_EQ(ap_int<17>(0xFFFF).to_int64(), 65535);
  MMF_EXPECT_EQ(ap_int<17>(-70000).to_int64(), 131072 - 70000);
  MMF_EXPECT_EQ(ap_int<17>(-65536).to_int64(), -65536);
  const int64_t implicit = ap_int<17>(-42);
  MMF_EXPECT_EQ(implicit, -42);
  const uint64_t implicit_unsigned = ap_uint<17>(-42);
  MMF_EXPECT_EQ(implicit_unsigned, 131072u - 42u);
  MMF_EXPECT_EQ(ap_int<8>(-100).to_ulong(), static_cast<unsigned long>(-100L));
}

TEST(ApInt, ArithmeticWrapsLikeTheWBitInteger) {
  MMF_EXPECT_EQ((ap_uint<8>(250) + 10).to_uint64(), 4u);
  MMF_EXPECT_EQ((ap_uint<8>(3) - 5).to_uint64(), 254u);
  MMF_EXPECT_EQ((ap_uint<8>(16) * 16).to_uint64(), 0u);
  MMF_EXPECT_EQ((ap_uint<8>(0x81) << 1).to_uint64(), 2u);
  MMF_EXPECT_EQ((~ap_uint<4>(0)).to_uint64(), 15u);
  MMF_EXPECT_EQ((-ap_uint<4>(1)).to_uint64(), 15u);
  MMF_EXPECT_EQ((ap_int<8>(127) + 1).to_int64(), -128);
  MMF_EXPECT_EQ((ap_int<8>(-128) - 1).to_int64(), 127);
  MMF_EXPECT_EQ((ap_int<8>(-128) / -1).to_int64(), -128);
  MMF_EXPECT_EQ((ap_int<8>(-128) >> 1).to_int64(), -64);
  MMF_EXPECT_EQ((ap_int<8>(-7) / 2).to_int64(), -3);  // truncates toward zero, like C++
  MMF_EXPECT_EQ((ap_int<8>(-7) % 2).to_int64(), -1);
  MMF_EXPECT_EQ((ap_uint<64>(~uint64_t{0}) + 1).to_uint64(), 0u);
  MMF_EXPECT_EQ((ap_int<64>(INT64_MIN) - 1).to_int64(), INT64_MAX);
  MMF_EXPECT_EQ((ap_int<64>(INT64_MIN) / -1).to_int64(), INT64_MIN);
  MMF_EXPECT_EQ((ap_int<64>(INT64_MIN) % -1).to_int64(), 0);
  MMF_EXPECT_EQ((ap_uint<8>(200) / 300).to_uint64(), 0u);  // the integer result, not 200 / 44
  MMF_EXPECT_EQ((ap_uint<8>(1) << 100).to_uint64(), 0u);
  MMF_EXPECT_EQ((ap_int<8>(-1) >> 100).to_int64(), -1);
  MMF_EXPECT_EQ((ap_uint<8>(0x80) >> ap_uint<3>(7)).to_uint64(), 1u);

  ap_uint<8> counter = 255;
  MMF_EXPECT_EQ((counter++).to_uint64(), 255u);
  MMF_EXPECT_EQ(counter.to_uint64(), 0u);
  MMF_EXPECT_EQ((--counter).to_uint64(), 255u);
  counter += 2;
  MMF_EXPECT_EQ(counter.to_uint64(), 1u);
  counter <<= 7;
  MMF_EXPECT_EQ(counter.to_uint64(), 128u);
  counter |= ap_uint<8>(3);
  MMF_EXPECT_EQ(counter.to_uint64(), 131u);
}

TEST(ApInt, ComparesMathematicalValues) {
  MMF_EXPECT_TRUE(ap_uint<8>(200) > 100);
  MMF_EXPECT_TRUE(ap_uint<8>(255) != -1);
  MMF_EXPECT_TRUE(ap_uint<8>(0) > -1);
  MMF_EXPECT_TRUE(-1 < ap_uint<8>(0));
  MMF_EXPECT_TRUE(ap_int<8>(-1) < 0);
  MMF_EXPECT_TRUE(ap_int<8>(-1) < 1u);
  MMF_EXPECT_TRUE(ap_int<8>(-1) == -1);
  MMF_EXPECT_TRUE(ap_int<8>(255) == -1);
  MMF_EXPECT_TRUE(ap_int<64>(-1) != ~uint64_t{0});
  MMF_EXPECT_TRUE(ap_uint<64>(~uint64_t{0}) == ~uint64_t{0});
  MMF_EXPECT_TRUE(ap_int<8>(-5) < ap_int<8>(3));
  MMF_EXPECT_TRUE(ap_uint<8>(5) >= ap_uint<8>(5));
  MMF_EXPECT_FALSE(ap_uint<8>(4) >= 5);
  MMF_EXPECT_TRUE(!ap_uint<8>(256));
}

TEST(ApInt, PrintsValues) {
  std::ostringstream os;
  os << ap_uint<8>(200) << ' ' << ap_int<8>(200) << ' ' << ap_uint<72>(0x1234);
  MMF_EXPECT_EQ(os.str(), "200 -56 0x000000000000001234");
}

// Every operator against the reference over random operands, for widths around byte and word
// boundaries.
template <class Param>
class ApArithmetic : public ::testing::Test {};

using ArithmeticWidths =
    ::testing::Types<Width<1>, Width<7>, Width<8>, Width<17>, Width<33>, Width<63>, Width<64>>;
TYPED_TEST_SUITE(ApArithmetic, ArithmeticWidths);

TYPED_TEST(ApArithmetic, UnsignedMatchesTruncatedInteger) {
  constexpr int kW = TypeParam::value;
  using U = ap_uint<kW>;
  std::mt19937_64 rng(kW);
  for (int i = 0; i < 300; ++i) {
    const uint64_t x = rng() >> (rng() % 64);  // small and large magnitudes
    const uint64_t y = rng() >> (rng() % 64);
    const uint64_t a = truncate<kW>(x), b = truncate<kW>(y);
    const U ua(x), ub(y);
    MMF_EXPECT_EQ(ua.to_uint64(), a);
    MMF_EXPECT_EQ((ua + ub).to_uint64(), truncate<kW>(a + b)) << a << " + " << b;
    MMF_EXPECT_EQ((ua + y).to_uint64(), truncate<kW>(a + y)) << a << " + " << y;
    MMF_EXPECT_EQ((ua - ub).to_uint64(), truncate<kW>(a - b)) << a << " - " << b;
    MMF_EXPECT_EQ((x - ub).to_uint64(), truncate<kW>(x - b)) << x << " - " << b;
    MMF_EXPECT_EQ((ua * ub).to_uint64(), truncate<kW>(a * b)) << a << " * " << b;
    MMF_EXPECT_EQ((ua & ub).to_uint64(), a & b);
    MMF_EXPECT_EQ((ua | ub).to_uint64(), a | b);
    MMF_EXPECT_EQ((ua ^ ub).to_uint64(), a ^ b);
    if (b != 0) {
      MMF_EXPECT_EQ((ua / ub).to_uint64(), a / b) << a << " / " << b;
      MMF_EXPECT_EQ((ua % ub).to_uint64(), a % b) << a << " % " << b;
    }
    const int s = static_cast<int>(rng() % (kW + 3));
    MMF_EXPECT_EQ((ua << s).to_uint64(), s >= 64 ? 0 : truncate<kW>(a << s)) << a << " << " << s;
    MMF_EXPECT_EQ((ua >> s).to_uint64(), s >= 64 ? 0 : a >> s) << a << " >> " << s;
    MMF_EXPECT_EQ(ua < ub, a < b);
    MMF_EXPECT_EQ(ua >= ub, a >= b);
    MMF_EXPECT_EQ(ua == y, a == y);
    U acc = ua;
    acc *= ub;
    acc -= y;
    MMF_EXPECT_EQ(acc.to_uint64(), truncate<kW>(a * b - y));
  }
}

TYPED_TEST(ApArithmetic, SignedMatchesTruncatedInteger) {
  constexpr int kW = TypeParam::value;
  using S = ap_int<kW>;
  std::mt19937_64 rng(kW + 100);
  for (int i = 0; i < 300; ++i) {
    const uint64_t x = rng() >> (rng() % 64);
    const uint64_t y = rng() >> (rng() % 64);
    const int64_t a = sign_extend<kW>(x), b = sign_extend<kW>(y);
    const auto ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
    const S sa(x), sb(y);
    MMF_EXPECT_EQ(sa.to_int64(), a);
    MMF_EXPECT_EQ((sa + sb).to_int64(), sign_extend<kW>(ua + ub)) << a << " + " << b;
    MMF_EXPECT_EQ((sa - sb).to_int64(), sign_extend<kW>(ua - ub)) << a << " - " << b;
    MMF_EXPECT_EQ((sa * sb).to_int64(), sign_extend<kW>(ua * ub)) << a << " * " << b;
    MMF_EXPECT_EQ((sa & sb).to_int64(), a & b);
    MMF_EXPECT_EQ((sa | sb).to_int64(), a | b);
    MMF_EXPECT_EQ((sa ^ sb).to_int64(), a ^ b);
    MMF_EXPECT_EQ((-sa).to_int64(), sign_extend<kW>(0 - ua));
    if (b != 0) {
      // a / -1 is -a, which wraps for the most negative a; a % -1 is 0.
      const int64_t quotient = b == -1 ? sign_extend<kW>(0 - ua) : sign_extend<kW>(a / b);
      MMF_EXPECT_EQ((sa / sb).to_int64(), quotient) << a << " / " << b;
      MMF_EXPECT_EQ((sa % sb).to_int64(), b == -1 ? 0 : a % b) << a << " % " << b;
    }
    const int s = static_cast<int>(rng() % (kW + 3));
    MMF_EXPECT_EQ((sa << s).to_int64(), s >= 64 ? 0 : sign_extend<kW>(ua << s)) << a << " << " << s;
    MMF_EXPECT_EQ((sa >> s).to_int64(), s >= 64 ? (a < 0 ? -1 : 0) : a >> s) << a << " >> " << s;
    MMF_EXPECT_EQ(sa < sb, a < b);
    MMF_EXPECT_EQ(sa <= b, a <= b);
    MMF_EXPECT_EQ(sa == b, a == b);
    MMF_EXPECT_TRUE(sa == a);
    MMF_EXPECT_EQ(static_cast<int64_t>(sa), a);
  }
}

// ---- hls::stream -------------------------------------------------------------------------------

TEST(HlsStream, IsAFifo) {
  hls::stream<int> s("fifo");
  MMF_EXPECT_TRUE(s.empty());
  MMF_EXPECT_EQ(s.size(), 0u);
  for (int i = 1; i <= 5; ++i) s.write(i);
  s << 6;
  MMF_EXPECT_TRUE(s.write_nb(7));
  MMF_EXPECT_FALSE(s.empty());
  MMF_EXPECT_FALSE(s.full());
  MMF_EXPECT_EQ(s.size(), 7u);
  MMF_EXPECT_EQ(s.read(), 1);
  int v = 0;
  s.read(v);
  MMF_EXPECT_EQ(v, 2);
  s >> v;
  MMF_EXPECT_EQ(v, 3);
  MMF_EXPECT_TRUE(s.read_nb(v));
  MMF_EXPECT_EQ(v, 4);
  MMF_EXPECT_EQ(s.size(), 3u);
  std::vector<int> rest;
  while (!s.empty()) rest.push_back(s.read());
  MMF_EXPECT_EQ(rest, (std::vector<int>{5, 6, 7}));
  v = -1;
  MMF_EXPECT_FALSE(s.read_nb(v));
  MMF_EXPECT_EQ(v, -1);  // untouched
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
  int v = 0;
  expect_logic_error([&] { acc0.read(v); }, "'acc0'");
  expect_logic_error([&] { acc0 >> v; }, "'acc0'");
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
  MMF_EXPECT_DEATH(word[512] = true, "bit 512 out of range for a 512-bit value");
  MMF_EXPECT_DEATH(cword.get_bit(-1), "bit -1");
  MMF_EXPECT_DEATH(ap_uint<8>(1) / 0, "division by zero");
}

}  // namespace

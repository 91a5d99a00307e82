// SPDX-License-Identifier: Apache-2.0
// The fixed-point numerics of mmf: formats, rounding, saturation and the integer-only nonlinear
// functions that the golden model, the HLS C++ and the RTL implement bit-exactly.
// docs/numerics.md explains every choice; this header is the normative definition.
//
// Plain C++17 and <cstdint> only, so that HLS code can include it unchanged.
#pragma once

#include <cstdint>

namespace mmf::fx {

// ---- Formats --------------------------------------------------------------------------------
// Activations: residual stream, projection outputs, recurrent state, SiLU outputs and logits are
// int32 with kActFrac fractional bits (Q15.16: range +-32768, step 1.5e-5).
constexpr int kActFrac = 16;
// Gates (sigmoid, forget gate, lower bound) are unsigned Q0.16 in [0, kOne] (17 bits).
constexpr int kGateFrac = 16;
constexpr int64_t kOne = int64_t{1} << kGateFrac;
// Norm weights are normalized per vector to int16 with |w| <= kNormWeightMax (Q0.15); the
// vector's scale lives in the per-tensor constant of the BitLinear that uses it.
constexpr int kNormWeightFrac = 15;
constexpr int32_t kNormWeightMax = (1 << kNormWeightFrac) - 1;
// BitLinear activation codes: symmetric int8 in [-kCodeMax, kCodeMax].
constexpr int32_t kCodeMax = 127;
// Per-token and per-tensor multipliers are (mantissa, exponent) pairs with mantissas of at most
// kMantBits bits; the value is mant * 2^exp.
constexpr int kMantBits = 31;

static_assert(kActFrac == kGateFrac, "gate products are rescaled by the activation fraction");

// ---- Lookup tables (values in numerics.cpp) ------------------------------------------------
// Sigmoid: kSigmoidLut[i] = round(2^16 * sigmoid(-16 + i/16)), i = 0..512; linear interpolation
// with the 12 fraction bits of the Q16 input below the table step.
constexpr int kSigmoidDomainLog2 = 4;  // input clamped to [-16, 16)
constexpr int kSigmoidStepLog2 = 4;    // table step 1/16
constexpr int kSigmoidInterpBits = kActFrac - kSigmoidStepLog2;
constexpr int kSigmoidLutSize = (1 << (kSigmoidDomainLog2 + 1 + kSigmoidStepLog2)) + 1;
// Reciprocal square root: kRsqrtLut[i] = round(2^16 / sqrt(1 + i/128)), i = 0..384, covering a
// mantissa x in [1, 4); linear interpolation with 9 fraction bits.
constexpr int kRsqrtMantBits = 18;  // normalized mantissa m in [2^16, 2^18), x = m / 2^16
constexpr int kRsqrtInterpBits = 9;
constexpr int kRsqrtLutSize = (3 << (kRsqrtMantBits - 2 - kRsqrtInterpBits)) + 1;
static_assert(kSigmoidLutSize == 513, "sigmoid table: 512 segments + end point");
static_assert(kRsqrtLutSize == 385, "rsqrt table: 384 segments + end point");

extern const uint32_t kSigmoidLut[kSigmoidLutSize];
extern const uint32_t kRsqrtLut[kRsqrtLutSize];

// ---- Rounding and saturation ---------------------------------------------------------------
// Arithmetic right shift with round-half-up: floor((v + 2^(s-1)) / 2^s). Shifts of 63 or more
// give the rounded result of a very small number (0 or -0 -> 0). s == 0 returns v.
inline int64_t shift_round(int64_t v, int s) {
  if (s <= 0) return v;
  if (s >= 63) return 0;
  // Division-free floor: >> on a negative int64 is arithmetic in g++, clang and HLS (and is
  // defined so in C++20).
  return (v + (int64_t{1} << (s - 1))) >> s;
}

inline int32_t saturate32(int64_t v) {
  if (v > INT32_MAX) return INT32_MAX;
  if (v < INT32_MIN) return INT32_MIN;
  return static_cast<int32_t>(v);
}

// Number of significant bits of v (0 for 0): the leading-zero count of hardware.
inline int bit_length(uint64_t v) {
  int n = 0;
  while (v != 0) {
    ++n;
    v >>= 1;
  }
  return n;
}

// |v| as an unsigned number (exact for INT32_MIN).
inline uint64_t magnitude(int32_t v) {
  return static_cast<uint64_t>(v < 0 ? -int64_t{v} : int64_t{v});
}

// Shift of block-scaled products a * b >> sh (fixed_units.hpp, scaled_products): the smallest
// sh >= 0 with bitlen(max|a|) + bitlen(max|b|) - sh <= kProductBits, so every product < 2^31.
constexpr int kProductBits = 31;
inline int product_shift(uint64_t max_a, uint64_t max_b) {
  const int sh = bit_length(max_a) + bit_length(max_b) - kProductBits;
  return sh > 0 ? sh : 0;
}

// table[i] + round((table[i+1] - table[i]) * frac / 2^bits), frac < 2^bits.
inline int64_t interpolate(const uint32_t* table, uint32_t i, uint32_t frac, int bits) {
  const int64_t lo = table[i];
  const int64_t hi = table[i + 1];
  return lo + shift_round((hi - lo) * static_cast<int64_t>(frac), bits);
}

// ---- Nonlinear functions -------------------------------------------------------------------
// sigmoid(x) for Q16 x, as Q0.16 in [0, 2^16]. Inputs outside [-16, 16) are clamped.
inline uint32_t sigmoid_q16(int32_t x) {
  constexpr int32_t half_range = int32_t{1} << (kSigmoidDomainLog2 + kActFrac);
  const int32_t clamped = x < -half_range ? -half_range : (x >= half_range ? half_range - 1 : x);
  const uint32_t u = static_cast<uint32_t>(clamped + half_range);  // [0, 2^21)
  const uint32_t index = u >> kSigmoidInterpBits;
  const uint32_t frac = u & ((1u << kSigmoidInterpBits) - 1);
  return static_cast<uint32_t>(interpolate(kSigmoidLut, index, frac, kSigmoidInterpBits));
}

// silu(x) = x * sigmoid(x) for Q16 x, as Q16.
inline int32_t silu_q16(int32_t x) {
  return saturate32(shift_round(int64_t{x} * sigmoid_q16(x), kGateFrac));
}

// Q16 product of two Q16 activations, saturated.
inline int32_t mul_q16(int32_t a, int32_t b) {
  return saturate32(shift_round(int64_t{a} * b, kActFrac));
}

// A positive number mant * 2^exp.
struct Scaled {
  uint64_t mant;
  int exp;
};

// 1/sqrt(s) for s > 0: s = m * 2^(2j) with m in [2^16, 2^18) (right shifts truncate), then
// 1/sqrt(s) = rsqrt_lut(m / 2^16) * 2^-16 * 2^-8 * 2^-j. The mantissa has 17 bits.
inline Scaled rsqrt_u64(uint64_t s) {
  const int b = bit_length(s);
  int two_j = b - (kRsqrtMantBits - 1);  // m gets kRsqrtMantBits-1 or kRsqrtMantBits bits
  if (two_j % 2 != 0) two_j -= 1;
  const uint64_t m = two_j >= 0 ? s >> two_j : s << -two_j;
  const uint32_t offset = static_cast<uint32_t>(m - (uint64_t{1} << (kRsqrtMantBits - 2)));
  const uint32_t index = offset >> kRsqrtInterpBits;
  const uint32_t frac = offset & ((1u << kRsqrtInterpBits) - 1);
  const uint64_t r = static_cast<uint64_t>(interpolate(kRsqrtLut, index, frac, kRsqrtInterpBits));
  return Scaled{r, -16 - (kRsqrtMantBits - 2) / 2 - two_j / 2};
}

// Keeps at most kMantBits significant bits of the mantissa (truncating), adjusting exp.
inline Scaled normalize(Scaled v) {
  const int excess = bit_length(v.mant) - kMantBits;
  if (excess > 0) return Scaled{v.mant >> excess, v.exp + excess};
  return v;
}

// round(acc * mant * 2^exp), saturated to int32; acc is a BitLinear accumulator (|acc| < 2^24)
// and mant has at most kMantBits bits, so the product fits in int64.
inline int32_t apply_scale(int32_t acc, Scaled scale) {
  const int64_t product = int64_t{acc} * static_cast<int64_t>(scale.mant);
  if (scale.exp >= 0) {
    if (scale.exp > 31) return product == 0 ? 0 : (product > 0 ? INT32_MAX : INT32_MIN);
    const int64_t limit = int64_t{1} << (62 - scale.exp);
    if (product >= limit) return INT32_MAX;
    if (product <= -limit) return INT32_MIN;
    return saturate32(product * (int64_t{1} << scale.exp));
  }
  return saturate32(shift_round(product, -scale.exp));
}

// ---- BitNet b1.58: attention (docs/numerics.md, "BitNet b1.58") ----------------------------
// exp(x) for Q16 x <= 0, as Q0.16 in [0, 2^16]: y = x * log2(e) = n + f with integer n <= 0 and
// f in [0, 1); 2^f from kExp2Lut[i] = round(2^16 * 2^(i/256)), i = 0..256, interpolated with the
// 8 fraction bits of f below the table step; then >> -n (round half up).
constexpr int kExp2StepLog2 = 8;
constexpr int kExp2InterpBits = kActFrac - kExp2StepLog2;
constexpr int kExp2LutSize = (1 << kExp2StepLog2) + 1;
static_assert(kExp2LutSize == 257, "exp2 table: 256 segments + end point");
extern const uint32_t kExp2Lut[kExp2LutSize];
constexpr int64_t kLog2eQ30 = 1549082005;  // round(log2(e) * 2^30)

inline uint32_t exp_q16(int32_t x) {
  if (x >= 0) return static_cast<uint32_t>(kOne);             // callers pass max-subtracted scores
  const int64_t y = shift_round(int64_t{x} * kLog2eQ30, 30);  // Q16, <= 0
  const int64_t n = y >> kActFrac;                            // floor: arithmetic shift
  if (n < -(kActFrac + 1)) return 0;                          // below 2^-17
  const auto f = static_cast<uint32_t>(y - n * (int64_t{1} << kActFrac));
  const int64_t m = interpolate(kExp2Lut, f >> kExp2InterpBits, f & ((1u << kExp2InterpBits) - 1),
                                kExp2InterpBits);
  return static_cast<uint32_t>(shift_round(m, static_cast<int>(-n)));
}

// Query heads and KV-cache entries are int8 codes (kCodeMax) with the head's absmax, a Q16
// value, as their scale: v ~= code * amax / 127.
// Contexts of up to 2^kMaxContextLog2 positions keep the softmax sum below 2^31 and the AV
// accumulators below 2^45 (|w| < 2^kAttnWeightBits, |code| <= 127).
constexpr int kMaxContextLog2 = 14;
// The widest head the attention unit takes (2B4T's is 128).
constexpr int kMaxHeadDim = 256;
// AV weights w_t = e_t * amax_v(t) >> sh_w stay below 2^kAttnWeightBits.
constexpr int kAttnWeightBits = 24;
// RoPE: cos and sin are signed Q16 (|v| <= 2^16); position p = p_hi * 2^kRopeLoBits + p_lo looks
// up two tables and combines them with one complex product.
constexpr int kRopeFrac = 16;
constexpr int kRopeLoBits = 6;

// bfloat16 bits -> Q16, rounding half away from zero, saturated. Integer-only (shifts).
inline int32_t bf16_to_q16(uint16_t bits) {
  const bool negative = (bits & 0x8000u) != 0;
  const int biased_exp = (bits >> 7) & 0xff;
  if (biased_exp == 0) return 0;  // zero and subnormals (< 2^-126) are 0 in Q16
  if (biased_exp == 0xff) return negative ? INT32_MIN : INT32_MAX;  // inf/NaN saturate
  const int64_t mant = 0x80 | (bits & 0x7f);                        // 1.7 significand
  // value = mant * 2^(biased_exp - 127 - 7); Q16 value = mant * 2^(biased_exp - 118)
  const int shift = biased_exp - 127 - 7 + kActFrac;
  int64_t mag;
  if (shift >= 0) {
    mag = shift > 32 ? (int64_t{1} << 40) : (mant << shift);
  } else {
    mag = -shift >= 63 ? 0 : shift_round(mant, -shift);
  }
  return saturate32(negative ? -mag : mag);
}

}  // namespace mmf::fx

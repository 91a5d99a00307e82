// SPDX-License-Identifier: Apache-2.0
// Native (g++) stand-in for Vitis HLS's arbitrary-precision integers ap_uint<W> and ap_int<W>.
//
// Under Vitis HLS this directory is not on the include path: Vitis provides its own ap_int.h.
// Native builds (csim kernels, tests) put hls/shim on the include path instead. The shim is
// self-written and implements only what mmf's hls/ code uses, not the whole Vitis API:
//   - Storage is exactly (W + 7) / 8 bytes; bit k of the value is bit k % 8 of byte k / 8
//     (little-endian) and the unused high bits of the last byte are always zero. So the type is
//     trivially copyable and a host byte buffer reads as an array of ap_uint<W> words
//     (W a multiple of 8), which is how the csim kernels see weight memory.
//   - Construction from any integer truncates to W bits (two's complement); construction from
//     another ap_uint/ap_int zero- or sign-extends (by the source's signedness) or truncates.
//   - Any W: range(hi, lo) and (hi, lo) read or assign up to 64 bits, [i], get_bit, set_bit,
//     == and !=, operator<< to std::ostream.
//   - W <= 64 only (static_assert): implicit conversion to uint64_t (ap_uint) or int64_t (ap_int,
//     sign-extended); to_int(), to_uint(), to_long(), to_ulong(), to_int64(), to_uint64();
//     arithmetic, bitwise, shift and ordering operators. (to_uint64() and friends also work for
//     W > 64 and return the low 64 bits, as in Vitis.)
// Deliberate differences from Vitis:
//   - Arithmetic results are the integer result truncated to W bits, where Vitis widens them
//     (ap_uint<8>(255) + 1 is 256 in Vitis and 0 here). hls/ code must widen its operands
//     explicitly before arithmetic that can overflow W bits, so both builds agree.
//   - Operands of different ap types (ap_uint<8> + ap_uint<16>, ap_int<8> + ap_uint<8>) do not
//     compile (ambiguous overload): convert one side explicitly.
//   - Bit indices out of range abort with a message, in release builds too (assert() would vanish
//     under NDEBUG and leave an out-of-bounds read).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <type_traits>

template <int W>
class ap_uint;
template <int W>
class ap_int;

namespace ap_shim_detail {

[[noreturn]] inline void bad_range(int hi, int lo, int width) {
  std::fprintf(stderr,
               "ap_int shim: range(%d, %d) out of range for a %d-bit value "
               "(need 0 <= lo <= hi < %d and hi - lo < 64)\n",
               hi, lo, width, width);
  std::abort();
}

[[noreturn]] inline void bad_bit(int bit, int width) {
  std::fprintf(stderr, "ap_int shim: bit %d out of range for a %d-bit value\n", bit, width);
  std::abort();
}

[[noreturn]] inline void bad_operand(const char* what) {
  std::fprintf(stderr, "ap_int shim: %s\n", what);
  std::abort();
}

template <class T>
using if_integer_t = std::enable_if_t<std::is_integral_v<T>, int>;

// The implementation shared by ap_uint<W> (Signed = false) and ap_int<W> (Signed = true).
// Operators take and return Self, the derived class, so ap_uint and ap_int never mix silently.
template <int W, bool Signed>
class ap_base {
  static_assert(W >= 1 && W <= 1024, "ap_int shim: width must be 1 to 1024 bits");

 public:
  using Self = std::conditional_t<Signed, ap_int<W>, ap_uint<W>>;
  // What a W <= 64 value converts to implicitly.
  using value_type = std::conditional_t<Signed, int64_t, uint64_t>;
  static constexpr int width = W;

  ap_base() : bytes_{} {}

  // Any integer, truncated to W bits; negative values are sign-extended first (two's complement).
  template <class T, if_integer_t<T> = 0>
  ap_base(T v) {  // NOLINT(google-explicit-constructor): implicit, as in Vitis
    uint8_t fill = 0;
    if constexpr (std::is_signed_v<T>) fill = static_cast<uint8_t>(v < 0 ? 0xFF : 0x00);
    store(static_cast<uint64_t>(v), fill);
  }

  // Another width or signedness: extended by the source's signedness, or truncated.
  template <int W2, bool S2>
  ap_base(const ap_base<W2, S2>& v) {  // NOLINT(google-explicit-constructor)
    constexpr int src_bytes = ap_base<W2, S2>::kBytes;
    const bool negative = S2 && v.get_bit(W2 - 1);
    const auto fill = static_cast<uint8_t>(negative ? 0xFF : 0x00);
    for (int i = 0; i < kBytes; ++i) bytes_[i] = i < src_bytes ? v.bytes_[i] : fill;
    if (negative && W2 % 8 != 0 && src_bytes <= kBytes) {
      bytes_[src_bytes - 1] |= static_cast<uint8_t>(0xFF << (W2 % 8));  // the source's top byte
    }
    clear_unused();
  }

  // ---- Conversions -------------------------------------------------------------------------

  operator value_type() const {  // NOLINT(google-explicit-constructor)
    static_assert(W <= 64, "ap_int shim: implicit conversion needs W <= 64; use range()");
    if constexpr (Signed) {
      return to_int64();
    } else {
      return low_bits();
    }
  }

  // The value (W <= 64) or its low 64 bits (W > 64), sign-extended for ap_int.
  int64_t to_int64() const {
    uint64_t v = low_bits();
    if constexpr (Signed && W < 64) {
      if ((v >> (W - 1)) & 1u) v |= ~uint64_t{0} << W;
    }
    return static_cast<int64_t>(v);
  }
  uint64_t to_uint64() const {
    if constexpr (Signed) {
      return static_cast<uint64_t>(to_int64());
    } else {
      return low_bits();
    }
  }
  int to_int() const { return static_cast<int>(to_int64()); }
  unsigned to_uint() const { return static_cast<unsigned>(to_uint64()); }
  long to_long() const { return static_cast<long>(to_int64()); }
  unsigned long to_ulong() const { return static_cast<unsigned long>(to_uint64()); }

  // ---- Bit and range access (any W) --------------------------------------------------------

  // Writable view of bits [lo, hi] of a non-const value.
  class RangeRef {
   public:
    RangeRef(const RangeRef&) = default;
    operator uint64_t() const { return to_uint64(); }  // NOLINT(google-explicit-constructor)
    uint64_t to_uint64() const { return ref_.read_bits(lo_, hi_ - lo_ + 1); }
    unsigned to_uint() const { return static_cast<unsigned>(to_uint64()); }
    int to_int() const { return static_cast<int>(to_uint64()); }

    // Stores the low hi - lo + 1 bits of v; the other bits of the value are unchanged.
    RangeRef& operator=(uint64_t v) {
      ref_.write_bits(lo_, hi_ - lo_ + 1, v);
      return *this;
    }
    RangeRef& operator=(const RangeRef& v) { return *this = v.to_uint64(); }
    template <int W2, bool S2>
    RangeRef& operator=(const ap_base<W2, S2>& v) {
      return *this = v.to_uint64();
    }

   private:
    friend class ap_base;
    RangeRef(ap_base& ref, int hi, int lo) : ref_(ref), hi_(hi), lo_(lo) {}
    ap_base& ref_;
    int hi_;
    int lo_;
  };

  // Writable view of one bit of a non-const value.
  class BitRef {
   public:
    BitRef(const BitRef&) = default;
    operator bool() const { return ref_.get_bit(bit_); }  // NOLINT(google-explicit-constructor)
    bool operator~() const { return !ref_.get_bit(bit_); }
    BitRef& operator=(bool v) {
      ref_.set_bit(bit_, v);
      return *this;
    }
    BitRef& operator=(const BitRef& v) { return *this = static_cast<bool>(v); }

   private:
    friend class ap_base;
    BitRef(ap_base& ref, int bit) : ref_(ref), bit_(bit) {}
    ap_base& ref_;
    int bit_;
  };

  // Bits [lo, hi], hi - lo < 64, zero-extended. Hot in the weight decoder (2-bit fields), so it
  // touches only the bytes that hold the field.
  ap_uint<64> range(int hi, int lo) const;  // defined below, once ap_uint is complete
  RangeRef range(int hi, int lo) {
    check_range(hi, lo);
    return RangeRef(*this, hi, lo);
  }
  ap_uint<64> operator()(int hi, int lo) const;
  RangeRef operator()(int hi, int lo) { return range(hi, lo); }

  bool get_bit(int i) const {
    check_bit(i);
    return (bytes_[i / 8] >> (i % 8)) & 1u;
  }
  void set_bit(int i, bool v) {
    check_bit(i);
    const auto mask = static_cast<uint8_t>(1u << (i % 8));
    bytes_[i / 8] = static_cast<uint8_t>(v ? bytes_[i / 8] | mask : bytes_[i / 8] & ~mask);
  }
  bool operator[](int i) const { return get_bit(i); }
  BitRef operator[](int i) {
    check_bit(i);
    return BitRef(*this, i);
  }

  // ---- Comparison --------------------------------------------------------------------------

  // Equality needs no conversion, so it works for every W (the unused bits are always zero).
  friend bool operator==(const Self& a, const Self& b) {
    for (int i = 0; i < kBytes; ++i) {
      if (a.bytes_[i] != b.bytes_[i]) return false;
    }
    return true;
  }
  friend bool operator!=(const Self& a, const Self& b) { return !(a == b); }
  template <class T, if_integer_t<T> = 0>
  friend bool operator==(const Self& a, T b) {
    return equals(a, b);
  }
  template <class T, if_integer_t<T> = 0>
  friend bool operator==(T a, const Self& b) {
    return equals(b, a);
  }
  template <class T, if_integer_t<T> = 0>
  friend bool operator!=(const Self& a, T b) {
    return !equals(a, b);
  }
  template <class T, if_integer_t<T> = 0>
  friend bool operator!=(T a, const Self& b) {
    return !equals(b, a);
  }

  // Ordering (W <= 64); against a plain integer it compares the mathematical values.
#define AP_SHIM_ORDERING(op)                              \
  friend bool operator op(const Self& a, const Self& b) { \
    return value(a) op value(b);                          \
  }                                                       \
  template <class T, if_integer_t<T> = 0>                 \
  friend bool operator op(const Self& a, T b) {           \
    return compare(a, b) op 0;                            \
  }                                                       \
  template <class T, if_integer_t<T> = 0>                 \
  friend bool operator op(T a, const Self& b) {           \
    return 0 op compare(b, a);                            \
  }
  AP_SHIM_ORDERING(<)
  AP_SHIM_ORDERING(<=)
  AP_SHIM_ORDERING(>)
  AP_SHIM_ORDERING(>=)
#undef AP_SHIM_ORDERING

  // ---- Arithmetic (W <= 64): the integer result truncated to W bits ------------------------

  // Each binary operator: Self op Self, Self op integer, integer op Self, and op=. The integer
  // converts to value_type (as in C arithmetic with uint64_t / int64_t), then the result wraps.
#define AP_SHIM_BINARY(op, fn)                                     \
  friend Self operator op(const Self& a, const Self& b) {          \
    return fn(value(a), value(b));                                 \
  }                                                                \
  template <class T, if_integer_t<T> = 0>                          \
  friend Self operator op(const Self& a, T b) {                    \
    return fn(value(a), static_cast<value_type>(b));               \
  }                                                                \
  template <class T, if_integer_t<T> = 0>                          \
  friend Self operator op(T a, const Self& b) {                    \
    return fn(static_cast<value_type>(a), value(b));               \
  }                                                                \
  Self& operator op##=(const Self& b) {                            \
    return self() = fn(value(self()), value(b));                   \
  }                                                                \
  template <class T, if_integer_t<T> = 0>                          \
  Self& operator op##=(T b) {                                      \
    return self() = fn(value(self()), static_cast<value_type>(b)); \
  }
  AP_SHIM_BINARY(+, add)
  AP_SHIM_BINARY(-, sub)
  AP_SHIM_BINARY(*, mul)
  AP_SHIM_BINARY(/, div)
  AP_SHIM_BINARY(%, mod)
  AP_SHIM_BINARY(&, bit_and)
  AP_SHIM_BINARY(|, bit_or)
  AP_SHIM_BINARY(^, bit_xor)
#undef AP_SHIM_BINARY

  // Shifts by a non-negative count; shifting out every bit gives 0 (or -1 for a negative ap_int
  // shifted right), never undefined behaviour.
  template <class T, if_integer_t<T> = 0>
  friend Self operator<<(const Self& a, T n) {
    return shl(value(a), count(n));
  }
  template <class T, if_integer_t<T> = 0>
  friend Self operator>>(const Self& a, T n) {
    return shr(value(a), count(n));
  }
  template <int W2, bool S2>
  friend Self operator<<(const Self& a, const ap_base<W2, S2>& n) {
    return shl(value(a), count(n.to_int64()));
  }
  template <int W2, bool S2>
  friend Self operator>>(const Self& a, const ap_base<W2, S2>& n) {
    return shr(value(a), count(n.to_int64()));
  }
  template <class T>
  Self& operator<<=(const T& n) {
    return self() = self() << n;
  }
  template <class T>
  Self& operator>>=(const T& n) {
    return self() = self() >> n;
  }

  Self operator+() const {
    return self();
  }
  Self operator-() const {
    return sub(0, value(self()));
  }
  Self operator~() const {
    return Self(~static_cast<uint64_t>(value(self())));
  }
  bool operator!() const {
    return value(self()) == 0;
  }
  Self& operator++() {
    return self() = add(value(self()), 1);
  }
  Self& operator--() {
    return self() = sub(value(self()), 1);
  }
  Self operator++(int) {
    const Self old = self();
    ++*this;
    return old;
  }
  Self operator--(int) {
    const Self old = self();
    --*this;
    return old;
  }

  // Decimal for W <= 64, hex with every byte for wider values.
  friend std::ostream& operator<<(std::ostream& os, const Self& v) {
    if constexpr (W <= 64) {
      return os << static_cast<value_type>(v);
    } else {
      static constexpr char kDigits[] = "0123456789abcdef";
      char text[2 + 2 * kBytes + 1] = {'0', 'x'};
      for (int i = 0; i < kBytes; ++i) {
        const uint8_t b = v.bytes_[kBytes - 1 - i];
        text[2 + 2 * i] = kDigits[b >> 4];
        text[3 + 2 * i] = kDigits[b & 15];
      }
      text[2 + 2 * kBytes] = '\0';
      return os << text;
    }
  }

 private:
  template <int, bool>
  friend class ap_base;

  static constexpr int kBytes = (W + 7) / 8;

  Self& self() {
    return static_cast<Self&>(*this);
  }
  const Self& self() const {
    return static_cast<const Self&>(*this);
  }

  static value_type value(const Self& v) {
    return static_cast<value_type>(v);
  }

  // Low 8 bytes from v, the rest `fill`; then the bits above W are cleared.
  void store(uint64_t v, uint8_t fill) {
    for (int i = 0; i < kBytes; ++i) {
      bytes_[i] = i < 8 ? static_cast<uint8_t>(v >> (8 * i)) : fill;
    }
    clear_unused();
  }
  void clear_unused() {
    if constexpr (W % 8 != 0) bytes_[kBytes - 1] &= static_cast<uint8_t>((1u << (W % 8)) - 1u);
  }
  // The low min(W, 64) bits, zero-extended.
  uint64_t low_bits() const {
    constexpr int n = kBytes < 8 ? kBytes : 8;
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t{bytes_[i]} << (8 * i);
    return v;
  }

  static void check_range(int hi, int lo) {
    if (lo < 0 || hi < lo || hi >= W || hi - lo >= 64) bad_range(hi, lo, W);
  }
  static void check_bit(int i) {
    if (i < 0 || i >= W) bad_bit(i, W);
  }

  // n (1..64) bits from bit lo, already checked to lie inside the value. A field spans at most
  // 9 bytes; a 2-bit field inside one byte reads one byte.
  uint64_t read_bits(int lo, int n) const {
    const int first = lo / 8;
    const int shift = lo % 8;
    const int nbytes = (shift + n + 7) / 8;
    const int low_bytes = nbytes < 8 ? nbytes : 8;
    uint64_t v = 0;
    for (int i = 0; i < low_bytes; ++i) v |= uint64_t{bytes_[first + i]} << (8 * i);
    v >>= shift;
    if constexpr (kBytes > 8) {  // otherwise lo + n <= 64 keeps the field within 8 bytes
      if (nbytes == 9) v |= uint64_t{bytes_[first + 8]} << (64 - shift);  // shift > 0 here
    }
    return n == 64 ? v : v & ((uint64_t{1} << n) - 1u);
  }
  void write_bits(int lo, int n, uint64_t v) {
    int done = 0;
    while (done < n) {
      const int bit = lo + done;
      const int shift = bit % 8;
      const int take = n - done < 8 - shift ? n - done : 8 - shift;
      const unsigned field = (1u << take) - 1u;
      const auto bits = static_cast<unsigned>((v >> done) & field);
      uint8_t& byte = bytes_[bit / 8];
      byte = static_cast<uint8_t>((byte & ~(field << shift)) | (bits << shift));
      done += take;
    }
  }

  template <class T>
  static bool equals(const Self& a, T b) {
    if constexpr (W <= 64) {
      return compare(a, b) == 0;
    } else {
      // Every integer fits in W > 64 bits, except a negative one compared to an ap_uint.
      if constexpr (!Signed && std::is_signed_v<T>) {
        if (b < 0) return false;
      }
      return a == Self(b);
    }
  }
  // Sign of a - b over the mathematical values.
  template <class T>
  static int compare(const Self& a, T b) {
    const value_type x = value(a);
    if constexpr (Signed) {
      if constexpr (std::is_unsigned_v<T>) {
        if (x < 0) return -1;
        const auto ux = static_cast<uint64_t>(x);
        const auto y = static_cast<uint64_t>(b);
        return (ux > y) - (ux < y);
      } else {
        const auto y = static_cast<int64_t>(b);
        return (x > y) - (x < y);
      }
    } else {
      if constexpr (std::is_signed_v<T>) {
        if (b < 0) return 1;
      }
      const auto y = static_cast<uint64_t>(b);
      return (x > y) - (x < y);
    }
  }

  // Wrapping arithmetic in uint64_t (no signed overflow), truncated by the Self constructor.
  static Self add(value_type x, value_type y) {
    return Self(static_cast<uint64_t>(x) + static_cast<uint64_t>(y));
  }
  static Self sub(value_type x, value_type y) {
    return Self(static_cast<uint64_t>(x) - static_cast<uint64_t>(y));
  }
  static Self mul(value_type x, value_type y) {
    return Self(static_cast<uint64_t>(x) * static_cast<uint64_t>(y));
  }
  static Self bit_and(value_type x, value_type y) {
    return Self(x & y);
  }
  static Self bit_or(value_type x, value_type y) {
    return Self(x | y);
  }
  static Self bit_xor(value_type x, value_type y) {
    return Self(x ^ y);
  }
  static Self div(value_type x, value_type y) {
    if (y == 0) bad_operand("division by zero");
    if constexpr (Signed) {
      if (y == -1) return sub(0, x);  // INT64_MIN / -1 wraps instead of trapping
    }
    return Self(x / y);
  }
  static Self mod(value_type x, value_type y) {
    if (y == 0) bad_operand("remainder by zero");
    if constexpr (Signed) {
      if (y == -1) return Self(0);
    }
    return Self(x % y);
  }

  template <class T>
  static int count(T n) {
    if constexpr (std::is_signed_v<T>) {
      if (n < 0) bad_operand("shift by a negative count");
    }
    return static_cast<uint64_t>(n) >= 64u ? 64 : static_cast<int>(n);
  }
  static Self shl(value_type x, int n) {
    return Self(n >= 64 ? uint64_t{0} : static_cast<uint64_t>(x) << n);
  }
  static Self shr(value_type x, int n) {
    if constexpr (Signed) {
      if (n >= 64) return Self(x < 0 ? -1 : 0);
    } else {
      if (n >= 64) return Self(0);
    }
    return Self(x >> n);  // arithmetic for a negative ap_int (g++ defines it)
  }

  uint8_t bytes_[kBytes];
};

}  // namespace ap_shim_detail

// Unsigned W-bit integer, 1 <= W <= 1024. See the top of the file for what is supported.
template <int W>
class ap_uint : public ap_shim_detail::ap_base<W, false> {
 public:
  using ap_shim_detail::ap_base<W, false>::ap_base;
  ap_uint() = default;
};

// Signed (two's complement) W-bit integer, 1 <= W <= 1024. See the top of the file.
template <int W>
class ap_int : public ap_shim_detail::ap_base<W, true> {
 public:
  using ap_shim_detail::ap_base<W, true>::ap_base;
  ap_int() = default;
};

namespace ap_shim_detail {

template <int W, bool Signed>
ap_uint<64> ap_base<W, Signed>::range(int hi, int lo) const {
  check_range(hi, lo);
  return ap_uint<64>(read_bits(lo, hi - lo + 1));
}

template <int W, bool Signed>
ap_uint<64> ap_base<W, Signed>::operator()(int hi, int lo) const {
  return range(hi, lo);
}

}  // namespace ap_shim_detail

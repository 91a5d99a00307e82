// SPDX-License-Identifier: Apache-2.0
// Native (g++) stand-in for Vitis HLS's ap_uint<W>, cut to what mmf's hls/ code and its tests
// use: a W-bit word (a weight word, a quarter of one) that is stored, copied, compared, and read
// and written a bit field at a time.
//
// Under Vitis HLS this directory is not on the include path: Vitis provides its own ap_int.h.
// Native builds (csim kernels, tests) put hls/shim on the include path instead. What is here:
//   - Storage is exactly (W + 7) / 8 bytes; bit k of the value is bit k % 8 of byte k / 8
//     (little-endian) and the unused high bits of the last byte are always zero. So the type is
//     trivially copyable and a host byte buffer reads as an array of ap_uint<W> words
//     (W a multiple of 8), which is how the csim kernels see weight memory.
//   - Construction from any integer truncates to W bits (two's complement; a negative value
//     fills the bits above 64 with ones, as in Vitis).
//   - range(hi, lo) and (hi, lo), hi - lo < 64: read (zero-extended) or assign; get_bit, set_bit;
//     to_uint64() (the low 64 bits); == and != between words of one width.
// Nothing else: no ap_int, no arithmetic, no conversions between widths. If the kernel needs
// them, vendor Xilinx's Apache-2.0 ap_types (as hls4ml does) rather than growing a look-alike
// whose arithmetic would have to match Vitis (hls/README.md, "The shim").
// Bit indices out of range abort with a message, in release builds too (assert() would vanish
// under NDEBUG and leave an out-of-bounds access).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

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

}  // namespace ap_shim_detail

// Unsigned W-bit integer, 1 <= W <= 1024. See the top of the file for what is supported.
template <int W>
class ap_uint {
  static_assert(W >= 1 && W <= 1024, "ap_int shim: width must be 1 to 1024 bits");

 public:
  static constexpr int width = W;

  ap_uint() : bytes_{} {}

  // Any integer, truncated to W bits; negative values are sign-extended first (two's complement).
  template <class T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
  ap_uint(T v) {  // NOLINT(google-explicit-constructor): implicit, as in Vitis
    uint8_t fill = 0;
    if constexpr (std::is_signed_v<T>) fill = static_cast<uint8_t>(v < 0 ? 0xFF : 0x00);
    const auto bits = static_cast<uint64_t>(v);
    for (int i = 0; i < kBytes; ++i) {
      bytes_[i] = i < 8 ? static_cast<uint8_t>(bits >> (8 * i)) : fill;
    }
    if constexpr (W % 8 != 0) bytes_[kBytes - 1] &= static_cast<uint8_t>((1u << (W % 8)) - 1u);
  }

  // The low min(W, 64) bits, zero-extended.
  uint64_t to_uint64() const { return read_bits(0, W < 64 ? W : 64); }

  // Writable view of bits [lo, hi] of a non-const value.
  class RangeRef {
   public:
    RangeRef(const RangeRef&) = default;
    operator uint64_t() const { return to_uint64(); }  // NOLINT(google-explicit-constructor)
    uint64_t to_uint64() const { return ref_.read_bits(lo_, hi_ - lo_ + 1); }

    // Stores the low hi - lo + 1 bits of v; the other bits of the value are unchanged.
    RangeRef& operator=(uint64_t v) {
      ref_.write_bits(lo_, hi_ - lo_ + 1, v);
      return *this;
    }
    RangeRef& operator=(const RangeRef& v) { return *this = v.to_uint64(); }

   private:
    friend class ap_uint;
    RangeRef(ap_uint& ref, int hi, int lo) : ref_(ref), hi_(hi), lo_(lo) {}
    ap_uint& ref_;
    int hi_;
    int lo_;
  };

  // Bits [lo, hi], hi - lo < 64, zero-extended. Hot in the weight decoder (2-bit fields), so it
  // touches only the bytes that hold the field.
  uint64_t range(int hi, int lo) const {
    check_range(hi, lo);
    return read_bits(lo, hi - lo + 1);
  }
  RangeRef range(int hi, int lo) {
    check_range(hi, lo);
    return RangeRef(*this, hi, lo);
  }
  uint64_t operator()(int hi, int lo) const { return range(hi, lo); }
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

  friend bool operator==(const ap_uint& a, const ap_uint& b) {
    for (int i = 0; i < kBytes; ++i) {
      if (a.bytes_[i] != b.bytes_[i]) return false;
    }
    return true;
  }
  friend bool operator!=(const ap_uint& a, const ap_uint& b) { return !(a == b); }

 private:
  static constexpr int kBytes = (W + 7) / 8;

  static void check_range(int hi, int lo) {
    if (lo < 0 || hi < lo || hi >= W || hi - lo >= 64) ap_shim_detail::bad_range(hi, lo, W);
  }
  static void check_bit(int i) {
    if (i < 0 || i >= W) ap_shim_detail::bad_bit(i, W);
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
  // Stores the low n (1..64) bits of v from bit lo, a byte's part at a time.
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

  uint8_t bytes_[kBytes];
};

// SPDX-License-Identifier: Apache-2.0
// Dispatch, code preparation and the scalar path of the cpu matvec kernels.
#include "mmf/host/backends/cpu/ternary_kernels.hpp"

#include <algorithm>

#include "kernel_paths.hpp"
#include "mmf/error.hpp"

namespace mmf::cpu {

namespace detail {

BlockShape block_shape(Isa isa, Packing packing) {
  const int fields = trits_per_byte(packing);
  if (isa == Isa::scalar) return {1, fields};
  // One register of packed bytes per block, its fields isolated in place (AVX-512, 2-bit) or
  // divided out in 16-bit lanes (1.6-bit); for AVX2 2-bit, 8 bytes broadcast to the four
  // 64-bit lanes and shifted.
  if (packing == Packing::two_bit && isa == Isa::avx2) return {8, fields};
  return {isa == Isa::avx512 ? 64 : 32, fields};
}

// The scalar path decodes each byte by arithmetic on the format's definition
// (mmf/ternary_pack.hpp), not through the golden model's decode table, so the golden
// ternary_row_dot is a second implementation it is tested against, not itself.
int32_t scalar_row_dot(const uint8_t* row, Packing packing, int64_t cols, const int8_t* x) {
  // Blocks of trits decoded into a local buffer, then a plain dot the compiler vectorizes.
  // 240 is a multiple of 4 and 5, so a block's bytes decode into it whole.
  constexpr int64_t kBlock = 240;
  const int per = trits_per_byte(packing);
  int8_t t[kBlock];
  int32_t sum = 0;
  for (int64_t k0 = 0; k0 < cols; k0 += kBlock) {
    const int64_t n = std::min(kBlock, cols - k0);
    const uint8_t* bytes = row + k0 / per;
    const int64_t nbytes = (n + per - 1) / per;
    if (packing == Packing::two_bit) {
      // Field j of a byte: bit 2j set means nonzero, bit 2j+1 then the sign (0b01 = +1,
      // 0b11 = -1): t = (f & 1) * (1 - (f & 2)).
      for (int64_t b = 0; b < nbytes; ++b) {
        for (int j = 0; j < 4; ++j) {
          const int f = (bytes[b] >> (2 * j)) & 3;
          t[4 * b + j] = static_cast<int8_t>((f & 1) * (1 - (f & 2)));
        }
      }
    } else {
      // five_trit: byte = sum_j (t_j + 1) * 3^j; the base-3 digits, least significant first.
      for (int64_t b = 0; b < nbytes; ++b) {
        int v = bytes[b];
        for (int j = 0; j < 5; ++j, v /= 3) t[5 * b + j] = static_cast<int8_t>(v % 3 - 1);
      }
    }
    for (int64_t k = 0; k < n; ++k) sum += t[k] * x[k0 + k];
  }
  return sum;
}

}  // namespace detail

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx512:
      return "avx512";
    case Isa::avx2:
      return "avx2";
    default:
      return "scalar";
  }
}

bool isa_supported(Isa isa) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (isa == Isa::avx512) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
  }
  if (isa == Isa::avx2) return __builtin_cpu_supports("avx2");
#else
  if (isa != Isa::scalar) return false;
#endif
  return true;
}

Isa best_isa() {
  if (isa_supported(Isa::avx512)) return Isa::avx512;
  if (isa_supported(Isa::avx2)) return Isa::avx2;
  return Isa::scalar;
}

std::optional<Isa> isa_from_name(const std::string& name, const std::string& what) {
  if (name == "auto") return std::nullopt;
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512}) {
    if (name == isa_name(isa)) return isa;
  }
  throw Error(what + ": unknown instruction set '" + name +
              "' (expected auto, scalar, avx2 or avx512)");
}

Isa usable_isa(std::optional<Isa> isa, const std::string& what) {
  if (!isa) return best_isa();
  if (!isa_supported(*isa)) {
    throw Error(what + ": this CPU cannot run " + isa_name(*isa) +
                " (best here: " + isa_name(best_isa()) + ")");
  }
  return *isa;
}

Isa parse_isa(const std::string& name, const std::string& what) {
  return usable_isa(isa_from_name(name, what), what);
}

void PreparedCodes::prepare(Isa isa, Packing packing, const int8_t* codes, int64_t cols) {
  isa_ = isa;
  packing_ = packing;
  cols_ = cols;
  sum_ = 0;
  for (int64_t k = 0; k < cols; ++k) sum_ += codes[k];
  const detail::BlockShape s = detail::block_shape(isa, packing);
  const int64_t per_block = int64_t{s.bytes} * s.fields;
  const int64_t blocks = (cols + per_block - 1) / per_block;
  data_.resize(static_cast<size_t>(std::max<int64_t>(blocks * per_block, 1)));
  if (isa == Isa::scalar) {
    std::copy(codes, codes + cols, data_.begin());
    return;
  }
  // Trit F*j + k of a block goes to position k*G + j; positions past `cols` hold 0, so padding
  // trits and bytes past the row contribute nothing.
  for (int64_t b = 0; b < blocks; ++b) {
    int8_t* out = data_.data() + b * per_block;
    for (int k = 0; k < s.fields; ++k) {
      for (int j = 0; j < s.bytes; ++j) {
        const int64_t trit = b * per_block + int64_t{s.fields} * j + k;
        out[k * s.bytes + j] = trit < cols ? codes[trit] : 0;
      }
    }
  }
}

void ternary_matvec(const TernaryRows& w, const PreparedCodes& codes, int64_t begin, int64_t end,
                    int32_t* acc) {
  if (codes.packing() != w.packing || codes.cols() != w.cols) {
    throw Error("ternary_matvec: the codes were prepared for " + std::to_string(codes.cols()) +
                " columns of " + packing_name(codes.packing()) + ", the matrix has " +
                std::to_string(w.cols) + " of " + packing_name(w.packing));
  }
  if (begin < 0 || end > w.rows || begin > end) {
    throw Error("ternary_matvec: rows [" + std::to_string(begin) + ", " + std::to_string(end) +
                ") outside [0, " + std::to_string(w.rows) + ")");
  }
  if (codes.isa() == Isa::scalar) {
    for (int64_t r = begin; r < end; ++r) {
      acc[r - begin] = detail::scalar_row_dot(w.data + static_cast<size_t>(r) * w.row_stride,
                                              w.packing, w.cols, codes.data());
    }
    return;
  }
  const detail::BlockShape s = detail::block_shape(codes.isa(), w.packing);
  const int64_t row_bytes = static_cast<int64_t>(packed_row_bytes(w.cols, w.packing));
  const int64_t blocks = (row_bytes + s.bytes - 1) / s.bytes;
  if (codes.isa() == Isa::avx512) {
    detail::dots_avx512(w, codes.data(), codes.sum(), blocks, begin, end, acc);
  } else {
    detail::dots_avx2(w, codes.data(), codes.sum(), blocks, begin, end, acc);
  }
}

}  // namespace mmf::cpu

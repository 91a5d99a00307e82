// SPDX-License-Identifier: Apache-2.0
// Fast ternary matrix-vector products for the cpu backend: int8 activation codes x packed trits
// -> int32 accumulators, equal to the golden ternary_row_dot (mmf/ternary_matvec.hpp) for every
// shape, packing and instruction set. Runtime dispatch: AVX-512 (F, BW, VL, VNNI), AVX2, or the
// portable scalar loop.
//
// How the SIMD paths work: each packed field becomes a small unsigned byte u that is t + 1 (a
// base-3 digit of the 1.6-bit packing; ((f + 1) & 3) of a 2-bit field) or 1 - t (f ^ 1 of a
// 2-bit field, AVX-512), so that
//   sum_k t_k c_k = sum_k (t_k + 1) c_k - sum_k c_k  or  sum_k c_k - sum_k (1 - t_k) c_k,
// an unsigned x signed byte dot product (vpdpbusd, vpmaddubsw) and a per-vector constant. The
// codes are reordered once per vector (PreparedCodes) so that the fields of G packed bytes
// unpack, by masks, shifts or base-3 division, straight into the order of the codes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mmf/ternary_pack.hpp"

namespace mmf::cpu {

enum class Isa { scalar, avx2, avx512 };

const char* isa_name(Isa isa);  // "scalar", "avx2", "avx512"
// Parses "scalar" | "avx2" | "avx512" | "auto" (the best this CPU runs); throws mmf::Error
// naming `what` on anything else, or on an instruction set this CPU lacks.
Isa parse_isa(const std::string& name, const std::string& what);
// The name alone: none for "auto"; throws mmf::Error naming `what` on an unknown name.
std::optional<Isa> isa_from_name(const std::string& name, const std::string& what);
// `isa`, or the best this CPU runs for none; throws mmf::Error naming `what` when this CPU
// lacks it.
Isa usable_isa(std::optional<Isa> isa, const std::string& what);
// Whether this CPU (and this build) can run `isa`; scalar always.
bool isa_supported(Isa isa);
Isa best_isa();

// A packed weight matrix in memory: row r starts at data + r * row_stride and holds `cols`
// trits (packed_row_bytes(cols, packing) bytes are read; the stride may be larger).
struct TernaryRows {
  const uint8_t* data = nullptr;
  size_t row_stride = 0;
  int64_t rows = 0;
  int64_t cols = 0;
  Packing packing = Packing::two_bit;
};

// The activation codes of one vector, reordered for one instruction set and packing and padded
// with zeros to whole blocks. Built once per vector and shared by every row and thread; it
// allocates only when a longer vector than before arrives.
class PreparedCodes {
 public:
  void prepare(Isa isa, Packing packing, const int8_t* codes, int64_t cols);

  Isa isa() const { return isa_; }
  Packing packing() const { return packing_; }
  int64_t cols() const { return cols_; }
  const int8_t* data() const { return data_.data(); }
  int32_t sum() const { return sum_; }  // sum of the codes: the offset's correction

 private:
  Isa isa_ = Isa::scalar;
  Packing packing_ = Packing::two_bit;
  int64_t cols_ = 0;
  int32_t sum_ = 0;
  std::vector<int8_t> data_;
};

// acc[r - begin] = sum_k codes[k] * W[r][k] for rows [begin, end), on the prepared codes'
// instruction set. Throws mmf::Error when the codes were prepared for another packing or width.
void ternary_matvec(const TernaryRows& w, const PreparedCodes& codes, int64_t begin, int64_t end,
                    int32_t* acc);

}  // namespace mmf::cpu

// SPDX-License-Identifier: Apache-2.0
// Packed ternary weight formats, defined once for every engine (golden model, HLS, RTL).
//
// Two packings, both row-major over a [rows, cols] matrix, each row starting on a byte boundary:
//  * two_bit  : 4 trits per byte, trit k of a byte in bits [2k+1:2k]; code 0b00 = 0, 0b01 = +1,
//               0b11 = -1 (two's complement), 0b10 is invalid. 2 bits per weight.
//  * five_trit: 5 trits per byte, byte = sum_k (t_k + 1) * 3^k for k = 0..4, so 0..242;
//               243..255 are invalid. 1.6 bits per weight.
// Padding trits at the end of a row are 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mmf {

enum class Packing : uint8_t { two_bit, five_trit };

template <Packing P>
struct PackingTraits;

template <>
struct PackingTraits<Packing::two_bit> {
  static constexpr int trits_per_byte = 4;
  static constexpr int bits_per_trit = 2;
  static constexpr uint8_t code_zero = 0b00, code_plus = 0b01, code_minus = 0b11;
};

template <>
struct PackingTraits<Packing::five_trit> {
  static constexpr int trits_per_byte = 5;
  static constexpr int max_byte = 242;  // 3^5 - 1
};

static_assert(PackingTraits<Packing::two_bit>::trits_per_byte *
                      PackingTraits<Packing::two_bit>::bits_per_trit ==
                  8,
              "two_bit packing fills a byte exactly");
static_assert(PackingTraits<Packing::five_trit>::max_byte == 3 * 3 * 3 * 3 * 3 - 1,
              "five_trit packing uses base-3 digits");

constexpr int trits_per_byte(Packing p) {
  return p == Packing::two_bit ? PackingTraits<Packing::two_bit>::trits_per_byte
                               : PackingTraits<Packing::five_trit>::trits_per_byte;
}

// Bytes of one packed row of `cols` trits.
constexpr size_t packed_row_bytes(size_t cols, Packing p) {
  return (cols + trits_per_byte(p) - 1) / trits_per_byte(p);
}

// Packed weight bits per weight, for reports (2.0 or 1.6).
constexpr double bits_per_weight(Packing p) {
  return 8.0 / trits_per_byte(p);
}

// "2bit" / "1.6bit": the names used in files, YAML and on the command line.
const char* packing_name(Packing p);
// Parses a packing name; throws mmf::Error naming `what` on anything else.
Packing parse_packing(const std::string& name, const std::string& what);

// Packs `cols` trits (each -1, 0 or +1) into packed_row_bytes(cols, p) bytes at `out`.
void pack_row(const int8_t* trits, size_t cols, Packing p, uint8_t* out);
// Unpacks one row. Returns false if a byte holds an invalid code.
bool unpack_row(const uint8_t* packed, size_t cols, Packing p, int8_t* trits);

// Whole matrices: row-major trits [rows*cols] <-> rows*packed_row_bytes bytes.
std::vector<uint8_t> pack_matrix(const std::vector<int8_t>& trits, size_t rows, size_t cols,
                                 Packing p);
bool unpack_matrix(const std::vector<uint8_t>& packed, size_t rows, size_t cols, Packing p,
                   std::vector<int8_t>& trits);

// Lookup table decoding one packed byte to its trits; used by the hot loops of the engines.
struct TritDecodeTable {
  int8_t trits[256][5];
  bool valid[256];
};
const TritDecodeTable& trit_decode_table(Packing p);

}  // namespace mmf

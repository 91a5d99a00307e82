// SPDX-License-Identifier: Apache-2.0
// Pack/unpack of the two ternary formats declared in ternary_pack.hpp.
#include "mmf/ternary_pack.hpp"

#include "mmf/error.hpp"

namespace mmf {
namespace {

using TwoBit = PackingTraits<Packing::two_bit>;

uint8_t encode_two_bit(int8_t t) {
  return t > 0 ? TwoBit::code_plus : (t < 0 ? TwoBit::code_minus : TwoBit::code_zero);
}

TritDecodeTable build_table(Packing p) {
  TritDecodeTable table{};
  for (int b = 0; b < 256; ++b) {
    bool valid = true;
    if (p == Packing::two_bit) {
      for (int k = 0; k < TwoBit::trits_per_byte; ++k) {
        const int code = (b >> (2 * k)) & 3;
        valid = valid && code != 0b10;
        table.trits[b][k] = static_cast<int8_t>(code == TwoBit::code_plus    ? 1
                                                : code == TwoBit::code_minus ? -1
                                                                             : 0);
      }
    } else {
      valid = b <= PackingTraits<Packing::five_trit>::max_byte;
      int rest = b;
      for (int k = 0; k < 5; ++k) {
        table.trits[b][k] = static_cast<int8_t>(rest % 3 - 1);
        rest /= 3;
      }
    }
    table.valid[b] = valid;
  }
  return table;
}

}  // namespace

const char* packing_name(Packing p) {
  return p == Packing::two_bit ? "2bit" : "1.6bit";
}

Packing parse_packing(const std::string& name, const std::string& what) {
  if (name == "2bit") return Packing::two_bit;
  if (name == "1.6bit") return Packing::five_trit;
  throw Error(what + ": unknown packing '" + name + "' (expected 2bit or 1.6bit)");
}

const TritDecodeTable& trit_decode_table(Packing p) {
  // Immutable after construction (thread-safe static init): not hidden mutable state.
  static const TritDecodeTable two_bit = build_table(Packing::two_bit);
  static const TritDecodeTable five_trit = build_table(Packing::five_trit);
  return p == Packing::two_bit ? two_bit : five_trit;
}

void pack_row(const int8_t* trits, size_t cols, Packing p, uint8_t* out) {
  const size_t bytes = packed_row_bytes(cols, p);
  const size_t per = static_cast<size_t>(trits_per_byte(p));
  for (size_t b = 0; b < bytes; ++b) {
    unsigned value = 0;
    if (p == Packing::two_bit) {
      for (size_t k = 0; k < per && b * per + k < cols; ++k) {
        value |= static_cast<unsigned>(encode_two_bit(trits[b * per + k])) << (2 * k);
      }
    } else {
      unsigned weight = 1;
      for (size_t k = 0; k < per; ++k, weight *= 3) {
        const size_t i = b * per + k;
        const int t = i < cols ? (trits[i] > 0 ? 1 : (trits[i] < 0 ? -1 : 0)) : 0;
        value += static_cast<unsigned>(t + 1) * weight;
      }
    }
    out[b] = static_cast<uint8_t>(value);
  }
}

bool unpack_row(const uint8_t* packed, size_t cols, Packing p, int8_t* trits) {
  const TritDecodeTable& table = trit_decode_table(p);
  const size_t per = static_cast<size_t>(trits_per_byte(p));
  const size_t bytes = packed_row_bytes(cols, p);
  for (size_t b = 0; b < bytes; ++b) {
    const uint8_t byte = packed[b];
    if (!table.valid[byte]) return false;
    for (size_t k = 0; k < per && b * per + k < cols; ++k)
      trits[b * per + k] = table.trits[byte][k];
  }
  return true;
}

std::vector<uint8_t> pack_matrix(const std::vector<int8_t>& trits, size_t rows, size_t cols,
                                 Packing p) {
  const size_t stride = packed_row_bytes(cols, p);
  std::vector<uint8_t> out(rows * stride);
  for (size_t r = 0; r < rows; ++r) pack_row(&trits[r * cols], cols, p, &out[r * stride]);
  return out;
}

bool unpack_matrix(const std::vector<uint8_t>& packed, size_t rows, size_t cols, Packing p,
                   std::vector<int8_t>& trits) {
  const size_t stride = packed_row_bytes(cols, p);
  if (packed.size() != rows * stride) return false;
  trits.assign(rows * cols, 0);
  for (size_t r = 0; r < rows; ++r) {
    if (!unpack_row(&packed[r * stride], cols, p, &trits[r * cols])) return false;
  }
  return true;
}

}  // namespace mmf

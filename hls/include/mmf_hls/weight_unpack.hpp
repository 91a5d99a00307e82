// SPDX-License-Identifier: Apache-2.0
// The weight unpacker of a channel (mirrors rtl/mmf/mmf_weight_unpack.sv): between the burst
// reader and the accumulator, it turns a job's 1.6-bit beats into the 2-bit words the
// accumulator takes (models/include/mmf/ternary_pack.hpp defines both packings). A 2-bit job
// passes through.
//
// A 1.6-bit job of W words is its words' trits (word 0 first, lane 0 first), five to a byte
// (byte = sum_k (t_k + 1) 3^k), in ceil(4 W / 5) beats of Lanes / 4 bytes, the last beat's tail
// padding. A beat decodes to 5 blocks of Lanes / 4 trits and a word is 4 blocks, so word w is
// blocks (4 w mod 5) .. + 3 of the beat holding its first trit and the next one. Bytes
// 243..255 (no packing makes them) decode to zero trits, as in the RTL.
#pragma once

#include <ap_int.h>
#include <hls_stream.h>

#include <cstdint>

#include "mmf/ternary_pack.hpp"

namespace mmf_hls {

// Byte -> its five trits' 2-bit codes, trit k in bits [2k+1:2k]; a ROM of 256 entries.
struct FiveTritTable {
  uint16_t codes[256];
  constexpr FiveTritTable() : codes() {
    using TwoBit = mmf::PackingTraits<mmf::Packing::two_bit>;
    using FiveTrit = mmf::PackingTraits<mmf::Packing::five_trit>;
    for (int b = 0; b <= FiveTrit::max_byte; ++b) {
      int v = b;
      uint16_t word = 0;
      for (int k = 0; k < FiveTrit::trits_per_byte; ++k) {
        const int digit = v % 3;  // the trit + 1
        const uint16_t code = digit == 0   ? TwoBit::code_minus
                              : digit == 1 ? TwoBit::code_zero
                                           : TwoBit::code_plus;
        word = static_cast<uint16_t>(word | code << (2 * k));
        v /= 3;
      }
      codes[b] = word;
    }
  }
};
inline constexpr FiveTritTable kFiveTritTable{};

// Beats of a 1.6-bit job of `words` words.
inline uint64_t five_trit_beats(uint64_t words) {
  return (4 * words + 4) / 5;
}

// A beat's 5 blocks as 2-bit codes: block b, trit i at blocks[b] bits [2i+1:2i].
template <class Cfg>
void decode_beat(const typename Cfg::weight_word_t& beat,
                 ap_uint<Cfg::weight_word_bits / 4> blocks[5]) {
  constexpr int kBlockTrits = Cfg::lanes / 4;
  for (int j = 0; j < Cfg::lanes / 4; ++j) {
#pragma HLS UNROLL
    const uint16_t codes =
        kFiveTritTable.codes[static_cast<uint32_t>(beat.range(8 * j + 7, 8 * j))];
    for (int k = 0; k < 5; ++k) {
#pragma HLS UNROLL
      const int trit = 5 * j + k;  // in the beat
      blocks[trit / kBlockTrits].range(2 * (trit % kBlockTrits) + 1, 2 * (trit % kBlockTrits)) =
          (codes >> (2 * k)) & 3u;
    }
  }
}

// Unpacks one job: `words` 2-bit words to `out`, from `words` beats of `in` (2-bit) or
// five_trit_beats(words) beats (1.6-bit, `packed`).
template <class Cfg>
void unpack_weights(hls::stream<typename Cfg::weight_word_t>& in, uint64_t words, bool packed,
                    hls::stream<typename Cfg::weight_word_t>& out) {
  if (!packed) {
    for (uint64_t w = 0; w < words; ++w) {
#pragma HLS PIPELINE II = 1
      out.write(in.read());
    }
    return;
  }
  using Block = ap_uint<Cfg::weight_word_bits / 4>;
  constexpr int kBlockBits = Cfg::weight_word_bits / 4;
  // Beat `base` decoded in window[0..4], beat base + 1 (once read) in window[5..9].
  Block window[10];
#pragma HLS ARRAY_PARTITION variable = window complete
  uint64_t base = 0, loaded = 0;
  for (uint64_t w = 0; w < words; ++w) {
#pragma HLS PIPELINE II = 1
    const uint64_t first = 4 * w / 5;                   // the beat of the word's first trit
    const int phase = static_cast<int>((4 * w) % 5);    // its first block in that beat
    const uint64_t need = first + (phase > 1 ? 2 : 1);  // blocks past 4 are in the next beat
    if (first != base) {  // first == base + 1: the second beat becomes the first
      for (int b = 0; b < 5; ++b) window[b] = window[5 + b];
      base = first;
    }
    for (; loaded < need; ++loaded) {
      Block decoded[5];
#pragma HLS ARRAY_PARTITION variable = decoded complete
      decode_beat<Cfg>(in.read(), decoded);
      const int at = loaded == base ? 0 : 5;
      for (int b = 0; b < 5; ++b) window[at + b] = decoded[b];
    }
    typename Cfg::weight_word_t word = 0;
    for (int b = 0; b < 4; ++b) {
#pragma HLS UNROLL
      for (int part = 0; part < kBlockBits; part += 32) {
        const int hi = part + 31 < kBlockBits ? part + 31 : kBlockBits - 1;
        word.range(b * kBlockBits + hi, b * kBlockBits + part) = window[phase + b].range(hi, part);
      }
    }
    out.write(word);
  }
  // The last word's `need` is five_trit_beats(words): every beat was read, the last one's
  // padding blocks with it.
}

}  // namespace mmf_hls

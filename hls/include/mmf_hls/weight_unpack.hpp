// SPDX-License-Identifier: Apache-2.0
// The weight unpacker of a channel (the function of rtl/mmf/mmf_weight_unpack.sv): between the
// burst reader and the accumulator, it turns a job's 1.6-bit beats into the 2-bit words the
// accumulator takes (models/include/mmf/ternary_pack.hpp defines both packings, WeightTile in
// program_format.hpp the layout). A 2-bit job passes through. The RTL unit sits at the memory
// port, before the weight FIFO, and decodes half a beat a cycle through block-RAM tables; here
// it is one stage of the channel's dataflow region, a word a cycle.
//
// A 1.6-bit job is row blocks of W words. Each row block is its words' trits (word 0 first,
// lane 0 first), five to a byte (byte = sum_k (t_k + 1) 3^k), in
// WeightTile::five_trit_beats(W) = ceil(4 W / 5) beats of Lanes / 4 bytes, the last beat's
// tail padding; the next row block starts at a fresh beat. A beat decodes to 5 quarters of
// Lanes / 4 trits and a word is 4 quarters, so word w of a row block is quarters
// (4 w mod 5) .. + 3 of the block's beat holding its first trit and the next one. Bytes
// 243..255 (no packing makes them) decode to zero trits, as in the RTL.
#pragma once

#include <ap_int.h>
#include <hls_stream.h>

#include <cstdint>

#include "mmf/ternary_pack.hpp"
#include "mmf_hls/program_format.hpp"

namespace mmf_hls {

// Byte -> its five trits' 2-bit codes, trit k in bits [2k+1:2k]; a ROM of 256 entries. Its
// loops run at compile time (a constexpr constructor, where C++17 allows no loop labels): no
// hardware loop.
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

// A beat's 5 quarters as 2-bit codes: quarter b, trit i at quarters[b] bits [2i+1:2i].
template <class Cfg>
void decode_beat(const typename Cfg::weight_word_t& beat,
                 ap_uint<Cfg::weight_word_bits / 4> quarters[5]) {
  constexpr int kQuarterTrits = Cfg::lanes / 4;
beat_bytes:
  for (int j = 0; j < Cfg::lanes / 4; ++j) {
#pragma HLS UNROLL
    const uint16_t codes =
        kFiveTritTable.codes[static_cast<uint32_t>(beat.range(8 * j + 7, 8 * j))];
  byte_trits:
    for (int k = 0; k < 5; ++k) {
#pragma HLS UNROLL
      const int trit = 5 * j + k;  // in the beat
      quarters[trit / kQuarterTrits].range(2 * (trit % kQuarterTrits) + 1,
                                           2 * (trit % kQuarterTrits)) = (codes >> (2 * k)) & 3u;
    }
  }
}

// Unpacks one job of `blocks` row blocks of `row_words` words: blocks * row_words 2-bit words
// to `out`, from as many beats of `in` (2-bit) or, when `packed` (1.6-bit), from
// WeightTile::five_trit_beats(row_words) beats a row block. Reads no beat past the job's.
template <class Cfg>
void unpack_weights(hls::stream<typename Cfg::weight_word_t>& in, uint64_t blocks,
                    uint32_t row_words, bool packed,
                    hls::stream<typename Cfg::weight_word_t>& out) {
  [[maybe_unused]] constexpr uint64_t kMaxBlocks =
      uint64_t{kMaxRows} / Cfg::weight_channels / Cfg::tile_rows;
  [[maybe_unused]] constexpr int kMaxRowWords = Cfg::code_buffer / Cfg::tile_cols;
  [[maybe_unused]] constexpr uint64_t kMaxWords = kMaxBlocks * kMaxRowWords;
  if (!packed) {
    const uint64_t words = blocks * row_words;
  pass_words:
    for (uint64_t w = 0; w < words; ++w) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxWords
#pragma HLS PIPELINE II = 1
      out.write(in.read());
    }
    return;
  }
  using Quarter = ap_uint<Cfg::weight_word_bits / 4>;
  constexpr int kQuarterBits = Cfg::weight_word_bits / 4;
  // Beat `base` of the row block decoded in window[0..4], beat base + 1 (once read) in
  // window[5..9].
  Quarter window[10];
#pragma HLS ARRAY_PARTITION variable = window complete
unpack_blocks:
  for (uint64_t b = 0; b < blocks; ++b) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxBlocks
    uint32_t base = 0, loaded = 0;  // beats of this row block: the window's first, those read
  unpack_words:
    for (uint32_t w = 0; w < row_words; ++w) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxRowWords
#pragma HLS PIPELINE II = 1
      const uint32_t first = static_cast<uint32_t>(uint64_t{4} * w / 5);  // beat of its 1st trit
      const int phase = static_cast<int>((uint64_t{4} * w) % 5);          // its first quarter there
      const uint32_t need = first + (phase > 1 ? 2 : 1);  // quarters past 4 are in the next beat
      if (first != base) {  // first == base + 1: the second beat becomes the first
      shift_window:
        for (int q = 0; q < 5; ++q) window[q] = window[5 + q];
        base = first;
      }
    read_beats:  // at most 2 a word: first + 2 beats are needed by the word at most
      for (; loaded < need; ++loaded) {
#pragma HLS LOOP_TRIPCOUNT min = 0 max = 2
        Quarter decoded[5];
#pragma HLS ARRAY_PARTITION variable = decoded complete
        decode_beat<Cfg>(in.read(), decoded);
        const int at = loaded == base ? 0 : 5;
      fill_window:
        for (int q = 0; q < 5; ++q) window[at + q] = decoded[q];
      }
      typename Cfg::weight_word_t word = 0;
    word_quarters:
      for (int q = 0; q < 4; ++q) {
#pragma HLS UNROLL
      quarter_parts:
        for (int part = 0; part < kQuarterBits; part += 32) {
          const int hi = part + 31 < kQuarterBits ? part + 31 : kQuarterBits - 1;
          word.range(q * kQuarterBits + hi, q * kQuarterBits + part) =
              window[phase + q].range(hi, part);
        }
      }
      out.write(word);
    }
    // The last word's `need` is five_trit_beats(row_words): every beat of the row block was
    // read, the last one's padding with it, and none of the next row block's.
  }
}

}  // namespace mmf_hls

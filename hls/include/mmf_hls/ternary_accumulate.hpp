// SPDX-License-Identifier: Apache-2.0
// Ternary accumulate unit: a stream of 2-bit weight words times int8 activation codes gives
// int32 row sums. No multiplier: each trit adds, subtracts or skips its code. One weight word per
// cycle per channel: a tile of Cfg::tile_rows rows x Cfg::tile_cols columns (WeightTile in
// program_format.hpp), so tile_cols codes serve tile_rows row sums a cycle.
#pragma once

#include <ap_int.h>
#include <hls_stream.h>

#include <cstdint>

#include "mmf_hls/accel_traits.hpp"
#include "mmf_hls/weight_unpack.hpp"

namespace mmf_hls {

// Codes travel to the channels a tile's columns at a time.
template <class Cfg>
struct CodeWord {
  int8_t code[Cfg::tile_cols];  // read all at once: one wide word (AGGREGATE, channel_matvec)
};

// One BitLinear's weight geometry (program_format.hpp, kOpBitLinear).
struct MatvecJob {
  uint32_t rows;     // output rows, dealt round-robin over the channels
  uint32_t n;        // input values (trits per row before padding)
  uint32_t weight;   // first weight word of the tensor in every channel
  uint32_t packing;  // WeightPacking of the tensor (kFieldPacking)
};

template <class Cfg>
WeightTile weight_tile_of() {
  return WeightTile{Cfg::lanes, Cfg::tile_rows, Cfg::weight_channels};
}

// Weight words of one row block (= code words of the job).
template <class Cfg>
uint32_t words_per_row(const MatvecJob& job) {
  return static_cast<uint32_t>(weight_tile_of<Cfg>().block_words(job.n));
}

// Rows of the job that channel `c` holds: r = c, c + channels, ...
template <class Cfg>
uint32_t channel_rows(const MatvecJob& job, uint32_t c) {
  return weight_tile_of<Cfg>().channel_rows(job.rows, c);
}

// Sum of code[k] * trit[k] over the columns of tile row `tr` of one weight word.
template <class Cfg>
int32_t accumulate_tile_row(const typename Cfg::weight_word_t& word, const CodeWord<Cfg>& codes,
                            int tr) {
  using TwoBit = typename Cfg::TwoBit;
  int32_t sum = 0;
tile_columns:
  for (int k = 0; k < Cfg::tile_cols; ++k) {
#pragma HLS UNROLL
    const int lane = tr * Cfg::tile_cols + k;
    const auto trit = static_cast<uint32_t>(word.range(2 * lane + 1, 2 * lane));
    const int32_t code = codes.code[k];
    // 0b10 never occurs in an image the host compiled; like 0b00 it adds nothing.
    sum += trit == TwoBit::code_plus ? code : (trit == TwoBit::code_minus ? -code : 0);
  }
  return sum;
}

// Accumulates `rows` rows from `weights`, tile_rows rows at a time over `row_words` words per
// block, against `codes` (row_words code words, the tail past n zero-weighted), and writes one
// sum per row in row order (a last block's padding rows are not written).
template <class Cfg>
void accumulate_rows(hls::stream<typename Cfg::weight_word_t>& weights, const CodeWord<Cfg>* codes,
                     uint32_t rows, uint32_t row_words, hls::stream<int32_t>& sums) {
  [[maybe_unused]] constexpr uint32_t kMaxBlocks = kMaxRows / Cfg::tile_rows;
  [[maybe_unused]] constexpr int kMaxRowWords = Cfg::code_buffer / Cfg::tile_cols;
row_blocks:
  for (uint32_t first = 0; first < rows; first += Cfg::tile_rows) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxBlocks
    int32_t acc[Cfg::tile_rows];
#pragma HLS ARRAY_PARTITION variable = acc complete
  clear_sums:
    for (int tr = 0; tr < Cfg::tile_rows; ++tr) {
#pragma HLS UNROLL
      acc[tr] = 0;
    }
  block_words:
    for (uint32_t w = 0; w < row_words; ++w) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxRowWords
#pragma HLS PIPELINE II = 1
      const typename Cfg::weight_word_t word = weights.read();
    tile_rows:
      for (int tr = 0; tr < Cfg::tile_rows; ++tr) {
#pragma HLS UNROLL
        acc[tr] += accumulate_tile_row<Cfg>(word, codes[w], tr);
      }
    }
    const uint32_t left = rows - first;
    const uint32_t count = left < static_cast<uint32_t>(Cfg::tile_rows) ? left : Cfg::tile_rows;
  write_sums:
    for (uint32_t tr = 0; tr < count; ++tr) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = Cfg::tile_rows
#pragma HLS PIPELINE II = 1
      sums.write(acc[tr]);
    }
  }
}

// Burst reader of one weight channel: `count` words from word offset `first`.
template <class Cfg>
void read_weights(const typename Cfg::weight_word_t* channel, uint64_t first, uint64_t count,
                  hls::stream<typename Cfg::weight_word_t>& out) {
  // A channel's share of a kMaxRows-row tensor of full code buffers.
  [[maybe_unused]] constexpr uint64_t kMaxWords = uint64_t{kMaxRows} / Cfg::weight_channels /
                                                  Cfg::tile_rows *
                                                  (Cfg::code_buffer / Cfg::tile_cols);
read_weights:
  for (uint64_t k = 0; k < count; ++k) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxWords
#pragma HLS PIPELINE II = 1
    out.write(channel[first + k]);
  }
}

// Sends the job's code words to every channel.
template <class Cfg>
void broadcast_codes(const int8_t* codes, const MatvecJob& job,
                     hls::stream<CodeWord<Cfg>> out[Cfg::weight_channels]) {
  const uint32_t row_words = words_per_row<Cfg>(job);
  [[maybe_unused]] constexpr int kMaxRowWords = Cfg::code_buffer / Cfg::tile_cols;
broadcast_words:
  for (uint32_t w = 0; w < row_words; ++w) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxRowWords
#pragma HLS PIPELINE II = 1
    CodeWord<Cfg> word;
  gather_codes:
    for (int k = 0; k < Cfg::tile_cols; ++k) {
#pragma HLS UNROLL
      word.code[k] = codes[w * Cfg::tile_cols + k];
    }
  to_channels:
    for (int c = 0; c < Cfg::weight_channels; ++c) {
#pragma HLS UNROLL
      out[c].write(word);
    }
  }
}

// Keeps a channel-local copy of the job's codes (every row of the channel reuses them).
template <class Cfg>
void load_codes(hls::stream<CodeWord<Cfg>>& codes_in, const MatvecJob& job,
                CodeWord<Cfg> codes[Cfg::code_buffer / Cfg::tile_cols]) {
  const uint32_t row_words = words_per_row<Cfg>(job);
  [[maybe_unused]] constexpr int kMaxRowWords = Cfg::code_buffer / Cfg::tile_cols;
load_codes:
  for (uint32_t w = 0; w < row_words; ++w) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxRowWords
#pragma HLS PIPELINE II = 1
    codes[w] = codes_in.read();
  }
}

// One channel of a BitLinear: streams the weight blocks of the rows it holds and emits one sum
// per row. The code copy, the burst reader, the unpacker (a build that decodes 1.6-bit
// weights) and the accumulator are one dataflow region.
template <class Cfg>
void channel_matvec(const typename Cfg::weight_word_t* channel, uint32_t c, const MatvecJob& job,
                    hls::stream<CodeWord<Cfg>>& codes_in, hls::stream<int32_t>& sums) {
#pragma HLS DATAFLOW
  // A code word (tile_cols codes) a cycle: each word one wide memory word (AGGREGATE).
  CodeWord<Cfg> codes[Cfg::code_buffer / Cfg::tile_cols];
#pragma HLS AGGREGATE variable = codes
  hls::stream<typename Cfg::weight_word_t> beats("beats");
#pragma HLS STREAM variable = beats depth = 64
  const uint32_t rows = channel_rows<Cfg>(job, c);
  const uint32_t row_words = words_per_row<Cfg>(job);
  const WeightTile tile = weight_tile_of<Cfg>();
  load_codes<Cfg>(codes_in, job, codes);
  read_weights<Cfg>(channel, job.weight, tile.read_units(job.rows, job.n, c, job.packing), beats);
  if constexpr (Cfg::five_trit) {
    hls::stream<typename Cfg::weight_word_t> words("weights");
#pragma HLS STREAM variable = words depth = 2
    unpack_weights<Cfg>(beats, tile.blocks(rows), row_words, job.packing == kPackFiveTrit, words);
    accumulate_rows<Cfg>(words, codes, rows, row_words, sums);
  } else {
    accumulate_rows<Cfg>(beats, codes, rows, row_words, sums);
  }
}

// Puts the channels' row sums back in row order.
template <class Cfg>
void merge_rows(const MatvecJob& job, hls::stream<int32_t> sums[Cfg::weight_channels],
                hls::stream<int32_t>& out) {
merge_rows:
  for (uint32_t r = 0; r < job.rows; ++r) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxRows
#pragma HLS PIPELINE II = 1
    out.write(sums[r % Cfg::weight_channels].read());
  }
}

}  // namespace mmf_hls

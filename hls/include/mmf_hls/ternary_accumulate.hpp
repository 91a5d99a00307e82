// SPDX-License-Identifier: Apache-2.0
// Ternary accumulate unit: a stream of 2-bit weight words times int8 activation codes gives
// int32 row sums. No multiplier: each trit adds, subtracts or skips its code. One weight word
// (Cfg::lanes trits) per cycle per channel.
#pragma once

#include <ap_int.h>
#include <hls_stream.h>

#include <cstdint>

#include "mmf_hls/accel_traits.hpp"

namespace mmf_hls {

// Codes travel to the channels a weight word's worth at a time.
template <class Cfg>
struct CodeWord {
  int8_t code[Cfg::lanes];
};

// One BitLinear's weight geometry (program_format.hpp, kOpBitLinear).
struct MatvecJob {
  uint32_t rows;    // output rows, dealt round-robin over the channels
  uint32_t n;       // input values (trits per row before padding)
  uint32_t weight;  // first weight word of the tensor in every channel
};

template <class Cfg>
uint32_t words_per_row(const MatvecJob& job) {
  return (job.n + Cfg::lanes - 1) / Cfg::lanes;
}

// Rows of the job that channel `c` holds: r = c, c + channels, ...
template <class Cfg>
uint32_t channel_rows(const MatvecJob& job, uint32_t c) {
  return job.rows > c ? (job.rows - c + Cfg::weight_channels - 1) / Cfg::weight_channels : 0;
}

// Sum of code[k] * trit[k] over the lanes of one weight word.
template <class Cfg>
int32_t accumulate_word(const typename Cfg::weight_word_t& word, const CodeWord<Cfg>& codes) {
  using TwoBit = typename Cfg::TwoBit;
  int32_t sum = 0;
  for (int k = 0; k < Cfg::lanes; ++k) {
#pragma HLS UNROLL
    const auto trit = static_cast<uint32_t>(word.range(2 * k + 1, 2 * k));
    const int32_t code = codes.code[k];
    // 0b10 never occurs in an image the host compiled; like 0b00 it adds nothing.
    sum += trit == TwoBit::code_plus ? code : (trit == TwoBit::code_minus ? -code : 0);
  }
  return sum;
}

// Accumulates `rows` rows of `row_words` weight words each from `weights` against `codes`
// (row_words code words, the tail past n zero-weighted) and writes one sum per row.
template <class Cfg>
void accumulate_rows(hls::stream<typename Cfg::weight_word_t>& weights, const CodeWord<Cfg>* codes,
                     uint32_t rows, uint32_t row_words, hls::stream<int32_t>& sums) {
  for (uint32_t r = 0; r < rows; ++r) {
    int32_t sum = 0;
    for (uint32_t w = 0; w < row_words; ++w) {
#pragma HLS PIPELINE II = 1
      sum += accumulate_word<Cfg>(weights.read(), codes[w]);
    }
    sums.write(sum);
  }
}

// Burst reader of one weight channel: `count` words from word offset `first`.
template <class Cfg>
void read_weights(const typename Cfg::weight_word_t* channel, uint64_t first, uint64_t count,
                  hls::stream<typename Cfg::weight_word_t>& out) {
  for (uint64_t k = 0; k < count; ++k) {
#pragma HLS PIPELINE II = 1
    out.write(channel[first + k]);
  }
}

// Sends the job's code words to every channel.
template <class Cfg>
void broadcast_codes(const int8_t* codes, const MatvecJob& job,
                     hls::stream<CodeWord<Cfg>> out[Cfg::weight_channels]) {
  const uint32_t row_words = words_per_row<Cfg>(job);
  for (uint32_t w = 0; w < row_words; ++w) {
#pragma HLS PIPELINE II = 1
    CodeWord<Cfg> word;
    for (int k = 0; k < Cfg::lanes; ++k) {
#pragma HLS UNROLL
      word.code[k] = codes[w * Cfg::lanes + k];
    }
    for (int c = 0; c < Cfg::weight_channels; ++c) {
#pragma HLS UNROLL
      out[c].write(word);
    }
  }
}

// Keeps a channel-local copy of the job's codes (every row of the channel reuses them).
template <class Cfg>
void load_codes(hls::stream<CodeWord<Cfg>>& codes_in, const MatvecJob& job,
                CodeWord<Cfg> codes[Cfg::code_buffer / Cfg::lanes]) {
  const uint32_t row_words = words_per_row<Cfg>(job);
  for (uint32_t w = 0; w < row_words; ++w) {
#pragma HLS PIPELINE II = 1
    codes[w] = codes_in.read();
  }
}

// One channel of a BitLinear: streams the weights of the rows it holds and emits one sum per
// row. The code copy, the burst reader and the accumulator are one dataflow region.
template <class Cfg>
void channel_matvec(const typename Cfg::weight_word_t* channel, uint32_t c, const MatvecJob& job,
                    hls::stream<CodeWord<Cfg>>& codes_in, hls::stream<int32_t>& sums) {
#pragma HLS DATAFLOW
  CodeWord<Cfg> codes[Cfg::code_buffer / Cfg::lanes];
  hls::stream<typename Cfg::weight_word_t> words("weights");
#pragma HLS STREAM variable = words depth = 64
  const uint32_t rows = channel_rows<Cfg>(job, c);
  const uint32_t row_words = words_per_row<Cfg>(job);
  load_codes<Cfg>(codes_in, job, codes);
  read_weights<Cfg>(channel, job.weight, uint64_t{rows} * row_words, words);
  accumulate_rows<Cfg>(words, codes, rows, row_words, sums);
}

// Puts the channels' row sums back in row order.
template <class Cfg>
void merge_rows(const MatvecJob& job, hls::stream<int32_t> sums[Cfg::weight_channels],
                hls::stream<int32_t>& out) {
  for (uint32_t r = 0; r < job.rows; ++r) {
#pragma HLS PIPELINE II = 1
    out.write(sums[r % Cfg::weight_channels].read());
  }
}

}  // namespace mmf_hls

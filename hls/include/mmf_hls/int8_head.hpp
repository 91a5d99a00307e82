// SPDX-License-Identifier: Apache-2.0
// Int8 head unit (golden: mmf::fx::head_logits): the final norm's codes against int8 rows dealt
// over the weight channels (program_format.hpp, Int8Tile), one int8 dot product a row, each
// rescaled by the token scale times the row's own constant from the vector bank.
#pragma once

#include <hls_stream.h>

#include <cstdint>

#include "mmf/fixed_lanes.hpp"
#include "mmf_hls/kv_cache.hpp"
#include "mmf_hls/program_format.hpp"

namespace mmf_hls {

// One channel's rows: a dot product of row_words words against the codes, a sum a row.
template <class Cfg>
void channel_int8_rows(const typename Cfg::weight_port_t* channel, uint64_t first, uint32_t rows,
                       uint32_t n, const int8_t* codes, hls::stream<int32_t>& sums) {
  constexpr uint32_t kWordBytes = Cfg::lanes / 4;
  const uint64_t row_words = ceil_div(n, kWordBytes);
int8_rows:
  for (uint32_t i = 0; i < rows; ++i) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxRows / Cfg::weight_channels
    int32_t sum = 0;
  int8_words:
    for (uint64_t w = 0; w < row_words; ++w) {
#pragma HLS PIPELINE II = 1
      const typename Cfg::weight_word_t word = channel[first + i * row_words + w];
    int8_bytes:
      for (uint32_t b = 0; b < kWordBytes; ++b) {
#pragma HLS UNROLL
        const uint64_t k = w * kWordBytes + b;
        if (k < n) sum += int32_t{codes[k]} * word_byte<Cfg>(word, b);
      }
    }
    sums.write(sum);
  }
}

// Head (descriptor d) of the codes (n values) with the token scale: rows to buffer `buffer` or,
// with dst == kDstMemory, to vec[addr2..].
template <class Cfg>
void int8_head(const typename Cfg::weight_port_t* const* weights, uint32_t* vec, const uint32_t* d,
               const int8_t* codes, mmf::fx::Scaled token_scale, int32_t* buffer) {
  if constexpr (Cfg::attention) {
    const uint32_t rows = d[kFieldRows], n = d[kFieldN];
    const Int8Tile tile = int8_tile(device_limits<Cfg>(0, 0));
    hls::stream<int32_t> sums[Cfg::weight_channels];
  channels:
    for (int ch = 0; ch < Cfg::weight_channels; ++ch) {
#pragma HLS UNROLL
      channel_int8_rows<Cfg>(weights[ch], d[kFieldWeight],
                             tile.channel_rows(rows, static_cast<uint32_t>(ch)), n, codes,
                             sums[ch]);
    }
    const bool to_memory = d[kFieldDst] == kDstMemory;
  head_rows:
    for (uint32_t r = 0; r < rows; ++r) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxRows
#pragma HLS PIPELINE II = 1
      const uint64_t at = d[kFieldAddr0] + uint64_t{2} * r;
      const mmf::fx::Scaled constant{vec[at], static_cast<int32_t>(vec[at + 1])};
      const int32_t v = mmf::fx::apply_scale(sums[r % Cfg::weight_channels].read(),
                                             mmf::fx::combine_scales(token_scale, constant));
      if (to_memory) {
        vec[d[kFieldAddr2] + r] = static_cast<uint32_t>(v);
      } else {
        buffer[r] = v;
      }
    }
  } else {
    (void)weights, (void)vec, (void)d, (void)codes, (void)token_scale, (void)buffer;
  }
}

}  // namespace mmf_hls

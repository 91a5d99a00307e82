// SPDX-License-Identifier: Apache-2.0
// The KV cache in the weight channels (program_format.hpp, KvLayout): the KvAppend unit, which
// quantizes each head of K and V (golden: mmf::fx::quantize_head) into the channel that holds
// the position, and the word access the attention unit reads it with.
#pragma once

#include <cstdint>

#include "mmf/fixed_lanes.hpp"
#include "mmf_hls/accel_traits.hpp"
#include "mmf_hls/program_format.hpp"
#include "mmf_hls/vector_loop.hpp"

namespace mmf_hls {

// The int8 value in byte b of a weight word.
template <class Cfg>
int8_t word_byte(const typename Cfg::weight_word_t& word, uint32_t b) {
  return static_cast<int8_t>(static_cast<uint8_t>(word.range(8 * b + 7, 8 * b)));
}

// The KV layout of descriptor d on this build.
template <class Cfg>
KvLayout kv_layout_of(const uint32_t* d) {
  return kv_layout(d, device_limits<Cfg>(0, 0));
}

// One head of `head_dim` values into int8 codes and its Q16 absmax (0: codes 0), as
// fx::quantize_head: a maxima pass and a code pass.
template <class Cfg>
uint32_t quantize_head(const int32_t* v, uint32_t head_dim, int8_t* codes) {
  using namespace mmf::fx;
  uint64_t amax = 0;
  vector_loop<Cfg>(head_dim, [&](uint32_t e) {
    const uint64_t m = magnitude(v[e]);
    amax = m > amax ? m : amax;
  });
  const uint64_t recip = amax == 0 ? 0 : quantize_recip(amax);
  vector_loop<Cfg>(head_dim, [&](uint32_t e) { codes[e] = quantize_code(v[e], recip); });
  return static_cast<uint32_t>(amax);
}

// KvAppend (descriptor d) at position p: K from buffer k, V from buffer v. The row words are
// written whole; a scale goes into its 4 bytes of a scale word (the RTL writes it with byte
// strobes; here the word is read, changed and written back).
template <class Cfg>
void kv_append(typename Cfg::weight_port_t* const* weights, const uint32_t* d, uint32_t p,
               const int32_t* k, const int32_t* v) {
  if constexpr (Cfg::attention) {
    using Word = typename Cfg::weight_word_t;
    constexpr uint32_t kWordBytes = Cfg::lanes / 4;
    const KvLayout kv = kv_layout_of<Cfg>(d);
    const uint32_t c = p % Cfg::weight_channels, slot = p / Cfg::weight_channels;
    const uint64_t base = d[kFieldWeight];
    int8_t codes[Cfg::max_head_dim];
  kv_heads:
    for (uint32_t g = 0; g < kv.kv_heads; ++g) {
    k_then_v:
      for (int value = 0; value < 2; ++value) {
        const int32_t* src = (value ? v : k) + g * kv.head_dim;
        const uint32_t amax = quantize_head<Cfg>(src, kv.head_dim, codes);
      channels:
        for (int ch = 0; ch < Cfg::weight_channels; ++ch) {
#pragma HLS UNROLL
          if (static_cast<uint32_t>(ch) != c) continue;
          typename Cfg::weight_port_t* channel = weights[ch];
          const uint64_t row = base + kv.row(value != 0, g, slot);
        row_words:
          for (uint32_t w = 0; w < kv.row_words(); ++w) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = Cfg::max_head_dim / kWordBytes + 1
#pragma HLS PIPELINE II = 1
            Word word = 0;
          word_bytes:
            for (uint32_t b = 0; b < kWordBytes; ++b) {
#pragma HLS UNROLL
              const uint32_t e = w * kWordBytes + b;
              word.range(8 * b + 7, 8 * b) = static_cast<uint8_t>(e < kv.head_dim ? codes[e] : 0);
            }
            channel[row + w] = word;
          }
          const uint64_t at = base + kv.scale_word(value != 0, g, slot);
          const uint32_t byte = kv.scale_byte(g, slot);
          Word word = channel[at];
          word.range(8 * byte + 31, 8 * byte) = amax;
          channel[at] = word;
        }
      }
    }
  } else {
    (void)weights, (void)d, (void)p, (void)k, (void)v;
  }
}

// An Embed whose rows lie in the weight channels (kFieldAddr0 == kNoAddress): row `token` of
// the bf16 table at `weight` (Int8Tile rows of 2n bytes) from the channel that holds it.
template <class Cfg>
void embed_from_weights(typename Cfg::weight_port_t* const* weights, const uint32_t* d,
                        uint32_t token, int32_t* x) {
  if constexpr (Cfg::attention) {
    constexpr uint32_t kWordBytes = Cfg::lanes / 4;
    const uint32_t n = d[kFieldN];
    const uint64_t row_words = ceil_div(2 * uint64_t{n}, kWordBytes);
    const uint64_t first = d[kFieldWeight] + uint64_t{token / Cfg::weight_channels} * row_words;
  channels:
    for (int ch = 0; ch < Cfg::weight_channels; ++ch) {
#pragma HLS UNROLL
      if (static_cast<uint32_t>(ch) != token % Cfg::weight_channels) continue;
    embed_words:
      for (uint64_t w = 0; w < row_words; ++w) {
#pragma HLS PIPELINE II = 1
        const typename Cfg::weight_word_t word = weights[ch][first + w];
      embed_values:
        for (uint32_t b = 0; b < kWordBytes; b += 2) {
#pragma HLS UNROLL
          const uint64_t k = (w * kWordBytes + b) / 2;
          if (k < n) {
            x[k] = mmf::fx::bf16_to_q16(static_cast<uint16_t>(word.range(8 * b + 15, 8 * b)));
          }
        }
      }
    }
  } else {
    (void)weights, (void)d, (void)token, (void)x;
  }
}

}  // namespace mmf_hls

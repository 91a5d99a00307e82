// SPDX-License-Identifier: Apache-2.0
// Attention unit (golden: mmf::fx::attention_head per query head; the lanes are fixed_lanes.hpp's
// attention_score ... attention_out). Per KV head, for the query heads it serves together:
//   1. quantize each query head (quantize_head);
//   2. K pass: every channel streams the K rows and scales of its own positions (KvLayout) and
//      gives each row's int8 dot product with every query of the group, scaled to a score; the
//      V scales of the same positions come along;
//   3. softmax: each score's exp against its head's largest, the sums, the value weights;
//   4. V pass: every channel streams its V rows, each weighted into the group's accumulators;
//      integer sums, so the channels' order does not change them;
//   5. each accumulator times its head's reciprocal into the output buffer.
// The cache is read once a KV head, whatever the group.
#pragma once

#include <cstdint>

#include "mmf/fixed_lanes.hpp"
#include "mmf_hls/kv_cache.hpp"
#include "mmf_hls/program_format.hpp"

namespace mmf_hls {

// Attention (descriptor d) at position p: queries from buffer q (Q16, after RoPE), the result
// to buffer out.
template <class Cfg>
void attention(const typename Cfg::weight_port_t* const* weights, const uint32_t* d, uint32_t p,
               const int32_t* q, int32_t* out) {
  if constexpr (Cfg::attention) {
    using namespace mmf::fx;
    using Word = typename Cfg::weight_word_t;
    constexpr uint32_t kWordBytes = Cfg::lanes / 4;
    constexpr uint32_t kChannels = Cfg::weight_channels;
    const KvLayout kv = kv_layout_of<Cfg>(d);
    const uint32_t head_dim = kv.head_dim, group = d[kFieldN] / d[kFieldRows];
    const uint32_t positions = p + 1;
    const uint64_t base = d[kFieldWeight];
    const Scaled c = normalize(Scaled{d[kFieldMant], static_cast<int32_t>(d[kFieldExp])});
    // Scores, then value weights, of the group's heads; the V scales of the positions.
    static int32_t score[kMaxQueryGroup][Cfg::max_context];
    static uint32_t v_scale[Cfg::max_context];
    int8_t q_codes[kMaxQueryGroup][Cfg::max_head_dim];
    uint32_t q_amax[kMaxQueryGroup];
    int32_t max_score[kMaxQueryGroup];
    AttentionRecip recip[kMaxQueryGroup];
    int64_t acc[kMaxQueryGroup][Cfg::max_head_dim];
    const auto scale_at = [&](const typename Cfg::weight_port_t* channel, bool value, uint32_t g,
                              uint64_t slot) {
      const Word word = channel[base + kv.scale_word(value, g, slot)];
      const uint32_t byte = kv.scale_byte(g, slot);
      return static_cast<uint32_t>(word.range(8 * byte + 31, 8 * byte));
    };
  kv_heads:
    for (uint32_t g = 0; g < kv.kv_heads; ++g) {
    queries:
      for (uint32_t h = 0; h < group; ++h) {
        q_amax[h] = quantize_head<Cfg>(q + (g * group + h) * head_dim, head_dim, q_codes[h]);
        max_score[h] = INT32_MIN;
      }
    k_channels:
      for (uint32_t ch = 0; ch < kChannels; ++ch) {
#pragma HLS UNROLL
        const typename Cfg::weight_port_t* channel = weights[ch];
      k_slots:
        for (uint32_t slot = 0; slot < kv.channel_positions(positions, ch); ++slot) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = Cfg::max_context / kChannels
          const uint32_t t = slot * kChannels + ch;
          const uint32_t k_amax = scale_at(channel, false, g, slot);
          v_scale[t] = scale_at(channel, true, g, slot);
          int32_t dot[kMaxQueryGroup] = {};
          const uint64_t row = base + kv.row(false, g, slot);
        k_words:
          for (uint32_t w = 0; w < kv.row_words(); ++w) {
#pragma HLS PIPELINE II = 1
            const Word word = channel[row + w];
          k_bytes:
            for (uint32_t b = 0; b < kWordBytes; ++b) {
#pragma HLS UNROLL
              const uint32_t e = w * kWordBytes + b;
              if (e >= head_dim) break;
              const int32_t code = word_byte<Cfg>(word, b);
              for (uint32_t h = 0; h < group; ++h) dot[h] += int32_t{q_codes[h][e]} * code;
            }
          }
        k_scores:
          for (uint32_t h = 0; h < group; ++h) {
            score[h][t] = attention_score(dot[h], q_amax[h], k_amax, c);
            max_score[h] = score[h][t] > max_score[h] ? score[h][t] : max_score[h];
          }
        }
      }
      uint64_t v_max = 0;
    v_maxima:
      for (uint32_t t = 0; t < positions; ++t) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = Cfg::max_context
#pragma HLS PIPELINE II = 1
        v_max = v_scale[t] > v_max ? v_scale[t] : v_max;
      }
      const int sh_w = attention_weight_shift(v_max);
    softmax_heads:
      for (uint32_t h = 0; h < group; ++h) {
        uint64_t sum = 0;
      softmax:
        for (uint32_t t = 0; t < positions; ++t) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = Cfg::max_context
#pragma HLS PIPELINE II = 1
          const uint32_t e = attention_exp(score[h][t], max_score[h]);
          sum += e;
          score[h][t] = static_cast<int32_t>(attention_weight(e, v_scale[t], sh_w));
        }
        recip[h] = attention_recip(sum);  // > 0: the largest numerator is 2^16
      clear:
        for (uint32_t e = 0; e < head_dim; ++e) acc[h][e] = 0;
      }
    v_channels:
      for (uint32_t ch = 0; ch < kChannels; ++ch) {
#pragma HLS UNROLL
        const typename Cfg::weight_port_t* channel = weights[ch];
      v_slots:
        for (uint32_t slot = 0; slot < kv.channel_positions(positions, ch); ++slot) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = Cfg::max_context / kChannels
          const uint32_t t = slot * kChannels + ch;
          const uint64_t row = base + kv.row(true, g, slot);
        v_words:
          for (uint32_t w = 0; w < kv.row_words(); ++w) {
#pragma HLS PIPELINE II = 1
            const Word word = channel[row + w];
          v_bytes:
            for (uint32_t b = 0; b < kWordBytes; ++b) {
#pragma HLS UNROLL
              const uint32_t e = w * kWordBytes + b;
              if (e >= head_dim) break;
              const int64_t code = word_byte<Cfg>(word, b);
              for (uint32_t h = 0; h < group; ++h) acc[h][e] += int64_t{score[h][t]} * code;
            }
          }
        }
      }
    outputs:
      for (uint32_t h = 0; h < group; ++h) {
        int32_t* o = out + (g * group + h) * head_dim;
        for (uint32_t e = 0; e < head_dim; ++e) o[e] = attention_out(acc[h][e], recip[h], sh_w);
      }
    }
  } else {
    (void)weights, (void)d, (void)p, (void)q, (void)out;
  }
}

}  // namespace mmf_hls

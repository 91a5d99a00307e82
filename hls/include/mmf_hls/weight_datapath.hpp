// SPDX-License-Identifier: Apache-2.0
// The weight datapath of a BitLinear after quantization, one dataflow region: the codes go to
// every channel, each channel streams its rows (burst reader + ternary accumulator), the row
// sums are merged back into row order, rescaled and stored.
#pragma once

#include <hls_stream.h>

#include <cstdint>

#include "mmf/numerics.hpp"
#include "mmf_hls/rescale.hpp"
#include "mmf_hls/ternary_accumulate.hpp"

namespace mmf_hls {

// `weights` holds one base pointer per channel (each its own m_axi bundle at the top). The rows
// go to `buffer`, or with to_memory (the lm_head) to vec[addr..).
template <class Cfg>
void weight_datapath(const typename Cfg::weight_word_t* const weights[Cfg::weight_channels],
                     const MatvecJob& job, const int8_t* codes, mmf::fx::Scaled scale,
                     int32_t* buffer, uint32_t* vec, bool to_memory, uint32_t addr) {
#pragma HLS DATAFLOW
  hls::stream<CodeWord<Cfg>> code_streams[Cfg::weight_channels];
  hls::stream<int32_t> channel_sums[Cfg::weight_channels];
  hls::stream<int32_t> sums("sums"), outs("outs");
  broadcast_codes<Cfg>(codes, job, code_streams);
channels:
  for (int c = 0; c < Cfg::weight_channels; ++c) {
#pragma HLS UNROLL
    channel_matvec<Cfg>(weights[c], static_cast<uint32_t>(c), job, code_streams[c],
                        channel_sums[c]);
  }
  merge_rows<Cfg>(job, channel_sums, sums);
  rescale_rows(sums, job.rows, scale, outs);
  store_rows(outs, job.rows, buffer, vec, to_memory, addr);
}

}  // namespace mmf_hls

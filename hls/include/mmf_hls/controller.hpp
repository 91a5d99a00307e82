// SPDX-License-Identifier: Apache-2.0
// Controller: walks the token program in the vector bank, checks each descriptor against the
// build (program_format.hpp, check_descriptor) and drives the units, regs.num_tokens times (a
// program that ends in Argmax feeds each token's pick to the next pass's Embed). A bad
// descriptor stops the run with a status code instead of touching memory outside the banks.
#pragma once

#include <hls_stream.h>

#include <cstdint>

#include "mmf/numerics.hpp"
#include "mmf_hls/accel_traits.hpp"
#include "mmf_hls/argmax.hpp"
#include "mmf_hls/glu.hpp"
#include "mmf_hls/kernel_regs.hpp"
#include "mmf_hls/mlgru.hpp"
#include "mmf_hls/norm_quantize.hpp"
#include "mmf_hls/program_format.hpp"
#include "mmf_hls/rescale.hpp"
#include "mmf_hls/residual_add.hpp"
#include "mmf_hls/ternary_accumulate.hpp"
#include "mmf_hls/weight_datapath.hpp"

namespace mmf_hls {

namespace detail {

// Reads n int16 values packed two per word from vec[addr..].
inline void load_int16(const uint32_t* vec, uint32_t addr, uint32_t n, int16_t* out,
                       KernelCounters& counters) {
  for (uint32_t k = 0; k < n; ++k) {
#pragma HLS PIPELINE II = 1
    out[k] = static_cast<int16_t>(half_at(vec, addr, k));
  }
  counters.vector_bytes += int16_vector_words(n) * kVecWordBytes;
}

}  // namespace detail

// Runs the program regs.num_tokens times (one token each). `weights` holds the base pointer of
// each weight channel. The counters add up over the whole launch: ops_done counts every op run,
// num_ops a token; a status names the op's index in the program.
template <class Cfg>
void run_program(const typename Cfg::weight_word_t* const weights[Cfg::weight_channels],
                 uint32_t* vec, const LaunchRegs& regs, KernelCounters& counters) {
  using mmf::fx::Scaled;
  counters = KernelCounters{};
  const DeviceLimits lim = device_limits<Cfg>(regs.vec_words, regs.weight_words);
  if (!program_fits(regs.program, regs.num_ops, Cfg::max_ops, regs.vec_words) ||
      !tokens_fit(regs.num_tokens)) {
    counters.status = make_status(kStatusBadProgram, 0);
    return;
  }
  // On-chip state (BRAM/URAM on the device). A valid program writes each of these before it
  // reads it, so nothing carries from one token to the next. They are static, as the memories
  // are: zero at first and kept between launches, like the cpu engine's buffers, so that a
  // program which stores a buffer it never wrote sees the same values on both engines rather
  // than whatever was on the stack (a fuzz_token_program find).
  static int32_t buf[kNumBuffers][Cfg::max_vector];
  static int32_t scratch[Cfg::max_vector];
  static int32_t state[Cfg::max_vector];
  static uint32_t lower_bound[Cfg::max_vector];
  static int16_t w_rms[Cfg::max_vector];
  static int16_t w_code[Cfg::max_vector];
  static int8_t codes[Cfg::code_buffer];
  // The descriptor RAM: the program is read once, before the first op, so that an op which
  // writes the vector bank over the program (Store, MLGRU, BitLinear to memory) does not change
  // the ops after it.
  static uint32_t program[Cfg::max_ops][kDescriptorWords];
  for (uint32_t op = 0; op < regs.num_ops; ++op) {
    for (uint32_t k = 0; k < kDescriptorWords; ++k) {
#pragma HLS PIPELINE II = 1
      program[op][k] = vec[regs.program + op * kDescriptorWords + k];
    }
  }

  for (uint32_t t = 0; t < regs.num_tokens; ++t) {
    for (uint32_t op = 0; op < regs.num_ops; ++op) {
      const uint32_t* d = program[op];
      counters.vector_bytes += kDescriptorWords * kVecWordBytes;
      const uint32_t check = check_descriptor(d, lim);
      if (check != kStatusOk) {
        counters.status = make_status(check, op);
        return;
      }
      const uint32_t n = d[kFieldN], rows = d[kFieldRows];
      switch (d[kFieldOpcode]) {
        case kOpEmbed: {
          const uint32_t token = vec[d[kFieldAddr1]];
          counters.vector_bytes += kVecWordBytes;
          if (token >= rows) {
            counters.status = make_status(kStatusBadToken, op);
            return;
          }
          const uint64_t row = d[kFieldAddr0] + uint64_t{token} * int16_vector_words(n);
          int32_t* x = buf[d[kFieldDst]];
          for (uint32_t k = 0; k < n; ++k) {
#pragma HLS PIPELINE II = 1
            x[k] = mmf::fx::bf16_to_q16(half_at(vec, row, k));
          }
          counters.vector_bytes += int16_vector_words(n) * kVecWordBytes;
          break;
        }
        case kOpBitLinear: {
          const bool has_rms = d[kFieldAddr0] != kNoAddress;
          if (has_rms) detail::load_int16(vec, d[kFieldAddr0], n, w_rms, counters);
          detail::load_int16(vec, d[kFieldAddr1], n, w_code, counters);
          const Scaled token_scale =
              norm_quantize<Cfg>(buf[d[kFieldSrc0]], has_rms, w_rms, w_code, n, codes);
          const MatvecJob job{rows, n, d[kFieldWeight], d[kFieldPacking]};
          // Codes past n up to the last tile column meet only padding trits; define them anyway.
          for (uint32_t k = n; k < words_per_row<Cfg>(job) * Cfg::tile_cols; ++k) codes[k] = 0;
          const Scaled constant{d[kFieldMant], static_cast<int32_t>(d[kFieldExp])};
          const bool to_memory = d[kFieldDst] == kDstMemory;
          weight_datapath<Cfg>(weights, job, codes, combine_scales(token_scale, constant),
                               buf[to_memory ? 0 : d[kFieldDst]], vec, to_memory, d[kFieldAddr2]);
          if (to_memory) counters.vector_bytes += uint64_t{rows} * kVecWordBytes;
          counters.ternary_ops += uint64_t{rows} * n;
          counters.weight_bytes += weight_tile_of<Cfg>().total_read_units(rows, n, job.packing) *
                                   (Cfg::weight_word_bits / 8);
          break;
        }
        case kOpMlgru: {
          const bool has_lb = d[kFieldAddr1] != kNoAddress;
          for (uint32_t k = 0; k < n; ++k) {
#pragma HLS PIPELINE II = 1
            state[k] = static_cast<int32_t>(vec[d[kFieldAddr0] + k]);
            if (has_lb) lower_bound[k] = vec[d[kFieldAddr1] + k];
          }
          mlgru<Cfg>(buf[d[kFieldSrc0]], buf[d[kFieldSrc1]], buf[d[kFieldSrc2]], has_lb,
                     lower_bound, n, state, scratch, buf[d[kFieldDst]]);
          for (uint32_t k = 0; k < n; ++k) {
#pragma HLS PIPELINE II = 1
            vec[d[kFieldAddr0] + k] = static_cast<uint32_t>(state[k]);
          }
          counters.vector_bytes += uint64_t{n} * kVecWordBytes * (has_lb ? 3 : 2);
          break;
        }
        case kOpGlu:
          glu<Cfg>(buf[d[kFieldSrc0]], n, scratch, buf[d[kFieldDst]]);
          break;
        case kOpAdd:
          residual_add<Cfg>(buf[d[kFieldDst]], buf[d[kFieldSrc0]], n);
          break;
        case kOpArgmax: {
          if (t >= n) {  // the ring holds n tokens
            counters.status = make_status(kStatusBadLength, op);
            return;
          }
          const uint32_t pick = argmax<Cfg>(vec, d[kFieldAddr2], rows);
          vec[d[kFieldAddr1]] = pick;
          vec[d[kFieldAddr0] + t] = pick;
          counters.vector_bytes += (uint64_t{rows} + 2) * kVecWordBytes;
          break;
        }
        default: {  // kOpStore (check_descriptor admits nothing else)
          const int32_t* src = buf[d[kFieldSrc0]];
          for (uint32_t k = 0; k < n; ++k) {
#pragma HLS PIPELINE II = 1
            vec[d[kFieldAddr0] + k] = static_cast<uint32_t>(src[k]);
          }
          counters.vector_bytes += uint64_t{n} * kVecWordBytes;
          break;
        }
      }
      counters.ops_done = t * regs.num_ops + op + 1;
    }
  }
}

}  // namespace mmf_hls

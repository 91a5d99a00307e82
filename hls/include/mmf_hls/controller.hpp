// SPDX-License-Identifier: Apache-2.0
// Controller: walks the token program in the vector bank with program_walk.hpp's walk_program
// (the walk the cpu engine uses too), which checks each descriptor against the build
// (program_format.hpp, check_descriptor), and drives the units, regs.num_tokens times (a
// program that ends in Argmax feeds each token's pick to the next pass's Embed). A bad
// descriptor stops the run with a status code instead of touching memory outside the banks.
#pragma once

#include <hls_stream.h>

#include <cstdint>

#include "mmf/numerics.hpp"
#include "mmf_hls/accel_traits.hpp"
#include "mmf_hls/argmax.hpp"
#include "mmf_hls/attention.hpp"
#include "mmf_hls/glu.hpp"
#include "mmf_hls/int8_head.hpp"
#include "mmf_hls/kernel_regs.hpp"
#include "mmf_hls/kv_cache.hpp"
#include "mmf_hls/mlgru.hpp"
#include "mmf_hls/norm_quantize.hpp"
#include "mmf_hls/program_format.hpp"
#include "mmf_hls/program_walk.hpp"
#include "mmf_hls/relu2_glu.hpp"
#include "mmf_hls/rescale.hpp"
#include "mmf_hls/residual_add.hpp"
#include "mmf_hls/rope.hpp"
#include "mmf_hls/ternary_accumulate.hpp"
#include "mmf_hls/weight_datapath.hpp"

namespace mmf_hls {

namespace detail {

// Reads n int16 values packed two per word from vec[addr..].
template <class Cfg>
void load_int16(const uint32_t* vec, uint32_t addr, uint32_t n, int16_t* out) {
load_int16:
  for (uint32_t k = 0; k < n; ++k) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = Cfg::max_vector
#pragma HLS PIPELINE II = 1
    out[k] = static_cast<int16_t>(half_at(vec, addr, k));
  }
}

}  // namespace detail

// The ops of the controller, on the on-chip state of run_program (program_walk.hpp's Exec).
// It holds references to run_program's arrays and the kernel's pointers, as the units' lambdas
// do; everything is inlined into run_program, so the state stays the arrays named there.
template <class Cfg>
struct ControllerOps {
  using Buffers = int32_t[kNumBuffers][Cfg::max_vector];
  using Vector = int32_t[Cfg::max_vector];

  typename Cfg::weight_port_t* const* weights;
  uint32_t* vec;
  Buffers& buf;
  Vector& scratch;
  Vector& state;
  uint32_t (&lower_bound)[Cfg::max_vector];
  int16_t (&w_rms)[Cfg::max_vector];
  int16_t (&w_code)[Cfg::max_vector];
  int8_t (&codes)[Cfg::code_buffer];

  void embed(const uint32_t* d, uint32_t token) {
#pragma HLS INLINE
    const uint32_t n = d[kFieldN];
    if (d[kFieldAddr0] == kNoAddress) {  // from the weight channels (check_descriptor)
      embed_from_weights<Cfg>(weights, d, token, buf[d[kFieldDst]]);
      return;
    }
    const uint64_t row = d[kFieldAddr0] + uint64_t{token} * int16_vector_words(n);
    int32_t* x = buf[d[kFieldDst]];
  embed_row:
    for (uint32_t k = 0; k < n; ++k) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = Cfg::max_vector
#pragma HLS PIPELINE II = 1
      x[k] = mmf::fx::bf16_to_q16(half_at(vec, row, k));
    }
  }

  void bitlinear(const uint32_t* d) {
#pragma HLS INLINE
    using mmf::fx::Scaled;
    const uint32_t n = d[kFieldN], rows = d[kFieldRows];
    const bool has_rms = d[kFieldAddr0] != kNoAddress;
    if (has_rms) detail::load_int16<Cfg>(vec, d[kFieldAddr0], n, w_rms);
    detail::load_int16<Cfg>(vec, d[kFieldAddr1], n, w_code);
    const Scaled token_scale =
        norm_quantize<Cfg>(buf[d[kFieldSrc0]], has_rms, w_rms, w_code, n, codes);
    const MatvecJob job{rows, n, d[kFieldWeight], d[kFieldPacking]};
    // Codes past n up to the last tile column meet only padding trits; define them anyway.
  pad_codes:
    for (uint32_t k = n; k < words_per_row<Cfg>(job) * Cfg::tile_cols; ++k) {
#pragma HLS LOOP_TRIPCOUNT min = 0 max = Cfg::tile_cols - 1
      codes[k] = 0;
    }
    const Scaled constant{d[kFieldMant], static_cast<int32_t>(d[kFieldExp])};
    const bool to_memory = d[kFieldDst] == kDstMemory;
    weight_datapath<Cfg>(weights, job, codes, combine_scales(token_scale, constant),
                         buf[to_memory ? 0 : d[kFieldDst]], vec, to_memory, d[kFieldAddr2]);
  }

  // The state and the lower bound are read before the state is written back, so a lower bound
  // that overlaps the state is the one from before the op.
  void mlgru(const uint32_t* d) {
#pragma HLS INLINE
    const uint32_t n = d[kFieldN];
    const bool has_lb = d[kFieldAddr1] != kNoAddress;
  load_state:
    for (uint32_t k = 0; k < n; ++k) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = Cfg::max_vector
#pragma HLS PIPELINE II = 1
      state[k] = static_cast<int32_t>(vec[d[kFieldAddr0] + k]);
      if (has_lb) lower_bound[k] = vec[d[kFieldAddr1] + k];
    }
    mmf_hls::mlgru<Cfg>(buf[d[kFieldSrc0]], buf[d[kFieldSrc1]], buf[d[kFieldSrc2]], has_lb,
                        lower_bound, n, state, scratch, buf[d[kFieldDst]]);
  store_state:
    for (uint32_t k = 0; k < n; ++k) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = Cfg::max_vector
#pragma HLS PIPELINE II = 1
      vec[d[kFieldAddr0] + k] = static_cast<uint32_t>(state[k]);
    }
  }

  void glu(const uint32_t* d) {
#pragma HLS INLINE
    mmf_hls::glu<Cfg>(buf[d[kFieldSrc0]], d[kFieldN], scratch, buf[d[kFieldDst]]);
  }

  void add(const uint32_t* d) {
#pragma HLS INLINE
    residual_add<Cfg>(buf[d[kFieldDst]], buf[d[kFieldSrc0]], d[kFieldN]);
  }

  void argmax(const uint32_t* d, uint32_t t) {
#pragma HLS INLINE
    const uint32_t pick = mmf_hls::argmax<Cfg>(vec, d[kFieldAddr2], d[kFieldRows]);
    vec[d[kFieldAddr1]] = pick;
    vec[d[kFieldAddr0] + t] = pick;
  }

  // ---- BitNet b1.58 (builds with attention units) ----
  void rope(const uint32_t* d, uint32_t p) {
#pragma HLS INLINE
    mmf_hls::rope<Cfg>(vec, d, p, buf[d[kFieldDst]]);
  }

  void kv_append(const uint32_t* d, uint32_t p) {
#pragma HLS INLINE
    mmf_hls::kv_append<Cfg>(weights, d, p, buf[d[kFieldSrc0]], buf[d[kFieldSrc1]]);
  }

  void attention(const uint32_t* d, uint32_t p) {
#pragma HLS INLINE
    mmf_hls::attention<Cfg>(weights, d, p, buf[d[kFieldSrc0]], buf[d[kFieldDst]]);
  }

  void relu2_glu(const uint32_t* d) {
#pragma HLS INLINE
    mmf_hls::relu2_glu<Cfg>(buf[d[kFieldSrc0]], buf[d[kFieldSrc1]], d[kFieldN], scratch,
                            buf[d[kFieldDst]]);
  }

  // The final norm's codes (w_code at addr1, no w_rms), then the int8 rows.
  void head(const uint32_t* d) {
#pragma HLS INLINE
    const uint32_t n = d[kFieldN];
    detail::load_int16<Cfg>(vec, d[kFieldAddr1], n, w_code);
    const mmf::fx::Scaled token_scale =
        norm_quantize<Cfg>(buf[d[kFieldSrc0]], false, w_rms, w_code, n, codes);
    const bool to_memory = d[kFieldDst] == kDstMemory;
    int8_head<Cfg>(weights, vec, d, codes, token_scale, buf[to_memory ? 0 : d[kFieldDst]]);
  }

  void store(const uint32_t* d) {
#pragma HLS INLINE
    const int32_t* src = buf[d[kFieldSrc0]];
  store_buffer:
    for (uint32_t k = 0; k < d[kFieldN]; ++k) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = Cfg::max_vector
#pragma HLS PIPELINE II = 1
      vec[d[kFieldAddr0] + k] = static_cast<uint32_t>(src[k]);
    }
  }
};

// Runs the program regs.num_tokens times (one token each): program_walk.hpp's walk_program on
// the ControllerOps of this build. `weights` holds the base pointer of each weight channel. The
// counters add up over the whole launch (walk_program).
template <class Cfg>
void run_program(typename Cfg::weight_port_t* const weights[Cfg::weight_channels], uint32_t* vec,
                 const LaunchRegs& regs, KernelCounters& counters) {
  // On-chip state (BRAM/URAM on the device). A valid program writes each of these before it
  // reads it, so nothing carries from one token to the next. They are static, as the memories
  // are: zero at first and kept between launches, like the cpu engine's buffers, so that a
  // program which stores a buffer it never wrote sees the same values on both engines rather
  // than whatever was on the stack (a fuzz_token_program find). The vector units read and write
  // Cfg::vector_lanes consecutive values a cycle, so the buffers they touch are split cyclically
  // into that many banks; the codes are written vector_lanes and read tile_cols a cycle (both
  // powers of two). The descriptor RAM is read a word a cycle.
  [[maybe_unused]] constexpr int kCodeBanks =
      Cfg::vector_lanes > Cfg::tile_cols ? Cfg::vector_lanes : Cfg::tile_cols;
  static int32_t buf[kNumBuffers][Cfg::max_vector];
  static int32_t scratch[Cfg::max_vector];
  static int32_t state[Cfg::max_vector];
  static uint32_t lower_bound[Cfg::max_vector];
  static int16_t w_rms[Cfg::max_vector];
  static int16_t w_code[Cfg::max_vector];
  static int8_t codes[Cfg::code_buffer];
#pragma HLS ARRAY_PARTITION variable = buf cyclic factor = Cfg::vector_lanes dim = 2
#pragma HLS ARRAY_PARTITION variable = scratch cyclic factor = Cfg::vector_lanes
#pragma HLS ARRAY_PARTITION variable = state cyclic factor = Cfg::vector_lanes
#pragma HLS ARRAY_PARTITION variable = lower_bound cyclic factor = Cfg::vector_lanes
#pragma HLS ARRAY_PARTITION variable = w_rms cyclic factor = Cfg::vector_lanes
#pragma HLS ARRAY_PARTITION variable = w_code cyclic factor = Cfg::vector_lanes
#pragma HLS ARRAY_PARTITION variable = codes cyclic factor = kCodeBanks
  static uint32_t program[Cfg::max_ops * kDescriptorWords];
  ControllerOps<Cfg> ops{weights, vec, buf, scratch, state, lower_bound, w_rms, w_code, codes};
  counters = walk_program<Cfg::max_ops>(vec, regs, static_cast<uint32_t>(Cfg::max_ops),
                                        device_limits<Cfg>(regs.vec_words, regs.weight_words),
                                        program, ops);
}

}  // namespace mmf_hls

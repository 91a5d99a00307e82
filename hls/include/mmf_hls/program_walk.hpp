// SPDX-License-Identifier: Apache-2.0
// The token program's walk, written once for every engine that runs it: the HLS controller
// (controller.hpp, run_program) and the host's cpu engine (host/src/backends/cpu/cpu_engine.cpp).
// It checks the launch, reads the program into the descriptor RAM, runs it regs.num_tokens
// times, checks each descriptor (program_format.hpp, check_descriptor) and the run-time checks
// of Embed and Argmax, dispatches each op to the engine and keeps the counters. The engine
// supplies only the ops' data movement and arithmetic, as an `Exec` with one member per opcode
// (finn-hlslib's contract class, as its activations.hpp):
//
//   void embed(const uint32_t* d, uint32_t token);  // token < d[kFieldRows], already read
//   void bitlinear(const uint32_t* d);
//   void mlgru(const uint32_t* d);
//   void glu(const uint32_t* d);
//   void add(const uint32_t* d);
//   void argmax(const uint32_t* d, uint32_t t);     // t < d[kFieldN], the launch's token index
//   void store(const uint32_t* d);
//   void rope(const uint32_t* d, uint32_t p);       // p < d[kFieldContext], the position
//   void kv_append(const uint32_t* d, uint32_t p);
//   void attention(const uint32_t* d, uint32_t p);
//   void relu2_glu(const uint32_t* d);
//   void head(const uint32_t* d);
//
// Plain C++ on <cstdint>, templates and no heap: the HLS controller inlines it (and its Exec)
// into run_program, so the hardware is the loop nest it always had.
#pragma once

#include <cstdint>

#include "mmf_hls/kernel_regs.hpp"
#include "mmf_hls/program_format.hpp"

namespace mmf_hls {

// The vector-bank and weight traffic of one op that ran (its descriptor and an Embed's token
// read are counted by walk_program before the op's checks): the one counter rule of every
// engine. Bytes of a weight word: 2 bits a trit, lim.lanes trits. `position`: the pass's
// position in an op that reads one (Rope, KvAppend, Attention), else unused.
inline void count_op_traffic(const uint32_t* d, const DeviceLimits& lim, uint32_t position,
                             KernelCounters& c) {
  const uint32_t n = d[kFieldN], rows = d[kFieldRows];
  const uint64_t word_bytes = weight_word_bytes(lim);
  switch (d[kFieldOpcode]) {
    case kOpEmbed:
      if (d[kFieldAddr0] == kNoAddress) {  // the row from a weight channel
        c.weight_bytes += int8_tile(lim).row_words(2 * n) * weight_word_bytes(lim);
      } else {
        c.vector_bytes += int16_vector_words(n) * kVecWordBytes;
      }
      break;
    case kOpBitLinear: {
      const bool has_rms = d[kFieldAddr0] != kNoAddress;
      c.vector_bytes += int16_vector_words(n) * kVecWordBytes * (has_rms ? 2 : 1);
      if (d[kFieldDst] == kDstMemory) c.vector_bytes += uint64_t{rows} * kVecWordBytes;
      c.ternary_ops += uint64_t{rows} * n;
      c.weight_bytes +=
          weight_tile(lim).total_read_units(rows, n, d[kFieldPacking]) * (lim.lanes * 2 / 8);
      break;
    }
    case kOpMlgru:  // state read and written back, the lower bound read
      c.vector_bytes += uint64_t{n} * kVecWordBytes * (d[kFieldAddr1] != kNoAddress ? 3 : 2);
      break;
    case kOpArgmax:  // the logits, the token read back and the ring entry
      c.vector_bytes += (uint64_t{rows} + 2) * kVecWordBytes;
      break;
    case kOpStore:
      c.vector_bytes += uint64_t{n} * kVecWordBytes;
      break;
    case kOpRope:  // a row of each table
      c.vector_bytes += uint64_t{2} * d[kFieldHeadDim] * kVecWordBytes;
      break;
    case kOpAttention: {  // every channel's K and V rows and scales of positions 0..p
      const KvLayout kv = kv_layout(d, lim);
    attention_channels:
      for (uint32_t ch = 0; ch < lim.weight_channels; ++ch) {
        c.weight_bytes += kv.read_words(position + 1, ch) * word_bytes;
      }
      break;
    }
    case kOpHead: {  // the norm's code weights, the row constants, the rows, the results
      const Int8Tile tile = int8_tile(lim);
      c.vector_bytes += (int16_vector_words(n) + uint64_t{2} * rows) * kVecWordBytes;
      if (d[kFieldDst] == kDstMemory) c.vector_bytes += uint64_t{rows} * kVecWordBytes;
    head_channels:
      for (uint32_t ch = 0; ch < lim.weight_channels; ++ch) {
        c.weight_bytes += tile.read_words(rows, n, ch) * word_bytes;
      }
      break;
    }
    default:  // Glu, Add and Relu2Glu stay on chip; KvAppend writes the weight channels only
      break;
  }
}

// Copies the program's num_ops descriptors from vec[regs.program..] to `program` (the descriptor
// RAM, max_ops * kDescriptorWords words): the program is read once, before the first op, so an
// op that writes the vector bank over the program (Store, MLGRU, BitLinear to memory) does not
// change the ops after it. MaxOps: as for walk_program.
template <int MaxOps>
void load_program(const uint32_t* vec, const LaunchRegs& regs, uint32_t* program) {
  [[maybe_unused]] constexpr uint32_t kMaxProgramWords = MaxOps * kDescriptorWords;
load_descriptors:
  for (uint32_t k = 0; k < regs.num_ops * kDescriptorWords; ++k) {
#pragma HLS LOOP_TRIPCOUNT min = kDescriptorWords max = kMaxProgramWords
#pragma HLS PIPELINE II = 1
    program[k] = vec[regs.program + k];
  }
}

// Runs the program regs.num_tokens times (one token each) on `exec` and returns the counters:
// they add up over the whole launch; ops_done counts every op run, num_ops a token; a status
// names the op's index in the program, and nothing runs after it. `program` is the descriptor
// RAM of max_ops * kDescriptorWords words (max_ops: the build's longest program). MaxOps is
// Cfg::max_ops in HLS, for the trip counts of its reports; a host engine, compiled by g++ and
// with max_ops a run-time value, passes 0 (it is used nowhere else).
template <int MaxOps, class Exec>
KernelCounters walk_program(uint32_t* vec, const LaunchRegs& regs, uint32_t max_ops,
                            const DeviceLimits& lim, uint32_t* program, Exec& exec) {
  KernelCounters counters{};
  if (!program_fits(regs.program, regs.num_ops, max_ops, regs.vec_words) ||
      !tokens_fit(regs.num_tokens)) {
    counters.status = make_status(kStatusBadProgram, 0);
    return counters;
  }
  load_program<MaxOps>(vec, regs, program);
tokens:
  for (uint32_t t = 0; t < regs.num_tokens; ++t) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = kMaxLaunchTokens
  ops:
    for (uint32_t op = 0; op < regs.num_ops; ++op) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = MaxOps
      const uint32_t* d = program + op * kDescriptorWords;
      uint32_t position = 0;  // of the ops that read one
      counters.vector_bytes += kDescriptorWords * kVecWordBytes;
      const uint32_t check = check_descriptor(d, lim);
      if (check != kStatusOk) {
        counters.status = make_status(check, op);
        return counters;
      }
      switch (d[kFieldOpcode]) {
        case kOpEmbed: {
          const uint32_t token = vec[d[kFieldAddr1]];
          counters.vector_bytes += kVecWordBytes;
          if (token >= d[kFieldRows]) {
            counters.status = make_status(kStatusBadToken, op);
            return counters;
          }
          exec.embed(d, token);
          break;
        }
        case kOpBitLinear:
          exec.bitlinear(d);
          break;
        case kOpMlgru:
          exec.mlgru(d);
          break;
        case kOpGlu:
          exec.glu(d);
          break;
        case kOpAdd:
          exec.add(d);
          break;
        case kOpArgmax:
          if (t >= d[kFieldN]) {  // the ring holds n tokens
            counters.status = make_status(kStatusBadLength, op);
            return counters;
          }
          exec.argmax(d, t);
          break;
        case kOpStore:
          exec.store(d);
          break;
        case kOpRelu2Glu:
          exec.relu2_glu(d);
          break;
        case kOpHead:
          exec.head(d);
          break;
        default: {  // Rope, KvAppend, Attention (check_descriptor admits nothing else)
          position = vec[d[kFieldAddr1]] + t;
          counters.vector_bytes += kVecWordBytes;
          if (position < t || position >= d[kFieldContext]) {  // wrapped, or past the cache
            counters.status = make_status(kStatusBadLength, op);
            return counters;
          }
          if (d[kFieldOpcode] == kOpRope) {
            exec.rope(d, position);
          } else if (d[kFieldOpcode] == kOpKvAppend) {
            exec.kv_append(d, position);
          } else {
            exec.attention(d, position);
          }
          break;
        }
      }
      count_op_traffic(d, lim, position, counters);
      counters.ops_done = t * regs.num_ops + op + 1;
    }
  }
  return counters;
}

}  // namespace mmf_hls

// SPDX-License-Identifier: Apache-2.0
// The kernel's scalar registers: launch arguments and performance counters (s_axilite).
// Plain C++ so that the host's csim backend can use it without the ap_int shim.
#pragma once

#include <cstdint>

#include "mmf_hls/program_format.hpp"

namespace mmf_hls {

// Performance counters, readable as kernel registers after a run.
struct KernelCounters {
  uint32_t status = kStatusOk;  // make_status(code, op index); 0 after a clean run
  uint32_t ops_done = 0;        // ops completed
  uint64_t ternary_ops = 0;     // trit x code products, rows x n per BitLinear (no padding)
  uint64_t weight_bytes = 0;    // bytes read from all weight channels
  uint64_t vector_bytes = 0;    // bytes read or written in the vector bank
};

// The RTL kernel's s_axi_control map beyond the ap_ctrl_chain registers
// (rtl/mmf/mmf_axil_control.sv): scalar argument i at kScalarRegBase + 8 i (32 bit), pointer
// argument j (64 bit, low word first) at kPointerRegBase + 8 j, counter k (64 bit, read only) at
// kCounterRegBase + 8 k. The pointer block has room for kMaxPointerRegs pointers: 32 weight
// channels and `vec` fit with room left.
//
// This header is the one source of the map, the counters' order and the launch scalars: `mmf
// gen-builds` writes them into bitstreams/generated/mmf_control_pkg.sv for the RTL, and the
// kernel XML, the HLS top, the xrt backend and the simulators' harness read them from here
// (docs/device-format.md, "Adding a register or a counter").
constexpr uint32_t kScalarRegBase = 0x10;
constexpr uint32_t kPointerRegBase = 0x100;
constexpr uint32_t kCounterRegBase = 0x400;
constexpr uint32_t kCounterRegStride = 8;
constexpr uint32_t kMaxPointerRegs = (kCounterRegBase - kPointerRegBase) / 8;

// Counter k's order. The HLS top returns the first five as output scalars instead; the RTL's
// mmf_perf_counters drives them all.
enum CounterReg : uint32_t {
  kRegStatus = 0,            // make_status(code, op index) of the launch
  kRegOpsDone = 1,           // ops completed, over all the launch's passes
  kRegTernaryOps = 2,        // trit x code products
  kRegWeightBytes = 3,       // bytes read from all weight channels
  kRegVectorBytes = 4,       // vector bytes the ops use (the HLS controller's count)
  kRegBusyCycles = 5,        // ap_start .. ap_done, in kernel clock cycles
  kRegPassCycles = 6,        // cycles the weight slots stream a pass
  kRegVecWaitCycles = 7,     // cycles a step waits on the vector bank
  kRegStarvedCycles = 8,     // cycles a weight channel starves
  kRegAccumulateCycles = 9,  // cycles a BitLinear accumulates
  kRegVecReadBytes = 10,     // bytes the vector bank's read master moved
  kRegVecWriteBytes = 11,    // bytes the vector bank's write master moved
  kRegAxiErrors = 12,        // AXI error bits: {vec write, vec read, channel c at bit c}
  kRegChannelBytes = 13,     // weight channel c's bytes at kRegChannelBytes + c
};
// The fixed counters' names, in register order (the RTL's localparams are Cnt + CamelCase).
constexpr const char* kCounterNames[] = {
    "status",         "ops_done",        "ternary_ops",     "weight_bytes",   "vector_bytes",
    "busy_cycles",    "pass_cycles",     "vec_wait_cycles", "starved_cycles", "accumulate_cycles",
    "vec_read_bytes", "vec_write_bytes", "axi_errors"};
static_assert(sizeof(kCounterNames) / sizeof(kCounterNames[0]) == kRegChannelBytes,
              "one name a fixed counter, the channels' bytes after them");
// The HLS top's output scalars: the first counters, KernelCounters' fields, under their names.
constexpr uint32_t kHlsCounterOutputs = kRegBusyCycles;
// Counters of a kernel with `channels` weight channels.
constexpr uint32_t num_counters(uint32_t channels) {
  return kRegChannelBytes + channels;
}

// Scalar arguments of one launch (the s_axilite argument registers), in register order.
struct LaunchRegs {
  uint32_t program;         // word offset of the first descriptor in the vector bank
  uint32_t num_ops;         // descriptors in the program
  uint32_t vec_words;       // size of the vector bank in words
  uint32_t weight_words;    // size of each weight channel in weight words
  uint32_t num_tokens = 1;  // passes of the program (tokens_fit)
};

// The scalar arguments' names in register order (scalar i at kScalarRegBase + 8 i): the one
// list the kernel XML, the HLS top, the xrt backend, the simulators' harness and the RTL
// (mmf_control_pkg's NumScalarArgs) follow.
constexpr const char* kScalarArgNames[] = {"program_offset", "num_ops", "vec_words", "weight_words",
                                           "num_tokens"};
constexpr uint32_t kNumScalarArgs = sizeof(kScalarArgNames) / sizeof(kScalarArgNames[0]);
// Scalar i of a launch.
inline uint32_t scalar_arg(const LaunchRegs& r, uint32_t i) {
  const uint32_t values[kNumScalarArgs] = {r.program, r.num_ops, r.vec_words, r.weight_words,
                                           r.num_tokens};
  return values[i];
}

}  // namespace mmf_hls

// SPDX-License-Identifier: Apache-2.0
// The memory channel timing of a build, shared by the simulated backends (verilator beat by
// beat, systemc burst by burst): the board's per-channel rate at the kernel clock, a 64-cycle
// latency and 16 requests in flight (docs/results-rtl.md).
#pragma once

#include "mmf/host/build_descriptor.hpp"
#include "mmf/sim/axi_memory.hpp"

namespace mmf::host {

inline sim::ChannelTiming sim_channel_timing(const BuildDescriptor& build) {
  sim::ChannelTiming t;
  t.bytes_per_cycle = build.channel_bytes_per_cycle();
  t.latency_cycles = 64;
  t.max_outstanding = 16;
  return t;
}

}  // namespace mmf::host

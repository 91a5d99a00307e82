// SPDX-License-Identifier: Apache-2.0
// The memory channel timing of a build, shared by the simulated backends (verilator beat by
// beat, systemc burst by burst), from the board's memory_timing: the sustained rate on average
// (the nominal rate x efficiency, refresh included), refresh stops, the request-to-data latency
// at the kernel clock, and 16 requests in flight (docs/platform.md, "Memory model"). And the
// SystemC platform of a build, shared by the systemc backend and the sweep.
#pragma once

#include <string>

#include "mmf/error.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/sim/axi_memory.hpp"
#include "mmf/sim/platform.hpp"

namespace mmf::host {

inline sim::ChannelTiming sim_channel_timing(const BuildDescriptor& build) {
  const MemoryTiming& m = build.board.memory_timing;
  sim::ChannelTiming t;
  const double cycles_per_ns = build.accel.clock_mhz / 1e3;
  if (m.refresh_interval_ns.value > 0) {
    t.refresh_interval_cycles = m.refresh_interval_ns.value * cycles_per_ns;
    t.refresh_cycles = m.refresh_ns.value * cycles_per_ns;
  }
  // The efficiency includes refresh: between refreshes the channel runs faster, so that its
  // long-run rate is the sustained one (the descriptor checks this stays within nominal).
  const double open =
      1.0 - (t.refresh_interval_cycles > 0 ? t.refresh_cycles / t.refresh_interval_cycles : 0.0);
  t.bytes_per_cycle = build.channel_bytes_per_cycle() / open;
  t.latency_cycles = build.memory_latency_cycles();
  t.max_outstanding = 16;
  return t;
}

// The platform of `b`: its accelerator, memory channels and host link. `who` names the caller
// in the error for a build with more weight channels than the platform models. word_bytes:
// 0 for the RTL's 2-bit words, else the bytes of a weight word under another packing.
inline sim::PlatformParams platform_params(const BuildDescriptor& b, const std::string& who,
                                           uint32_t word_bytes = 0) {
  if (b.accel.weight_channels > static_cast<int>(sim::kMaxPlatformChannels)) {
    throw Error(who + ": build '" + b.name + "' (" + b.path + ") has " +
                std::to_string(b.accel.weight_channels) + " weight channels; the platform " +
                "models at most " + std::to_string(sim::kMaxPlatformChannels));
  }
  sim::PlatformParams p;
  p.clock_mhz = b.accel.clock_mhz;
  sim::TimedKernelParams& k = p.kernel;
  k.lanes = static_cast<uint32_t>(b.accel.lanes);
  k.tile_rows = static_cast<uint32_t>(b.accel.tile_rows);
  k.word_bytes = word_bytes;
  k.channels = static_cast<uint32_t>(b.accel.weight_channels);
  k.vector_lanes = static_cast<uint32_t>(b.accel.vector_lanes);
  k.fifo_words = static_cast<uint32_t>(b.weight_fifo_words());
  k.int8_macs = static_cast<uint32_t>(b.accel.int8_macs);
  k.weight_timing = sim_channel_timing(b);
  k.vec_timing = k.weight_timing;
  p.link.gbps = b.board.host_link.gbps;
  p.link.launch_us = b.board.host_link.launch_us;
  return p;
}

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// The SystemC/TLM-2.0 virtual platform of one board, behind a simulator-free interface (only
// sim/src/platform/ includes SystemC): the host link (PCIe or an SoC bus), the device memory
// channels (each a TLM target timed by the one channel model of axi_memory.hpp) and an
// approximately-timed model of the accelerator, whose controller walks the token program
// step by step like the RTL's and whose weight channels prefetch into their FIFOs while the
// vector units work. The platform times a launch; the data of the launch is computed by the
// caller (the systemc backend runs the program on the cpu engine, bit-exact).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mmf/sim/axi_memory.hpp"
#include "mmf/sim/kernel_sim.hpp"
#include "mmf_hls/program_format.hpp"

namespace mmf::sim {

// Fixed cycles of the accelerator's steps, beyond what their data movement takes. They stand
// for pipeline fill, handshakes and state changes of rtl/mmf/mmf_kernel.sv; their values and
// how they were obtained are in docs/platform.md (the calibration against the RTL).
struct StepCosts {
  uint32_t op = 0;            // StFetchOp + StCheckOp + StNextOp of every op
  uint32_t read_step = 0;     // a vector-bank read into the slots (or the program load)
  uint32_t norm_read = 0;     // a norm-weight read of mmf_norm_fetch beyond its beats
  uint32_t skipped_step = 0;  // the state of a read the op does not have (no w_rms, no bound)
  uint32_t pass_step = 0;     // a pass of the slots through a vector unit
  uint32_t store_step = 0;    // a pass of a slot to the vector bank (writer drained)
  uint32_t embed = 0;         // the token read and check of an Embed
  uint32_t norm = 0;          // norm/quantize: from the run's start to the first code
  uint32_t row = 0;           // per row of a weight channel (accumulator turnaround)
  uint32_t tail = 0;          // BitLinear: from the last weight word to the step's end
  uint32_t done = 0;          // the end of the program to ap_done seen by the host
};
StepCosts default_step_costs();

struct TimedKernelParams {
  uint32_t weight_word_bytes() const { return word_bytes != 0 ? word_bytes : lanes / 4; }

  uint32_t lanes = 16;         // trits per weight word
  uint32_t tile_rows = 1;      // rows per weight word (mmf_hls::WeightTile)
  uint32_t word_bytes = 0;     // bytes of a weight word on the channel: lanes / 4 (2-bit,
                               // the RTL's packing) when 0; ceil(lanes / 5) models 1.6-bit
  uint32_t channels = 2;       // weight channels
  uint32_t vector_lanes = 4;   // 32-bit words per vector beat
  uint32_t fifo_words = 4096;  // weight FIFO depth per channel, in weight words
  uint32_t max_burst = 64;     // beats per AXI burst (bursts never cross 4 KiB)
  // BitNet's int8 multiply-accumulates a weight channel does a cycle (the head's rows, the KV
  // cache's scores and weighted rows): lanes / 8 when 0, half a weight word's bytes. A design
  // target of the attention units the RTL does not have yet (docs/bitnet.md).
  uint32_t int8_macs = 0;
  uint32_t int8_macs_per_cycle() const { return int8_macs != 0 ? int8_macs : lanes / 8; }
  ChannelTiming weight_timing;  // each weight channel's memory
  ChannelTiming vec_timing;     // the vector bank's memory
  StepCosts costs = default_step_costs();
};

struct HostLinkParams {
  double gbps = 12.0;       // sustained bytes per ns each way
  double launch_us = 10.0;  // per launch: start, interrupt or poll, completion
};

struct PlatformParams {
  TimedKernelParams kernel;
  HostLinkParams link;
  double clock_mhz = 300.0;  // the kernel clock
};

struct PlatformOpCycles {
  uint64_t start = 0, end = 0;
};

// The accelerator's second form: the Verilated RTL of the build runs the launch cycle by
// cycle on the launch's banks (behind the harness's AXI channel models) and returns its
// kernel cycles and the spans of its ops. The platform calls it in the accelerator's place,
// inside its simulation: the Verilator --sc module (make_platform_rtl_kernel) is clocked in
// the platform's time; the Verilated C++ model runs outside it, and the platform's time then
// advances by its cycles. The host link around either is the same as the timed form's.
struct RtlLaunchCycles {
  uint64_t cycles = 0;
  std::vector<PlatformOpCycles> ops;
};
using RtlAccelerator = std::function<RtlLaunchCycles()>;

// One launch: the descriptors of the ops that ran (a run stopped by a bad op times the ops
// before it), and the bytes the host moved over the link before the start and after the end.
struct PlatformLaunch {
  uint32_t num_ops = 0;  // ops of the program (all are loaded and checked)
  std::vector<std::array<uint32_t, mmf_hls::kDescriptorWords>> ops_run;
  // The position each of ops_run reads (Rope, KvAppend, Attention: its position word plus the
  // pass), 0 for the others; empty when no op reads one.
  std::vector<uint32_t> positions;
  uint64_t host_to_device_bytes = 0;
  uint64_t device_to_host_bytes = 0;
  RtlAccelerator rtl;  // set: the RTL form runs the launch instead of the timed model
};

struct PlatformResult {
  uint64_t kernel_cycles = 0;  // ap_start .. ap_done
  uint64_t link_cycles = 0;    // host link transfers and launch overhead, at the kernel clock
  std::vector<PlatformOpCycles> ops;  // from ap_start
  uint64_t weight_bytes = 0;          // read by the weight channels (timed form only)
  uint64_t starved_cycles = 0;        // cycles any accumulator waited for its FIFO
  double wall_seconds = 0.0;          // of the simulation
};

class Platform {
 public:
  virtual ~Platform() = default;
  virtual PlatformResult run(const PlatformLaunch& launch) = 0;
};

// SystemC elaborates once per process: every Platform shares one elaborated board model with
// up to kMaxChannels weight channels, run on one thread of its own; runs are serialized.
constexpr uint32_t kMaxPlatformChannels = 64;
std::unique_ptr<Platform> make_platform(const PlatformParams& params);

// The accelerator's RTL as a SystemC module of the platform (the Verilator --sc model), for
// the builds compiled into this binary (the CI builds): a harness on the module, with the
// memory timing of `options`. Its run() must be called from a launch's RtlAccelerator, inside
// the platform's simulation. Null when this binary has no such module for the build (by name
// and descriptor fingerprint).
std::unique_ptr<KernelSim> make_platform_rtl_kernel(const std::string& build, uint64_t fingerprint,
                                                    const SimOptions& options);
std::vector<std::string> platform_rtl_builds();  // the builds it has one for

}  // namespace mmf::sim

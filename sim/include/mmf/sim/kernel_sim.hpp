// SPDX-License-Identifier: Apache-2.0
// A cycle-accurate simulation of the accelerator kernel (the RTL of rtl/ under Verilator) behind
// a simulator-free interface: the host's `verilator` backend talks to this, never to a
// Verilated model. One launch = the program of one token, run to ap_done.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mmf/sim/axi_memory.hpp"

namespace mmf::sim {

// One memory bank as the kernel sees it: host memory behind a timed AXI channel.
struct BankView {
  uint8_t* data = nullptr;
  uint64_t bytes = 0;
};

struct KernelLaunch {
  std::vector<BankView> weights;  // one per weight channel
  BankView vec;
  uint32_t program = 0, num_ops = 0, vec_words = 0, weight_words = 0;
  uint32_t num_tokens = 1;  // passes of the program (mmf_hls::LaunchRegs)
};

// Counter registers of the kernel (mmf_hls::kCounterRegBase + 8k; the order is CounterReg's).
struct KernelRegisters {
  uint64_t status = 0, ops_done = 0, ternary_ops = 0, weight_bytes = 0, vector_bytes = 0;
  uint64_t busy_cycles = 0, pass_cycles = 0, vec_wait_cycles = 0, starved_cycles = 0;
  uint64_t accumulate_cycles = 0, vec_read_bytes = 0, vec_write_bytes = 0, axi_errors = 0;
  std::vector<uint64_t> channel_bytes;
};

// The controller entered `state` (state_e of rtl/mmf/mmf_controller.sv) at `cycle` of the launch.
struct StateEntry {
  uint8_t state;
  uint64_t cycle;
};

struct LaunchResult {
  KernelRegisters regs;
  uint64_t cycles = 0;        // ap_start written .. ap_done seen
  double wall_seconds = 0.0;  // of the simulation
  // Every state change of the controller, in order: per-op and per-step timing for the
  // calibration of the timed platform model (sim/include/mmf/sim/timed_kernel.hpp).
  std::vector<StateEntry> states;
};

struct SimOptions {
  ChannelTiming weight_timing;   // each weight channel
  ChannelTiming vec_timing;      // the vector bank
  uint64_t watchdog_cycles = 0;  // 0: no limit
  std::string trace_path;        // FST waveform of every launch when not empty
};

class KernelSim {
 public:
  virtual ~KernelSim() = default;
  // Runs one launch; throws mmf::sim::SimError on a hang (naming the controller state).
  virtual LaunchResult run(const KernelLaunch& launch) = 0;
  virtual uint64_t total_cycles() const = 0;
};

class SimError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The Verilated kernels compiled into this binary (CI builds), by build name; the fingerprint
// of the build descriptor the model was made from, to refuse a stale one.
struct CompiledKernel {
  const char* build;
  uint64_t fingerprint;
  std::unique_ptr<KernelSim> (*make)(const SimOptions&);
};
const std::vector<CompiledKernel>& compiled_kernels();

// A controller state (rtl/mmf/mmf_controller.sv's state_e, mmf_hls/controller_states.hpp) with
// what it means, for hang reports: "StFetchOp (fetching a descriptor)".
std::string controller_state_name(unsigned state);

}  // namespace mmf::sim

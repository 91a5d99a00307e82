// SPDX-License-Identifier: Apache-2.0
// One launch of the build's Verilated RTL kernel on the host-memory banks of a launch: what
// the `verilator` backend runs, and the RTL form of the `systemc` backend's accelerator.
#pragma once

#include <memory>
#include <vector>

#include "backends/host_memory_device.hpp"
#include "mmf/sim/kernel_sim.hpp"

namespace mmf::host {

class RtlKernelRun {
 public:
  // The Verilated C++ model: the one compiled into the binary (CI builds), else one built on
  // first use; `backend` names the caller in errors.
  RtlKernelRun(const BuildDescriptor& build, const DeviceOptions& options, std::string backend);
  // A kernel simulation the caller made with sim_options() (the platform's SystemC module).
  RtlKernelRun(std::unique_ptr<sim::KernelSim> sim, std::string backend);
  // Memory timing of the build's channels, the watchdog and the waveform of `options`.
  static sim::SimOptions sim_options(const BuildDescriptor& build, const DeviceOptions& options);
  // Runs the launch to ap_done: the kernel's counter registers; an AXI error response is an
  // Error naming the channel.
  mmf_hls::KernelCounters run(const HostLaunch& launch);
  uint64_t cycles() const { return cycles_; }  // of the last run, ap_start .. ap_done
  const std::vector<OpCycles>& ops() const { return ops_; }
  const PerfCounters& perf() const { return perf_; }  // of the last run

 private:
  std::unique_ptr<sim::KernelSim> sim_;
  std::string backend_;
  uint64_t cycles_ = 0;
  std::vector<OpCycles> ops_;
  PerfCounters perf_;
};

}  // namespace mmf::host

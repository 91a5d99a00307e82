// SPDX-License-Identifier: Apache-2.0
// The accelerator's RTL as SystemC modules of the platform (Verilator --sc): one per build
// compiled into the binary (sim/CMakeLists.txt, the CI builds), elaborated with the platform
// and idle (no clock events) until a launch of the RTL form runs the harness on it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "mmf/sim/kernel_sim.hpp"
#include "systemc.hpp"

namespace mmf::sim {

class PlatformRtlKernel {
 public:
  virtual ~PlatformRtlKernel() = default;
  // The kernel clock's period, set by the platform before each launch.
  virtual void set_period(const sc_core::sc_time& period) = 0;
  // A harness on this module: its run() must be called inside the platform's simulation.
  virtual std::unique_ptr<KernelSim> harness(const SimOptions& options) = 0;
};

struct CompiledScKernel {
  const char* build;
  uint64_t fingerprint;  // of the build descriptor the module was Verilated from
  std::unique_ptr<PlatformRtlKernel> (*make)(const char* name);  // during elaboration only
};
const std::vector<CompiledScKernel>& compiled_sc_kernels();

}  // namespace mmf::sim

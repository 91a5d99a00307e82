// SPDX-License-Identifier: Apache-2.0
// The Verilated kernel of any build, built on first use into a cache under build/.
#pragma once

#include <memory>

#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/sim/kernel_sim.hpp"

namespace mmf::host {

std::unique_ptr<sim::KernelSim> cached_kernel_sim(const BuildDescriptor& build,
                                                  const sim::SimOptions& options);

}  // namespace mmf::host

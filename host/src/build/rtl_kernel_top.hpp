// SPDX-License-Identifier: Apache-2.0
// The Vitis RTL-kernel top of a build (bitstreams/generated/<build>/mmf_kernel_top.sv): the
// ports under the names and widths Vitis expects, wired to rtl/mmf/mmf_kernel.sv.
#pragma once

#include <string>

#include "mmf/host/build/build_descriptor.hpp"

namespace mmf::host {

std::string rtl_kernel_top(const BuildDescriptor& build);

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// kernel.xml of the RTL kernel: what `package_xo` (scripts/package_rtl_xo.tcl) needs to turn the
// SystemVerilog top of a build into a Vitis kernel, and what XRT later reads from the .xclbin.
#pragma once

#include <string>

#include "mmf/host/build/build_descriptor.hpp"

namespace mmf::host {

// The kernel description of build `build`, in the kernel.xml format of Vitis RTL kernels
// (UG1393 "RTL kernels"): the kernel `build.kernel_name()` with ap_ctrl_chain, an interrupt,
// and the ports and arguments of the RTL top (rtl/mmf/mmf_axil_control.sv holds the map):
//   ports  s_axi_control (slave, 4 KiB of registers, 32-bit data);
//          m_axi_w<c> for c < weight_channels (master, 64-bit addresses, 2 x lanes bits);
//          m_axi_vec (master, 64-bit addresses, 32 x vector_lanes bits)
//   args   in the order of the HLS top: w0..w<C-1>, vec (global-memory pointers, 64-bit
//          registers at 0x100 + 8 j), then the scalars of mmf_hls::kScalarArgNames
//          (program_offset, num_ops, vec_words, weight_words, num_tokens; 32-bit at 0x10 + 8 i)
// The counters the RTL reads out from 0x400 are registers, not kernel arguments.
// The IP's VLNV is mmf:kernel:<kernel name>:1.0; the packaging script takes it from here.
std::string rtl_kernel_xml(const BuildDescriptor& build);

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// Test-only: writes a synthetic .xclbin (no bitstream) that describes a build's kernel the way
// v++ would link it, so the xrt backend's plumbing runs under XRT's noop emulation shim
// (XCL_EMULATION_MODE=noop) without a board or Vitis. Sections: MEM_TOPOLOGY (the board's
// memory channels as HBM[i] or DDR[i]), IP_LAYOUT (one ap_ctrl_chain compute unit),
// CONNECTIVITY (each pointer argument on its memory channel) and EMBEDDED_METADATA (the
// kernel's ports and arguments, from the same kernel.xml the RTL kernel is packaged with).
// Layout per XRT 2.13's xclbin.h; platform-notes Appendix A.
#pragma once

#include <map>
#include <string>

#include "mmf/host/build/build_descriptor.hpp"

namespace mmf::test {

struct SyntheticXclbinOptions {
  // Kernel name in the xclbin; empty: the build's (a different one tests the name check).
  std::string kernel_name;
  // Memory channel of a pointer argument ("w0", "vec", ...) when it is not the build's
  // (the backend must follow the xclbin's connectivity, not the build YAML).
  std::map<std::string, int> channel_of;
  // Also declare the counters as output scalars the way the HLS top has them
  // (status, ops_done, ternary_ops, weight_bytes, vector_bytes), at these register offsets.
  bool hls_counter_args = false;
  // Drop this argument from the kernel's metadata (an xclbin of another build).
  std::string drop_arg;
};

// Writes the xclbin to `path`; throws mmf::Error when it cannot.
void write_synthetic_xclbin(const std::string& path, const host::BuildDescriptor& build,
                            const SyntheticXclbinOptions& options = {});

// Register offsets the HLS-flavoured xclbin declares for the counters (low word first).
constexpr uint32_t kSyntheticHlsStatusOffset = 0x300;

}  // namespace mmf::test

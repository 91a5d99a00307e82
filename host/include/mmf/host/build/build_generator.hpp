// SPDX-License-Identifier: Apache-2.0
// The one generator from build descriptors to the files the tool flows read:
//   bitstreams/generated/<build>/mmf_config.hpp    HLS traits of the build
//   bitstreams/generated/<build>/mmf_kernel.cpp    extern "C" Vitis top + csim entry
//   bitstreams/generated/<build>/connectivity.cfg  v++ -l connectivity (AMD boards only)
//   bitstreams/generated/<build>/build.mk          variables for Makefile.fpga
//   bitstreams/generated/<build>/mmf_build_pkg.sv  RTL parameters of the build
//   bitstreams/generated/<build>/mmf_kernel_top.sv the RTL kernel's Vitis top (AMD boards only)
//   bitstreams/generated/<build>/kernel.xml        its kernel.xml for package_xo (AMD boards only)
//   bitstreams/generated/csim_builds.cpp           the builds compiled into the csim backend
//   bitstreams/generated/mmf_lut_pkg.sv            sigmoid and rsqrt tables for the RTL
//   bitstreams/generated/mmf_control_pkg.sv        s_axi_control map, counters, controller states
// An Intel board (board.vendor: intel) gets no Vitis files: its mmf_kernel.cpp has no Vitis
// pragmas and serves the csim backend, and its build.mk only names the vendor so that
// Makefile.fpga refuses it by name.
// Generated files say so in their first line; `mmf gen-builds --check` (run in CI) fails when a
// committed file differs from what its YAML generates.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mmf/host/build/build_descriptor.hpp"

namespace mmf::host {

// Relative path (under bitstreams/generated/) -> content, for one build.
std::map<std::string, std::string> generate_build_files(const BuildDescriptor& build);
// The csim index over all builds (sorted by name).
std::string generate_csim_index(const std::vector<BuildDescriptor>& builds);

struct GenerateOutcome {
  std::vector<std::string> written;  // files (re)written, or in check mode: files that drifted
  std::vector<std::string> stale;    // generated directories without a YAML, and files in a
                                     // build's directory that it no longer generates
  int builds = 0;
};

// Loads every *.yaml in `dir` and writes dir/generated/... (only files whose content changed;
// atomically). With check = true nothing is written and the outcome lists what would change.
GenerateOutcome generate_builds(const std::string& dir, bool check);

}  // namespace mmf::host

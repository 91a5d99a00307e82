// SPDX-License-Identifier: Apache-2.0
// The kernel's SystemVerilog sources, from their one list, rtl/mmf.f: the shared packages and
// the modules, in compile order. Every tool that reads the RTL takes them from here (CMake reads
// the same file); rtl_lint_test checks that the list and the files under rtl/ agree.
#pragma once

#include <string>
#include <vector>

namespace mmf::host {

struct RtlSources {
  std::vector<std::string> packages;  // absolute paths, *_pkg.sv, in dependency order
  std::vector<std::string> modules;   // absolute paths, one module per file, named after it
  std::string verilator_flags;        // "-F <root>/rtl/verilator.f": Verilator's options
};

// Reads `root`/rtl/mmf.f (paths from `root`, the repository; `//` comments and blank lines
// skipped). Throws mmf::Error naming the list and line for a missing list or listed file, or a
// package listed after a module.
RtlSources read_rtl_sources(const std::string& root);

// The shipped rtl/ directory ($MMF_RTL_DIR overrides).
std::string rtl_dir();

}  // namespace mmf::host

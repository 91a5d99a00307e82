// SPDX-License-Identifier: Apache-2.0
// The device options of `mmf run` and `mmf bench` as command-line flags: declared once, checked
// against the chosen backend, and turned into host::DeviceOptions (one struct a backend, enums
// for their choices). The backends name the options only they read in the registry
// (host::backend_infos()); a flag of another backend is an error naming the flag.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "mmf/host/backends/device.hpp"

namespace mmf::cli {

struct DeviceFlags {
  std::string backend = host::default_backend();
  std::string trace;
  std::string xclbin;
  std::string accelerator = "timed";
  std::string device = "0";
  int threads = 0;  // cpu backend: 0 = every core
  std::string isa = "auto";
  std::string packing = "2bit";
};

// --backend, its help listing the registry's backends with their summaries.
CLI::Option* add_backend_flag(CLI::App* cmd, DeviceFlags& f);
// The backends' own flags: --xclbin, --accelerator, --device, and --trace when `with_trace`.
void add_backend_option_flags(CLI::App* cmd, DeviceFlags& f, bool with_trace);

// Fails, naming the flag, when `cmd` was given an option that only another backend reads.
void check_backend_flags(const CLI::App& cmd, const std::string& backend);
// The options of the flags; throws mmf::Error naming a flag whose value is unknown.
host::DeviceOptions device_options(const DeviceFlags& f);

// --accelerator's value: timed | rtl | rtl-cpp.
host::PlatformModel parse_platform_model(const std::string& name);

}  // namespace mmf::cli

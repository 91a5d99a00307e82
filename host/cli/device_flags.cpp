// SPDX-License-Identifier: Apache-2.0
#include "device_flags.hpp"

#include "commands.hpp"
#include "mmf/error.hpp"
#include "mmf/host/backends/cpu/ternary_kernels.hpp"

namespace mmf::cli {

CLI::Option* add_backend_flag(CLI::App* cmd, DeviceFlags& f) {
  std::string help = "The backend:";
  for (const host::BackendInfo& b : host::backend_infos()) {
    help += std::string("\n  ") + b.name + ": " + b.summary;
    if (b.left_out != nullptr) help += " (not in this binary)";
  }
  return cmd->add_option("--backend", f.backend, help)->capture_default_str();
}

void add_backend_option_flags(CLI::App* cmd, DeviceFlags& f, bool with_trace) {
  if (with_trace) {
    cmd->add_option("--trace", f.trace, "verilator: write an FST waveform of the run to FILE");
  }
  cmd->add_option("--xclbin", f.xclbin, "xrt: the .xclbin Makefile.fpga built for --build");
  cmd->add_option("--accelerator", f.accelerator,
                  "systemc: the platform's accelerator: timed (approximately-timed model), rtl "
                  "(the Verilated RTL as a SystemC module, cycle-accurate; CI builds) or "
                  "rtl-cpp (its Verilated C++ model; any build)")
      ->capture_default_str();
  cmd->add_option("--device", f.device, "xrt: device index or PCIe BDF")->capture_default_str();
}

void check_backend_flags(const CLI::App& cmd, const std::string& backend) {
  for (const host::BackendInfo& b : host::backend_infos()) {
    if (backend == b.name) continue;
    for (const auto& [flag, why] : b.options) {
      const CLI::Option* o = cmd.get_option_no_throw(flag);
      if (o != nullptr && o->count() > 0) {
        throw Error(std::string(flag) + ": " + why + ", not '" + backend + "'");
      }
    }
  }
}

host::PlatformModel parse_platform_model(const std::string& name) {
  for (host::PlatformModel model :
       {host::PlatformModel::timed, host::PlatformModel::rtl, host::PlatformModel::rtl_cpp}) {
    if (name == host::platform_model_name(model)) return model;
  }
  throw Error("--accelerator: unknown form '" + name +
              "' of the platform's accelerator (expected timed, rtl or rtl-cpp)");
}

host::DeviceOptions device_options(const DeviceFlags& f) {
  host::DeviceOptions o;
  o.channel_packing = parse_packing(f.packing, "--packing");
  o.cpu.threads = thread_count(f.threads);
  o.cpu.isa = cpu::isa_from_name(f.isa, "--isa");
  o.verilator.trace_path = f.trace;
  o.systemc.model = parse_platform_model(f.accelerator);
  o.xrt.xclbin_path = f.xclbin;
  o.xrt.device = f.device;
  return o;
}

}  // namespace mmf::cli

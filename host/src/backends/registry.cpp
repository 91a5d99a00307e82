// SPDX-License-Identifier: Apache-2.0
// Backend registry: which device backends exist, which this binary has, and how to open them:
// one table, one row per backend.
#include "mmf/host/backends/device.hpp"

#include "mmf/error.hpp"
#include "mmf/host/util/join_list.hpp"

namespace mmf::host {

// Defined by the backends (host/src/backends/<name>/).
std::unique_ptr<Device> make_cpu_device(const BuildDescriptor& build, const DeviceOptions& options);
std::unique_ptr<Device> make_csim_device(const BuildDescriptor& build);
std::unique_ptr<Device> make_verilator_device(const BuildDescriptor& build,
                                              const DeviceOptions& options);
#ifdef MMF_HAVE_SYSTEMC
std::unique_ptr<Device> make_systemc_device(const BuildDescriptor& build,
                                            const DeviceOptions& options);
#endif
#ifdef MMF_HAVE_XRT
std::unique_ptr<Device> make_xrt_device(const BuildDescriptor& build, const DeviceOptions& options);
#endif

namespace {

// One row per backend, in the order they are listed to users. `open` is null when this binary
// was configured without the backend; `left_out` then says why.
struct BackendEntry {
  const char* name;
  std::unique_ptr<Device> (*open)(const BuildDescriptor&, const DeviceOptions&);
  const char* left_out;
};

std::unique_ptr<Device> open_csim(const BuildDescriptor& build, const DeviceOptions&) {
  return make_csim_device(build);
}

const std::vector<BackendEntry>& backends() {
  static const std::vector<BackendEntry> table = {
      {"cpu", &make_cpu_device, nullptr},
      {"csim", &open_csim, nullptr},
#ifdef MMF_HAVE_VERILATOR
      {"verilator", &make_verilator_device, nullptr},
#else
      {"verilator", nullptr,
       "this build was configured with MMF_WITH_VERILATOR=OFF (as the sanitizer build is), so "
       "it has no Verilated kernel"},
#endif
#ifdef MMF_HAVE_SYSTEMC
      {"systemc", &make_systemc_device, nullptr},
#else
      {"systemc", nullptr,
       "this build was configured with MMF_WITH_SYSTEMC=OFF (as the sanitizer and fuzzing "
       "builds are), so it has no SystemC platform"},
#endif
#ifdef MMF_HAVE_XRT
      {"xrt", &make_xrt_device, nullptr},
#else
      {"xrt", nullptr,
       "this build found no XRT (headers or libxrt_coreutil) when it was configured; make deps "
       "installs libxrt-dev"},
#endif
  };
  return table;
}

const BackendEntry* find_backend(const std::string& name) {
  for (const BackendEntry& b : backends()) {
    if (name == b.name) return &b;
  }
  return nullptr;
}

std::vector<std::string> available_backends() {
  std::vector<std::string> names;
  for (const BackendEntry& b : backends()) {
    if (b.open) names.emplace_back(b.name);
  }
  return names;
}

}  // namespace

const std::vector<std::string>& known_backends() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const BackendEntry& b : backends()) n.emplace_back(b.name);
    return n;
  }();
  return names;
}

bool backend_available(const std::string& backend) {
  const BackendEntry* b = find_backend(backend);
  return b != nullptr && b->open != nullptr;
}

std::string default_backend() {
  return backend_available("verilator") ? "verilator" : "cpu";
}

std::unique_ptr<Device> open_device(const std::string& backend, const BuildDescriptor& build,
                                    const DeviceOptions& options) {
  if (options.platform_accelerator != "timed" && backend != "systemc") {
    throw Error(
        "--accelerator: the form of the platform's accelerator is a systemc backend "
        "option, not '" +
        backend + "'");
  }
  if (!options.trace_path.empty() && backend != "verilator") {
    throw Error("--trace: waveforms come from the verilator backend, not '" + backend + "'");
  }
  if (!options.xclbin_path.empty() && backend != "xrt") {
    throw Error("--xclbin: an .xclbin is loaded by the xrt backend, not '" + backend + "'");
  }
  // XRT loads AMD .xclbin files; an Intel board's bitstream is built and run by other tools,
  // which mmf does not drive.
  if (backend == "xrt" && build.board.vendor != "amd") {
    throw Error("--backend xrt: build '" + build.name + "' is for an " + build.board.vendor +
                " board (board.vendor in " + build.path +
                "); the xrt backend runs AMD .xclbin files only. Use --backend cpu or csim, "
                "which run any build");
  }
  const BackendEntry* b = find_backend(backend);
  if (b == nullptr) {
    throw Error("--backend: unknown backend '" + backend + "' (expected " +
                join_list(known_backends()) + ")");
  }
  if (b->open == nullptr) {
    throw Error("--backend " + backend + ": " + b->left_out +
                " (available: " + join_list(available_backends()) + ")");
  }
  return b->open(build, options);
}

}  // namespace mmf::host

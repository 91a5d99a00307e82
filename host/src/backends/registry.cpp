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

// One row per backend, in the order they are listed to users: how it describes itself and how
// it opens. `open` is null when this binary was configured without the backend
// (info.left_out then says why).
struct BackendEntry {
  BackendInfo info;
  std::unique_ptr<Device> (*open)(const BuildDescriptor&, const DeviceOptions&);
};

std::unique_ptr<Device> open_csim(const BuildDescriptor& build, const DeviceOptions&) {
  return make_csim_device(build);
}

const std::vector<BackendEntry>& backends(){
    static const std::vector<BackendEntry> table = {
        {{"cpu",
          "the fixed-point engine on this machine's cores (AVX2/AVX-512 matvec); no cycles",
          {},
          nullptr},
         &make_cpu_device},
        {{"csim",
          "the HLS C++ kernel compiled natively (Vitis C simulation); no cycles",
          {},
          nullptr},
         &open_csim},
        {{"verilator",
          "the build's RTL, Verilated: cycle-accurate kernel cycles and counters",
          {{"--trace", "waveforms come from the verilator backend"}},
#ifdef MMF_HAVE_VERILATOR
          nullptr},
         &make_verilator_device},
#else
          "this build was configured with MMF_WITH_VERILATOR=OFF (as the sanitizer build is), so "
          "it has no Verilated kernel"},
         nullptr},
#endif
        {{"systemc",
          "the SystemC virtual platform: host link and kernel, timed model or the RTL",
          {{"--accelerator", "the form of the platform's accelerator is a systemc backend option"}},
#ifdef MMF_HAVE_SYSTEMC
          nullptr},
         &make_systemc_device},
#else
          "this build was configured with MMF_WITH_SYSTEMC=OFF (as the sanitizer and fuzzing "
          "builds are), so it has no SystemC platform"},
         nullptr},
#endif
        {{"xrt",
          "an Alveo board through XRT, measured",
          {{"--xclbin", "an .xclbin is loaded by the xrt backend"}},
#ifdef MMF_HAVE_XRT
          nullptr},
         &make_xrt_device},
#else
          "this build found no XRT (headers or libxrt_coreutil) when it was configured; make deps "
          "installs libxrt-dev"},
         nullptr},
#endif
    };
return table;
}  // namespace

const BackendEntry* find_backend(const std::string& name) {
  for (const BackendEntry& b : backends()) {
    if (name == b.info.name) return &b;
  }
  return nullptr;
}

std::vector<std::string> available_backends() {
  std::vector<std::string> names;
  for (const BackendEntry& b : backends()) {
    if (b.open) names.emplace_back(b.info.name);
  }
  return names;
}

}  // namespace mmf::host

const std::vector<BackendInfo>& backend_infos() {
  static const std::vector<BackendInfo> infos = [] {
    std::vector<BackendInfo> v;
    for (const BackendEntry& b : backends()) v.push_back(b.info);
    return v;
  }();
  return infos;
}

const std::vector<std::string>& known_backends() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const BackendEntry& b : backends()) n.emplace_back(b.info.name);
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

const char* platform_model_name(PlatformModel model) {
  switch (model) {
    case PlatformModel::timed:
      return "timed";
    case PlatformModel::rtl:
      return "rtl";
    case PlatformModel::rtl_cpp:
      return "rtl-cpp";
  }
  return "?";
}

std::unique_ptr<Device> open_device(const std::string& backend, const BuildDescriptor& build,
                                    const DeviceOptions& options) {
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
    throw Error("--backend " + backend + ": " + b->info.left_out +
                " (available: " + join_list(available_backends()) + ")");
  }
  return b->open(build, options);
}

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// Backend registry: which device backends exist and how to open them.
#include "mmf/host/backends/device.hpp"

#include <algorithm>

#include "mmf/error.hpp"
#include "mmf/host/util/join_list.hpp"

namespace mmf::host {

// Defined by the backends (host/src/*_device.cpp).
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

const std::vector<std::string>& available_backends() {
  static const std::vector<std::string> names = {"cpu", "csim",
#ifdef MMF_HAVE_VERILATOR
                                                 "verilator",
#endif
#ifdef MMF_HAVE_SYSTEMC
                                                 "systemc",
#endif
#ifdef MMF_HAVE_XRT
                                                 "xrt"
#endif
  };
  return names;
}

}  // namespace

const std::vector<std::string>& known_backends() {
  static const std::vector<std::string> names = {"cpu", "csim", "verilator", "systemc", "xrt"};
  return names;
}

bool backend_available(const std::string& backend) {
  const auto& a = available_backends();
  return std::find(a.begin(), a.end(), backend) != a.end();
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
  if (backend == "cpu") return make_cpu_device(build, options);
  if (backend == "csim") return make_csim_device(build);
  if (backend == "verilator") {
#ifdef MMF_HAVE_VERILATOR
    return make_verilator_device(build, options);
#else
    throw Error(
        "--backend verilator: this build was configured with MMF_WITH_VERILATOR=OFF (as "
        "the sanitizer build is), so it has no Verilated kernel (available: " +
        join_list(available_backends()) + ")");
#endif
  }
  if (backend == "systemc") {
#ifdef MMF_HAVE_SYSTEMC
    return make_systemc_device(build, options);
#else
    throw Error(
        "--backend systemc: this build was configured with MMF_WITH_SYSTEMC=OFF (as the "
        "sanitizer and fuzzing builds are), so it has no SystemC platform (available: " +
        join_list(available_backends()) + ")");
#endif
  }
#ifdef MMF_HAVE_XRT
  if (backend == "xrt") return make_xrt_device(build, options);
#endif
  const auto& known = known_backends();
  if (std::find(known.begin(), known.end(), backend) != known.end()) {
    throw Error("--backend " + backend +
                ": this backend is not part of this build yet (available: " +
                join_list(available_backends()) + ")");
  }
  throw Error("--backend: unknown backend '" + backend + "' (expected " + join_list(known) + ")");
}

}  // namespace mmf::host

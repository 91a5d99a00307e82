// SPDX-License-Identifier: Apache-2.0
// Which power meter a backend gets (DESIGN.md §5): the board's instruments, the host's RAPL,
// the energy model, or none with the reason.
#include "mmf/error.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/power/power.hpp"

namespace mmf::host {
namespace {

// The board: XRT's electrical report when it gives a number, else the card's hwmon node.
std::unique_ptr<PowerMeter> board_meter(const Device& device, const PowerOptions& options) {
  std::string xrt_says;
  if (const auto report = device.electrical_report()) {
    try {
      if (parse_xrt_electrical(*report)) {
        // The probe asks the device on the sampler thread while the run goes on.
        WattsProbe probe = [&device]() -> std::optional<double> {
          const auto now = device.electrical_report();
          return now ? parse_xrt_electrical(*now) : std::nullopt;
        };
        return make_sampling_meter("XRT electrical report", std::move(probe), options);
      }
      xrt_says = "XRT electrical report gives N/A";
    } catch (const Error& e) {
      xrt_says = std::string("XRT electrical report is unreadable (") + e.what() + ")";
    }
  } else {
    xrt_says = "the device gives no XRT electrical report";
  }
  const std::string bdf = device.pci_bdf();
  if (bdf.empty()) return make_no_meter(xrt_says + " and the device has no PCI address for hwmon");
  if (auto hwmon = make_hwmon_meter(bdf, options)) return hwmon;
  return make_no_meter(xrt_says + " and no hwmon power1_input under " + options.sysfs_root +
                       "/bus/pci/devices/" + bdf);
}

}  // namespace

std::unique_ptr<PowerMeter> select_power_meter(const Device& device, const PowerOptions& options) {
  const std::string& backend = device.backend();
  if (backend == "xrt") return board_meter(device, options);
  if (backend == "cpu") {
    if (auto rapl = make_rapl_meter(options)) return rapl;
    return make_no_meter("no RAPL energy counters under " + options.sysfs_root +
                         "/class/powercap (or energy_uj is not readable by this user)");
  }
  if (backend == "verilator" || backend == "systemc") {
    return make_energy_model_meter(device.build(), backend, device.weight_packing());
  }
  if (backend == "csim") {
    return make_no_meter(
        "csim is untimed: it counts bytes and ops but no cycles, and runs on the host, not the "
        "board; use --backend verilator for modeled power");
  }
  return make_no_meter("no power source for backend '" + backend + "'");
}

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// The hwmon meter: the card's power1_input (microwatts) under its PCI device, sampled.
// xocl creates it (platform-notes §3.4); it updates about once a second.
#include <algorithm>
#include <filesystem>
#include <vector>

#include "mmf/host/power/power.hpp"
#include "sysfs.hpp"

namespace mmf::host {
namespace {

namespace fs = std::filesystem;

// <sysfs_root>/bus/pci/devices/<bdf>, accepting a BDF without the PCI domain ("3b:00.1").
fs::path pci_device_dir(const std::string& sysfs_root, const std::string& bdf) {
  const fs::path devices = fs::path(sysfs_root) / "bus" / "pci" / "devices";
  std::error_code ec;
  if (std::count(bdf.begin(), bdf.end(), ':') == 1 && !fs::exists(devices / bdf, ec)) {
    return devices / ("0000:" + bdf);
  }
  return devices / bdf;
}

// hwmon/hwmon*/power1_input of the device, in name order.
std::vector<std::string> power_inputs(const fs::path& device) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(device / "hwmon", ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("hwmon", 0) != 0) continue;
    const fs::path input = e.path() / "power1_input";
    if (fs::is_regular_file(input, ec)) found.push_back(input.string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

std::unique_ptr<PowerMeter> make_hwmon_meter(const std::string& bdf, const PowerOptions& options) {
  if (bdf.empty()) return nullptr;
  for (const std::string& input : power_inputs(pci_device_dir(options.sysfs_root, bdf))) {
    if (!power_detail::read_sysfs_uint(input)) continue;  // unreadable: try the next node
    WattsProbe probe = [input]() -> std::optional<double> {
      const auto microwatts = power_detail::read_sysfs_uint(input);
      if (!microwatts) return std::nullopt;
      return static_cast<double>(*microwatts) * 1e-6;
    };
    return make_sampling_meter("hwmon " + input, std::move(probe), options);
  }
  return nullptr;
}

}  // namespace mmf::host

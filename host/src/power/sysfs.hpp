// SPDX-License-Identifier: Apache-2.0
// Reading sysfs attributes for the hwmon and RAPL meters. Internal to host/src/power.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mmf::host::power_detail {

// The unsigned decimal integer a sysfs attribute holds (trailing newline allowed), or nullopt
// when the file is missing, unreadable (RAPL's energy_uj is often root-only) or not a number.
std::optional<uint64_t> read_sysfs_uint(const std::string& path);
// The attribute's first line, or "" when it cannot be read.
std::string read_sysfs_line(const std::string& path);

}  // namespace mmf::host::power_detail

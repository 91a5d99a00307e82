// SPDX-License-Identifier: Apache-2.0
// Number formatting for the `how` strings of power reports: integers with thousands
// separators ("324,665,344"), other values with six significant digits. Internal.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>

namespace mmf::host::power_detail {

inline std::string grouped(uint64_t v) {
  std::string digits = std::to_string(v);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(at, ",");
  return digits;
}

inline std::string num(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace mmf::host::power_detail

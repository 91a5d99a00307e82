// SPDX-License-Identifier: Apache-2.0
// sysfs attribute reads: whole small files, parsed strictly.
#include "sysfs.hpp"

#include <cctype>
#include <fstream>

namespace mmf::host::power_detail {

std::string read_sysfs_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return {};
  return line;
}

std::optional<uint64_t> read_sysfs_uint(const std::string& path) {
  const std::string line = read_sysfs_line(path);
  size_t end = line.size();
  while (end > 0 && std::isspace(static_cast<unsigned char>(line[end - 1]))) --end;
  if (end == 0) return std::nullopt;
  uint64_t v = 0;
  for (size_t i = 0; i < end; ++i) {
    const char c = line[i];
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;  // overflow: not a sysfs counter
    v = v * 10 + digit;
  }
  return v;
}

}  // namespace mmf::host::power_detail

// SPDX-License-Identifier: Apache-2.0
// Names listed in a message: "a, b, c".
#pragma once

#include <string>
#include <vector>

namespace mmf::host {

// The items separated by ", "; empty for no item.
inline std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace mmf::host

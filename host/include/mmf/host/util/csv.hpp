// SPDX-License-Identifier: Apache-2.0
// CSV fields (RFC 4180): the bench's --csv row and the sweep's results.csv.
#pragma once

#include <string>

namespace mmf::host {

// `s` as one field: as it is, or quoted with inner quotes doubled when it holds a comma, a
// quote or a line break.
inline std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace mmf::host

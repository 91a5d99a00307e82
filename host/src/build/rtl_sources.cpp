// SPDX-License-Identifier: Apache-2.0
#include "mmf/host/build/rtl_sources.hpp"

#include <filesystem>
#include <fstream>

#include "mmf/error.hpp"
#include "mmf/host/util/shipped_dir.hpp"

namespace mmf::host {

namespace fs = std::filesystem;

RtlSources read_rtl_sources(const std::string& root) {
  const fs::path list = fs::path(root) / "rtl" / "mmf.f";
  std::ifstream in(list);
  if (!in) throw Error(list.string() + ": cannot read the RTL source list");
  RtlSources s;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line.compare(first, 2, "//") == 0) continue;
    const size_t last = line.find_last_not_of(" \t\r");
    const std::string rel = line.substr(first, last - first + 1);
    const std::string where = list.string() + ":" + std::to_string(n) + ": '" + rel + "'";
    const fs::path file = fs::path(root) / rel;
    if (!fs::is_regular_file(file)) throw Error(where + " does not exist");
    const bool package = rel.size() > 7 && rel.compare(rel.size() - 7, 7, "_pkg.sv") == 0;
    if (package && !s.modules.empty()) {
      throw Error(where + ": a package after a module (packages come first)");
    }
    (package ? s.packages : s.modules).push_back(file.string());
  }
  s.verilator_flags = "-F '" + (fs::path(root) / "rtl" / "verilator.f").string() + "'";
  return s;
}

std::string rtl_dir() {
  return shipped_dir("MMF_RTL_DIR", "rtl", MMF_DEFAULT_RTL_DIR);
}

}  // namespace mmf::host

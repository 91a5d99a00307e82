// SPDX-License-Identifier: Apache-2.0
#include "mmf/host/util/atomic_file.hpp"

#include <filesystem>
#include <fstream>

#include "mmf/error.hpp"

namespace mmf::host {

void write_text_atomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) {
      out.close();
      fs::remove(tmp, ec);
      throw Error(tmp + ": cannot write");
    }
  }
  fs::rename(tmp, p, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(tmp, ec);
    throw Error(path + ": cannot move the written file into place (" + why + ")");
  }
}

}  // namespace mmf::host

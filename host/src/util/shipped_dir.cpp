// SPDX-License-Identifier: Apache-2.0
// Locating the shipped source directories at run time.
#include "mmf/host/util/shipped_dir.hpp"

#include <cstdlib>
#include <filesystem>

namespace mmf::host {

std::string shipped_dir(const char* env_var, const std::string& name, const char* fallback) {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv(env_var); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path candidate = exe.parent_path().parent_path().parent_path() / name;
    // A tree nested in build/ (build/asan/bin/mmf) finds build/<name> there: CMake's binary
    // directory of the main tree, not the shipped one.
    if (fs::is_directory(candidate) && !fs::exists(candidate / "CMakeFiles")) {
      return candidate.string();
    }
  }
  return fallback;
}

}  // namespace mmf::host

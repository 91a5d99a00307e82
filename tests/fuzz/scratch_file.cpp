// SPDX-License-Identifier: Apache-2.0
// The scratch directory of the fuzz targets.
#include "scratch_file.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace mmf::fuzz {
namespace {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "mmf-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("fuzz: cannot create a scratch directory in " + pattern);
    }
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

std::string write_scratch_file(const std::string& name, const uint8_t* data, size_t size) {
  // One directory for the process's life: a fuzzer calls this millions of times.
  static const ScratchDir dir;
  const fs::path p = dir.path() / name;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) throw std::runtime_error("fuzz: cannot write " + p.string());
  return p.string();
}

}  // namespace mmf::fuzz

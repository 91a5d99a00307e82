// SPDX-License-Identifier: Apache-2.0
// Temporary directories, whole-file I/O and running the mmf CLI, for tests.
#include "common/temp_dir.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mmf::test {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "mmf-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

CliResult run_cli(const std::string& args, const std::string& input) {
  const TempDir dir;
  write_file(dir.file("in"), input);
  const std::string cmd = std::string(MMF_CLI_PATH) + " " + args + " >" + dir.file("out") + " 2>" +
                          dir.file("err") + " <" + dir.file("in");
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(dir.file("out"));
  r.err = read_file(dir.file("err"));
  return r;
}

}  // namespace mmf::test

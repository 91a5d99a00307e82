// SPDX-License-Identifier: Apache-2.0
// A temporary directory removed with its contents when the object goes away.
#pragma once

#include <string>

namespace mmf::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Reads/writes a whole file as bytes.
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);

// Runs `mmf ARGS` (the CLI under test); returns exit code and captures stdout and stderr.
struct CliResult {
  int exit_code;
  std::string out;
  std::string err;
};
CliResult run_cli(const std::string& args, const std::string& input = "");

}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// `mmf`: run, evaluate, inspect and convert ternary MatMul-free language models.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "commands.hpp"
#include "mmf/error.hpp"

namespace mmf::cli {

int thread_count(int requested) {
  if (requested < 0) throw Error("--threads must be >= 0 (0: every core)");
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open text file");
  std::ostringstream s;
  s << in.rdbuf();
  if (s.str().empty()) throw Error(path + ": the text file is empty");
  return s.str();
}

}  // namespace mmf::cli

int main(int argc, char** argv) {
  CLI::App app{"mmf: ternary MatMul-free language models on FPGA accelerators"};
  app.require_subcommand(1);
  mmf::cli::add_run_command(app);
  mmf::cli::add_bench_command(app);
  mmf::cli::add_info_command(app);
  mmf::cli::add_convert_command(app);
  mmf::cli::add_eval_command(app);
  mmf::cli::add_gen_builds_command(app);
  mmf::cli::add_synth_command(app);
  mmf::cli::add_calibrate_command(app);
  mmf::cli::add_sweep_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const mmf::Error& e) {
    std::cerr << "mmf: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "mmf: internal error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

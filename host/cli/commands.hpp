// SPDX-License-Identifier: Apache-2.0
// Subcommands of the `mmf` tool; each registers its options and callback on the app.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace mmf::cli {

void add_run_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_gen_builds_command(CLI::App& app);
void add_synth_command(CLI::App& app);
void add_calibrate_command(CLI::App& app);
void add_sweep_command(CLI::App& app);
// Options and callback of gen-builds on `cmd` (a subcommand, or the app of mmf-gen-builds).
void configure_gen_builds(CLI::App* cmd);

// --threads of the cpu backend and the benchmarks: `requested`, or every core for 0; throws
// mmf::Error on a negative count.
int thread_count(int requested);

// Reads a whole text file; throws mmf::Error naming it when it is missing or empty.
std::string read_text_file(const std::string& path);

}  // namespace mmf::cli

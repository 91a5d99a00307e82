// SPDX-License-Identifier: Apache-2.0
// `mmf gen-builds`: regenerate (or, with --check, verify) the files derived from the build
// descriptors in bitstreams/.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "mmf/error.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/host/build/build_generator.hpp"

namespace mmf::cli {
namespace {

struct GenArgs {
  std::string dir;
  bool check = false;
};

void gen_builds(const GenArgs& a) {
  const std::string dir = a.dir.empty() ? host::bitstreams_dir() : a.dir;
  const host::GenerateOutcome out = host::generate_builds(dir, a.check);
  for (const auto& s : out.stale) {
    std::cerr << "mmf gen-builds: " << s << " is not generated from any descriptor; delete it\n";
  }
  if (a.check) {
    if (!out.written.empty() || !out.stale.empty()) {
      std::string list;
      for (const auto& f : out.written) list += "\n  " + f;
      throw Error("generated files differ from the build descriptors in " + dir + ":" + list +
                  "\nrun `make gen` and rebuild");
    }
    std::cout << "mmf gen-builds: " << out.builds << " build(s) in " << dir << " up to date\n";
    return;
  }
  for (const auto& f : out.written) std::cout << "wrote " << f << "\n";
  std::cout << "mmf gen-builds: " << out.builds << " build(s), " << out.written.size()
            << " file(s) changed" << (out.written.empty() ? "" : "; rebuild to use them") << "\n";
}

}  // namespace

void configure_gen_builds(CLI::App* cmd) {
  auto a = std::make_shared<GenArgs>();
  cmd->add_option("dir", a->dir,
                  "Directory of build descriptors (default: the shipped bitstreams/)");
  cmd->add_flag("--check", a->check, "Change nothing; fail if a generated file is out of date");
  cmd->callback([a] { gen_builds(*a); });
}

void add_gen_builds_command(CLI::App& app) {
  configure_gen_builds(app.add_subcommand(
      "gen-builds",
      "Generate HLS/Vitis/make files from the build descriptors (bitstreams/*.yaml)"));
}

}  // namespace mmf::cli

// SPDX-License-Identifier: Apache-2.0
// Makefile.fpga without Vitis: stand-in v++/emconfigutil/vivado on PATH record the command lines
// it runs; scripts/package_rtl_xo.tcl runs under tclsh with the Vivado commands stubbed.
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <ostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/host/build/rtl_kernel_xml.hpp"
#include "mmf/host/build/rtl_sources.hpp"

namespace mmf {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

// The repository under test (compile definition set in tests/CMakeLists.txt).
std::string source_dir() {
  return MMF_SOURCE_DIR;
}
std::string generated_dir(const std::string& board) {
  return source_dir() + "/bitstreams/generated/" + board;
}

// Single-quotes `s` for /bin/sh.
std::string sh_quote(const std::string& s) {
  std::string q = "'";
  for (const char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// A std::system() status as a shell reports it.
int shell_status(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Full path of `tool` on the test's PATH, or "" when it is not installed.
std::string find_tool(const std::string& tool) {
  const TempDir probe;
  const int status =
      std::system(("command -v " + tool + " >" + sh_quote(probe.file("found"))).c_str());
  std::istringstream found(test::read_file(probe.file("found")));
  std::string path;
  std::getline(found, path);
  return shell_status(status) == 0 ? path : std::string();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> split_words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

bool contains(const std::vector<std::string>& words, const std::string& w) {
  for (const auto& x : words) {
    if (x == w) return true;
  }
  return false;
}

// Every word that follows `flag` ("-I a -I b" gives {a, b}).
std::vector<std::string> values_after(const std::vector<std::string>& words,
                                      const std::string& flag) {
  std::vector<std::string> values;
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == flag) values.push_back(words[i + 1]);
  }
  return values;
}

// The word after the first `flag`, or "" when absent.
std::string value_after(const std::vector<std::string>& words, const std::string& flag) {
  const auto v = values_after(words, flag);
  return v.empty() ? std::string() : v.front();
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// `NAME := value` from a generated build.mk, or "" when the variable is not set.
std::string make_variable(const std::string& mk_text, const std::string& name) {
  for (const auto& line : split_lines(mk_text)) {
    const auto words = split_words(line);
    if (words.size() == 3 && words[0] == name && words[1] == ":=") return words[2];
  }
  return {};
}

// What --hls.clock takes: Hz from the descriptor's MHz.
std::string mhz_to_hz(const std::string& mhz) {
  return std::to_string(std::llround(std::stod(mhz) * 1e6));
}

struct MakeResult {
  int exit_code;
  std::string output;  // stdout and stderr interleaved
};

// Stand-in for a Vitis tool: logs its arguments, one invocation per line, to <dir>/<tool>.log and
// creates the output it was asked for (-o file, or emconfig.json in --od dir) so make's
// dependency chain sees it.
constexpr const char* kStandInTool = R"sh(#!/bin/sh
log="$(dirname "$0")/$(basename "$0").log"
printf '%s\n' "$*" >> "$log"
out=
od=
while [ $# -gt 0 ]; do
  case "$1" in
    -o|--output) out="$2"; shift ;;
    --od) od="$2"; shift ;;
  esac
  shift
done
if [ -n "$out" ]; then mkdir -p "$(dirname "$out")" && : > "$out"; fi
if [ -n "$od" ]; then mkdir -p "$od" && : > "$od/emconfig.json"; fi
exit 0
)sh";

// Stand-in for Vivado: logs its arguments the same way and creates the .xo the packaging script
// would write, the third word after -tclargs.
constexpr const char* kStandInVivado = R"sh(#!/bin/sh
log="$(dirname "$0")/$(basename "$0").log"
printf '%s\n' "$*" >> "$log"
while [ $# -gt 0 ] && [ "$1" != -tclargs ]; do shift; done
if [ $# -ge 4 ]; then mkdir -p "$(dirname "$4")" && : > "$4"; fi
exit 0
)sh";

// One fixture for the whole flow: a tools dir with stand-in v++/emconfigutil/vivado and an output
// dir used as BUILD_DIR, both temporary, so nothing is written into the repository.
class MakefileFpga : public ::testing::Test {
 protected:
  void SetUp() override {
    make_ = find_tool("make");
    if (make_.empty()) GTEST_SKIP() << "make is not installed";
    for (const char* tool : {"v++", "emconfigutil", "vivado"}) {
      const std::string path = tools_.file(tool);
      test::write_file(path, std::string(tool) == "vivado" ? kStandInVivado : kStandInTool);
      fs::permissions(path, fs::perms::owner_all, fs::perm_options::add);
    }
  }

  std::string build_dir() const { return build_.file("out"); }
  std::string tool_log(const std::string& tool) const {
    return test::read_file(tools_.file(tool + ".log"));
  }
  // PATH with the stand-ins first.
  std::string stand_in_path() const {
    const char* path = std::getenv("PATH");
    return tools_.path() + ":" + (path != nullptr ? path : "/usr/bin:/bin");
  }

  // Runs make with the given PATH; `make_args` is everything after `make` (goal, -f, VARS).
  // The flow's own variables are cleared from the environment so a caller's shell cannot
  // change the defaults under test, and MAKEFLAGS so an outer make's jobserver does not leak in.
  MakeResult run_make(const std::string& path, const std::string& make_args) const {
    const TempDir out;
    const std::string cmd =
        "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEFILES -u BOARD -u TARGET -u KERNEL"
        " -u GEN_DIR -u BUILD_DIR -u VPP -u EMCONFIGUTIL -u VIVADO -u MMF -u MODEL -u PROMPT"
        " -u TOKENS -u DEVICE -u XCL_EMULATION_MODE -u EMCONFIG_PATH PATH=" +
        sh_quote(path) + " " + sh_quote(make_) + " --no-print-directory " + make_args + " >" +
        sh_quote(out.file("log")) + " 2>&1 </dev/null";
    const int status = std::system(cmd.c_str());
    return {shell_status(status), test::read_file(out.file("log"))};
  }

  // `make -f <repo>/Makefile.fpga <args> BUILD_DIR=<temp>` with the stand-ins on PATH.
  MakeResult run_flow(const std::string& args) const {
    return run_make(stand_in_path(), "-f " + sh_quote(source_dir() + "/Makefile.fpga") + " " +
                                         args + " BUILD_DIR=" + sh_quote(build_dir()));
  }

  // GEN_DIR for KERNEL=rtl: a copy of bitstreams/generated/<board>/, completed with what
  // `make gen` may not write yet: kernel.xml from rtl_kernel_xml() and a stand-in top (the
  // stand-in vivado reads neither). Without `with_kernel_xml` the copy has no kernel.xml.
  std::string rtl_gen_dir(const std::string& board, bool with_kernel_xml = true) const {
    const std::string dir = gen_.file(board + (with_kernel_xml ? "" : "-without-kernel-xml"));
    fs::create_directories(dir);
    for (const auto& e : fs::directory_iterator(generated_dir(board))) {
      if (!e.is_regular_file()) continue;
      fs::copy_file(e.path(), dir + "/" + e.path().filename().string(),
                    fs::copy_options::overwrite_existing);
    }
    const auto build = host::load_build_descriptor(source_dir() + "/bitstreams/" + board + ".yaml");
    const std::string xml = dir + "/kernel.xml";
    if (!with_kernel_xml) {
      fs::remove(xml);
    } else if (!fs::exists(xml)) {
      test::write_file(xml, host::rtl_kernel_xml(build));
    }
    const std::string top = dir + "/mmf_kernel_top.sv";
    if (!fs::exists(top)) {
      test::write_file(top, "// Stand-in for the generated top (tests/fpga).\nmodule " +
                                build.kernel_name() + ";\nendmodule\n");
    }
    return dir;
  }

  std::string make_;
  TempDir tools_;
  TempDir build_;
  TempDir gen_;
};

// What the generated files of a board say; the test compares the command lines against these
// rather than repeating the descriptor's values.
struct GeneratedBuild {
  std::string dir;
  std::string kernel;
  std::string platform;
  std::string part;
  std::string clock_mhz;
};

GeneratedBuild read_generated(const std::string& board) {
  GeneratedBuild g;
  g.dir = generated_dir(board);
  const std::string mk = test::read_file(g.dir + "/build.mk");
  g.kernel = make_variable(mk, "MMF_KERNEL_NAME");
  g.platform = make_variable(mk, "MMF_PLATFORM");
  g.part = make_variable(mk, "MMF_PART");
  g.clock_mhz = make_variable(mk, "MMF_CLOCK_MHZ");
  return g;
}

class MakefileFpgaTarget : public MakefileFpga,
                           public ::testing::WithParamInterface<const char*> {};

TEST_P(MakefileFpgaTarget, CompilesAndLinksTheGeneratedKernel) {
  const std::string target = GetParam();
  const GeneratedBuild gen = read_generated("u280");
  MMF_ASSERT_TRUE(!gen.kernel.empty() && !gen.platform.empty() && !gen.clock_mhz.empty())
      << gen.dir << "/build.mk is missing or incomplete; run make gen";
  const std::string xo = build_dir() + "/" + gen.kernel + ".xo";
  const std::string xclbin = build_dir() + "/" + gen.kernel + ".xclbin";
  const std::string vars = "BOARD=u280 KERNEL=hls TARGET=" + target;

  const auto c = run_flow("xo " + vars);
  MMF_ASSERT_EQ(c.exit_code, 0) << c.output;
  const auto l = run_flow("xclbin " + vars);
  MMF_ASSERT_EQ(l.exit_code, 0) << l.output;

  // xo then xclbin: one compile, then only the link (the .xo is up to date).
  const auto calls = split_lines(tool_log("v++"));
  MMF_ASSERT_EQ(calls.size(), 2u) << tool_log("v++");

  const auto compile = split_words(calls[0]);
  MMF_EXPECT_TRUE(contains(compile, "-c")) << calls[0];
  MMF_EXPECT_EQ(value_after(compile, "-t"), target);
  MMF_EXPECT_EQ(value_after(compile, "--platform"), gen.platform);
  MMF_EXPECT_EQ(value_after(compile, "-k"), gen.kernel);
  MMF_EXPECT_EQ(values_after(compile, "-I"),
                (std::vector<std::string>{source_dir() + "/hls/include",
                                          source_dir() + "/models/include", gen.dir}));
  MMF_EXPECT_EQ(calls[0].find("hls/shim"), std::string::npos) << "Vitis has its own ap_int.h";
  MMF_EXPECT_EQ(value_after(compile, "--hls.clock"), mhz_to_hz(gen.clock_mhz) + ":" + gen.kernel);
  MMF_EXPECT_EQ(value_after(compile, "-o"), xo);
  MMF_EXPECT_EQ(compile[compile.size() - 2], gen.dir + "/mmf_kernel.cpp");
  MMF_EXPECT_EQ(compile.back(), source_dir() + "/models/src/numerics.cpp") << "LUT definitions";
  for (const char* dir_flag : {"--temp_dir", "--log_dir", "--report_dir"}) {
    MMF_EXPECT_TRUE(starts_with(value_after(compile, dir_flag), build_dir() + "/"))
        << dir_flag << " outside BUILD_DIR: " << calls[0];
  }

  const auto link = split_words(calls[1]);
  MMF_EXPECT_TRUE(contains(link, "-l")) << calls[1];
  MMF_EXPECT_EQ(value_after(link, "-t"), target);
  MMF_EXPECT_EQ(value_after(link, "--platform"), gen.platform);
  MMF_EXPECT_EQ(value_after(link, "--config"), gen.dir + "/connectivity.cfg");
  MMF_EXPECT_EQ(value_after(link, "--kernel_frequency"), gen.clock_mhz);
  MMF_EXPECT_EQ(value_after(link, "-o"), xclbin);
  MMF_EXPECT_EQ(link.back(), xo);
  for (const char* dir_flag : {"--temp_dir", "--log_dir", "--report_dir"}) {
    MMF_EXPECT_TRUE(starts_with(value_after(link, dir_flag), build_dir() + "/"))
        << dir_flag << " outside BUILD_DIR: " << calls[1];
  }
  MMF_EXPECT_TRUE(fs::exists(xclbin));

  // Nothing changed: make runs no tool at all.
  const auto again = run_flow("xclbin " + vars);
  MMF_EXPECT_EQ(again.exit_code, 0) << again.output;
  MMF_EXPECT_EQ(split_lines(tool_log("v++")).size(), 2u) << tool_log("v++");
}

INSTANTIATE_TEST_SUITE_P(Targets, MakefileFpgaTarget, ::testing::Values("hw", "hw_emu"));

// ---- KERNEL=rtl: Vivado packages the SystemVerilog top, v++ links it as it links the HLS .xo.

// The RTL sources in the order Makefile.fpga must list them, `root` ("" or "<repo>/") before
// repository paths: the shared packages of rtl/mmf.f, the build's package, the units of
// rtl/mmf.f in its order, the generated top last.
std::vector<std::string> expected_rtl_sources(const std::string& root, const std::string& gen) {
  const host::RtlSources rtl = host::read_rtl_sources(source_dir());
  std::vector<std::string> list;
  for (const auto& f : rtl.packages) list.push_back(root + fs::relative(f, source_dir()).string());
  list.push_back(gen + "/mmf_build_pkg.sv");
  for (const auto& f : rtl.modules) list.push_back(root + fs::relative(f, source_dir()).string());
  list.push_back(gen + "/mmf_kernel_top.sv");
  return list;
}

// The words after -tclargs.
std::vector<std::string> tcl_args(const std::vector<std::string>& words) {
  const auto at = std::find(words.begin(), words.end(), "-tclargs");
  return at == words.end() ? std::vector<std::string>{}
                           : std::vector<std::string>(at + 1, words.end());
}

struct RtlFlow {
  const char* board;
  const char* target;
};

std::ostream& operator<<(std::ostream& os, const RtlFlow& f) {
  return os << f.board << "/" << f.target;
}

class MakefileFpgaRtl : public MakefileFpga, public ::testing::WithParamInterface<RtlFlow> {};

TEST_P(MakefileFpgaRtl, PackagesTheRtlTopAndLinksItLikeTheHlsKernel) {
  const std::string board = GetParam().board;
  const std::string target = GetParam().target;
  const GeneratedBuild gen = read_generated(board);
  MMF_ASSERT_TRUE(!gen.kernel.empty() && !gen.platform.empty() && !gen.part.empty() &&
                  !gen.clock_mhz.empty())
      << gen.dir << "/build.mk is missing or incomplete; run make gen";
  const std::string gen_dir = rtl_gen_dir(board);
  const std::string xo = build_dir() + "/" + gen.kernel + ".xo";
  const std::string xclbin = build_dir() + "/" + gen.kernel + ".xclbin";
  const std::string vars =
      "BOARD=" + board + " KERNEL=rtl TARGET=" + target + " GEN_DIR=" + sh_quote(gen_dir);

  const auto p = run_flow("xo " + vars);
  MMF_ASSERT_EQ(p.exit_code, 0) << p.output;
  const auto l = run_flow("xclbin " + vars);
  MMF_ASSERT_EQ(l.exit_code, 0) << l.output;

  // One packaging run, no v++ -c, one link.
  const auto packagings = split_lines(tool_log("vivado"));
  MMF_ASSERT_EQ(packagings.size(), 1u) << tool_log("vivado");
  const auto vpp_calls = split_lines(tool_log("v++"));
  MMF_ASSERT_EQ(vpp_calls.size(), 1u) << "only the link: " << tool_log("v++");

  const auto package = split_words(packagings[0]);
  MMF_EXPECT_EQ(value_after(package, "-mode"), "batch") << packagings[0];
  const std::string script = value_after(package, "-source");
  MMF_EXPECT_EQ(script, source_dir() + "/scripts/package_rtl_xo.tcl");
  MMF_EXPECT_TRUE(fs::is_regular_file(script)) << script;
  for (const char* file_flag : {"-log", "-journal"}) {
    MMF_EXPECT_TRUE(starts_with(value_after(package, file_flag), build_dir() + "/"))
        << file_flag << " outside BUILD_DIR: " << packagings[0];
  }
  const auto args = tcl_args(package);
  MMF_ASSERT_EQ(args.size(), 6u) << "kernel, part, .xo, kernel.xml, source list, work dir: "
                                 << packagings[0];
  MMF_EXPECT_EQ(args[0], gen.kernel);
  MMF_EXPECT_EQ(args[1], gen.part);
  MMF_EXPECT_EQ(args[2], xo);
  MMF_EXPECT_EQ(args[3], gen_dir + "/kernel.xml");
  MMF_EXPECT_TRUE(starts_with(args[4], build_dir() + "/")) << "source list " << args[4];
  MMF_EXPECT_TRUE(starts_with(args[5], build_dir() + "/")) << "work dir " << args[5];
  const auto sources = split_lines(test::read_file(args[4]));
  MMF_EXPECT_EQ(sources, expected_rtl_sources(source_dir() + "/", gen_dir));
  // Nothing in rtl/ is left out (a new directory there needs a place in the order).
  for (const auto& e : fs::recursive_directory_iterator(source_dir() + "/rtl")) {
    if (e.path().extension() != ".sv") continue;
    MMF_EXPECT_TRUE(contains(sources, e.path().string())) << e.path() << " is not packaged";
  }
  MMF_EXPECT_TRUE(fs::exists(xo));

  // The link is the HLS kernel's: same config, clock and directories, this .xo.
  const auto link = split_words(vpp_calls[0]);
  MMF_EXPECT_TRUE(contains(link, "-l")) << vpp_calls[0];
  MMF_EXPECT_EQ(value_after(link, "-t"), target);
  MMF_EXPECT_EQ(value_after(link, "--platform"), gen.platform);
  MMF_EXPECT_EQ(value_after(link, "--config"), gen_dir + "/connectivity.cfg");
  MMF_EXPECT_EQ(value_after(link, "--kernel_frequency"), gen.clock_mhz);
  MMF_EXPECT_EQ(value_after(link, "-o"), xclbin);
  MMF_EXPECT_EQ(link.back(), xo);
  for (const char* dir_flag : {"--temp_dir", "--log_dir", "--report_dir"}) {
    MMF_EXPECT_TRUE(starts_with(value_after(link, dir_flag), build_dir() + "/"))
        << dir_flag << " outside BUILD_DIR: " << vpp_calls[0];
  }
  MMF_EXPECT_TRUE(fs::exists(xclbin));

  // Nothing changed: no tool runs.
  const auto again = run_flow("xclbin " + vars);
  MMF_EXPECT_EQ(again.exit_code, 0) << again.output;
  MMF_EXPECT_EQ(split_lines(tool_log("vivado")).size(), 1u) << tool_log("vivado");
  MMF_EXPECT_EQ(split_lines(tool_log("v++")).size(), 1u) << tool_log("v++");
}

INSTANTIATE_TEST_SUITE_P(Flows, MakefileFpgaRtl,
                         ::testing::Values(RtlFlow{"u280", "hw"}, RtlFlow{"u280", "hw_emu"},
                                           RtlFlow{"ci-tiny", "hw"}),
                         [](const ::testing::TestParamInfo<RtlFlow>& p) {
                           std::string n = std::string(p.param.board) + "_" + p.param.target;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

// What reruns after a change: kernel.xml or the set of sources repackages (and relinks), the
// link config only relinks, nothing changed runs nothing.
TEST_F(MakefileFpga, RtlRepackagesWhenItsInputsChange) {
  const std::string gen_dir = rtl_gen_dir("ci-tiny");
  const std::string vars = "xclbin BOARD=ci-tiny KERNEL=rtl TARGET=hw GEN_DIR=" + sh_quote(gen_dir);
  const std::string xo = build_dir() + "/" + read_generated("ci-tiny").kernel + ".xo";
  const std::string list = build_dir() + "/rtl_sources.f";
  const auto runs = [&](const char* step, size_t packagings, size_t links) {
    const auto r = run_flow(vars);
    MMF_EXPECT_EQ(r.exit_code, 0) << step << ":\n" << r.output;
    MMF_EXPECT_EQ(split_lines(tool_log("vivado")).size(), packagings) << step;
    MMF_EXPECT_EQ(split_lines(tool_log("v++")).size(), links) << step;
  };
  const auto touch = [](const std::string& path) {
    fs::last_write_time(path, fs::file_time_type::clock::now());
  };
  runs("first build", 1, 1);
  touch(gen_dir + "/connectivity.cfg");
  runs("connectivity.cfg changed", 1, 2);
  touch(gen_dir + "/kernel.xml");
  runs("kernel.xml changed", 2, 3);
  // A source list from an earlier set of sources, older than the .xo: only its content says it
  // is stale.
  test::write_file(list, "rtl/removed_unit.sv\n");
  fs::last_write_time(list, fs::last_write_time(xo) - std::chrono::minutes(1));
  runs("set of sources changed", 3, 4);
  MMF_EXPECT_EQ(split_lines(test::read_file(list)),
                expected_rtl_sources(source_dir() + "/", gen_dir));
  runs("nothing changed", 3, 4);
}

// `make -C <repo>`: the repository's RTL paths are relative, as for the HLS kernel.
TEST_F(MakefileFpga, RtlDefaultPathsAreRelativeToTheRepository) {
  const std::string gen_dir = rtl_gen_dir("u280");
  const auto r =
      run_make(stand_in_path(), "-C " + sh_quote(source_dir()) +
                                    " -f Makefile.fpga xo KERNEL=rtl TARGET=hw GEN_DIR=" +
                                    sh_quote(gen_dir) + " BUILD_DIR=" + sh_quote(build_dir()));
  MMF_ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto calls = split_lines(tool_log("vivado"));
  MMF_ASSERT_EQ(calls.size(), 1u) << tool_log("vivado");
  const auto words = split_words(calls[0]);
  MMF_EXPECT_EQ(value_after(words, "-source"), "scripts/package_rtl_xo.tcl");
  const auto args = tcl_args(words);
  MMF_ASSERT_EQ(args.size(), 6u) << calls[0];
  MMF_EXPECT_EQ(split_lines(test::read_file(args[4])), expected_rtl_sources("", gen_dir));
}

// `make -C <repo> -f Makefile.fpga`: the default paths are relative to the repository.
TEST_F(MakefileFpga, DefaultPathsAreRelativeToTheRepository) {
  const auto r = run_make(stand_in_path(),
                          "-C " + sh_quote(source_dir()) +
                              " -f Makefile.fpga xo TARGET=hw BUILD_DIR=" + sh_quote(build_dir()));
  MMF_ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto calls = split_lines(tool_log("v++"));
  MMF_ASSERT_EQ(calls.size(), 1u) << tool_log("v++");
  const auto compile = split_words(calls[0]);
  MMF_EXPECT_EQ(
      values_after(compile, "-I"),
      (std::vector<std::string>{"hls/include", "models/include", "bitstreams/generated/u280"}));
  MMF_EXPECT_EQ(compile.back(), "models/src/numerics.cpp");
}

TEST_F(MakefileFpga, EmconfigDescribesTheEmulatedPlatform) {
  const GeneratedBuild gen = read_generated("u280");
  MMF_ASSERT_TRUE(!gen.platform.empty()) << gen.dir << "/build.mk is missing or incomplete";
  const auto r = run_flow("emconfig BOARD=u280 TARGET=hw_emu");
  MMF_ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto calls = split_lines(tool_log("emconfigutil"));
  MMF_ASSERT_EQ(calls.size(), 1u) << tool_log("emconfigutil");
  const auto words = split_words(calls[0]);
  MMF_EXPECT_EQ(value_after(words, "--platform"), gen.platform);
  MMF_EXPECT_EQ(value_after(words, "--od"), build_dir());
  MMF_EXPECT_TRUE(fs::exists(build_dir() + "/emconfig.json"));
}

// Stand-in for the host CLI: logs its arguments and the emulation variables XRT reads.
constexpr const char* kStandInHost = R"sh(#!/bin/sh
log="$(dirname "$0")/$(basename "$0").log"
printf 'XCL_EMULATION_MODE=%s EMCONFIG_PATH=%s %s\n' "$XCL_EMULATION_MODE" "$EMCONFIG_PATH" "$*" \
  >> "$log"
exit 0
)sh";

// `run` and `bench` build what the target needs, then hand the .xclbin to the host's xrt backend:
// in XRT's hardware emulation for hw_emu (with the emconfig.json beside it), on the board for hw.
TEST_F(MakefileFpga, RunHandsTheXclbinToTheXrtBackend) {
  const GeneratedBuild gen = read_generated("u280");
  MMF_ASSERT_TRUE(!gen.kernel.empty()) << gen.dir << "/build.mk is missing or incomplete";
  const std::string host = tools_.file("mmf");
  test::write_file(host, kStandInHost);
  fs::permissions(host, fs::perms::owner_all, fs::perm_options::add);

  const auto emu = run_flow("run BOARD=u280 TARGET=hw_emu MODEL=random:tiny TOKENS=3 MMF=" + host);
  MMF_ASSERT_EQ(emu.exit_code, 0) << emu.output;
  MMF_EXPECT_EQ(split_lines(tool_log("emconfigutil")).size(), 1u);
  const auto bench = run_flow("bench BOARD=u280 TARGET=hw DEVICE=0000:65:00.1 MMF=" + host);
  MMF_ASSERT_EQ(bench.exit_code, 0) << bench.output;

  const auto calls = split_lines(tool_log("mmf"));
  MMF_ASSERT_EQ(calls.size(), 2u) << tool_log("mmf");
  const auto run_words = split_words(calls[0]);
  MMF_EXPECT_EQ(run_words[0], "XCL_EMULATION_MODE=hw_emu");
  MMF_EXPECT_EQ(run_words[1], "EMCONFIG_PATH=" + build_dir());
  MMF_EXPECT_EQ(run_words[2], "run");
  MMF_EXPECT_EQ(value_after(run_words, "--backend"), "xrt");
  MMF_EXPECT_EQ(value_after(run_words, "--build"), "u280");
  MMF_EXPECT_EQ(value_after(run_words, "--xclbin"), build_dir() + "/" + gen.kernel + ".xclbin");
  MMF_EXPECT_EQ(value_after(run_words, "--model"), "random:tiny");
  MMF_EXPECT_EQ(value_after(run_words, "-n"), "3");

  const auto bench_words = split_words(calls[1]);
  MMF_EXPECT_EQ(bench_words[0], "XCL_EMULATION_MODE=");  // hw: the board, no emulation
  MMF_EXPECT_EQ(bench_words[2], "bench");
  MMF_EXPECT_EQ(value_after(bench_words, "--device"), "0000:65:00.1");
  MMF_EXPECT_TRUE(std::find(bench_words.begin(), bench_words.end(), "--json") != bench_words.end());
}

// Without Vitis on PATH, a build goal says what to install and source, and builds nothing.
TEST_F(MakefileFpga, MissingVitisToolsAreNamed) {
  for (const char* dir : {"/usr/bin", "/bin"}) {
    for (const char* tool : {"v++", "emconfigutil", "vivado"}) {
      if (fs::exists(std::string(dir) + "/" + tool)) {
        GTEST_SKIP() << dir << "/" << tool << " exists, so PATH=/usr/bin:/bin cannot hide Vitis";
      }
    }
  }
  const std::string flow = "-f " + sh_quote(source_dir() + "/Makefile.fpga") +
                           " BOARD=u280 KERNEL=hls BUILD_DIR=" + sh_quote(build_dir());
  for (const char* goal : {"xo TARGET=hw", "xclbin TARGET=hw_emu", "emconfig TARGET=hw_emu"}) {
    const auto r = run_make("/usr/bin:/bin", std::string(goal) + " " + flow);
    MMF_EXPECT_NE(r.exit_code, 0) << goal;
    for (const char* needle : {"Vitis", "settings64.sh", "setup.sh", "not found"}) {
      MMF_EXPECT_NE(r.output.find(needle), std::string::npos)
          << goal << ": message lacks '" << needle << "':\n"
          << r.output;
    }
  }
  MMF_EXPECT_FALSE(fs::exists(build_dir() + "/" + read_generated("u280").kernel + ".xo"));

  // KERNEL=rtl: packaging needs vivado, and the message names it.
  const std::string rtl_flow = "-f " + sh_quote(source_dir() + "/Makefile.fpga") +
                               " BOARD=u280 KERNEL=rtl GEN_DIR=" + sh_quote(rtl_gen_dir("u280")) +
                               " BUILD_DIR=" + sh_quote(build_dir());
  for (const char* goal : {"xo TARGET=hw", "xclbin TARGET=hw_emu"}) {
    const auto r = run_make("/usr/bin:/bin", std::string(goal) + " " + rtl_flow);
    MMF_EXPECT_NE(r.exit_code, 0) << goal;
    for (const char* needle : {"'vivado' not found", "Vivado", "Vitis", "settings64.sh"}) {
      MMF_EXPECT_NE(r.output.find(needle), std::string::npos)
          << goal << ": message lacks '" << needle << "':\n"
          << r.output;
    }
  }
  MMF_EXPECT_FALSE(fs::exists(build_dir() + "/" + read_generated("u280").kernel + ".xo"));
}

// A bad request fails before any tool runs, with a message naming the problem.
struct BadRequest {
  const char* name;
  // "@EMPTY@" stands for an empty temporary directory, "@RTL_GEN_WITHOUT_XML@" for the generated
  // files of u280 without kernel.xml
  const char* args;
  std::vector<const char*> needles;
};

std::ostream& operator<<(std::ostream& os, const BadRequest& b) {
  return os << b.name;
}

class MakefileFpgaBadRequest : public MakefileFpga,
                               public ::testing::WithParamInterface<BadRequest> {};

TEST_P(MakefileFpgaBadRequest, FailsWithAClearMessage) {
  const BadRequest& bad = GetParam();
  std::string args = bad.args;
  const TempDir empty;
  if (const auto at = args.find("@EMPTY@"); at != std::string::npos) {
    args.replace(at, 7, sh_quote(empty.path()));
  }
  const std::string without_xml = "@RTL_GEN_WITHOUT_XML@";
  if (const auto at = args.find(without_xml); at != std::string::npos) {
    args.replace(at, without_xml.size(), sh_quote(rtl_gen_dir("u280", false)));
  }
  const auto r = run_flow(args);
  MMF_EXPECT_NE(r.exit_code, 0) << r.output;
  for (const char* needle : bad.needles) {
    MMF_EXPECT_NE(r.output.find(needle), std::string::npos) << "message lacks '" << needle << "':\n"
                                                            << r.output;
  }
  MMF_EXPECT_EQ(tool_log("v++") + tool_log("emconfigutil") + tool_log("vivado"), "");
}

INSTANTIATE_TEST_SUITE_P(
    Requests, MakefileFpgaBadRequest,
    ::testing::Values(
        BadRequest{"BogusTarget", "xo BOARD=u280 TARGET=bogus", {"TARGET=bogus", "hw hw_emu"}},
        BadRequest{"UnknownKernel", "xclbin BOARD=u280 KERNEL=vhdl", {"KERNEL=vhdl", "hls rtl"}},
        BadRequest{"RtlBogusTarget",
                   "xo BOARD=u280 KERNEL=rtl TARGET=bogus",
                   {"TARGET=bogus", "hw hw_emu"}},
        BadRequest{"UnknownBoard",
                   "xo BOARD=nonexistent",
                   {"bitstreams/nonexistent.yaml", "u280", "make gen"}},
        BadRequest{"MissingGeneratedFiles",
                   "xclbin BOARD=u280 GEN_DIR=@EMPTY@",
                   {"build.mk", "connectivity.cfg", "make gen"}},
        BadRequest{"RtlMissingGeneratedFiles",
                   "xo BOARD=u280 KERNEL=rtl GEN_DIR=@EMPTY@",
                   {"build.mk", "connectivity.cfg", "mmf_build_pkg.sv", "mmf_kernel_top.sv",
                    "kernel.xml", "make gen"}},
        BadRequest{"RtlMissingKernelXml",
                   "xclbin BOARD=u280 KERNEL=rtl GEN_DIR=@RTL_GEN_WITHOUT_XML@",
                   {"kernel.xml", "make gen"}},
        // An Intel board has no Vitis files: the refusal names the vendor, not missing files.
        BadRequest{"IntelBoard",
                   "xclbin BOARD=d5005",
                   {"BOARD=d5005 is an Intel board", "board.vendor: intel", "--backend csim"}},
        BadRequest{"IntelBoardRtl",
                   "xo BOARD=d5005 KERNEL=rtl",
                   {"BOARD=d5005 is an Intel board", "AMD Vitis flow"}},
        BadRequest{"EmconfigForHardware", "emconfig BOARD=u280 TARGET=hw", {"emconfig", "hw_emu"}},
        BadRequest{"RunWithoutHost",
                   "run BOARD=u280 TARGET=hw MMF=/nonexistent/mmf",
                   {"/nonexistent/mmf is not built", "make build"}},
        BadRequest{"RunBogusTarget", "run BOARD=u280 TARGET=bogus", {"TARGET=bogus"}}),
    [](const ::testing::TestParamInfo<BadRequest>& p) { return std::string(p.param.name); });

TEST_F(MakefileFpga, HelpIsTheDefaultAndCleanRemovesBuildDir) {
  const auto help = run_make(stand_in_path(), "-f " + sh_quote(source_dir() + "/Makefile.fpga"));
  MMF_EXPECT_EQ(help.exit_code, 0) << help.output;
  for (const char* needle : {"usage", "xo", "xclbin", "emconfig", "run", "clean", "TARGET",
                             "KERNEL=hls|rtl", "VIVADO"}) {
    MMF_EXPECT_NE(help.output.find(needle), std::string::npos) << help.output;
  }

  fs::create_directories(build_dir() + "/tmp");
  test::write_file(build_dir() + "/tmp/leftover", "x");
  const auto clean = run_flow("clean BOARD=u280 TARGET=hw");
  MMF_EXPECT_EQ(clean.exit_code, 0) << clean.output;
  MMF_EXPECT_FALSE(fs::exists(build_dir()));
}

// ---- scripts/package_rtl_xo.tcl under tclsh, the Vivado commands stubbed.

// Stand-ins for the Vivado commands the script calls, as an `unknown` handler: every call is
// logged as a Tcl list, one a line. Objects returned by ipx::get_*/ipx::add_* are named
// <name>@<parent>, so the log shows which register got which offset. package_xo creates the file
// it is asked for. MMF_STUB_MISSING=<name> makes ipx::get_bus_interfaces <name> find nothing,
// MMF_STUB_FAIL=<command> makes that command fail, as Vivado does on an error.
// Usage: tclsh stubs.tcl <log> <script> <arguments of the script...>
constexpr const char* kVivadoStubs = R"tcl(
set stub_log [open [lindex $argv 0] w]
set script [lindex $argv 1]
set argv [lrange $argv 2 end]
set argc [llength $argv]
proc unknown {cmd args} {
  puts $::stub_log [linsert $args 0 $cmd]
  flush $::stub_log
  if {$cmd eq "package_xo"} {
    set f [open [lindex $args [expr {[lsearch -exact $args -xo_path] + 1}]] w]
    close $f
  }
  # A failing command may have written part of its output already, as above.
  if {[info exists ::env(MMF_STUB_FAIL)] && $cmd eq $::env(MMF_STUB_FAIL)} {
    error "ERROR: \[Stub 1-1\] $cmd failed"
  }
  if {$cmd eq "ipx::get_bus_interfaces" && [info exists ::env(MMF_STUB_MISSING)] &&
      [lindex $args 0] eq $::env(MMF_STUB_MISSING)} {
    return ""
  }
  if {$cmd eq "ipx::current_core"} { return core }
  if {[llength $args] >= 2 && [regexp {^ipx::(get|add)_} $cmd]} {
    return "[lindex $args 0]@[lindex $args end]"
  }
  return $cmd
}
source $script
)tcl";

// The attributes of each <tag .../> in a kernel.xml, in order.
std::vector<std::map<std::string, std::string>> xml_elements(const std::string& xml,
                                                             const std::string& tag) {
  std::vector<std::map<std::string, std::string>> out;
  const std::regex element("<" + tag + "\\s([^>]*)>");
  const std::regex attribute("([A-Za-z_:][-A-Za-z0-9_.:]*)=\"([^\"]*)\"");
  for (std::sregex_iterator e(xml.begin(), xml.end(), element), end; e != end; ++e) {
    const std::string attrs = (*e)[1];
    auto& m = out.emplace_back();
    for (std::sregex_iterator a(attrs.begin(), attrs.end(), attribute); a != end; ++a) {
      m[(*a)[1]] = (*a)[2];
    }
  }
  return out;
}

// A logged call: its words, with the braces of Tcl lists dropped (no value here has spaces
// that matter to the checks).
std::vector<std::string> call_words(const std::string& line) {
  std::string plain;
  for (const char c : line) {
    if (c != '{' && c != '}') plain += c;
  }
  return split_words(plain);
}

class PackageRtlXoScript : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    tclsh_ = find_tool("tclsh");
    if (tclsh_.empty()) GTEST_SKIP() << "tclsh is not installed";
    test::write_file(dir_.file("stubs.tcl"), kVivadoStubs);
    // Sources given relative to where Vivado runs, with a comment and a blank line.
    fs::create_directories(dir_.file("src"));
    for (const char* f : {"a_pkg.sv", "b.sv", "top.sv"}) {
      test::write_file(dir_.file("src/") + f, "");
    }
    test::write_file(dir_.file("sources.f"),
                     "# packages first\nsrc/a_pkg.sv\n\nsrc/b.sv\nsrc/top.sv\n");
  }

  // Writes the kernel.xml of `board` into the work area and returns its path.
  std::string kernel_xml(const std::string& board) const {
    const auto build = host::load_build_descriptor(source_dir() + "/bitstreams/" + board + ".yaml");
    test::write_file(dir_.file("kernel.xml"), host::rtl_kernel_xml(build));
    return dir_.file("kernel.xml");
  }

  struct Run {
    int exit_code;
    std::string output;
    std::vector<std::string> calls;  // the stubbed Vivado commands, in order
  };
  // Runs the script from the work area with `args` after -tclargs and `env` (VAR=value ...).
  Run run(const std::string& args, const std::string& env = "") const {
    const std::string cmd = "cd " + sh_quote(dir_.path()) + " && env " + env + " " +
                            sh_quote(tclsh_) + " stubs.tcl calls.log " +
                            sh_quote(source_dir() + "/scripts/package_rtl_xo.tcl") + " " + args +
                            " >output.log 2>&1 </dev/null";
    const int status = std::system(cmd.c_str());
    return {shell_status(status), test::read_file(dir_.file("output.log")),
            split_lines(test::read_file(dir_.file("calls.log")))};
  }

  static bool called(const std::vector<std::string>& calls, const std::string& call) {
    return std::find(calls.begin(), calls.end(), call) != calls.end();
  }
  // Index of the first call starting with `prefix`, or calls.size().
  static size_t find_call(const std::vector<std::string>& calls, const std::string& prefix) {
    for (size_t i = 0; i < calls.size(); ++i) {
      if (starts_with(calls[i], prefix)) return i;
    }
    return calls.size();
  }

  std::string tclsh_;
  TempDir dir_;
};

TEST_P(PackageRtlXoScript, PackagesTheTopWithTheRegisterMapOfKernelXml) {
  const std::string board = GetParam();
  const GeneratedBuild gen = read_generated(board);
  const std::string xml_path = kernel_xml(board);
  const std::string xml = test::read_file(xml_path);
  const int channels = host::load_build_descriptor(source_dir() + "/bitstreams/" + board + ".yaml")
                           .accel.weight_channels;
  const std::string work = dir_.file("work");
  const auto r =
      run(gen.kernel + " " + gen.part + " out/" + gen.kernel + ".xo kernel.xml sources.f work");
  MMF_ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto& calls = r.calls;
  std::string log;
  for (const auto& c : calls) log += c + "\n";

  // The project: the sources made absolute, in the list's order, the kernel as top.
  const size_t create = find_call(calls, "create_project");
  MMF_ASSERT_TRUE(create < calls.size()) << log;
  const auto project = call_words(calls[create]);
  MMF_EXPECT_EQ(value_after(project, "-part"), gen.part);
  MMF_EXPECT_TRUE(contains(project, work + "/project")) << calls[create];
  const size_t add = find_call(calls, "add_files");
  MMF_ASSERT_TRUE(add < calls.size()) << log;
  const auto added = call_words(calls[add]);
  MMF_EXPECT_EQ(std::vector<std::string>(added.end() - 3, added.end()),
                (std::vector<std::string>{dir_.file("src/a_pkg.sv"), dir_.file("src/b.sv"),
                                          dir_.file("src/top.sv")}))
      << calls[add];
  MMF_EXPECT_TRUE(find_call(calls, "set_property top " + gen.kernel + " ") < calls.size()) << log;

  // The IP: identity from kernel.xml's vlnv, marked as an RTL kernel with its protocol.
  const size_t package = find_call(calls, "ipx::package_project");
  MMF_ASSERT_TRUE(package < calls.size()) << log;
  const auto ip = call_words(calls[package]);
  MMF_EXPECT_EQ(value_after(ip, "-root_dir"), work + "/ip");
  MMF_EXPECT_EQ(
      value_after(ip, "-vendor") + ":" + value_after(ip, "-library") + ":" + gen.kernel + ":1.0",
      xml_elements(xml, "kernel").at(0).at("vlnv"));
  MMF_EXPECT_TRUE(called(calls, "set_property sdx_kernel true core")) << log;
  MMF_EXPECT_TRUE(called(calls, "set_property sdx_kernel_type rtl core")) << log;
  MMF_EXPECT_TRUE(called(calls, "set_property vitis_drc {ctrl_protocol ap_ctrl_chain} core"))
      << log;

  // Every interface of kernel.xml on ap_clk; reset active low.
  const auto ports = xml_elements(xml, "port");
  MMF_EXPECT_EQ(ports.size(), static_cast<size_t>(channels + 2)) << "control, weights, vec";
  for (const auto& port : ports) {
    MMF_EXPECT_TRUE(called(
        calls, "ipx::associate_bus_interfaces -busif " + port.at("name") + " -clock ap_clk core"))
        << port.at("name") << "\n"
        << log;
  }
  MMF_EXPECT_TRUE(called(calls, "ipx::associate_bus_interfaces -clock ap_clk -reset ap_rst_n core"))
      << log;
  MMF_EXPECT_TRUE(called(calls, "set_property value ACTIVE_LOW POLARITY@ap_rst_n@core")) << log;

  // One register per argument at kernel.xml's offset and size; pointers name their master.
  const std::string block = "reg0@s_axi_control@core";
  MMF_EXPECT_TRUE(called(calls, "set_property slave_memory_map_ref s_axi_control " +
                                    std::string("s_axi_control@core")))
      << log;
  const auto args = xml_elements(xml, "arg");
  MMF_EXPECT_EQ(args.size(), static_cast<size_t>(channels + 6)) << "pointers and 5 scalars";
  for (const auto& arg : args) {
    const std::string reg = arg.at("name") + "@" + block;
    const int bits = 8 * std::stoi(arg.at("size"), nullptr, 16);
    MMF_EXPECT_TRUE(called(calls, "set_property address_offset " + arg.at("offset") + " " + reg))
        << reg << "\n"
        << log;
    MMF_EXPECT_TRUE(called(calls, "set_property size " + std::to_string(bits) + " " + reg)) << reg;
    const bool pointer = arg.at("addressQualifier") == "1";
    MMF_EXPECT_EQ(
        called(calls, "set_property value " + arg.at("port") + " ASSOCIATED_BUSIF@" + reg), pointer)
        << reg;
  }

  // Checked against the kernel rules and saved before package_xo, the last call.
  const size_t check = find_call(calls, "ipx::check_integrity -kernel core");
  const size_t save = find_call(calls, "ipx::save_core core");
  const size_t xo_call = find_call(calls, "package_xo");
  MMF_ASSERT_TRUE(xo_call < calls.size()) << log;
  MMF_EXPECT_TRUE(check < save && save < xo_call) << log;
  MMF_EXPECT_EQ(xo_call + 1, calls.size()) << log;
  const auto xo = call_words(calls[xo_call]);
  MMF_EXPECT_EQ(value_after(xo, "-kernel_name"), gen.kernel);
  MMF_EXPECT_EQ(value_after(xo, "-ip_directory"), work + "/ip");
  MMF_EXPECT_EQ(value_after(xo, "-kernel_xml"), xml_path);
  // Written in the work dir, then moved to the path asked for.
  MMF_EXPECT_TRUE(starts_with(value_after(xo, "-xo_path"), work + "/")) << calls[xo_call];
  MMF_EXPECT_TRUE(fs::exists(dir_.file("out/" + gen.kernel + ".xo")));
  MMF_EXPECT_FALSE(fs::exists(value_after(xo, "-xo_path")));
}

INSTANTIATE_TEST_SUITE_P(Builds, PackageRtlXoScript, ::testing::Values("ci-tiny", "u280"),
                         [](const ::testing::TestParamInfo<const char*>& p) {
                           std::string n = p.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

// Bad inputs stop the script before any Vivado command; a failing Vivado command stops it with
// no .xo left behind. Either way the exit code is not zero and the message says why.
TEST_F(PackageRtlXoScript, FailsClearlyAndLeavesNoXo) {
  kernel_xml("ci-tiny");
  struct Case {
    const char* name;
    std::string args;
    std::string env;
    std::string needle;
    bool vivado_ran;
  };
  const std::string ok_args = "mmf_ci_tiny part out/mmf_ci_tiny.xo kernel.xml sources.f work";
  test::write_file(dir_.file("bad_sources.f"), "src/a_pkg.sv\nsrc/missing.sv\n");
  const std::vector<Case> cases = {
      {"too few arguments", "mmf_ci_tiny part out/mmf_ci_tiny.xo kernel.xml sources.f", "",
       "expected 6 arguments", false},
      {"kernel.xml of another kernel", "mmf_u280 part out/mmf_u280.xo kernel.xml sources.f work",
       "", "describes kernel 'mmf_ci_tiny', not 'mmf_u280'", false},
      {"missing kernel.xml", "mmf_ci_tiny part out/mmf_ci_tiny.xo none.xml sources.f work", "",
       "no such file", false},
      {"missing source", "mmf_ci_tiny part out/mmf_ci_tiny.xo kernel.xml bad_sources.f work", "",
       "no such source file: src/missing.sv", false},
      {"output not an .xo", "mmf_ci_tiny part out/mmf_ci_tiny.zip kernel.xml sources.f work", "",
       "must end in .xo", false},
      {"top without a master of kernel.xml", ok_args, "MMF_STUB_MISSING=m_axi_w1",
       "no interface 'm_axi_w1'", true},
      {"kernel rule check fails", ok_args, "MMF_STUB_FAIL=ipx::check_integrity",
       "ipx::check_integrity failed", true},
      {"package_xo fails", ok_args, "MMF_STUB_FAIL=package_xo", "package_xo failed", true},
  };
  for (const auto& c : cases) {
    const auto r = run(c.args, c.env);
    MMF_EXPECT_NE(r.exit_code, 0) << c.name << ":\n" << r.output;
    MMF_EXPECT_NE(r.output.find(c.needle), std::string::npos)
        << c.name << ": message lacks '" << c.needle << "':\n"
        << r.output;
    MMF_EXPECT_EQ(find_call(r.calls, "create_project") < r.calls.size(), c.vivado_ran) << c.name;
    MMF_EXPECT_FALSE(fs::exists(dir_.file("out"))) << c.name << ": left an output behind";
  }
}

}  // namespace
}  // namespace mmf

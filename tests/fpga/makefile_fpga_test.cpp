// SPDX-License-Identifier: Apache-2.0
// Makefile.fpga without Vitis: stand-in v++/emconfigutil on PATH record the command lines it runs.
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/checks.hpp"
#include "common/temp_dir.hpp"

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

// One fixture for the whole flow: a tools dir with stand-in v++/emconfigutil and an output dir
// used as BUILD_DIR, both temporary, so nothing is written into the repository.
class MakefileFpga : public ::testing::Test {
 protected:
  void SetUp() override {
    TempDir probe;
    const int status = std::system(("command -v make >" + probe.file("make")).c_str());
    const auto found = split_lines(test::read_file(probe.file("make")));
    if (shell_status(status) != 0 || found.empty()) GTEST_SKIP() << "make is not installed";
    make_ = found.front();
    for (const char* tool : {"v++", "emconfigutil"}) {
      const std::string path = tools_.file(tool);
      test::write_file(path, kStandInTool);
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
        " -u GEN_DIR -u BUILD_DIR -u VPP -u EMCONFIGUTIL PATH=" +
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

  std::string make_;
  TempDir tools_;
  TempDir build_;
};

// What the generated files of a board say; the test compares the command lines against these
// rather than repeating the descriptor's values.
struct GeneratedBuild {
  std::string dir;
  std::string kernel;
  std::string platform;
  std::string clock_mhz;
};

GeneratedBuild read_generated(const std::string& board) {
  GeneratedBuild g;
  g.dir = generated_dir(board);
  const std::string mk = test::read_file(g.dir + "/build.mk");
  g.kernel = make_variable(mk, "MMF_KERNEL_NAME");
  g.platform = make_variable(mk, "MMF_PLATFORM");
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

// Without Vitis on PATH, a build goal says what to install and source, and builds nothing.
TEST_F(MakefileFpga, MissingVitisToolsAreNamed) {
  for (const char* dir : {"/usr/bin", "/bin"}) {
    for (const char* tool : {"v++", "emconfigutil"}) {
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
}

// A bad request fails before any tool runs, with a message naming the problem.
struct BadRequest {
  const char* name;
  const char* args;  // "@EMPTY@" stands for an empty temporary directory
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
  const auto r = run_flow(args);
  MMF_EXPECT_NE(r.exit_code, 0) << r.output;
  for (const char* needle : bad.needles) {
    MMF_EXPECT_NE(r.output.find(needle), std::string::npos) << "message lacks '" << needle << "':\n"
                                                            << r.output;
  }
  MMF_EXPECT_EQ(tool_log("v++") + tool_log("emconfigutil"), "");
}

INSTANTIATE_TEST_SUITE_P(
    Requests, MakefileFpgaBadRequest,
    ::testing::Values(
        BadRequest{"BogusTarget", "xo BOARD=u280 TARGET=bogus", {"TARGET=bogus", "hw hw_emu"}},
        BadRequest{"RtlKernel", "xo BOARD=u280 KERNEL=rtl", {"KERNEL=rtl", "not part of"}},
        BadRequest{"UnknownKernel", "xclbin BOARD=u280 KERNEL=vhdl", {"KERNEL=vhdl", "hls"}},
        BadRequest{"UnknownBoard",
                   "xo BOARD=nonexistent",
                   {"bitstreams/nonexistent.yaml", "u280", "make gen"}},
        BadRequest{"MissingGeneratedFiles",
                   "xclbin BOARD=u280 GEN_DIR=@EMPTY@",
                   {"build.mk", "connectivity.cfg", "make gen"}},
        BadRequest{"EmconfigForHardware", "emconfig BOARD=u280 TARGET=hw", {"emconfig", "hw_emu"}},
        BadRequest{"RunOnBoard", "run BOARD=u280", {"mmf run --backend xrt", "not part of"}}),
    [](const ::testing::TestParamInfo<BadRequest>& p) { return std::string(p.param.name); });

TEST_F(MakefileFpga, HelpIsTheDefaultAndCleanRemovesBuildDir) {
  const auto help = run_make(stand_in_path(), "-f " + sh_quote(source_dir() + "/Makefile.fpga"));
  MMF_EXPECT_EQ(help.exit_code, 0) << help.output;
  for (const char* needle : {"usage", "xo", "xclbin", "emconfig", "run", "clean", "TARGET"}) {
    MMF_EXPECT_NE(help.output.find(needle), std::string::npos) << help.output;
  }

  fs::create_directories(build_dir() + "/tmp");
  test::write_file(build_dir() + "/tmp/leftover", "x");
  const auto clean = run_flow("clean BOARD=u280 TARGET=hw");
  MMF_EXPECT_EQ(clean.exit_code, 0) << clean.output;
  MMF_EXPECT_FALSE(fs::exists(build_dir()));
}

}  // namespace
}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Every SystemVerilog file passes `verilator --lint-only -Wall`: each module of rtl/mmf.f (the
// one list of the RTL's sources, itself checked against rtl/) as a top, and the packages (the
// format package and each build's generated package) through a probe module. Waivers live in
// rtl/lint.vlt, each with its reason. Yosys elaborates every module too.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "mmf/host/build/rtl_sources.hpp"

namespace mmf::test {
namespace {

namespace fs = std::filesystem;

const std::string kSource = MMF_SOURCE_DIR;

bool verilator_missing() {
  return std::system("command -v verilator >/dev/null 2>&1") != 0;
}

// Module files of rtl/mmf.f, relative to the source tree, in the list's order.
std::vector<std::string> module_files() {
  std::vector<std::string> out;
  for (const auto& f : host::read_rtl_sources(kSource).modules) {
    out.push_back(fs::relative(f, kSource).string());
  }
  return out;
}

// rtl/mmf.f is the one list of the kernel's sources: every .sv under rtl/ (and the generated
// table and control packages) is in it, once, and nothing else is.
TEST(RtlSourceList, NamesEverySystemVerilogFileOnce) {
  const host::RtlSources list = host::read_rtl_sources(kSource);
  std::vector<std::string> listed;
  for (const auto& f : list.packages) listed.push_back(fs::relative(f, kSource).string());
  for (const auto& f : list.modules) listed.push_back(fs::relative(f, kSource).string());
  std::vector<std::string> present = {"bitstreams/generated/mmf_lut_pkg.sv",
                                      "bitstreams/generated/mmf_control_pkg.sv"};
  for (const auto& e : fs::recursive_directory_iterator(kSource + "/rtl")) {
    if (e.path().extension() == ".sv") present.push_back(fs::relative(e.path(), kSource).string());
  }
  std::vector<std::string> sorted_listed = listed;
  std::sort(sorted_listed.begin(), sorted_listed.end());
  std::sort(present.begin(), present.end());
  MMF_EXPECT_TRUE(std::adjacent_find(sorted_listed.begin(), sorted_listed.end()) ==
                  sorted_listed.end())
      << "a file is listed twice in rtl/mmf.f";
  MMF_EXPECT_EQ(sorted_listed, present) << "rtl/mmf.f and the files under rtl/ differ";
  MMF_EXPECT_EQ(list.packages.size(), size_t{5});
}

// A list that names a missing file, or a package after a module, is an error naming the line.
// The style rule CONVENTIONS.md states for every language: lines of at most 100 columns, no tab.
// (C++ is held to it by `make format-check`; this is the SystemVerilog side: every file of
// rtl/mmf.f, its generated packages included. The generated Vitis tops are not held to it:
// their port maps of 32 channels are machine-written lists.)
// Columns of a UTF-8 line: its bytes less the continuation bytes.
size_t columns(const std::string& line) {
  return static_cast<size_t>(std::count_if(line.begin(), line.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

TEST(RtlStyle, LinesFitIn100ColumnsWithoutTabs) {
  const host::RtlSources list = host::read_rtl_sources(kSource);
  std::vector<std::string> files = list.packages;
  files.insert(files.end(), list.modules.begin(), list.modules.end());
  MMF_ASSERT_TRUE(files.size() > 40) << files.size() << " files in rtl/mmf.f";
  for (const std::string& f : files) {
    std::ifstream in(f);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      MMF_EXPECT_LE(columns(line), size_t{100}) << f << ":" << n << " is too wide";
      MMF_EXPECT_TRUE(line.find('\t') == std::string::npos) << f << ":" << n << " has a tab";
    }
  }
}

TEST(RtlSourceList, BadListsAreClearErrors) {
  TempDir dir;
  fs::create_directories(dir.file("rtl"));
  MMF_EXPECT_ERROR(host::read_rtl_sources(dir.path()), "rtl/mmf.f", "cannot read");
  write_file(dir.file("rtl/a_pkg.sv"), "package a_pkg; endpackage\n");
  write_file(dir.file("rtl/m.sv"), "module m; endmodule\n");
  write_file(dir.file("rtl/mmf.f"), "// comment\n\nrtl/m.sv\nrtl/a_pkg.sv\n");
  MMF_EXPECT_ERROR(host::read_rtl_sources(dir.path()), "mmf.f:4", "a package after a module");
  write_file(dir.file("rtl/mmf.f"), "rtl/a_pkg.sv\nrtl/gone.sv\n");
  MMF_EXPECT_ERROR(host::read_rtl_sources(dir.path()), "mmf.f:2", "'rtl/gone.sv' does not exist");
  write_file(dir.file("rtl/mmf.f"), "  rtl/a_pkg.sv  \nrtl/m.sv\n");
  const host::RtlSources ok = host::read_rtl_sources(dir.path());
  MMF_EXPECT_EQ(ok.packages.size(), size_t{1});
  MMF_EXPECT_EQ(ok.modules.size(), size_t{1});
}

// Runs verilator; returns its exit status and output.
std::pair<int, std::string> lint(const std::string& args, const TempDir& dir) {
  const host::RtlSources rtl = host::read_rtl_sources(kSource);
  std::string packages;
  for (const auto& p : rtl.packages) packages += p + " ";
  const std::string cmd = "verilator --lint-only -Wall " + kSource + "/rtl/lint.vlt " + packages +
                          args + " > " + dir.file("lint.log") + " 2>&1";
  const int status = std::system(cmd.c_str());
  return {status, read_file(dir.file("lint.log"))};
}

class ModuleLint : public testing::TestWithParam<std::string> {};

TEST_P(ModuleLint, IsClean) {
  if (verilator_missing()) GTEST_SKIP() << "verilator is not installed (make deps installs it)";
  TempDir dir;
  std::string all;
  for (const auto& f : module_files()) all += " " + kSource + "/" + f;
  const std::string top = fs::path(GetParam()).stem().string();
  const auto [status, log] = lint(all + " --top-module " + top, dir);
  MMF_EXPECT_EQ(status, 0) << log;
  MMF_EXPECT_EQ(log, "") << "warnings";
}

// The same files are in the subset Yosys reads (resource reports run on them): it parses and
// elaborates each module with its packages.
TEST_P(ModuleLint, YosysElaboratesIt) {
  if (std::system("command -v yosys >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "yosys is not installed (make deps installs it)";
  }
  TempDir dir;
  std::string files;
  for (const auto& f : host::read_rtl_sources(kSource).packages) files += " " + f;
  for (const auto& f : module_files()) files += " " + kSource + "/" + f;
  const std::string top = fs::path(GetParam()).stem().string();
  const std::string cmd = "yosys -q -p 'read_verilog -sv " + files + "; hierarchy -check -top " +
                          top + "; proc' > " + dir.file("yosys.log") + " 2>&1";
  MMF_EXPECT_EQ(std::system(cmd.c_str()), 0) << read_file(dir.file("yosys.log"));
}

INSTANTIATE_TEST_SUITE_P(Rtl, ModuleLint, testing::ValuesIn(module_files()),
                         [](const auto& test_info) {
                           return fs::path(test_info.param).stem().string();
                         });

class PackageLint : public testing::TestWithParam<std::string> {};

// Packages have no module of their own: a probe reads a constant of each.
TEST_P(PackageLint, IsClean) {
  if (verilator_missing()) GTEST_SKIP() << "verilator is not installed (make deps installs it)";
  TempDir dir;
  write_file(dir.file("mmf_pkg_probe.sv"),
             "module mmf_pkg_probe (\n"
             "  output logic [31:0] lanes_o,\n"
             "  output logic [31:0] opcode_o,\n"
             "  output logic [1:0]  trit_o\n"
             ");\n"
             "  assign lanes_o = mmf_build_pkg::Lanes;\n"
             "  assign opcode_o = mmf_format_pkg::OpBitLinear;\n"
             "  assign trit_o = mmf_format_pkg::TritMinus;\n"
             "endmodule\n");
  const auto [status, log] = lint(kSource + "/bitstreams/generated/" + GetParam() +
                                      "/mmf_build_pkg.sv " + dir.file("mmf_pkg_probe.sv"),
                                  dir);
  MMF_EXPECT_EQ(status, 0) << log;
  MMF_EXPECT_EQ(log, "") << "warnings";
}

// Each build's generated Vitis top, with the whole kernel under it at the build's parameters.
TEST_P(PackageLint, KernelTopIsClean) {
  if (verilator_missing()) GTEST_SKIP() << "verilator is not installed (make deps installs it)";
  TempDir dir;
  const std::string gen = kSource + "/bitstreams/generated/" + GetParam();
  std::string modules;
  for (const auto& f : module_files()) modules += " " + kSource + "/" + f;
  std::string top = "mmf_" + GetParam();
  for (char& ch : top) ch = ch == '-' ? '_' : ch;
  const auto [status, log] = lint(
      gen + "/mmf_build_pkg.sv" + modules + " " + gen + "/mmf_kernel_top.sv --top-module " + top,
      dir);
  MMF_EXPECT_EQ(status, 0) << log;
  MMF_EXPECT_EQ(log, "") << "warnings";
}

INSTANTIATE_TEST_SUITE_P(Builds, PackageLint,
                         testing::Values("ci-tiny", "u280", "u250", "u55c", "kv260"),
                         [](const auto& test_info) {
                           std::string n = test_info.param;
                           for (char& ch : n) ch = ch == '-' ? '_' : ch;
                           return n;
                         });

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// `mmf synth`: the Yosys stat parsers on canned output (counts, absent cells, malformed input),
// the unit table and scripts, the errors of the CLI, and one real Yosys run of a small unit.
#include "mmf/host/dse/synth_report.hpp"

#include <sys/stat.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "mmf/host/build/build_generator.hpp"

namespace mmf::test {
namespace {

namespace fs = std::filesystem;
using host::ResourceCounts;

// `stat -json` of Yosys 0.23 after synth_xilinx -family xcup of mmf_residual_add (VectorLanes=4),
// with I/O buffers (the run without -noiopad), trimmed of the wire counts.
const char* kResidualAddJson = R"json({
   "creator": "Yosys 0.23 (git sha1 7ce5011c24b)",
   "invocation": "stat -json ",
   "modules": {
      "\\mmf_residual_add": {
         "num_cells":         1015,
         "num_cells_by_type": {
            "BUFG": 1, "CARRY4": 52, "FDCE": 129, "IBUF": 260, "INV": 129,
            "LUT2": 137, "LUT3": 137, "LUT6": 40, "OBUF": 130
         }
      }
   },
      "design": {
         "num_cells":         1015,
         "num_cells_by_type": {
            "BUFG": 1, "CARRY4": 52, "FDCE": 129, "IBUF": 260, "INV": 129,
            "LUT2": 137, "LUT3": 137, "LUT6": 40, "OBUF": 130
         }
      }
})json";

// The same run's text `stat` block, as it appears in the Yosys log.
const char* kResidualAddText = R"(27.49. Printing statistics.

=== mmf_residual_add ===

   Number of wires:                218
   Number of wire bits:           2379
   Number of public wires:          28
   Number of public wire bits:    1293
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                624
     CARRY4                         52
     FDCE                          129
     INV                           129
     LUT2                          137
     LUT3                          137
     LUT6                           40

   Estimated number of LCs:        177

27.50. Executing CHECK pass (checking for obvious problems).
)";

TEST(SynthStat, JsonCountsLutsFlipFlopsAndCarries) {
  const ResourceCounts c = host::parse_stat_json(kResidualAddJson, "canned.json");
  MMF_EXPECT_EQ(c.lut, 129 + 137 + 137 + 40);  // INV counts as a LUT1
  MMF_EXPECT_EQ(c.lut_by_size[0], 129);
  MMF_EXPECT_EQ(c.lut_by_size[1], 137);
  MMF_EXPECT_EQ(c.lut_by_size[3], 0);
  MMF_EXPECT_EQ(c.lut_by_size[5], 40);
  MMF_EXPECT_EQ(c.ff, 129);
  MMF_EXPECT_EQ(c.carry, 52);
  // Absent resources are zero; unclassified cells stay in the cell map only.
  MMF_EXPECT_EQ(c.bram36, 0.0);
  MMF_EXPECT_EQ(c.uram, 0);
  MMF_EXPECT_EQ(c.dsp, 0);
  MMF_EXPECT_EQ(c.lutram, 0);
  MMF_EXPECT_EQ(c.cells.at("IBUF"), 260);
  MMF_EXPECT_EQ(c.cells.size(), 9u);
}

TEST(SynthStat, MemoriesDspsAndLutRamAreClassified) {
  const ResourceCounts c = host::parse_stat_json(R"({"modules": {"\\top": {"num_cells_by_type": {
      "RAMB36E2": 2, "RAMB18E2": 3, "FIFO18E2": 1, "URAM288": 4, "DSP48E2": 5, "RAM64M8": 2,
      "RAM32M": 1, "SRLC32E": 3, "FDRE": 10, "FDSE": 1, "FDPE": 2, "CARRY8": 7, "LUT1": 1,
      "LUT4": 2, "LUT5": 3, "MUXF7": 9}}}})",
                                                 "one-module.json");
  MMF_EXPECT_EQ(c.bram36, 2.0 + 0.5 * 3 + 0.5);
  MMF_EXPECT_EQ(c.uram, 4);
  MMF_EXPECT_EQ(c.dsp, 5);
  MMF_EXPECT_EQ(c.lutram, 2 * 8 + 4 + 3);  // in LUTs: RAM64M8 8, RAM32M 4, SRLC32E 1
  MMF_EXPECT_EQ(c.ff, 13);
  MMF_EXPECT_EQ(c.carry, 7);
  MMF_EXPECT_EQ(c.lut, 6);
  MMF_EXPECT_EQ(c.cells.at("MUXF7"), 9);
}

// Yosys 0.23 writes the hierarchy of `stat -top X -json` as text lines into the JSON; the
// "design" section (the whole hierarchy) is read all the same.
TEST(SynthStat, HierarchyLinesInTheJsonAreSkipped) {
  const ResourceCounts c = host::parse_stat_json(R"json({
   "modules": {
      "\\mmf_weight_channel": {
         "num_cells":         3,
         "num_cells_by_type": {
            "$paramod$c005741e\\mmf_ternary_acc": 1,
            "LUT2": 1
         }
      }
   },
       $paramod$e54e21ff\prim_ram_1r1w      1
       $paramod$57f8285f\mmf_fifo      1
      "design": {
         "num_cells":         6,
         "num_cells_by_type": {
            "FDCE": 396, "LUT6": 876, "RAMB36E2": 4
         }
      }
})json",
                                                 "hier.json");
  MMF_EXPECT_EQ(c.ff, 396);
  MMF_EXPECT_EQ(c.lut, 876);
  MMF_EXPECT_EQ(c.bram36, 4.0);
}

TEST(SynthStat, EmptyDesignIsAllZero) {
  const ResourceCounts c =
      host::parse_stat_json(R"({"design": {"num_cells_by_type": {}}})", "empty.json");
  MMF_EXPECT_EQ(c.lut, 0);
  MMF_EXPECT_EQ(c.ff, 0);
  MMF_EXPECT_TRUE(c.cells.empty());
}

TEST(SynthStat, TextMatchesJson) {
  const ResourceCounts t = host::parse_stat_text(kResidualAddText, "yosys.log");
  MMF_EXPECT_EQ(t.lut, 443);
  MMF_EXPECT_EQ(t.ff, 129);
  MMF_EXPECT_EQ(t.carry, 52);
  MMF_EXPECT_EQ(t.cells.size(), 6u);
  // The last block wins: a later stat of the same log replaces an earlier one.
  const std::string twice = std::string(kResidualAddText) +
                            "\n=== design hierarchy ===\n\n   Number of cells:  3\n"
                            "     FDRE  2\n     LUT6  1\n";
  const ResourceCounts last = host::parse_stat_text(twice, "yosys.log");
  MMF_EXPECT_EQ(last.ff, 2);
  MMF_EXPECT_EQ(last.lut, 1);
}

TEST(SynthStat, SumsAndInstances) {
  ResourceCounts a = host::parse_stat_json(kResidualAddJson, "a.json");
  const ResourceCounts three = a.times(3);
  MMF_EXPECT_EQ(three.lut, 3 * a.lut);
  MMF_EXPECT_EQ(three.cells.at("FDCE"), 3 * 129);
  a += three;
  MMF_EXPECT_EQ(a.ff, 4 * 129);
  MMF_EXPECT_EQ(a.lut_by_size[5], 4 * 40);
}

struct BadStat {
  const char* name;
  bool json;
  std::string text;
  std::string message;
  friend std::ostream& operator<<(std::ostream& os, const BadStat& b) { return os << b.name; }
};

class SynthStatBad : public testing::TestWithParam<BadStat> {};

TEST_P(SynthStatBad, IsAnErrorNamingTheSource) {
  const BadStat& b = GetParam();
  if (b.json) {
    MMF_EXPECT_ERROR(host::parse_stat_json(b.text, "unit.stat.json"), std::string("unit.stat.json"),
                     b.message);
  } else {
    MMF_EXPECT_ERROR(host::parse_stat_text(b.text, "unit.log"), std::string("unit.log"), b.message);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SynthStatBad,
    testing::Values(
        BadStat{"NotJson", true, "Number of cells: 3", "not the JSON"},
        BadStat{"Truncated", true, std::string(kResidualAddJson).substr(0, 300), "not the JSON"},
        BadStat{"NoDesign", true,
                R"({"modules": {"\\a": {"num_cells_by_type": {}},
                                "\\b": {"num_cells_by_type": {}}}})",
                "single module"},
        BadStat{"NoCellTypes", true, R"({"design": {"num_cells": 3}})", "num_cells_by_type"},
        BadStat{"NegativeCount", true, R"({"design": {"num_cells_by_type": {"LUT6": -1}}})",
                "'LUT6'"},
        BadStat{"FractionalCount", true, R"({"design": {"num_cells_by_type": {"FDRE": 1.5}}})",
                "non-negative integer"},
        BadStat{"NoCells", false, "=== top ===\n   Number of wires: 3\n", "Number of cells"},
        BadStat{"BadCellLine", false, "   Number of cells:  2\n     LUT6  two\n",
                "expected '<cell type> <count>'"},
        BadStat{"ShortList", false, "   Number of cells:  5\n     LUT6  2\n\n", "sums to 2"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(SynthFamily, FromThePart) {
  MMF_EXPECT_EQ(host::yosys_family("xcu280-fsvh2892-2L-e"), "xcup");
  MMF_EXPECT_EQ(host::yosys_family("xcu55c-fsvh2892-2L-e"), "xcup");
  MMF_EXPECT_EQ(host::yosys_family("xcvu9p-flga2104-2L-e"), "xcup");
  MMF_EXPECT_EQ(host::yosys_family("xczu9eg-ffvb1156-2-e"), "xcup");
  MMF_EXPECT_EQ(host::yosys_family("xck26-sfvc784-2LV-c"), "xcup");  // kv260's K26 SOM
  MMF_EXPECT_EQ(host::yosys_family("xcku040-ffva1156-2-e"), "xcu");
  MMF_EXPECT_EQ(host::yosys_family("xc7a35tcpg236-1"), "xc7");
  MMF_EXPECT_ERROR(host::yosys_family("lfe5u-85f"), "lfe5u-85f", "no Yosys synth_xilinx family");
}

TEST(SynthUnits, BuildPackageParameters) {
  const host::BuildPackage p = host::parse_build_package(
      "package mmf_build_pkg;\n"
      "  localparam int unsigned Lanes = 16;\n"
      "  localparam int unsigned WeightChannels = 2;\n"
      "  localparam int unsigned WeightWordBits = 2 * Lanes;\n"
      "  localparam bit FiveTrit = 1'b1;\n"
      "  localparam bit Odd = 1'bx;\n"
      "  localparam logic [63:0] Fingerprint = 64'hbdbc818f1a8570e6;\n"
      "endpackage\n",
      "pkg.sv");
  MMF_EXPECT_EQ(p.size(), 3u);  // expressions, the fingerprint and x are not numbers
  MMF_EXPECT_EQ(p.at("Lanes"), 16);
  MMF_EXPECT_EQ(p.at("WeightChannels"), 2);
  MMF_EXPECT_EQ(p.at("FiveTrit"), 1);  // a flag is 0 or 1
  MMF_EXPECT_EQ(host::parse_build_package("  localparam int unsigned A = 1;\n"
                                          "  localparam bit FiveTrit = 1'b0;\n",
                                          "pkg.sv")
                    .at("FiveTrit"),
                0);
  MMF_EXPECT_ERROR(host::parse_build_package("module m; endmodule\n", "m.sv"), "m.sv");
  // A unit needing a parameter the package lacks names it.
  MMF_EXPECT_ERROR(host::synth_units(p), "no localparam");
}

host::BuildDescriptor ci_tiny() {
  return host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
}

host::BuildPackage package_of(const host::BuildDescriptor& b) {
  return host::parse_build_package(host::generate_build_files(b).at(b.name + "/mmf_build_pkg.sv"),
                                   b.name);
}

const host::SynthUnit& unit_named(const std::vector<host::SynthUnit>& units,
                                  const std::string& name) {
  for (const auto& u : units) {
    if (u.unit == name) return u;
  }
  throw std::runtime_error("no unit " + name);
}

TEST(SynthUnits, ParametersComeFromTheBuild) {
  host::BuildDescriptor b = ci_tiny();
  const host::BuildPackage p = package_of(b);
  const auto units = host::synth_units(p);
  // ci-tiny's weight word is 4 rows x 4 columns: a row block of 16384 values is 4096 words.
  const host::SynthParams acc = {{"Lanes", 16}, {"TileRows", 4}, {"MaxRowWords", 4096}};
  MMF_EXPECT_EQ(unit_named(units, "mmf_ternary_acc").params, acc);
  MMF_EXPECT_EQ(unit_named(units, "mmf_ternary_acc").within, "mmf_weight_channel");
  // ci-tiny's channels decode 1.6-bit weights (accelerator.packings: [2bit, 1.6bit]).
  const host::SynthParams channel = {{"Lanes", 16},         {"TileRows", 4},
                                     {"MaxRowWords", 4096}, {"FifoDepth", p.at("WeightFifoDepth")},
                                     {"FifoUltraRam", 1},   {"FiveTrit", 1}};
  MMF_EXPECT_EQ(unit_named(units, "mmf_weight_channel").params, channel);
  // ci-tiny is placed on the U280, which has UltraRAM; a part without it gets block RAM.
  host::BuildDescriptor no_uram = ci_tiny();
  no_uram.board.resources.uram = 0;
  MMF_EXPECT_EQ(unit_named(host::synth_units(package_of(no_uram)), "mmf_weight_channel").params[4],
                (std::pair<std::string, int64_t>{"FifoUltraRam", 0}));
  MMF_EXPECT_EQ(unit_named(units, "mmf_weight_channel").instances, 2);
  MMF_EXPECT_EQ(unit_named(units, "mmf_rescale").instances, 2);
  // One unpacker inside each channel, at its lanes and row-block words; none without 1.6-bit.
  MMF_EXPECT_EQ(unit_named(units, "mmf_weight_unpack").instances, 2);
  MMF_EXPECT_EQ(unit_named(units, "mmf_weight_unpack").within, "mmf_weight_channel");
  const host::SynthParams unpack = {{"Lanes", 16}, {"MaxRowWords", 4096}};
  MMF_EXPECT_EQ(unit_named(units, "mmf_weight_unpack").params, unpack);
  // ci-tiny has attention units: the check takes their limits and the BitNet ops the kernel
  // runs (Rope, Relu2Glu, the Embed from the weight channels), the kernel the limits.
  const host::SynthParams check = {
      {"MaxVector", 16384},   {"Lanes", 16},          {"TileRows", 4},    {"WeightChannels", 2},
      {"FiveTrit", 1},        {"MaxContext", 512},    {"MaxHeadDim", 64}, {"VectorLanes", 4},
      {"BitNetOps", 0b01001}, {"EmbedFromWeights", 1}};
  MMF_EXPECT_EQ(unit_named(units, "mmf_descriptor_check").params, check);
  const host::SynthParams& kernel = unit_named(units, "mmf_kernel").params;
  MMF_EXPECT_EQ(kernel[kernel.size() - 3], (std::pair<std::string, int64_t>{"FiveTrit", 1}));
  MMF_EXPECT_EQ(kernel.back(), (std::pair<std::string, int64_t>{"MaxHeadDim", 64}));
  MMF_EXPECT_EQ(unit_named(units, "mmf_rope").instances, 1);
  host::BuildDescriptor two_bit = ci_tiny();
  two_bit.accel.five_trit = false;
  const auto two_bit_units = host::synth_units(package_of(two_bit));
  MMF_EXPECT_EQ(unit_named(two_bit_units, "mmf_weight_unpack").instances, 0);
  MMF_EXPECT_EQ(unit_named(two_bit_units, "mmf_weight_channel").params.back(),
                (std::pair<std::string, int64_t>{"FiveTrit", 0}));
  const host::SynthParams vec = {{"VectorLanes", 4}, {"MaxN", 16384}};
  MMF_EXPECT_EQ(unit_named(units, "mmf_norm_quantize").params, vec);
  const host::SynthParams merge = {{"Channels", 2}};
  MMF_EXPECT_EQ(unit_named(units, "mmf_row_merge").params, merge);
  MMF_EXPECT_TRUE(unit_named(units, "mmf_kernel").kernel_top);
  // Rows round up: 100 values over 4 columns are 25 words, over 16 (one row a word) 7.
  b.accel.max_vector = 100;
  const host::SynthParams ragged = {{"Lanes", 16}, {"TileRows", 4}, {"MaxRowWords", 25}};
  const auto ragged_units = host::synth_units(package_of(b));
  MMF_EXPECT_EQ(unit_named(ragged_units, "mmf_ternary_acc").params, ragged);
  b.accel.tile_rows = 1;
  const host::SynthParams row_words = {{"Lanes", 16}, {"TileRows", 1}, {"MaxRowWords", 7}};
  MMF_EXPECT_EQ(unit_named(host::synth_units(package_of(b)), "mmf_ternary_acc").params, row_words);
}

TEST(SynthUnits, EveryUnitIsAModuleOfRtl) {
  const std::string rtl = std::string(MMF_SOURCE_DIR) + "/rtl";
  for (const auto& u : host::synth_units(package_of(ci_tiny()))) {
    bool found = false;
    for (const auto& e : fs::recursive_directory_iterator(rtl)) {
      found = found || e.path().filename() == u.module + ".sv";
    }
    MMF_EXPECT_TRUE(found) << u.module;
  }
}

TEST(SynthUnits, ScriptSetsParametersFamilyAndStat) {
  const auto units = host::synth_units(package_of(ci_tiny()));
  const host::SynthUnit& u = unit_named(units, "mmf_ternary_acc");
  const std::string s = host::synth_script(u, "xcup", {"/src/a pkg.sv", "/src/b.sv"},
                                           "mmf_ternary_acc.json", "mmf_ternary_acc.netlist.json");
  MMF_EXPECT_TRUE(s.find("read_verilog -defer -sv \"/src/a pkg.sv\" \"/src/b.sv\"") !=
                  std::string::npos)
      << s;
  MMF_EXPECT_TRUE(s.find("hierarchy -check -top mmf_ternary_acc -chparam Lanes 16 -chparam "
                         "TileRows 4 -chparam MaxRowWords 4096") != std::string::npos)
      << s;
  MMF_EXPECT_TRUE(s.find("synth_xilinx -family xcup -top mmf_ternary_acc -flatten") !=
                  std::string::npos);
  MMF_EXPECT_TRUE(s.find("tee -q -o mmf_ternary_acc.json stat -top mmf_ternary_acc -json") !=
                  std::string::npos);
  // The mapped netlist, for the logic depth: the design's modules, not the cell library.
  MMF_EXPECT_TRUE(s.find("\njson -o mmf_ternary_acc.netlist.json\n") != std::string::npos) << s;
  MMF_EXPECT_ERROR(host::synth_script(u, "xcup", {}, "a b.json", "n.json"), "a b.json");
  MMF_EXPECT_ERROR(host::synth_script(u, "xcup", {}, "s.json", "n 2.json"), "n 2.json");
  // The kernel top keeps its hierarchy (each distinct module synthesized once).
  const std::string k =
      host::synth_script(unit_named(units, "mmf_kernel"), "xcup", {}, "k.json", "kn.json");
  MMF_EXPECT_TRUE(k.find("synth_xilinx -family xcup -top mmf_kernel -noiopad") != std::string::npos)
      << k;
  MMF_EXPECT_TRUE(k.find("-chparam WeightFifoDepth ") != std::string::npos) << k;
  MMF_EXPECT_TRUE(k.find("-chparam WeightFifoUltraRam 1") != std::string::npos) << k;
  MMF_EXPECT_TRUE(k.find("blackbox") == std::string::npos) << "alone, the top maps everything";
  // Beside its units, the top keeps them as black boxes, in each form a module takes after
  // elaboration.
  const std::string boxed = host::synth_script(unit_named(units, "mmf_kernel"), "xcup", {},
                                               "k.json", "kn.json", {"mmf_silu"});
  MMF_EXPECT_TRUE(boxed.find("\nblackbox mmf_silu $paramod*\\mmf_silu $paramod*\\mmf_silu\\*\n") !=
                  std::string::npos)
      << boxed;
  MMF_EXPECT_LT(boxed.find("blackbox"), boxed.find("synth_xilinx")) << "before mapping";
  // With its units boxed the top is flattened, so the depth walk follows paths across the
  // controller, the loader and the datapath; alone it keeps its hierarchy.
  MMF_EXPECT_TRUE(boxed.find("synth_xilinx -family xcup -top mmf_kernel -flatten") !=
                  std::string::npos)
      << boxed;
  MMF_EXPECT_TRUE(k.find("-top mmf_kernel -flatten") == std::string::npos) << k;
}

// Which units the kernel top may take as black boxes: those mmf_kernel instantiates with the
// unit's own parameters; not the nested accumulator, nor the masters inside the vector reader
// and writer.
TEST(SynthUnits, TheTopBoxesTheUnitsItInstantiatesAsTheyAre) {
  const auto units = host::synth_units(package_of(ci_tiny()));
  for (const char* name : {"mmf_weight_channel", "mmf_norm_quantize", "mmf_mlgru_gate", "mmf_silu",
                           "mmf_rescale", "mmf_descriptor_check"}) {
    MMF_EXPECT_TRUE(unit_named(units, name).boxed_in_top) << name;
  }
  for (const char* name :
       {"mmf_ternary_acc", "mmf_axi_read_master", "mmf_row_merge", "mmf_kernel"}) {
    MMF_EXPECT_FALSE(unit_named(units, name).boxed_in_top) << name;
  }
}

TEST(SynthUnits, InstancesOfAModuleInATopsCells) {
  host::ResourceCounts top;
  top.cells = {{"$paramod$3e2e0d935e\\mmf_weight_channel", 31},
               {"$paramod\\mmf_silu\\VectorLanes=32'00000000000000000000000000100000", 1},
               {"mmf_rescale", 31},
               {"$paramod$aa\\mmf_silu_twin", 5},
               {"LUT6", 1000}};
  MMF_EXPECT_EQ(host::instances_of(top, "mmf_weight_channel"), 31);
  MMF_EXPECT_EQ(host::instances_of(top, "mmf_silu"), 1) << "not mmf_silu_twin";
  MMF_EXPECT_EQ(host::instances_of(top, "mmf_rescale"), 31);
  MMF_EXPECT_EQ(host::instances_of(top, "mmf_norm_quantize"), 0);
}

// ---- Fit on the board -------------------------------------------------------------------------

// ci-tiny is on the U280: 1,303,680 LUT, 2,607,360 FF, 2,016 BRAM36, 960 URAM, 9,024 DSP, of
// which the base_1 shell takes 173,000 / 342,000 / 240 / 0 / 720.
TEST(SynthFit, ShellPlusKernelAgainstTheBudget) {
  const host::BoardResources board = ci_tiny().board.resources;
  MMF_ASSERT_TRUE(board.shell.has_value());
  host::ResourceCounts kernel;
  kernel.lut = 100000;
  kernel.lutram = 50000;  // CLB LUTs are LUT + LUTRAM
  kernel.ff = 200000;
  kernel.bram36 = 1300;  // + 240 = 1,540 of 2,016: 76.4 %, over 75 %
  kernel.dsp = 100;
  const host::FitReport fit = host::fit_on_board(kernel, board, host::FitBudget{});
  MMF_EXPECT_TRUE(fit.shell_known);
  MMF_ASSERT_EQ(fit.resources.size(), 5u);
  const host::ResourceFit& lut = fit.resources[0];
  MMF_EXPECT_EQ(lut.resource, "lut");
  MMF_EXPECT_EQ(lut.kernel, 150000.0);
  MMF_EXPECT_EQ(lut.shell, 173000.0);
  MMF_EXPECT_NEAR(lut.utilization, 323000.0 / 1303680.0, 1e-12);
  MMF_EXPECT_EQ(lut.limit, 0.65);
  MMF_EXPECT_TRUE(lut.fits);
  const host::ResourceFit& bram = fit.resources[2];
  MMF_EXPECT_EQ(bram.resource, "bram36");
  MMF_EXPECT_NEAR(bram.utilization, 1540.0 / 2016.0, 1e-12);
  MMF_EXPECT_EQ(bram.limit, 0.75);
  MMF_EXPECT_FALSE(bram.fits);
  MMF_EXPECT_FALSE(fit.fits);
  kernel.bram36 = 1200;  // 1,440 of 2,016: 71.4 %
  MMF_EXPECT_TRUE(host::fit_on_board(kernel, board, host::FitBudget{}).fits);
  // Without a known shell the device is the kernel's alone.
  host::BoardResources no_shell = board;
  no_shell.shell.reset();
  kernel.lut = 800000;  // 850,000 of 1,303,680: 65.2 %
  const host::FitReport alone = host::fit_on_board(kernel, no_shell, host::FitBudget{});
  MMF_EXPECT_FALSE(alone.shell_known);
  MMF_EXPECT_EQ(alone.resources[0].shell, 0.0);
  MMF_EXPECT_FALSE(alone.resources[0].fits);
}

TEST(SynthFit, AResourceTheDeviceLacksDoesNotFit) {
  host::BoardResources board = ci_tiny().board.resources;
  board.uram = 0;
  board.shell->uram = 0;
  host::ResourceCounts kernel;
  MMF_EXPECT_TRUE(host::fit_on_board(kernel, board, host::FitBudget{}).fits);  // 0 of 0
  kernel.uram = 1;
  const host::FitReport fit = host::fit_on_board(kernel, board, host::FitBudget{});
  MMF_EXPECT_FALSE(fit.fits);
  MMF_EXPECT_FALSE(fit.resources[3].fits);
  MMF_EXPECT_EQ(fit.resources[3].resource, "uram");
}

TEST(SynthFit, CheckNamesTheResourceOrUnitWithItsFigureAndLimit) {
  host::SynthReport r;
  r.board = ci_tiny().board.resources;
  r.total.lut = 900000;  // + 173,000 = 82.3 %
  r.fit = host::fit_on_board(r.total, r.board, r.budget);
  host::UnitResult deep;
  deep.unit.unit = "mmf_deep";
  deep.depth.lut_levels = 7;
  deep.depth.lut_end = "u_sum";
  deep.depth.carry_levels = 17;
  deep.depth.carry_end = "u_carry";
  host::UnitResult fine;
  fine.unit.unit = "mmf_fine";
  fine.depth.lut_levels = 6;
  fine.depth.carry_levels = 16;
  r.units = {deep, fine};
  const std::vector<std::string> p = host::check_problems(r);
  MMF_ASSERT_EQ(p.size(), 3u);
  MMF_EXPECT_EQ(p[0],
                "lut: 900000 (kernel) + 173000 (shell) of 1303680 is 82.3 % of the device, over "
                "the budget of 65.0 %");
  MMF_EXPECT_EQ(p[1], "unit mmf_deep: 7 LUT levels (at cell u_sum), over the limit of 6");
  MMF_EXPECT_EQ(p[2], "unit mmf_deep: 17 carry levels (at cell u_carry), over the limit of 16");
  r.total.lut = 1000;
  r.fit = host::fit_on_board(r.total, r.board, r.budget);
  r.units = {fine};
  MMF_EXPECT_TRUE(host::check_problems(r).empty());
}

// ---- The CLI --------------------------------------------------------------------------------

bool yosys_missing() {
  return std::system("command -v yosys >/dev/null 2>&1") != 0;
}

// A stand-in for Yosys: answers -V, then fails or sleeps as `body` says.
std::string fake_yosys(const TempDir& dir, const std::string& body) {
  const std::string path = dir.file("fake-yosys");
  write_file(path,
             "#!/bin/sh\n"
             "if [ \"$1\" = -V ]; then echo 'Yosys 0.0 (fake)'; exit 0; fi\n"
             "log=$3\n" +
                 body);
  ::chmod(path.c_str(), 0755);
  return path;
}

TEST(SynthCli, FailingYosysNamesBuildUnitAndLogTail) {
  TempDir dir;
  const std::string yosys =
      fake_yosys(dir, "echo 'ERROR: syntax error near line 7' > \"$log\"\nexit 1\n");
  const auto r = run_cli("synth --build ci-tiny --unit mmf_rescale --yosys " + yosys);
  MMF_EXPECT_EQ(r.exit_code, 1);
  MMF_EXPECT_TRUE(r.err.find("build 'ci-tiny', unit 'mmf_rescale'") != std::string::npos) << r.err;
  MMF_EXPECT_TRUE(r.err.find("syntax error near line 7") != std::string::npos) << r.err;
}

TEST(SynthCli, OutOfMemoryIsNamed) {
  TempDir dir;
  const std::string yosys =
      fake_yosys(dir,
                 "echo \"terminate called after throwing an instance of 'std::bad_alloc'\" >&2\n"
                 "kill -ABRT $$\n");
  const auto r = run_cli("synth --unit mmf_rescale --max-memory 2 --yosys " + yosys);
  MMF_EXPECT_EQ(r.exit_code, 1);
  MMF_EXPECT_TRUE(r.err.find("ran out of memory (limit 2 GiB, --max-memory)") != std::string::npos)
      << r.err;
}

TEST(SynthCli, TimeoutStopsYosys) {
  TempDir dir;
  const std::string yosys = fake_yosys(dir, "exec sleep 20\n");
  const auto r = run_cli("synth --unit mmf_rescale --timeout 0.5 --yosys " + yosys);
  MMF_EXPECT_EQ(r.exit_code, 1);
  MMF_EXPECT_TRUE(r.err.find("--timeout") != std::string::npos) << r.err;
}

// A stand-in for a Yosys that succeeds: writes the stat and netlist files its script names,
// the netlist a chain of `luts` LUTs between two flip-flops.
std::string fake_synthesizing_yosys(const TempDir& dir, int luts, const std::string& extra = "") {
  std::string cells = R"("q": {"type": "FDRE", "port_directions": {"D": "input", "Q": "output"},)"
                      R"( "connections": {"D": [)" +
                      std::to_string(luts + 2) + "], \"Q\": [2]}}";
  for (int k = 0; k < luts; ++k) {
    cells += R"(, "l)" + std::to_string(k) +
             R"(": {"type": "LUT1", "port_directions": {"I0": "input", "O": "output"},)" +
             R"( "connections": {"I0": [)" + std::to_string(k + 2) + "], \"O\": [" +
             std::to_string(k + 3) + "]}}";
  }
  write_file(dir.file("netlist.json"), "{\"modules\": {\"unit\": {\"cells\": {" + cells + "}}}}");
  write_file(dir.file("stat.json"), R"({"design": {"num_cells_by_type": {"FDRE": 1, "LUT1": )" +
                                        std::to_string(luts) + "}}}");
  return fake_yosys(dir, extra +
                             "stat=$(sed -n 's/^tee -q -o \\([^ ]*\\) stat.*/\\1/p' \"$5\")\n"
                             "net=$(sed -n 's/^json -o //p' \"$5\")\n"
                             "cp '" +
                             dir.file("stat.json") + "' \"$stat\"\ncp '" +
                             dir.file("netlist.json") + "' \"$net\"\n");
}

TEST(SynthCli, CheckPassesWithinTheDepthLimit) {
  TempDir dir;
  const auto r =
      run_cli("synth --unit mmf_rescale --check --json --yosys " + fake_synthesizing_yosys(dir, 6));
  MMF_ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  MMF_EXPECT_EQ(j["units"][0]["lut_levels"], 6);
  MMF_EXPECT_EQ(j["units"][0]["carry_levels"], 0);
  MMF_EXPECT_EQ(j["max_lut_levels"], 6);
  MMF_EXPECT_EQ(j["max_carry_levels"], 0);
  MMF_EXPECT_EQ(j["device"]["lut"], 1303680);
  MMF_EXPECT_EQ(j["shell"]["bram36"], 240);
  MMF_EXPECT_EQ(j["total"]["lut"], 2 * 6);  // two mmf_rescale in ci-tiny
  MMF_EXPECT_TRUE(j["fits"].get<bool>());
  MMF_EXPECT_EQ(j["budget"]["lut"], 0.65);
  MMF_EXPECT_NEAR(j["utilization"]["lut"].get<double>(), (173000.0 + 12) / 1303680.0, 1e-12);
  MMF_EXPECT_TRUE(j["problems"].empty());
}

TEST(SynthCli, CheckFailsNamingTheDeepUnit) {
  TempDir dir;
  const std::string yosys = fake_synthesizing_yosys(dir, 7);
  const auto r = run_cli("synth --unit mmf_rescale --check --yosys " + yosys);
  MMF_EXPECT_EQ(r.exit_code, 1);
  MMF_EXPECT_TRUE(r.err.find("fails mmf synth --check") != std::string::npos) << r.err;
  MMF_EXPECT_TRUE(r.err.find("unit mmf_rescale: 7 LUT levels (at cell l6), over the limit of 6") !=
                  std::string::npos)
      << r.err;
  MMF_EXPECT_TRUE(r.out.find("LUTlv") != std::string::npos) << r.out;  // the table is printed
  // Without --check the same report is no error.
  MMF_EXPECT_EQ(run_cli("synth --unit mmf_rescale --yosys " + yosys).exit_code, 0);
}

// Several runs at once: every unit reported, in the table's order, each start and end shown.
TEST(SynthCli, ParallelRunsReportEveryUnit) {
  TempDir dir;
  const auto r = run_cli("synth --units-only -j 3 --json --yosys " +
                         fake_synthesizing_yosys(dir, 2, "sleep 0.2\n"));
  MMF_ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const auto units = host::synth_units(package_of(ci_tiny()));
  MMF_ASSERT_EQ(j["units"].size(), units.size() - 1);  // all but the kernel top
  for (size_t k = 0; k + 1 < units.size(); ++k) {
    MMF_EXPECT_EQ(j["units"][k]["unit"], units[k].unit);
    MMF_EXPECT_EQ(j["units"][k]["lut_levels"], 2);
    const std::string tag =
        "[" + std::to_string(k + 1) + "/" + std::to_string(units.size() - 1) + "] " + units[k].unit;
    MMF_EXPECT_TRUE(r.err.find(tag + " ...\n") != std::string::npos) << r.err;
    // and "<tag> <seconds> s" when it ends
    const size_t end = r.err.find(tag + " ", r.err.find(tag + " ...\n") + tag.size() + 1);
    MMF_EXPECT_TRUE(end != std::string::npos &&
                    std::isdigit(static_cast<unsigned char>(r.err[end + tag.size() + 1])))
        << r.err;
  }
}

// One failing run among several stops the others and names its unit.
TEST(SynthCli, ParallelFailureStopsTheOtherRuns) {
  TempDir dir;
  const std::string yosys = fake_yosys(
      dir,
      "if grep -q 'top mmf_silu ' \"$5\"; then echo 'ERROR: silu broke' > \"$log\"; exit 1;"
      " fi\nexec sleep 30\n");
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_cli("synth --units-only -j 6 --yosys " + yosys);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MMF_EXPECT_EQ(r.exit_code, 1);
  MMF_EXPECT_TRUE(r.err.find("unit 'mmf_silu': Yosys failed") != std::string::npos) << r.err;
  MMF_EXPECT_TRUE(r.err.find("silu broke") != std::string::npos) << r.err;
  MMF_EXPECT_LT(seconds, 20.0);  // the sleeping runs were stopped, not waited for
}

TEST(SynthCli, BadArgumentsAreClearErrors) {
  const auto missing = run_cli("synth --unit mmf_rescale --yosys /nonexistent/yosys");
  MMF_EXPECT_EQ(missing.exit_code, 1);
  MMF_EXPECT_TRUE(missing.err.find("build 'ci-tiny': cannot run Yosys") != std::string::npos)
      << missing.err;
  const auto unit = run_cli("synth --unit mmf_nothing");
  MMF_EXPECT_EQ(unit.exit_code, 1);
  MMF_EXPECT_TRUE(unit.err.find("unknown unit (one of mmf_ternary_acc") != std::string::npos);
  const auto lanes = run_cli("synth --lanes 12 --unit mmf_rescale");
  MMF_EXPECT_EQ(lanes.exit_code, 1);
  MMF_EXPECT_TRUE(lanes.err.find("--lanes 12") != std::string::npos);
  const auto tile = run_cli("synth --tile-rows 3 --unit mmf_rescale");
  MMF_EXPECT_EQ(tile.exit_code, 1);
  MMF_EXPECT_TRUE(tile.err.find("--tile-rows 3: expected a power of two") != std::string::npos)
      << tile.err;
  // ci-tiny's 16 lanes hold at most 4 tile rows of 4 columns.
  const auto narrow = run_cli("synth --tile-rows 8 --unit mmf_rescale");
  MMF_EXPECT_EQ(narrow.exit_code, 1);
  MMF_EXPECT_TRUE(narrow.err.find("lanes 16 with tile rows 8") != std::string::npos) << narrow.err;
}

// One real synthesis of a small unit with two instances in ci-tiny (one per weight channel); run
// without mmf_weight_channel, which holds it, so the total counts it (about 12 s).
TEST(SynthCli, TernaryAccForCiTinyIsReported) {
  if (yosys_missing()) GTEST_SKIP() << "yosys is not installed (make deps installs it)";
  const auto r = run_cli("synth --build ci-tiny --unit mmf_ternary_acc --json");
  MMF_ASSERT_EQ(r.exit_code, 0) << r.err;
  MMF_EXPECT_TRUE(r.err.find("[1/1] mmf_ternary_acc ... ") != std::string::npos) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  MMF_EXPECT_EQ(j["build"], "ci-tiny");
  MMF_EXPECT_EQ(j["part"], "xcu280-fsvh2892-2L-e");
  MMF_EXPECT_EQ(j["family"], "xcup");
  MMF_EXPECT_EQ(j["yosys_version"].get<std::string>().rfind("Yosys ", 0), 0u);
  MMF_ASSERT_EQ(j["units"].size(), 1u);
  const nlohmann::json& u = j["units"][0];
  MMF_EXPECT_EQ(u["module"], "mmf_ternary_acc");
  MMF_EXPECT_EQ(u["params"],
                nlohmann::json({{"Lanes", 16}, {"TileRows", 4}, {"MaxRowWords", 4096}}));
  MMF_EXPECT_EQ(u["instances"], 2);
  for (const char* key : {"lut", "ff", "carry", "bram36", "uram", "dsp", "lutram", "seconds"}) {
    MMF_EXPECT_TRUE(u.contains(key) && u[key].is_number()) << key;
    MMF_EXPECT_TRUE(j["total"].contains(key) && j["total"][key].is_number()) << key;
  }
  MMF_EXPECT_TRUE(u["lut"].get<int64_t>() > 0);
  MMF_EXPECT_TRUE(u["ff"].get<int64_t>() > 0);
  MMF_EXPECT_TRUE(u["bram36"].get<double>() > 0);  // the code buffer, 4096 x 32 bits
  // Its netlist was walked: an accumulator has LUTs and a carry chain between registers.
  MMF_EXPECT_GT(u["lut_levels"].get<int>(), 0);
  MMF_EXPECT_GT(u["carry_levels"].get<int>(), 0);
  MMF_EXPECT_EQ(j["max_lut_levels"], u["lut_levels"]);
  MMF_EXPECT_TRUE(j["fits"].is_boolean());
  MMF_EXPECT_EQ(j["total_method"], "sum_of_units");
  MMF_EXPECT_EQ(j["total"]["lut"].get<int64_t>(), 2 * u["lut"].get<int64_t>());
  MMF_EXPECT_EQ(j["total"]["ff"].get<int64_t>(), 2 * u["ff"].get<int64_t>());
}

}  // namespace
}  // namespace mmf::test

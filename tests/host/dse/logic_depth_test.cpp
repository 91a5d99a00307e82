// SPDX-License-Identifier: Apache-2.0
// Logic depth of a mapped netlist (host::logic_depth_of_json) on small hand-written Yosys
// `write_json` netlists: LUT chains, carry chains, what cuts a path and what passes through,
// loops, hierarchy, malformed input and a chain too long for recursion.
#include "mmf/host/dse/logic_depth.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/checks.hpp"

namespace mmf::test {
namespace {

using nlohmann::json;
using Bits = std::vector<json>;  // bit numbers, or the constants "0", "1", "x", "z"

// Two FDRE around three LUTs (bits 2 -> 3 -> 4 -> 5 -> 6), as Yosys 0.23 writes it (trimmed of
// parameters and most attributes).
const char* kThreeLuts = R"json({
  "creator": "Yosys 0.23 (git sha1 7ce5011c24b)",
  "modules": {
    "FDRE": {
      "attributes": {"blackbox": "00000000000000000000000000000001"},
      "ports": {}, "cells": {}, "netnames": {}
    },
    "chain": {
      "attributes": {"top": "00000000000000000000000000000001"},
      "ports": {"clk_i": {"direction": "input", "bits": [7]}},
      "cells": {
        "q_a": {"hide_name": 0, "type": "FDRE", "parameters": {"INIT": "0"},
                "port_directions": {"C": "input", "CE": "input", "D": "input", "Q": "output",
                                    "R": "input"},
                "connections": {"C": [7], "CE": ["1"], "D": [6], "Q": [2], "R": ["0"]}},
        "lut_1": {"hide_name": 1, "type": "LUT1", "parameters": {"INIT": "01"},
                  "port_directions": {"I0": "input", "O": "output"},
                  "connections": {"I0": [2], "O": [3]}},
        "lut_2": {"hide_name": 1, "type": "LUT2",
                  "port_directions": {"I0": "input", "I1": "input", "O": "output"},
                  "connections": {"I0": [3], "I1": ["0"], "O": [4]}},
        "lut_3": {"hide_name": 1, "type": "LUT3",
                  "port_directions": {"I0": "input", "I1": "input", "I2": "input", "O": "output"},
                  "connections": {"I0": [4], "I1": [3], "I2": [2], "O": [5]}},
        "q_b": {"hide_name": 1, "type": "FDRE",
                "port_directions": {"C": "input", "CE": "input", "D": "input", "Q": "output",
                                    "R": "input"},
                "connections": {"C": [7], "CE": ["1"], "D": [5], "Q": [6], "R": ["0"]}}
      },
      "netnames": {}
    }
  }
})json";

// A netlist built cell by cell: one module "top" unless named.
class Netlist {
 public:
  Netlist& cell(const std::string& name, const std::string& type,
                const std::vector<std::pair<std::string, Bits>>& inputs,
                const std::vector<std::pair<std::string, Bits>>& outputs,
                const std::string& module = "top") {
    json& c = j_["modules"][module]["cells"][name];
    c["type"] = type;
    c["port_directions"] = json::object();
    c["connections"] = json::object();
    for (const auto& [port, bits] : inputs) {
      c["port_directions"][port] = "input";
      c["connections"][port] = bits;
    }
    for (const auto& [port, bits] : outputs) {
      c["port_directions"][port] = "output";
      c["connections"][port] = bits;
    }
    return *this;
  }
  Netlist& port(const std::string& name, const std::string& direction, const Bits& bits,
                const std::string& module = "top") {
    j_["modules"][module]["ports"][name] = {{"direction", direction}, {"bits", bits}};
    return *this;
  }
  Netlist& lut(const std::string& name, const Bits& in, int out,
               const std::string& module = "top") {
    std::vector<std::pair<std::string, Bits>> ins;
    for (size_t k = 0; k < in.size(); ++k) ins.push_back({"I" + std::to_string(k), {in[k]}});
    return cell(name, "LUT" + std::to_string(in.size()), ins, {{"O", {out}}}, module);
  }
  Netlist& ff(const std::string& name, int d, int q, const std::string& module = "top") {
    return cell(name, "FDRE", {{"C", {1}}, {"CE", {"1"}}, {"R", {"0"}}, {"D", {d}}}, {{"Q", {q}}},
                module);
  }
  Netlist& attribute(const std::string& module, const std::string& name) {
    j_["modules"][module]["attributes"][name] = "00000000000000000000000000000001";
    return *this;
  }
  host::LogicDepth depth() const { return host::logic_depth_of_json(j_.dump(), "test.json"); }
  std::string json_text() const { return j_.dump(); }

 private:
  json j_ = {{"modules", json::object()}};
};

TEST(LogicDepth, ThreeLutsBetweenTwoRegisters) {
  const host::LogicDepth d = host::logic_depth_of_json(kThreeLuts, "chain.json");
  MMF_EXPECT_EQ(d.lut_levels, 3);
  MMF_EXPECT_EQ(d.carry_levels, 0);
  MMF_EXPECT_EQ(d.lut_end, "lut_3");
  MMF_EXPECT_EQ(d.module, "chain");  // the FDRE blackbox is a library cell, not a module
  MMF_EXPECT_EQ(d.cells, 5);
  MMF_EXPECT_TRUE(d.unknown_cells.empty());
}

// The longest path counts, not the first or the last one found: a direct LUT beside a chain.
TEST(LogicDepth, ParallelShorterPathDoesNotHideTheLongerOne) {
  const host::LogicDepth d = Netlist()
                                 .ff("src", 20, 2)
                                 .lut("short", {2}, 10)
                                 .lut("a", {2}, 3)
                                 .lut("b", {3}, 4)
                                 .lut("c", {4, 2}, 5)
                                 .lut("join", {10, 5, 2}, 20)
                                 .depth();
  MMF_EXPECT_EQ(d.lut_levels, 4);  // src -> a -> b -> c -> join -> src
  MMF_EXPECT_EQ(d.lut_end, "join");
}

// Four CARRY4 chained CO[3] -> CI, each fed by one LUT on S: 4 carry levels, 1 LUT level.
TEST(LogicDepth, CarryChainCountsEachCarryCell) {
  Netlist n;
  n.ff("q", 99, 2);
  int next_ci = -1;
  for (int k = 0; k < 4; ++k) {
    const int base = 100 + 20 * k;  // S bits base..base+3, O bits base+4.., CO base+8..
    for (int b = 0; b < 4; ++b) n.lut("s" + std::to_string(k) + std::to_string(b), {2}, base + b);
    const json ci = next_ci < 0 ? json("0") : json(next_ci);
    n.cell("carry" + std::to_string(k), "CARRY4",
           {{"CI", {ci}},
            {"CYINIT", {"0"}},
            {"DI", {2, 2, 2, 2}},
            {"S", {base, base + 1, base + 2, base + 3}}},
           {{"O", {base + 4, base + 5, base + 6, base + 7}},
            {"CO", {base + 8, base + 9, base + 10, base + 11}}});
    next_ci = base + 11;
  }
  n.lut("use", {next_ci}, 99);
  const host::LogicDepth d = n.depth();
  MMF_EXPECT_EQ(d.carry_levels, 4);
  MMF_EXPECT_EQ(d.carry_end, "carry3");
  MMF_EXPECT_EQ(d.lut_levels, 2);  // s.. before the chain, `use` after it
}

// O[0] through a LUT back into S[3] of the same CARRY4 is a path, not a loop: S[i] reaches
// only outputs i and up.
TEST(LogicDepth, CarryBitsAreFollowedPerPosition) {
  const host::LogicDepth d =
      Netlist()
          .ff("q", 30, 2)
          .cell("carry", "CARRY4",
                {{"CI", {"0"}}, {"CYINIT", {"0"}}, {"DI", {2, 2, 2, 2}}, {"S", {2, 2, 2, 10}}},
                {{"O", {11, 12, 13, 14}}, {"CO", {15, 16, 17, 18}}})
          .lut("back", {11}, 10)
          .lut("out", {14}, 30)
          .depth();
  MMF_EXPECT_EQ(d.lut_levels, 2);    // back -> carry -> out
  MMF_EXPECT_EQ(d.carry_levels, 2);  // the same CARRY4 twice: O[0], then S[3] -> O[3]
}

// MUXF7/MUXF8 are in the slice: a LUT, two muxes and a register is one LUT level.
TEST(LogicDepth, WideMuxesAddNoLevel) {
  const host::LogicDepth d =
      Netlist()
          .ff("q", 30, 2)
          .lut("l0", {2}, 3)
          .lut("l1", {2}, 4)
          .cell("f7", "MUXF7", {{"I0", {3}}, {"I1", {4}}, {"S", {2}}}, {{"O", {5}}})
          .cell("f8", "MUXF8", {{"I0", {5}}, {"I1", {5}}, {"S", {2}}}, {{"O", {30}}})
          .depth();
  MMF_EXPECT_EQ(d.lut_levels, 1);
  MMF_EXPECT_TRUE(d.unknown_cells.empty());
}

// DSPs, block RAM, URAM and shift registers end one path and start the next.
TEST(LogicDepth, HardBlocksAndShiftRegistersCutPaths) {
  for (const char* type : {"DSP48E2", "RAMB36E2", "RAMB18E2", "URAM288", "SRLC32E", "FIFO36E2"}) {
    const host::LogicDepth d = Netlist()
                                   .ff("q", 30, 2)
                                   .lut("a", {2}, 3)
                                   .lut("b", {3}, 4)
                                   .cell("block", type, {{"A", {4}}}, {{"P", {5}}})
                                   .lut("c", {5}, 30)
                                   .depth();
    MMF_EXPECT_EQ(d.lut_levels, 2) << type;
  }
}

// A distributed RAM's read is one LUT level from address to data; its write data ends a path.
TEST(LogicDepth, LutRamReadIsOneLevelAndItsWriteEndsThePath) {
  const host::LogicDepth d = Netlist()
                                 .ff("q", 30, 2)
                                 .lut("addr", {2}, 3)
                                 .lut("data0", {2}, 4)
                                 .lut("data1", {4}, 5)
                                 .lut("data2", {5}, 6)
                                 .cell("ram", "RAM32M",
                                       {{"ADDRA", {3, 3, 3, 3, 3}},
                                        {"ADDRD", {2, 2, 2, 2, 2}},
                                        {"DIA", {6, 6}},
                                        {"WE", {2}},
                                        {"WCLK", {1}}},
                                       {{"DOA", {7, 8}}})
                                 .lut("after", {7}, 30)
                                 .depth();
  // addr -> ram -> after; data0 -> data1 -> data2 ends at DIA (3, not 5 through the RAM).
  MMF_EXPECT_EQ(d.lut_levels, 3);
  MMF_EXPECT_EQ(d.lut_end, "after");
}

TEST(LogicDepth, PortsStartAndEndPaths) {
  const host::LogicDepth d = Netlist()
                                 .port("a_i", "input", {2, 3})
                                 .port("y_o", "output", {5})
                                 .lut("x", {2, 3}, 4)
                                 .lut("y", {4, "1"}, 5)
                                 .depth();
  MMF_EXPECT_EQ(d.lut_levels, 2);
}

// A cell type it does not know passes paths through unweighted, and is listed.
TEST(LogicDepth, UnknownCellsPassThroughAndAreListed) {
  const host::LogicDepth d = Netlist()
                                 .ff("q", 30, 2)
                                 .lut("a", {2}, 3)
                                 .cell("odd", "MYSTERY", {{"X", {3}}}, {{"Y", {4}}})
                                 .lut("b", {4}, 30)
                                 .depth();
  MMF_EXPECT_EQ(d.lut_levels, 2);
  MMF_EXPECT_EQ(d.unknown_cells.size(), 1u);
  MMF_EXPECT_EQ(d.unknown_cells.at("MYSTERY"), 1);
}

TEST(LogicDepth, CombinationalLoopIsAnErrorNamingModuleAndCells) {
  const Netlist n = Netlist()
                        .ff("q", 30, 2)
                        .lut("enter", {2}, 3)
                        .lut("loop_a", {3, 5}, 4)
                        .lut("loop_b", {4}, 5)
                        .lut("after", {5}, 30);
  MMF_EXPECT_ERROR(n.depth(), "test.json", "module top", "combinational loop", "loop_a", "loop_b");
  try {
    n.depth();
  } catch (const Error& e) {
    // Cells before and after the loop are not on it.
    MMF_EXPECT_EQ(std::string(e.what()).find("after"), std::string::npos) << e.what();
    MMF_EXPECT_EQ(std::string(e.what()).find("enter"), std::string::npos) << e.what();
  }
}

// A hierarchical netlist: each module alone, an instance of another module is a cut.
TEST(LogicDepth, HierarchyIsTheDeepestModule) {
  const host::LogicDepth d = Netlist()
                                 .port("a_i", "input", {2}, "sub")
                                 .port("y_o", "output", {5}, "sub")
                                 .lut("s1", {2}, 3, "sub")
                                 .lut("s2", {3}, 4, "sub")
                                 .lut("s3", {4}, 5, "sub")
                                 .ff("q", 30, 2)
                                 .lut("t1", {2}, 3)
                                 .lut("t2", {3}, 4)
                                 .cell("u_sub", "sub", {{"a_i", {4}}}, {{"y_o", {5}}})
                                 .lut("t3", {5}, 6)
                                 .lut("t4", {6}, 30)
                                 .depth();
  MMF_EXPECT_EQ(d.lut_levels, 3);  // not 2 + 3 + 2: the boundary is not crossed
  MMF_EXPECT_EQ(d.module, "sub");
  MMF_EXPECT_EQ(d.lut_end, "s3");
  MMF_EXPECT_TRUE(d.unknown_cells.empty());  // an instance of a module is known
}

// A unit kept as a black box (mmf synth's kernel top beside its units) ends paths like an
// instance of a walked module, even on a path that loops back through it; a black-box cell of
// the library (FDRE here) keeps its own role.
TEST(LogicDepth, BlackBoxesOfTheDesignCutPaths) {
  Netlist n;
  n.port("a_i", "input", {2}, "$paramod$1234\\mmf_unit")
      .port("y_o", "output", {3}, "$paramod$1234\\mmf_unit")
      .ff("q", 30, 2)
      .lut("t1", {2, 5}, 3)
      .cell("u_unit", "$paramod$1234\\mmf_unit", {{"a_i", {3}}}, {{"y_o", {4}}})
      .lut("t2", {4}, 5)
      .lut("t3", {5}, 30);
  n.attribute("$paramod$1234\\mmf_unit", "blackbox");
  n.attribute("FDRE", "blackbox");
  const host::LogicDepth d = n.depth();
  MMF_EXPECT_EQ(d.lut_levels, 2) << "t2, t3 after the box; t1 before it";
  MMF_EXPECT_EQ(d.module, "top");
  MMF_EXPECT_TRUE(d.unknown_cells.empty());
}

// `json -o` leaves the black boxes' modules out: the walk is told their names instead.
TEST(LogicDepth, BoxedModulesNamedByTheCallerCutPaths) {
  Netlist n;
  n.ff("q", 30, 2)
      .lut("t1", {2, 5}, 3)
      .cell("u_unit", "$paramod$99\\mmf_box", {{"a_i", {3}}}, {{"y_o", {4}}})
      .lut("t2", {4}, 5)
      .lut("t3", {5}, 30);
  // Unnamed, the box is an unknown cell that passes through: the path loops.
  MMF_EXPECT_ERROR(n.depth(), "combinational loop", "u_unit");
  const host::LogicDepth d =
      host::logic_depth_of_json(n.json_text(), "test.json", {"mmf_box", "mmf_other"});
  MMF_EXPECT_EQ(d.lut_levels, 2);
  MMF_EXPECT_TRUE(host::is_instance_of("$paramod\\mmf_box\\Lanes=32'1", "mmf_box"));
  MMF_EXPECT_FALSE(host::is_instance_of("$paramod$1\\mmf_box_twin", "mmf_box"));
}

// Far deeper than a recursive walk's stack would allow (a frame per level), and quick.
TEST(LogicDepth, LongChainNeedsNoRecursion) {
  constexpr int kLuts = 200000;
  std::string text = R"({"modules": {"top": {"cells": {)";
  for (int k = 0; k < kLuts; ++k) {
    text += (k == 0 ? "" : ",") + std::string("\"l") + std::to_string(k) +
            R"(": {"type": "LUT1", "port_directions": {"I0": "input", "O": "output"},)" +
            R"( "connections": {"I0": [)" + std::to_string(k + 2) + "], \"O\": [" +
            std::to_string(k + 3) + "]}}";
  }
  text += "}}}}";
  const host::LogicDepth d = host::logic_depth_of_json(text, "long.json");
  MMF_EXPECT_EQ(d.lut_levels, kLuts);
  MMF_EXPECT_EQ(d.cells, kLuts);
}

TEST(LogicDepth, MalformedNetlistsAreErrorsNamingTheSource) {
  MMF_EXPECT_ERROR(host::logic_depth_of_json("{\"modules\": ", "bad.json"), "bad.json",
                   "write_json");
  MMF_EXPECT_ERROR(host::logic_depth_of_json("{\"cells\": {}}", "bad.json"), "bad.json",
                   "\"modules\"");
  MMF_EXPECT_ERROR(
      host::logic_depth_of_json(R"({"modules": {"top": {"cells": {"c": {}}}}})", "bad.json"),
      "bad.json", "cell c", "\"type\"");
  MMF_EXPECT_ERROR(host::logic_depth_of_json(R"({"modules": {"top": {"cells": {"c": {"type": "LUT1",
          "port_directions": {"I0": "input", "O": "output"}, "connections": {"I0": [2.5]}}}}}})",
                                             "bad.json"),
                   "bad.json", "connection bit");
  MMF_EXPECT_ERROR(host::logic_depth_of_json(R"({"modules": {"lib": {"attributes":
      {"blackbox": "00000000000000000000000000000001"}, "cells": {}}}})",
                                             "bad.json"),
                   "no module other than blackboxes");
}

}  // namespace
}  // namespace mmf::test

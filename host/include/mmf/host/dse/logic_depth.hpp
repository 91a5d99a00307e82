// SPDX-License-Identifier: Apache-2.0
// Logic depth of a mapped netlist (`mmf synth`): the most LUT cells and the most CARRY cells on
// any register-to-register path of a Yosys `write_json` netlist after synth_xilinx. A count of
// cells, not a timing analysis: see docs/resources.md, "Logic depth and fit".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mmf::host {

// The deepest paths of one netlist. Path starts and ends (cut points): flip-flops (FD*), block
// RAM and FIFOs (RAMB*, FIFO*), URAM*, DSP48* (taken as registered), shift registers (SRL*),
// instances of other modules of the netlist, constants (GND, VCC) and the module's ports.
// Weighted cells: LUT1..LUT6 and INV one LUT level each, a distributed RAM (RAM32M, RAM64X1D,
// ...) one LUT level from its read address to its data, CARRY4/CARRY8 one carry level each.
// MUXF7/F8/F9 and buffers pass through unweighted; any other cell type too, and it is listed.
struct LogicDepth {
  int lut_levels = 0;     // most LUT levels on one path
  int carry_levels = 0;   // most carry levels on one path (a separate maximum: maybe another path)
  std::string lut_end;    // the last cell of a deepest LUT path; empty when lut_levels is 0
  std::string carry_end;  // the last cell of a deepest carry path
  std::string module;     // the module holding the deepest LUT path (a hierarchical netlist)
  int64_t cells = 0;      // cells looked at, over all modules
  std::map<std::string, int64_t> unknown_cells;  // types taken as unweighted pass-through

  // The larger of each maximum (the depth of a hierarchy: the deepest of its modules).
  void merge(const LogicDepth& other);
};

// The depth of every module of a Yosys JSON netlist (`write_json`: modules.<m>.cells.<c>.{type,
// port_directions, connections}, ports), the deepest of them. Blackbox modules (cell libraries)
// are skipped; an instance of another module is a cut, so paths crossing a module boundary are
// not followed. Iterative (Kahn's order over net bits), so it handles netlists of millions of
// cells. Throws mmf::Error naming `source` for malformed JSON and for a combinational loop
// (naming its module and some of its cells).
// Cells whose type is an instance of one of `boxed_modules` (modules kept as black boxes, which
// `json -o` does not write) end paths like instances of the design's own modules.
LogicDepth logic_depth_of_json(const std::string& text, const std::string& source,
                               const std::vector<std::string>& boxed_modules = {});

// Whether a cell of `type` instantiates `module`: the module itself or a parameterized copy
// (`$paramod$<hash>\module`, `$paramod\module\<params>`).
bool is_instance_of(const std::string& type, const std::string& module);

}  // namespace mmf::host

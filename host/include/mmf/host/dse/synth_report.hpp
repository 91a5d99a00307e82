// SPDX-License-Identifier: Apache-2.0
// Resource reports of the RTL (`mmf synth`): each unit of rtl/ synthesized by Yosys
// (`synth_xilinx`) with the parameters of a build, and its cells counted as LUT/FF/CARRY/BRAM/
// URAM/DSP/LUTRAM. Estimates from Yosys, not Vivado: no timing, no power, carry chains as
// Yosys maps them. Parsing the `stat` output is kept apart from running Yosys, so that it can be
// tested on canned output.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/host/build/resources.hpp"
#include "mmf/host/dse/logic_depth.hpp"

namespace mmf::host {

// ---- Counting cells ------------------------------------------------------------------------

// Parses `stat -json` (Yosys 0.23): the "design" section (the whole hierarchy under -top), or
// the one module when there is no design section. Tolerates the hierarchy text lines Yosys 0.23
// writes into the JSON of `stat -top`. Throws mmf::Error naming `source` on malformed input.
ResourceCounts parse_stat_json(const std::string& text, const std::string& source);
// Parses the text of `stat`: the cell list of the last "=== module ===" or "design hierarchy"
// block. Throws mmf::Error naming `source` when there is none or a line is malformed.
ResourceCounts parse_stat_text(const std::string& text, const std::string& source);

// ---- Units of the kernel ---------------------------------------------------------------------

using SynthParams = std::vector<std::pair<std::string, int64_t>>;

// One row of the unit table: what to synthesize and how often the kernel holds it.
struct SynthUnit {
  std::string unit;    // name for --unit and in the report
  std::string module;  // top module, defined in rtl/**/<module>.sv
  SynthParams params;  // from the build
  int64_t instances = 1;
  // Non-empty: these instances are part of that unit's netlist, so the sum leaves them out.
  std::string within;
  // The kernel top: when its file exists, the total is its synthesis instead of a sum.
  bool kernel_top = false;
  // mmf_kernel instantiates this module with exactly these parameters: when the unit runs beside
  // the kernel top, the top takes it as a black box and adds this unit's counts per instance
  // (so the top does not synthesize it a second time).
  bool boxed_in_top = false;
};

// The integer localparams of a build's mmf_build_pkg (Lanes, WeightChannels, VectorLanes,
// MaxVector, MaxOps, WeightFifoDepth, ...) and its bit flags as 0 or 1 (FiveTrit): the RTL
// parameters of the build, from the one generator. Throws mmf::Error naming `source` when the
// text has none.
using BuildPackage = std::map<std::string, int64_t>;
BuildPackage parse_build_package(const std::string& text, const std::string& source);

// The unit table with parameters and instance counts from a build package (one place: add a
// unit here). Throws mmf::Error when the package lacks a parameter a unit needs.
std::vector<SynthUnit> synth_units(const BuildPackage& package);

// Yosys synth_xilinx family of an FPGA part: xc7*, xcku/xcvu (UltraScale, "xcu") and their
// "p" parts, xczu* and the Alveo xcu<digits> parts (UltraScale+, "xcup"). Throws mmf::Error
// for a part it does not know.
std::string yosys_family(const std::string& part);

// The Yosys script for one unit: read `sources` (the packages first: format, LUT tables,
// numerics, the build's; then the unit's module files); elaborate `unit` with its parameters;
// synth_xilinx (flattened, except the kernel top); merge duplicate cells; `stat -json` into the
// file `stat_json`, a name without spaces relative to Yosys's working directory (`tee -o` takes
// no quotes); the mapped netlist (its modules, not the cell library) into `netlist_json`
// (`json -o`, the same format as write_json) for logic_depth_of_json.
// For the kernel top, `black_boxes` names modules to keep as black boxes (their counts come from
// their own runs).
std::string synth_script(const SynthUnit& unit, const std::string& family,
                         const std::vector<std::string>& sources, const std::string& stat_json,
                         const std::string& netlist_json,
                         const std::vector<std::string>& black_boxes = {});

// Instances of `module` among a synthesized top's cells: cells of type `module` or a
// parameterized copy of it (`$paramod$<hash>\module`, `$paramod\module\<params>`).
int64_t instances_of(const ResourceCounts& top, const std::string& module);

// ---- Running ------------------------------------------------------------------------------

struct SynthOptions {
  std::string build;            // build name or YAML path (as `mmf run --build`)
  std::string unit;             // empty: every unit
  int lanes = 0;                // > 0: overrides accelerator.lanes
  int vector_lanes = 0;         // > 0: overrides accelerator.vector_lanes
  int tile_rows = 0;            // > 0: overrides accelerator.tile_rows
  std::string yosys = "yosys";  // executable, looked up in PATH
  std::string work_parent;      // the temporary work directory is created in here
  double timeout_seconds = 0;   // > 0: stop a Yosys run that takes longer
  double max_memory_gib = -1;   // address space for all Yosys runs together, each of `jobs`
                                // runs getting its share; < 0: half the RAM, 0: no limit
  int jobs = 1;                 // Yosys processes at once
  bool keep = false;            // keep the work directory (scripts, logs)
  bool units_only = false;      // skip the kernel top even when rtl/ has it: total = sum
};

// What run_synth would do: the build after overrides, its Yosys family, the module files of
// rtl/ and the units to synthesize (the kernel top only when its file exists).
struct SynthPlan {
  BuildDescriptor build;
  std::string build_package;  // mmf_build_pkg.sv text of the build (after overrides)
  std::string family;
  std::vector<std::string> package_files;  // the shared packages of rtl/mmf.f, in order
  std::vector<std::string> module_files;   // its modules
  std::vector<SynthUnit> units;
};
// Throws mmf::Error for a bad build, override, part or unit name.
SynthPlan plan_synth(const SynthOptions& options);

struct UnitResult {
  SynthUnit unit;
  ResourceCounts counts;  // one instance
  double seconds = 0.0;
  LogicDepth depth;  // of its mapped netlist
};

struct SynthReport {
  std::string build;
  std::string part;
  std::string family;
  std::string yosys_version;
  AcceleratorSpec accel;  // after overrides
  std::vector<UnitResult> units;
  ResourceCounts total;
  std::string total_method;  // "sum_of_units" or "kernel_top"
  std::string total_module;  // the kernel top when total_method is "kernel_top"
  // Units the kernel top took as black boxes; their counts x instances are in `total`.
  std::vector<std::string> boxed_units;
  double total_seconds = 0.0;
  LogicDepth total_depth;  // of the kernel top (deepest module), when total_method is kernel_top
  int max_lut_levels = 0;  // over the units and the kernel top
  int max_carry_levels = 0;
  FitBudget budget;
  BoardResources board;  // device and shell counts of the build's board
  FitReport fit;         // shell + total against the budget
  std::string work_dir;  // kept work directory, empty when removed
};

// What `mmf synth --check` fails on, one line each (the resource or unit, its figure, the
// limit): a resource over its share of the device, a unit (or the kernel top) deeper than the
// budget's levels. Empty when the build fits.
std::vector<std::string> check_problems(const SynthReport& report);

// Progress of one Yosys run: called before (seconds < 0) and after it.
using SynthProgress =
    std::function<void(int index, int count, const std::string& unit, double seconds)>;

// Synthesizes the units (or the one of options.unit), options.jobs Yosys processes at a time,
// and measures each netlist's logic depth and the fit on the board. Throws mmf::Error naming
// the build and unit, with the tail of the Yosys log, when Yosys is missing, fails or times out
// (stopping the other runs), or when a netlist has a combinational loop.
SynthReport run_synth(const SynthOptions& options, const SynthProgress& progress);

}  // namespace mmf::host

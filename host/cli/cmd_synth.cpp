// SPDX-License-Identifier: Apache-2.0
// `mmf synth`: Yosys resource estimates and logic depth of the RTL units for a build
// (host::run_synth), their fit on the board, as a table or as one JSON object; `--check` fails
// when the build does not fit or is too deep.
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "mmf/error.hpp"
#include "mmf/host/dse/synth_report.hpp"

namespace mmf::cli {
namespace {

using nlohmann::ordered_json;

struct SynthArgs {
  host::SynthOptions options;
  bool json = false;
  bool list = false;
  bool check = false;
};

ordered_json counts_json(const host::ResourceCounts& c, double seconds) {
  ordered_json j;
  j["lut"] = c.lut;
  j["ff"] = c.ff;
  j["carry"] = c.carry;
  j["bram36"] = c.bram36;
  j["uram"] = c.uram;
  j["dsp"] = c.dsp;
  j["lutram"] = c.lutram;
  ordered_json sizes;
  for (size_t k = 0; k < c.lut_by_size.size(); ++k) {
    sizes["LUT" + std::to_string(k + 1)] = c.lut_by_size[k];
  }
  j["lut_by_size"] = sizes;
  j["cells"] = c.cells;
  j["seconds"] = seconds;
  return j;
}

ordered_json unit_json(const host::SynthUnit& u) {
  ordered_json e;
  e["unit"] = u.unit;
  e["module"] = u.module;
  ordered_json params = ordered_json::object();
  for (const auto& [name, value] : u.params) params[name] = value;
  e["params"] = params;
  e["instances"] = u.instances;
  if (!u.within.empty()) e["within"] = u.within;
  if (u.kernel_top) e["kernel_top"] = true;
  return e;
}

ordered_json depth_json(const host::LogicDepth& d) {
  ordered_json j;
  j["lut_levels"] = d.lut_levels;
  j["carry_levels"] = d.carry_levels;
  j["lut_levels_end"] = d.lut_end;
  j["carry_levels_end"] = d.carry_end;
  if (!d.unknown_cells.empty()) j["depth_unknown_cells"] = d.unknown_cells;
  return j;
}

// Device or shell counts under the JSON names of the totals.
ordered_json fabric_json(const host::FabricCounts& c) {
  return {{"lut", c.lut}, {"ff", c.ff}, {"bram36", c.bram_36k}, {"uram", c.uram}, {"dsp", c.dsp}};
}

ordered_json report_json(const host::SynthReport& r, const std::vector<std::string>& problems) {
  ordered_json j;
  j["build"] = r.build;
  j["part"] = r.part;
  j["family"] = r.family;
  j["yosys_version"] = r.yosys_version;
  j["estimates"] = "Yosys synth_xilinx cell counts, not Vivado results";
  j["accelerator"] = {{"lanes", r.accel.lanes},
                      {"vector_lanes", r.accel.vector_lanes},
                      {"weight_channels", r.accel.weight_channels},
                      {"max_vector", r.accel.max_vector}};
  j["units"] = ordered_json::array();
  for (const auto& u : r.units) {
    ordered_json e = unit_json(u.unit);
    e.update(counts_json(u.counts, u.seconds));
    e.update(depth_json(u.depth));
    j["units"].push_back(e);
  }
  j["total_method"] = r.total_method;
  j["total"] = counts_json(r.total, r.total_seconds);
  if (!r.total_module.empty()) {
    j["total"]["module"] = r.total_module;
    // Per module of the hierarchy: paths across module boundaries are not followed.
    j["total"].update(depth_json(r.total_depth));
    j["total"]["depth_module"] = r.total_depth.module;
    // Units taken as black boxes by the top; their counts x instances are in the total.
    j["total"]["boxed_units"] = r.boxed_units;
  }
  j["max_lut_levels"] = r.max_lut_levels;
  j["max_carry_levels"] = r.max_carry_levels;
  j["device"] = fabric_json(r.board);
  j["device"]["source"] = r.board.source;
  j["shell"] = r.board.shell ? fabric_json(*r.board.shell) : ordered_json(nullptr);
  j["budget"] = {{"lut", r.budget.logic_share},
                 {"ff", r.budget.logic_share},
                 {"bram36", r.budget.block_share},
                 {"uram", r.budget.block_share},
                 {"dsp", r.budget.block_share},
                 {"max_lut_levels", r.budget.max_lut_levels},
                 {"max_carry_levels", r.budget.max_carry_levels}};
  ordered_json utilization;
  for (const auto& f : r.fit.resources) {
    // JSON has no infinity: a resource the device lacks but the kernel uses is null.
    utilization[f.resource] =
        std::isfinite(f.utilization) ? ordered_json(f.utilization) : ordered_json(nullptr);
  }
  j["utilization"] = utilization;
  j["fits"] = r.fit.fits;
  j["problems"] = problems;
  if (!r.work_dir.empty()) j["work_dir"] = r.work_dir;
  return j;
}

std::string params_text(const host::SynthParams& params) {
  std::string s;
  for (const auto& [name, value] : params) {
    s += (s.empty() ? "" : " ") + name + "=" + std::to_string(value);
  }
  return s.empty() ? "-" : s;
}

std::string bram_text(double v) {
  std::ostringstream s;
  s.precision(12);  // device counts in full (1303680, not 1.30368e+06)
  s << v;
  return s.str();
}

void print_row(const std::string& name, const std::string& params, const std::string& inst,
               const host::ResourceCounts& c, const std::string& lut_levels,
               const std::string& carry_levels, double seconds) {
  std::cout << std::left << std::setw(22) << name << std::setw(44) << params + " " << std::right
            << std::setw(5) << inst << std::setw(9) << c.lut << std::setw(9) << c.ff << std::setw(7)
            << c.carry << std::setw(8) << bram_text(c.bram36) << std::setw(6) << c.uram
            << std::setw(5) << c.dsp << std::setw(8) << c.lutram << std::setw(7) << lut_levels
            << std::setw(8) << carry_levels << std::setw(8) << std::fixed << std::setprecision(1)
            << seconds << std::defaultfloat << "\n";
}

std::string percent_text(double share) {
  if (!std::isfinite(share)) return "(none on the device)";
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << 100.0 * share << " %";
  return s.str();
}

// One line per resource: kernel + shell of the device against the budget, then the depth.
void print_fit(const host::SynthReport& r) {
  std::cout << "\nfit on " << r.part << ": kernel + shell of the device, against the budget\n"
            << "  device: " << r.board.source << "\n"
            << "  shell:  "
            << (r.fit.shell_known ? "board.resources.shell of the build" : "not known, taken as 0")
            << "\n";
  for (const auto& f : r.fit.resources) {
    const std::string name = f.resource == "lut" ? "LUT+LUTRAM" : f.resource;
    std::cout << "  " << std::left << std::setw(11) << name << std::right << std::setw(10)
              << bram_text(f.kernel) << " + shell " << std::setw(7) << bram_text(f.shell) << " of "
              << std::setw(8) << bram_text(f.device) << " = " << std::setw(7)
              << percent_text(f.utilization) << "  (budget " << percent_text(f.limit) << ") "
              << (f.fits ? "ok" : "OVER") << "\n";
  }
  std::cout << "  depth      max " << r.max_lut_levels << " LUT levels (limit "
            << r.budget.max_lut_levels << "), " << r.max_carry_levels << " carry levels (limit "
            << r.budget.max_carry_levels << ")\n";
}

void print_table(const host::SynthReport& r) {
  std::cout << "build " << r.build << ", part " << r.part << " (synth_xilinx -family " << r.family
            << "), " << r.yosys_version << "\n"
            << "Yosys synth_xilinx estimates, not Vivado results; counts per instance.\n\n"
            << std::left << std::setw(22) << "unit" << std::setw(44) << "params" << std::right
            << std::setw(5) << "inst" << std::setw(9) << "LUT" << std::setw(9) << "FF"
            << std::setw(7) << "CARRY" << std::setw(8) << "BRAM36" << std::setw(6) << "URAM"
            << std::setw(5) << "DSP" << std::setw(8) << "LUTRAM" << std::setw(7) << "LUTlv"
            << std::setw(8) << "CARRYlv" << std::setw(8) << "s"
            << "\n";
  for (const auto& u : r.units) {
    print_row(u.unit.unit, params_text(u.unit.params), std::to_string(u.unit.instances), u.counts,
              std::to_string(u.depth.lut_levels), std::to_string(u.depth.carry_levels), u.seconds);
    if (!u.unit.within.empty()) std::cout << "  (part of " << u.unit.within << ")\n";
  }
  const bool top = r.total_method == "kernel_top";
  const std::string label = top ? "total (" + r.total_module + ")" : "total (sum of units x inst)";
  print_row(label, "", "", r.total, top ? std::to_string(r.total_depth.lut_levels) : "",
            top ? std::to_string(r.total_depth.carry_levels) : "", r.total_seconds);
  if (!r.boxed_units.empty()) {
    std::cout << "  (the top's own logic plus, as black boxes, the runs of";
    for (const auto& u : r.boxed_units) std::cout << " " << u;
    std::cout << ")\n";
  }
  print_fit(r);
  if (!r.work_dir.empty()) std::cout << "work directory kept: " << r.work_dir << "\n";
}

// The units a run would synthesize, without running Yosys.
void list_units(const SynthArgs& a) {
  const host::SynthPlan plan = host::plan_synth(a.options);
  if (a.json) {
    ordered_json j;
    j["build"] = plan.build.name;
    j["part"] = plan.build.board.part;
    j["family"] = plan.family;
    j["units"] = ordered_json::array();
    for (const auto& u : plan.units) j["units"].push_back(unit_json(u));
    std::cout << j.dump(2) << "\n";
    return;
  }
  for (const auto& u : plan.units) {
    std::cout << std::left << std::setw(22) << u.unit << std::setw(44)
              << params_text(u.params) + " " << u.instances
              << (u.within.empty() ? "" : " (part of " + u.within + ")")
              << (u.kernel_top ? " (kernel top)" : "") << "\n";
  }
}

void synth(const SynthArgs& a) {
  if (a.list) return list_units(a);
  // One run at a time: "[3/13] unit ... 44.0 s" on one line. Several: a line as each starts
  // and one as each ends.
  const bool one = a.options.jobs <= 1;
  const auto progress = [one](int index, int count, const std::string& unit, double seconds) {
    const std::string tag = "[" + std::to_string(index) + "/" + std::to_string(count) + "] ";
    if (seconds < 0) {
      std::cerr << tag << unit << " ..." << (one ? " " : "\n") << std::flush;
    } else {
      std::cerr << (one ? "" : tag + unit + " ") << std::fixed << std::setprecision(1) << seconds
                << " s\n"
                << std::defaultfloat;
    }
  };
  const host::SynthReport r = host::run_synth(a.options, progress);
  const std::vector<std::string> problems = host::check_problems(r);
  if (a.json) {
    std::cout << report_json(r, problems).dump(2) << "\n";
  } else {
    print_table(r);
  }
  if (a.check && !problems.empty()) {
    std::string message = "build '" + r.build + "' fails mmf synth --check:";
    for (const auto& p : problems) message += "\n  " + p;
    throw Error(message);
  }
}

}  // namespace

void add_synth_command(CLI::App& app) {
  auto a = std::make_shared<SynthArgs>();
  a->options.build = "ci-tiny";
  CLI::App* cmd = app.add_subcommand(
      "synth", "Yosys resource estimates (LUT/FF/CARRY/BRAM/DSP) of the RTL units for a build");
  cmd->add_option("--build", a->options.build,
                  "Build descriptor: a name under bitstreams/ or a path")
      ->capture_default_str();
  cmd->add_option("--unit", a->options.unit, "Synthesize only this unit (e.g. mmf_rescale)");
  cmd->add_option("--lanes", a->options.lanes, "Override accelerator.lanes (a power of two)");
  cmd->add_option("--vector-lanes", a->options.vector_lanes,
                  "Override accelerator.vector_lanes (a power of two)");
  cmd->add_option("--tile-rows", a->options.tile_rows,
                  "Override accelerator.tile_rows (a power of two, at most lanes / 4)");
  cmd->add_option("--timeout", a->options.timeout_seconds,
                  "Stop a unit's Yosys run after this many seconds (0: no limit)");
  cmd->add_option("--max-memory", a->options.max_memory_gib,
                  "Address space in GiB for the Yosys runs together, each of -j N getting 1/N "
                  "(default: half the physical memory; 0: no limit)");
  cmd->add_option("-j,--jobs", a->options.jobs, "Yosys runs at once")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--yosys", a->options.yosys, "Yosys executable")->capture_default_str();
  cmd->add_flag("--keep", a->options.keep, "Keep the work directory (scripts, Yosys logs)");
  cmd->add_flag("--units-only", a->options.units_only,
                "Skip the kernel top (rtl/mmf/mmf_kernel.sv); the total is the sum of the units");
  cmd->add_flag("--json", a->json, "Print one JSON object");
  cmd->add_flag("--list", a->list, "List the units and their parameters; run nothing");
  cmd->add_flag("--check", a->check,
                "Exit non-zero when shell + kernel exceed the budget's share of the device or a "
                "unit exceeds 6 LUT / 16 carry levels");
  cmd->callback([a] { synth(*a); });
}

}  // namespace mmf::cli

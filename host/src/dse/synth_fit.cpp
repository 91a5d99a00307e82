// SPDX-License-Identifier: Apache-2.0
// The fit of `mmf synth`'s estimate on the build's board and what `--check` fails on (see
// synth_report.hpp): shell + kernel against shares of the device from board.resources, and
// each unit's logic depth against the budget's levels.
#include <limits>
#include <sstream>

#include "mmf/host/dse/synth_report.hpp"

namespace mmf::host {
namespace {

std::string percent(double share) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  s << 100.0 * share << " %";
  return s.str();
}

std::string count(double v) {
  std::ostringstream s;
  s.precision(12);  // whole counts in full (1303680, not 1.30368e+06); half BRAM36s as .5
  s << v;
  return s.str();
}

}  // namespace

FitReport fit_on_board(const ResourceCounts& kernel, const BoardResources& board,
                       const FitBudget& budget) {
  const FabricCounts shell = board.shell.value_or(FabricCounts{});
  FitReport out;
  out.shell_known = board.shell.has_value();
  const auto add = [&out](const char* name, double used, double static_share, double device,
                          double limit) {
    ResourceFit f;
    f.resource = name;
    f.kernel = used;
    f.shell = static_share;
    f.device = device;
    const double taken = used + static_share;
    f.utilization = device > 0  ? taken / device
                    : taken > 0 ? std::numeric_limits<double>::infinity()
                                : 0.0;
    f.limit = limit;
    f.fits = f.utilization <= limit;
    out.fits = out.fits && f.fits;
    out.resources.push_back(f);
  };
  // Vivado's "CLB LUTs" are logic and memory LUTs together.
  add("lut", static_cast<double>(kernel.lut + kernel.lutram), static_cast<double>(shell.lut),
      static_cast<double>(board.lut), budget.logic_share);
  add("ff", static_cast<double>(kernel.ff), static_cast<double>(shell.ff),
      static_cast<double>(board.ff), budget.logic_share);
  add("bram36", kernel.bram36, static_cast<double>(shell.bram_36k),
      static_cast<double>(board.bram_36k), budget.block_share);
  add("uram", static_cast<double>(kernel.uram), static_cast<double>(shell.uram),
      static_cast<double>(board.uram), budget.block_share);
  add("dsp", static_cast<double>(kernel.dsp), static_cast<double>(shell.dsp),
      static_cast<double>(board.dsp), budget.block_share);
  return out;
}

std::vector<std::string> check_problems(const SynthReport& r) {
  std::vector<std::string> out;
  for (const ResourceFit& f : r.fit.resources) {
    if (f.fits) continue;
    out.push_back(f.resource + ": " + count(f.kernel) + " (kernel) + " + count(f.shell) +
                  " (shell) of " + count(f.device) + " is " + percent(f.utilization) +
                  " of the device, over the budget of " + percent(f.limit));
  }
  const auto depth = [&r, &out](const std::string& what, const LogicDepth& d) {
    if (d.lut_levels > r.budget.max_lut_levels) {
      out.push_back(what + ": " + std::to_string(d.lut_levels) + " LUT levels (at cell " +
                    d.lut_end + "), over the limit of " + std::to_string(r.budget.max_lut_levels));
    }
    if (d.carry_levels > r.budget.max_carry_levels) {
      out.push_back(what + ": " + std::to_string(d.carry_levels) + " carry levels (at cell " +
                    d.carry_end + "), over the limit of " +
                    std::to_string(r.budget.max_carry_levels));
    }
  };
  for (const UnitResult& u : r.units) depth("unit " + u.unit.unit, u.depth);
  if (r.total_method == "kernel_top") {
    depth("kernel top " + r.total_module, r.total_depth);
  }
  return out;
}

}  // namespace mmf::host

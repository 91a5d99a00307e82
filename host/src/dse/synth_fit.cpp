// SPDX-License-Identifier: Apache-2.0
// What `mmf synth --check` fails on (see synth_report.hpp): a resource over the budget of its
// fit on the board (fit_on_board, build/resources.cpp), or a unit's logic depth over the
// budget's levels.
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

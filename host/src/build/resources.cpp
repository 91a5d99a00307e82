// SPDX-License-Identifier: Apache-2.0
// Cell counting and the fit on the board (resources.hpp). The resource model of a whole kernel
// is in resource_model.cpp.
#include <limits>

#include "mmf/host/build/resources.hpp"

namespace mmf::host {
namespace {

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

// LUTs one distributed-RAM or shift-register cell occupies (UG574, "CLB Resources").
int64_t lutram_luts(const std::string& type) {
  static const std::map<std::string, int64_t> kLuts = {
      {"RAM16X1S", 1},  {"RAM32X1S", 1},    {"RAM64X1S", 1}, {"RAM128X1S", 2}, {"RAM256X1S", 4},
      {"RAM512X1S", 8}, {"RAM16X1D", 2},    {"RAM32X1D", 2}, {"RAM64X1D", 2},  {"RAM128X1D", 4},
      {"RAM256X1D", 8}, {"RAM32M", 4},      {"RAM64M", 4},   {"RAM32M16", 8},  {"RAM64M8", 8},
      {"RAM64X8SW", 8}, {"RAM32X16DR8", 8}, {"SRL16E", 1},   {"SRLC16E", 1},   {"SRLC32E", 1}};
  const auto it = kLuts.find(type);
  return it == kLuts.end() ? 0 : it->second;
}

}  // namespace

// ---- Counting cells ------------------------------------------------------------------------

ResourceCounts& ResourceCounts::operator+=(const ResourceCounts& o) {
  lut += o.lut;
  for (size_t k = 0; k < lut_by_size.size(); ++k) lut_by_size[k] += o.lut_by_size[k];
  ff += o.ff;
  carry += o.carry;
  bram36 += o.bram36;
  uram += o.uram;
  dsp += o.dsp;
  lutram += o.lutram;
  for (const auto& [type, n] : o.cells) cells[type] += n;
  return *this;
}

ResourceCounts ResourceCounts::times(int64_t n) const {
  std::map<std::string, int64_t> scaled = cells;
  for (auto& [type, count] : scaled) count *= n;
  return count_cells(scaled);
}

ResourceCounts count_cells(const std::map<std::string, int64_t>& cells) {
  ResourceCounts r;
  r.cells = cells;
  for (const auto& [type, n] : cells) {
    if (type == "INV") {
      r.lut_by_size[0] += n;
    } else if (type.size() == 4 && starts_with(type, "LUT") && type[3] >= '1' && type[3] <= '6') {
      r.lut_by_size[static_cast<size_t>(type[3] - '1')] += n;
    } else if (starts_with(type, "FD")) {
      r.ff += n;
    } else if (type == "CARRY4" || type == "CARRY8") {
      r.carry += n;
    } else if (starts_with(type, "RAMB36") || starts_with(type, "FIFO36")) {
      r.bram36 += static_cast<double>(n);
    } else if (starts_with(type, "RAMB18") || starts_with(type, "FIFO18")) {
      r.bram36 += 0.5 * static_cast<double>(n);
    } else if (starts_with(type, "URAM")) {
      r.uram += n;
    } else if (starts_with(type, "DSP48")) {
      r.dsp += n;
    } else {
      r.lutram += n * lutram_luts(type);
    }
  }
  for (int64_t n : r.lut_by_size) r.lut += n;
  return r;
}

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

}  // namespace mmf::host

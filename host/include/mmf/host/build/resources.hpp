// SPDX-License-Identifier: Apache-2.0
// What a build takes of its board: resources counted from a netlist's cells, their fit on the
// board (the shell's share and the budget's limits, board.resources of the build's YAML), and
// the resource model of a whole kernel from the build's parameters (Yosys-calibrated), which
// the sweep checks for fit and the energy model prices. Running Yosys is dse/'s (`mmf synth`).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/ternary_pack.hpp"

namespace mmf::host {

// Resources of one netlist, from the cell types Yosys left after synth_xilinx.
struct ResourceCounts {
  int64_t lut = 0;                       // LUT1..LUT6, INV counted as a LUT1 (as Vivado maps it)
  std::array<int64_t, 6> lut_by_size{};  // [k] = LUT(k+1); [0] includes INV
  int64_t ff = 0;                        // FD* (FDRE, FDSE, FDCE, FDPE)
  int64_t carry = 0;                     // CARRY4 + CARRY8 cells (Yosys 0.23 uses CARRY4 on xcup)
  double bram36 = 0.0;                   // RAMB36/FIFO36 + RAMB18/FIFO18 as halves
  int64_t uram = 0;                      // URAM288
  int64_t dsp = 0;                       // DSP48*
  int64_t lutram = 0;                    // LUTs used as memory: distributed RAM and SRL cells
  std::map<std::string, int64_t> cells;  // every cell type, as Yosys names it

  ResourceCounts& operator+=(const ResourceCounts& other);
  // These counts times n (n instances of a unit).
  ResourceCounts times(int64_t n) const;
};

// Classifies cell counts (type -> number) into resources. Types it does not know (MUXF7, BUFG,
// ...) stay in `cells` only.
ResourceCounts count_cells(const std::map<std::string, int64_t>& cells);

// What a build may take: shell + kernel within these shares of the device, and the logic depth
// of every unit within these levels (about 0.35-0.5 ns a LUT level with its routing: 6 levels
// at 300 MHz).
struct FitBudget {
  double logic_share = 0.65;  // CLB LUTs (LUT + LUTRAM, as Vivado counts them) and FFs
  double block_share = 0.75;  // BRAM36, URAM and DSP
  int max_lut_levels = 6;     // LUT levels on any register-to-register path
  int max_carry_levels = 16;  // CARRY cells on any path
};

// One resource of the fit: the kernel's estimate plus the shell's static share, of the device.
struct ResourceFit {
  std::string resource;  // "lut" (LUT + LUTRAM), "ff", "bram36", "uram", "dsp"
  double kernel = 0.0;
  double shell = 0.0;  // 0 when the board's shell is not known
  double device = 0.0;
  double utilization = 0.0;  // (kernel + shell) / device; infinite when the device has none
  double limit = 0.0;        // the budget's share for this resource
  bool fits = true;
};

struct FitReport {
  std::vector<ResourceFit> resources;  // lut, ff, bram36, uram, dsp
  bool shell_known = false;            // board.resources.shell was given
  bool fits = true;                    // every resource within its limit
};

// The fit of a kernel's counts on an AMD board (device and shell from board.resources).
FitReport fit_on_board(const ResourceCounts& kernel, const BoardResources& board,
                       const FitBudget& budget);

// Resource estimate of a kernel from whole-kernel Yosys runs of the shipped builds
// (docs/resources.md, "The sweep's cost model"; docs/sweep.md): AMD counts with the fit of
// `mmf synth --check` (fit_on_board), or the Intel equivalents on an Intel board. A 1.6-bit
// point is charged its decoders (rtl/mmf/mmf_weight_unpack.sv as `mmf synth --unit` measured
// it; not yet in the kernel) and a FIFO of packed words. The energy model prices the same
// LUTs and FFs in its fabric term (power.hpp).
struct ResourceEstimate {
  // lut: CLB LUTs (logic + LUTRAM, as Vivado counts them) or ALMs (Intel, one per LUT);
  // bram: BRAM36 (AMD) or M20K (Intel); uram: URAM288 (0 on Intel).
  double lut = 0, ff = 0, dsp = 0, bram = 0, uram = 0;
  double decoder_lut = 0;   // of `lut`: the 1.6-bit decoders (0 without them)
  double decoder_bram = 0;  // of `bram`: their tables, in BRAM36 (AMD)
  // Of the device, with the shell's static share where the board's YAML gives it.
  double lut_share = 0, ff_share = 0, dsp_share = 0, bram_share = 0, uram_share = 0;
  bool fits = false;  // every share within the budget
  std::string limit;  // the first resource over the budget, empty when it fits
};
// The 1.6-bit decoders count when `packing` is five_trit or the build has them
// (accelerator.packings lists 1.6bit).
ResourceEstimate estimate_resources(const BuildDescriptor& build, Packing packing,
                                    const FitBudget& budget);

}  // namespace mmf::host

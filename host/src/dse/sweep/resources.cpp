// SPDX-License-Identifier: Apache-2.0
// Resource estimate of a sweep point from the Yosys per-unit costs of docs/resources.md
// (`scripts/synth-sweep.sh builds|lanes|vector-lanes`, Yosys 0.23 synth_xilinx, RTL of commit
// 957fb3d): each unit's measured cost at the sizes measured, linear in between, times its
// instances in mmf_kernel. Yosys estimates, not Vivado results; the MLGRU gate and SiLU units
// did not finish synthesis, so their cost is missing and the estimate is a lower bound.
#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>
#include <vector>

#include "mmf/host/dse/sweep.hpp"

namespace mmf::host {
namespace {

using Curve = std::vector<std::pair<double, double>>;  // (size, cost), sizes ascending

// The cost at `x`: linear between measured sizes, proportional below the first, and at the
// last measured per-unit slope above it.
double at(const Curve& c, double x) {
  if (x <= c.front().first) return c.front().second * x / c.front().first;
  for (size_t k = 1; k < c.size(); ++k) {
    if (x <= c[k].first) {
      const auto [x0, y0] = c[k - 1];
      const auto [x1, y1] = c[k];
      return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
    }
  }
  return c.back().second * x / c.back().first;
}

// mmf_weight_channel (its ternary accumulator and read master inside) against lanes: LUT
// without the read FIFO, which Yosys maps to LUTRAM and Vivado would put in block RAM.
const Curve kWeightChannelLut = {{16, 2746}, {64, 10983}, {256, 34461}, {512, 72930}};
// Per weight channel, fixed: mmf_rescale.
constexpr double kRescaleLut = 2699, kRescaleDsp = 15;
// mmf_norm_quantize against vector_lanes (LUT, DSP); mmf_scaled_products and
// mmf_residual_add per vector lane.
const Curve kNormLut = {{4, 6042}, {8, 10063}, {32, 35920}};
const Curve kNormDsp = {{4, 82}, {8, 154}, {32, 586}};
constexpr double kProductsLutPerLane = 943, kProductsDspPerLane = 4;
constexpr double kResidualLutPerLane = 78;
// Control: mmf_descriptor_check and mmf_axil_control grow with the channels (ci-tiny, 2
// channels: 1,918 LUT; u280, 31: 18,819), plus the vector bank's read and write masters.
constexpr double kControlLutBase = 752, kControlLutPerChannel = 583, kMastersLut = 640;
constexpr double kControlDsp = 14;

// The 1.6-bit decoder, charged per packed byte of a channel's word (lanes / 5 of them): a
// 256 x 10-bit ROM (the five 2-bit trit codes of a byte) in LUTs. Each output bit is a function
// of the byte's 8 bits: four LUT6 joined by the slice's MUXF7/MUXF8, so 10 x 4 = 40 LUT a byte.
// Yosys maps the ROM written as a table to 38 LUT (scripts/trit5-rom-cost.sh); the RTL has no
// decoder yet. (A 2-bit word needs none: its fields are the trit codes.) The FIFO holds the
// packed words, so it is 8 x ceil(lanes / 5) bits wide, not 2 x lanes.
constexpr double kFiveTritDecoderLutPerByte = 40;

// Block RAMs of a weight FIFO of `words` x `bits`, placed as Vivado does a wide FIFO: 36 Kb
// blocks in 512 x 72 mode (AMD) or 20 Kb blocks in 512 x 40 mode (Intel M20K).
double fifo_blocks(double words, double bits, double block_width) {
  return std::ceil(bits / block_width) * std::ceil(words / 512.0);
}

std::string ratio(const char* what, double share, double max) {
  std::ostringstream s;
  s.precision(3);
  s << what << " " << share << " of the device (at most " << max << ")";
  return s.str();
}

}  // namespace

ResourceEstimate estimate_resources(const BuildDescriptor& b, Packing packing,
                                    double max_utilization) {
  const double ch = b.accel.weight_channels, lanes = b.accel.lanes, vl = b.accel.vector_lanes;
  const double word_bytes = static_cast<double>(packed_word_bytes(b.accel.lanes, packing));
  const bool five_trit = packing == Packing::five_trit;
  ResourceEstimate e;
  e.decoder_lut = five_trit ? ch * word_bytes * kFiveTritDecoderLutPerByte : 0.0;
  e.lut = ch * (at(kWeightChannelLut, lanes) + kRescaleLut + kControlLutPerChannel) +
          kControlLutBase + kMastersLut + at(kNormLut, vl) +
          vl * (kProductsLutPerLane + kResidualLutPerLane) + e.decoder_lut;
  e.dsp = ch * kRescaleDsp + at(kNormDsp, vl) + vl * kProductsDspPerLane + kControlDsp;
  const bool amd = b.board.vendor == "amd";
  const double fifo_bits = five_trit ? 8.0 * word_bytes : 2.0 * lanes;
  e.bram = ch * fifo_blocks(b.weight_fifo_words(), fifo_bits, amd ? 72.0 : 40.0);
  const BoardResources& r = b.board.resources;
  // An Intel ALM holds one 6-input LUT's function or two smaller ones: one LUT per ALM is
  // the cautious reading (an estimate); DSP blocks are counted one for one.
  e.lut_share = e.lut / static_cast<double>(amd ? r.lut : r.alm);
  e.dsp_share = e.dsp / static_cast<double>(r.dsp);
  e.bram_share = e.bram / static_cast<double>(amd ? r.bram_36k : r.m20k);
  e.fits = true;
  for (const auto& [name, share] :
       {std::pair<const char*, double>{amd ? "LUT" : "ALM", e.lut_share},
        {"DSP", e.dsp_share},
        {amd ? "BRAM36" : "M20K", e.bram_share}}) {
    if (share > max_utilization && e.fits) {
      e.fits = false;
      e.limit = ratio(name, share, max_utilization);
    }
  }
  return e;
}

}  // namespace mmf::host

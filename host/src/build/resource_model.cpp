// SPDX-License-Identifier: Apache-2.0
// The resource model of a whole kernel (the sweep's fit, the energy model's fabric term), from
// whole-kernel Yosys runs of the shipped builds
// (`mmf synth --build B -j 2 --json`, Yosys 0.23 synth_xilinx; the RTL and the figures are in
// docs/resources.md, "The sweep's cost model"). Each run splits into parts that grow with one
// build parameter each; a point's part is read off the measured sizes, linear in between.
// Yosys estimates, not Vivado results.
#include <algorithm>
#include <cmath>
#include <sstream>
#include <tuple>
#include <utility>
#include <vector>

#include "mmf/host/build/resources.hpp"

namespace mmf::host {
namespace {

// Yosys counts of one part: LUT (logic), LUTRAM, FF, BRAM36, URAM, DSP.
struct Cost {
  double lut, lutram, ff, bram36, uram, dsp;
};
Cost mix(const Cost& a, const Cost& b, double t) {
  const auto f = [t](double x, double y) { return x + (y - x) * t; };
  return {f(a.lut, b.lut),       f(a.lutram, b.lutram), f(a.ff, b.ff),
          f(a.bram36, b.bram36), f(a.uram, b.uram),     f(a.dsp, b.dsp)};
}
Cost scaled(const Cost& a, double s) {
  return mix(Cost{0, 0, 0, 0, 0, 0}, a, s);
}

using Curve = std::vector<std::pair<double, Cost>>;  // (size, cost), sizes ascending

// The cost at `x`: linear between measured sizes; beyond them, along the nearest segment
// (proportional to the size when only one size was measured), never below zero.
Cost at(const Curve& c, double x) {
  if (c.size() == 1) return scaled(c[0].second, x / c[0].first);
  size_t k = 1;
  while (k + 1 < c.size() && x > c[k].first) ++k;
  const auto& [x0, y0] = c[k - 1];
  const auto& [x1, y1] = c[k];
  Cost out = mix(y0, y1, (x - x0) / (x1 - x0));
  for (double* v : {&out.lut, &out.lutram, &out.ff, &out.bram36, &out.uram, &out.dsp}) {
    *v = std::max(*v, 0.0);
  }
  return out;
}

// The parts, each from the builds that measured it (ci-tiny: 16 lanes, 2 weight channels, 4
// vector lanes; kv260: 64, 1, 4; u280: 512, 31, 32; all in 4-row tiles, so the tile size is
// not an axis). u250 (512 lanes in 16-row tiles, 4 channels, 16 vector lanes) is not fitted:
// docs/resources.md compares it with the model.
// A weight channel against lanes: mmf_weight_channel (accumulator, code RAM, read master)
// without its weight FIFO, which fifo_cost() places.
const Curve kChannel = {{16, {1015, 92, 808, 4, 0, 0}},
                        {64, {1969, 148, 1467, 4, 0, 0}},
                        {512, {10803, 660, 7690, 14.5, 0, 0}}};
// Per weight channel, the same at every size: mmf_rescale.
constexpr Cost kRescale = {1394, 17, 784, 0, 0, 4};
// The vector units against vector_lanes: mmf_norm_quantize, mmf_mlgru_gate, mmf_silu,
// mmf_scaled_products, mmf_residual_add, mmf_bf16_to_q16.
const Curve kVector = {{4, {11093, 961, 11075, 8, 0, 115}}, {32, {79398, 7569, 82843, 64, 0, 899}}};
// Control against weight channels: mmf_descriptor_check and mmf_axil_control (a pointer and
// counters per channel).
const Curve kControl = {{1, {1704, 682, 1128, 0, 0, 3}},
                        {2, {1802, 707, 1192, 0, 0, 3}},
                        {31, {4613, 681, 3238, 0, 0, 6}}};
// The vector bank's read and write masters against vector_lanes (their data width).
const Curve kMasters = {{4, {690, 240, 669, 0, 0, 0}}, {32, {681, 1776, 1559, 0, 0, 0}}};
// The kernel's own logic (its total minus its units: controller, program loader, buffer bank,
// row gather and merge, code and vector paths): a part per weight channel, from kv260 and
// ci-tiny (1 and 2 channels, the same 4 vector lanes), plus the rest against vector_lanes,
// from ci-tiny and u280 less their channels' share. (Against weight channels x vector lanes
// instead, u250's top came out at 14 k LUT against the 33.9 k measured.)
constexpr Cost kTopPerChannel = {381, 0, 71, 0, 0, 0};
const Curve kTopVector = {
    {4, {9843 - 2 * kTopPerChannel.lut, 330, 4116 - 2 * kTopPerChannel.ff, 218, 0, 13}},
    {32, {73513 - 31 * kTopPerChannel.lut, 2378, 16659 - 31 * kTopPerChannel.ff, 218, 0, 14}}};

// Not in the parts above, which were fitted before it: the program's Argmax and the token loop
// (rtl/mmf/mmf_argmax.sv, 330 LUT and 293 FF at 4 vector lanes, 2,687 and 1,210 at 32, by
// `mmf synth --unit mmf_argmax`; with the controller's share, ci-tiny's whole kernel measured
// 30,510 CLB LUT and 21,422 FF on 2026-12-07 against the 30,702 and 20,236 here).
// docs/resources.md, "The sweep's cost model", says what is left to refit.

// The 1.6-bit unpacker of a weight channel against lanes (rtl/mmf/mmf_weight_unpack.sv, at the
// channel's memory port: half a beat a cycle through 256-entry tables in block RAM, two lookups
// a RAMB18, and five word registers with one 5-way choice), from `mmf synth --build B --unit
// mmf_weight_unpack` on ci-tiny, kv260 and u280 (Yosys 0.23, 2026-12-07). The RTL's FIFO holds
// the decoded 2-bit words. (A 2-bit word needs no unpacker: its fields are the trit codes.)
// Whole beats a cycle up to 64 lanes, halves from 256 (weight_unpack_parts).
const Curve kUnpack = {{16, {286, 40, 320, 1, 0, 0}},
                       {64, {475, 32, 888, 4, 0, 0}},
                       {512, {2760, 32, 6254, 16, 0, 0}}};

// A weight FIFO of `words` x `bits` as the RTL asks for it: UltraRAM (4,096 x 72) where the
// board's part has it (BuildDescriptor::weight_fifo_ultra_ram), else block RAM, as Vivado
// places a wide FIFO: 36 Kb blocks in 512 x 72 mode (AMD) or 20 Kb blocks in 512 x 40 (Intel
// M20K, counted here in BRAM36 halves: see estimate_resources).
Cost fifo_cost(const BuildDescriptor& b, double words, double bits) {
  if (b.weight_fifo_ultra_ram()) {
    return {0, 0, 0, 0, std::ceil(bits / 72.0) * std::ceil(words / 4096.0), 0};
  }
  const bool amd = b.board.vendor == "amd";
  const double blocks = std::ceil(bits / (amd ? 72.0 : 40.0)) * std::ceil(words / 512.0);
  return {0, 0, 0, amd ? blocks : blocks / 2.0, 0, 0};
}

Cost operator+(const Cost& a, const Cost& b) {
  return {a.lut + b.lut,       a.lutram + b.lutram, a.ff + b.ff,
          a.bram36 + b.bram36, a.uram + b.uram,     a.dsp + b.dsp};
}

}  // namespace

ResourceEstimate estimate_resources(const BuildDescriptor& b, Packing packing,
                                    const FitBudget& budget) {
  const double ch = b.accel.weight_channels, lanes = b.accel.lanes, vl = b.accel.vector_lanes;
  // The decoders are there when the stream is 1.6-bit or the build has them anyway.
  const bool five_trit = packing == Packing::five_trit || b.accel.five_trit;
  const Cost unpack = five_trit ? at(kUnpack, lanes) : Cost{0, 0, 0, 0, 0, 0};
  const double decoder_lut = ch * (unpack.lut + unpack.lutram);
  const Cost per_channel =
      at(kChannel, lanes) + kRescale + fifo_cost(b, b.weight_fifo_words(), 2.0 * lanes) + unpack;
  const Cost k = scaled(per_channel, ch) + at(kVector, vl) + at(kControl, ch) + at(kMasters, vl) +
                 scaled(kTopPerChannel, ch) + at(kTopVector, vl);

  ResourceEstimate e;
  e.decoder_lut = decoder_lut;
  e.decoder_bram = ch * unpack.bram36;
  e.lut = k.lut + k.lutram;  // CLB LUTs, as Vivado counts them
  e.ff = k.ff;
  e.dsp = k.dsp;
  e.uram = k.uram;
  const BoardResources& r = b.board.resources;
  if (b.board.vendor == "amd") {
    e.bram = k.bram36;
    ResourceCounts counts;
    counts.lut = std::llround(k.lut);
    counts.lutram = std::llround(k.lutram);
    counts.ff = std::llround(k.ff);
    counts.bram36 = k.bram36;
    counts.uram = std::llround(k.uram);
    counts.dsp = std::llround(k.dsp);
    const FitReport fit = fit_on_board(counts, r, budget);
    e.fits = fit.fits;
    for (const ResourceFit& f : fit.resources) {
      double* share = f.resource == "lut"      ? &e.lut_share
                      : f.resource == "ff"     ? &e.ff_share
                      : f.resource == "bram36" ? &e.bram_share
                      : f.resource == "uram"   ? &e.uram_share
                                               : &e.dsp_share;
      *share = f.utilization;
      if (!f.fits && e.limit.empty()) {
        std::ostringstream s;
        s.precision(3);
        s << f.resource << " " << f.utilization << " of the device with the shell (at most "
          << f.limit << ")";
        e.limit = s.str();
      }
    }
    return e;
  }
  // Intel: one ALM per LUT (cautious: an ALM can hold two small functions), a 36 Kb block as
  // two M20K, FFs as ALM registers (two per ALM); no shell figures, so shares of the device.
  e.bram = 2.0 * k.bram36;
  e.lut_share = e.lut / static_cast<double>(r.alm);
  e.ff_share = e.ff / (2.0 * static_cast<double>(r.alm));
  e.bram_share = e.bram / static_cast<double>(r.m20k);
  e.dsp_share = e.dsp / static_cast<double>(r.dsp);
  e.fits = true;
  for (const auto& [name, share, limit] :
       {std::tuple<const char*, double, double>{"alm", e.lut_share, budget.logic_share},
        {"ff", e.ff_share, budget.logic_share},
        {"m20k", e.bram_share, budget.block_share},
        {"dsp", e.dsp_share, budget.block_share}}) {
    if (share > limit && e.fits) {
      e.fits = false;
      std::ostringstream s;
      s.precision(3);
      s << name << " " << share << " of the device (at most " << limit << ")";
      e.limit = s.str();
    }
  }
  return e;
}

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// The energy model of the simulated backends (DESIGN.md §5, docs/power.md): the kernel's own
// counters times the build's `energy:` coefficients, the fabric's cells (the resource model of
// the sweep) over the kernel's cycles, and static power over the device time.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <utility>

#include "mmf/host/build/resources.hpp"
#include "mmf/host/power/power.hpp"
#include "power_format.hpp"

namespace mmf::host {
namespace {

using power_detail::grouped;
using power_detail::num;

constexpr double kPico = 1e-12;

class EnergyModelMeter : public PowerMeter {
 public:
  EnergyModelMeter(const BuildDescriptor& build, std::string backend, Packing packing)
      : energy_(build.energy), clock_mhz_(build.accel.clock_mhz), backend_(std::move(backend)) {
    const std::string file =
        build.path.empty() ? build.name : std::filesystem::path(build.path).filename().string();
    meter_ = "energy model " + file;
    // The kernel's cells as the resource model prices them (Yosys-calibrated, the decoder of a
    // 1.6-bit stream included); the fit does not matter here, so any budget will do.
    const ResourceEstimate cells = estimate_resources(build, packing, FitBudget{});
    lut_ = static_cast<uint64_t>(std::llround(cells.lut));
    ff_ = static_cast<uint64_t>(std::llround(cells.ff));
  }

  void begin() override {}  // the model needs no instrument: the counters carry the run

  PowerReport end(const CounterTotals& a, double) override {
    PowerReport r;
    r.meter = meter_;
    r.coefficients = energy_.all();
    if (!a.cycles) {
      r.source = PowerSource::none;
      r.reason = "the energy model needs simulated cycles; " +
                 (backend_.empty() ? std::string("the run has none")
                                   : "backend " + backend_ + " has none");
      return r;
    }
    r.source = PowerSource::modeled;
    // Device time: the cycles the kernel took at the build's clock, not the simulator's wall.
    r.seconds = static_cast<double>(*a.cycles) / (clock_mhz_ * 1e6);

    const double bytes = static_cast<double>(a.weight_bytes) + static_cast<double>(a.vector_bytes);
    const double words = static_cast<double>(a.vector_bytes) / 4.0;
    const auto& e = energy_;
    // Off-chip memory: every byte the kernel moved, weights in and vectors in and out.
    r.breakdown.push_back({"memory", bytes * 8.0 * e.memory_pj_per_bit.value * kPico,
                           "(" + grouped(a.weight_bytes) + " weight + " + grouped(a.vector_bytes) +
                               " vector bytes) x 8 x " + num(e.memory_pj_per_bit.value) +
                               " pJ/bit"});
    r.breakdown.push_back(
        {"memory_interface", bytes * 8.0 * e.memory_interface_pj_per_bit.value * kPico,
         "(" + grouped(a.weight_bytes) + " + " + grouped(a.vector_bytes) + ") bytes x 8 x " +
             num(e.memory_interface_pj_per_bit.value) + " pJ/bit"});
    r.breakdown.push_back(
        {"compute", static_cast<double>(a.ternary_ops) * e.ternary_op_pj.value * kPico,
         grouped(a.ternary_ops) + " ternary ops x " + num(e.ternary_op_pj.value) + " pJ/op"});
    // Each byte moved is written into and read out of an on-chip FIFO or buffer once.
    r.breakdown.push_back({"on_chip", 2.0 * bytes * e.on_chip_pj_per_byte.value * kPico,
                           "2 x (" + grouped(a.weight_bytes) + " + " + grouped(a.vector_bytes) +
                               ") bytes x " + num(e.on_chip_pj_per_byte.value) + " pJ/byte"});
    r.breakdown.push_back({"vector", words * e.vector_pj_per_word.value * kPico,
                           grouped(a.vector_bytes) + " vector bytes / 4 = " + num(words) +
                               " words x " + num(e.vector_pj_per_word.value) + " pJ/word"});
    // The kernel's logic runs while the kernel runs: its cycles, not the host link's.
    const uint64_t kernel_cycles = *a.cycles - std::min(*a.cycles, a.link_cycles.value_or(0));
    const double cells = static_cast<double>(lut_ + ff_);
    r.breakdown.push_back(
        {"fabric", cells * static_cast<double>(kernel_cycles) * e.fabric_pj_per_cell.value * kPico,
         "(" + grouped(lut_) + " LUT + " + grouped(ff_) + " FF) x " + grouped(kernel_cycles) +
             " kernel cycles x " + num(e.fabric_pj_per_cell.value) + " pJ"});
    r.breakdown.push_back({"static", e.static_w.value * r.seconds,
                           num(e.static_w.value) + " W x " + grouped(*a.cycles) + " cycles / " +
                               num(clock_mhz_) + " MHz = " + num(r.seconds) + " s"});
    for (const auto& t : r.breakdown) r.joules += t.joules;
    r.idle_watts = e.static_w.value;
    return r;
  }

 private:
  EnergySpec energy_;
  double clock_mhz_;
  std::string backend_;
  std::string meter_;
  uint64_t lut_ = 0, ff_ = 0;
};

}  // namespace

std::unique_ptr<PowerMeter> make_energy_model_meter(const BuildDescriptor& build,
                                                    const std::string& backend, Packing packing) {
  return std::make_unique<EnergyModelMeter>(build, backend, packing);
}

}  // namespace mmf::host

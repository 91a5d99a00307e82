// SPDX-License-Identifier: Apache-2.0
#include "report_fields.hpp"

#include <algorithm>
#include <sstream>

namespace mmf::cli {

void add_device_fields(const std::string& backend, const host::BuildDescriptor& b,
                       const host::CounterTotals& t, nlohmann::json& j) {
  j["build"] = {{"name", b.name},
                {"descriptor", b.path},
                {"lanes", b.accel.lanes},
                {"weight_channels", b.accel.weight_channels},
                {"clock_mhz", b.accel.clock_mhz}};
  j["counters"] = {{"launches", t.launches},
                   {"tokens", t.tokens},
                   {"ops", t.ops},
                   {"ternary_ops", t.ternary_ops},
                   {"weight_bytes", t.weight_bytes},
                   {"vector_bytes", t.vector_bytes},
                   {"source", "kernel counter registers, summed over launches"}};
  // Untimed backends (cpu, csim) have no cycle counter: the fields stay absent.
  if (t.cycles) {
    const double tokens = static_cast<double>(std::max<uint64_t>(t.tokens, 1));
    const double per_token = static_cast<double>(*t.cycles) / tokens;
    j["cycles"] = *t.cycles;
    j["cycles_per_token"] = per_token;
    j["weight_bound_cycles_per_token"] =
        static_cast<double>(t.weight_bytes) / tokens / b.weight_bytes_per_cycle();
    j["nominal_bound_cycles_per_token"] =
        static_cast<double>(t.weight_bytes) / tokens / b.nominal_weight_bytes_per_cycle();
    // Every byte the weight channels read: the ternary weights and, for BitNet, the int8 head
    // and the KV cache at the measured positions.
    j["memory_bound_cycles_per_token"] = j["weight_bound_cycles_per_token"];
    j["memory_bound_fraction"] =
        per_token > 0 ? j["memory_bound_cycles_per_token"].get<double>() / per_token : 0.0;
    j["weight_bound_source"] =
        "the token's weight-channel bytes (ternary weights; BitNet's int8 head and KV cache "
        "too, so the memory bound equals it) over the weight channels' rate: each the lesser "
        "of its streamer's and its memory's sustained rate (board.memory_timing: nominal x "
        "efficiency); the nominal bound uses the memory's nominal rate";
    j["clock_mhz"] = b.accel.clock_mhz;
    j["tok_per_s_device"] = per_token > 0 ? b.accel.clock_mhz * 1e6 / per_token : 0.0;
    if (t.link_cycles) j["link_cycles_per_token"] = static_cast<double>(*t.link_cycles) / tokens;
    if (t.perf) {
      const host::PerfCounters& p = *t.perf;
      j["perf"] = {{"busy_cycles", p.busy_cycles},
                   {"accumulate_cycles", p.accumulate_cycles},
                   {"starved_cycles", p.starved_cycles},
                   {"pass_cycles", p.pass_cycles},
                   {"vec_wait_cycles", p.vec_wait_cycles},
                   {"vec_read_bytes", p.vec_read_bytes},
                   {"vec_write_bytes", p.vec_write_bytes},
                   {"source",
                    "the RTL's performance registers (0x400 + 8k), summed over launches; the "
                    "cycle counts overlap"}};
    }
    j["tok_per_s_device_source"] =
        backend == "xrt"
            ? "measured (the kernel's busy-cycle counter on the board, at the build's clock)"
        : backend == "systemc"
            ? "simulated (SystemC platform: the accelerator as --accelerator chose, its "
              "approximately-timed model or its RTL; memory channels as board.memory_timing "
              "says, and the host link, at the build's clock)"
            : "simulated (RTL cycles per token at the build's clock, memory channels modeled "
              "as board.memory_timing says: sustained rate, refresh, latency)";
  }
}

namespace {

nlohmann::json optional_number(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

void add_power_fields(const host::BenchResult& r, nlohmann::json& j) {
  const host::PowerReport& p = r.power;
  const bool none = p.source == host::PowerSource::none;
  j["power_source"] = host::power_source_name(p.source);
  j["power_meter"] = p.meter;
  if (none) j["power_reason"] = p.reason;
  j["power_w"] = none ? nlohmann::json(nullptr) : nlohmann::json(p.watts());
  j["joules_per_token"] = optional_number(r.joules_per_token());
  j["tok_per_s_per_w"] = optional_number(r.tok_per_s_per_w());
  j["tok_per_s_per_w_dynamic"] = optional_number(r.tok_per_s_per_w_dynamic());
  j["idle_w"] = optional_number(none ? std::nullopt : p.idle_watts);
  j["power_seconds"] = p.seconds;
  j["power_seconds_basis"] = p.source == host::PowerSource::modeled
                                 ? "device time (simulated cycles at the build's clock)"
                                 : "wall clock of the measured tokens";
  j["power_samples"] = p.samples;
  j["tokens_metered"] = r.tokens;
  nlohmann::json breakdown = nlohmann::json::array();
  const double tokens = static_cast<double>(std::max<int64_t>(r.tokens, 1));
  for (const host::EnergyTerm& t : p.breakdown) {
    breakdown.push_back({{"name", t.name},
                         {"joules", t.joules},
                         {"joules_per_token", t.joules / tokens},
                         {"share", p.joules > 0 ? t.joules / p.joules : 0.0},
                         {"how", t.how}});
  }
  j["energy_breakdown"] = breakdown;
  nlohmann::json coefficients = nlohmann::json::array();
  for (const host::EnergyCoefficient& c : p.coefficients) {
    coefficients.push_back({{"name", c.name},
                            {"value", c.value},
                            {"unit", c.unit},
                            {"source", c.source},
                            {"tag", c.tag}});
  }
  j["energy_coefficients"] = coefficients;
}

std::string power_summary(const host::BenchResult& r) {
  const host::PowerReport& p = r.power;
  std::ostringstream s;
  if (p.source == host::PowerSource::none) {
    s << "power: none (" << p.reason << ")";
    return s.str();
  }
  s << host::power_source_name(p.source) << " power (" << p.meter << "): " << p.watts() << " W, "
    << r.joules_per_token().value_or(0.0) << " J/token, " << r.tok_per_s_per_w().value_or(0.0)
    << " tok/s/W";
  if (const auto d = r.tok_per_s_per_w_dynamic()) s << " (dynamic " << *d << ")";
  if (!p.breakdown.empty()) {
    s << "; energy:";
    for (const host::EnergyTerm& t : p.breakdown) {
      s << " " << t.name << " " << (p.joules > 0 ? 100.0 * t.joules / p.joules : 0.0) << "%";
    }
  }
  return s.str();
}

}  // namespace mmf::cli

// SPDX-License-Identifier: Apache-2.0
// JSON fields shared by `mmf run --json` and `mmf bench --json`: the build and kernel counters
// of a device engine, and the power figures with their sources.
#pragma once

#include <nlohmann/json.hpp>

#include "mmf/host/runtime/bench.hpp"

namespace mmf::cli {

// build, counters and (timed backends) cycles, cycles_per_token, weight-bound cycles and
// tok_per_s_device with its source, over the counters `t` of `backend`: simulated cycles on
// verilator, the kernel's own busy-cycle counter on a board (xrt).
void add_device_fields(const std::string& backend, const host::BuildDescriptor& b,
                       const host::CounterTotals& t, nlohmann::json& j);

// power_source, power_meter, power_w, joules_per_token, tok_per_s_per_w(_dynamic), idle_w,
// energy_breakdown and coefficients; null numbers and a reason when the source is none.
void add_power_fields(const host::BenchResult& r, nlohmann::json& j);

// One line for a terminal: "modeled: 0.12 J/token, 8.3 tok/s/W (dynamic 52.1) ..." or why
// there is no figure.
std::string power_summary(const host::BenchResult& r);

}  // namespace mmf::cli

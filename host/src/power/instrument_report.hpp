// SPDX-License-Identifier: Apache-2.0
// The breakdown every instrument reports (power.hpp): "idle" and "dynamic" when the idle
// floor was measured, else one "total" term. Internal to host/src/power.
#pragma once

#include <string>

#include "mmf/host/power/power.hpp"

namespace mmf::host::power_detail {

// Fills report.breakdown from joules, seconds and idle_watts. `total_how` says how the joules
// were obtained (e.g. "trapezoids over 25 samples ..."); `idle_how` how the floor was.
void set_instrument_breakdown(PowerReport& report, const std::string& total_how,
                              const std::string& idle_how);

}  // namespace mmf::host::power_detail

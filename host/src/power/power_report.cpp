// SPDX-License-Identifier: Apache-2.0
// Source names, the meter without a source, and the instruments' breakdown.
#include <utility>

#include "instrument_report.hpp"
#include "mmf/host/power/power.hpp"
#include "power_format.hpp"

namespace mmf::host {
namespace {

// A meter with nothing to measure: every report is source none with the reason given.
class NoMeter : public PowerMeter {
 public:
  explicit NoMeter(std::string reason) : reason_(std::move(reason)) {}
  void begin() override {}
  // No number at all, not even the interval: a none report is never divided by.
  PowerReport end(const CounterTotals&, double) override {
    PowerReport r;
    r.source = PowerSource::none;
    r.meter = "none";
    r.reason = reason_;
    return r;
  }

 private:
  std::string reason_;
};

}  // namespace

const char* power_source_name(PowerSource s) {
  switch (s) {
    case PowerSource::measured:
      return "measured";
    case PowerSource::modeled:
      return "modeled";
    case PowerSource::none:
      return "none";
  }
  return "none";
}

std::unique_ptr<PowerMeter> make_no_meter(std::string reason) {
  return std::make_unique<NoMeter>(std::move(reason));
}

namespace power_detail {

void set_instrument_breakdown(PowerReport& r, const std::string& total_how,
                              const std::string& idle_how) {
  r.breakdown.clear();
  if (!r.idle_watts) {
    r.breakdown.push_back({"total", r.joules, total_how});
    return;
  }
  const double idle_j = *r.idle_watts * r.seconds;
  r.breakdown.push_back(
      {"idle", idle_j,
       num(*r.idle_watts) + " W idle floor (" + idle_how + ") x " + num(r.seconds) + " s"});
  // May come out negative when the run draws no more than the floor's noise.
  r.breakdown.push_back(
      {"dynamic", r.joules - idle_j,
       num(r.joules) + " J total (" + total_how + ") - " + num(idle_j) + " J idle"});
}

}  // namespace power_detail
}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// The RAPL meter: the host CPU's package energy counters under powercap. The counters are
// cumulative microjoules that wrap at max_energy_range_uj, so a thread reads them every
// sample_period and adds the deltas: a wrap between two reads is seen as a drop and added back.
#include <algorithm>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "instrument_report.hpp"
#include "mmf/host/power/power.hpp"
#include "periodic_thread.hpp"
#include "power_format.hpp"
#include "sysfs.hpp"

namespace mmf::host {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using power_detail::num;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct RaplDomain {
  std::string energy_path;  // .../intel-rapl:N/energy_uj
  std::string label;        // "package-0 (intel-rapl:0)"
  uint64_t max_range_uj = 0;
};

// Energy summed over the domains since the first read. Written by one thread at a time: the
// sampler while it runs, begin()/end() while it is stopped.
struct Accumulator {
  std::vector<uint64_t> last;
  double joules = 0.0;
  int reads = 0;
  std::string error;  // the first counter that could not be read

  void read(const std::vector<RaplDomain>& domains) {
    const bool first = last.empty();
    if (first) last.resize(domains.size());
    for (size_t i = 0; i < domains.size(); ++i) {
      const auto now = power_detail::read_sysfs_uint(domains[i].energy_path);
      if (!now) {
        if (error.empty()) error = domains[i].energy_path + " became unreadable";
        continue;
      }
      if (!first) {
        const uint64_t prev = last[i];
        // A drop is a wrap: the counter ran up to max_energy_range_uj and restarted at zero.
        // (A previous value above the range cannot come from a sane counter: count from 0.)
        const uint64_t max = domains[i].max_range_uj;
        const uint64_t delta = *now >= prev ? *now - prev : (prev <= max ? max - prev : 0) + *now;
        joules += static_cast<double>(delta) * 1e-6;
      }
      last[i] = *now;
    }
    ++reads;
  }
};

class RaplMeter : public PowerMeter {
 public:
  RaplMeter(std::vector<RaplDomain> domains, const PowerOptions& options)
      : domains_(std::move(domains)), options_(options) {
    for (const auto& d : domains_) names_ += (names_.empty() ? "" : ", ") + d.label;
  }
  ~RaplMeter() override { sampler_.stop(); }

  void begin() override {
    sampler_.stop();
    idle_watts_.reset();
    if (options_.idle_window.count() > 0) {
      const auto t = Clock::now();
      start();
      std::this_thread::sleep_for(options_.idle_window);
      sampler_.stop();
      acc_.read(domains_);
      const double s = seconds_between(t, Clock::now());
      if (acc_.error.empty() && s > 0) idle_watts_ = acc_.joules / s;
    }
    t0_ = Clock::now();
    start();
    begun_ = true;
  }

  PowerReport end(const CounterTotals&, double) override {
    if (!begun_) throw std::logic_error("PowerMeter::end() without begin()");
    begun_ = false;
    sampler_.stop();
    acc_.read(domains_);
    PowerReport r;
    r.meter = "RAPL " + names_;
    r.sample_period_s = std::chrono::duration<double>(options_.sample_period).count();
    r.samples = acc_.reads;
    if (!acc_.error.empty()) {
      r.source = PowerSource::none;
      r.reason = r.meter + ": " + acc_.error + " during the run";
      return r;
    }
    r.source = PowerSource::measured;
    r.seconds = seconds_between(t0_, Clock::now());
    r.joules = acc_.joules;
    r.idle_watts = idle_watts_;
    power_detail::set_instrument_breakdown(
        r,
        "sum over " + std::to_string(domains_.size()) + " package counters of " +
            std::to_string(r.samples) + " reads every " + num(r.sample_period_s) + " s",
        "counters over " + num(std::chrono::duration<double>(options_.idle_window).count()) +
            " s before the run");
    return r;
  }

 private:
  // A fresh accumulation from a first read now, then the sampler thread.
  void start() {
    acc_ = Accumulator{};
    acc_.read(domains_);
    sampler_.start(options_.sample_period, [this] { acc_.read(domains_); });
  }

  std::vector<RaplDomain> domains_;
  PowerOptions options_;
  std::string names_;
  power_detail::PeriodicThread sampler_;
  Accumulator acc_;
  Clock::time_point t0_;
  std::optional<double> idle_watts_;
  bool begun_ = false;
};

}  // namespace

std::unique_ptr<PowerMeter> make_rapl_meter(const PowerOptions& options) {
  // Top-level package domains only: intel-rapl:N. Their subdomains (intel-rapl:N:M, cores,
  // uncore, dram) are parts of the package and would count twice.
  const std::regex package("intel-rapl:[0-9]+");
  const fs::path powercap = fs::path(options.sysfs_root) / "class" / "powercap";
  std::vector<RaplDomain> domains;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(powercap, ec)) {
    const std::string name = e.path().filename().string();
    if (!std::regex_match(name, package)) continue;
    RaplDomain d;
    d.energy_path = (e.path() / "energy_uj").string();
    const auto range = power_detail::read_sysfs_uint((e.path() / "max_energy_range_uj").string());
    // A domain we cannot read would leave its energy out of the sum: no meter rather than an
    // understated one.
    if (!power_detail::read_sysfs_uint(d.energy_path) || !range || *range == 0) return nullptr;
    d.max_range_uj = *range;
    const std::string label = power_detail::read_sysfs_line((e.path() / "name").string());
    d.label = label.empty() ? name : label + " (" + name + ")";
    domains.push_back(std::move(d));
  }
  if (domains.empty()) return nullptr;
  std::sort(domains.begin(), domains.end(),
            [](const RaplDomain& a, const RaplDomain& b) { return a.energy_path < b.energy_path; });
  return std::make_unique<RaplMeter>(std::move(domains), options);
}

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// The sampling meter: an instantaneous-power probe read on a thread, energy by trapezoids.
#include <exception>
#include <stdexcept>
#include <thread>
#include <utility>

#include "instrument_report.hpp"
#include "mmf/host/power/power.hpp"
#include "periodic_thread.hpp"
#include "power_format.hpp"

namespace mmf::host {
namespace {

using Clock = std::chrono::steady_clock;
using power_detail::num;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

class SamplingMeter : public PowerMeter {
 public:
  SamplingMeter(std::string meter, WattsProbe probe, const PowerOptions& options)
      : meter_(std::move(meter)), probe_(std::move(probe)), options_(options) {}
  ~SamplingMeter() override { sampler_.stop(); }

  void begin() override {
    sampler_.stop();
    measure_idle();
    run_ = Run{};
    run_.t0 = Clock::now();
    sample(run_.t0);
    sampler_.start(options_.sample_period, [this] { sample(Clock::now()); });
    begun_ = true;
  }

  PowerReport end(const CounterTotals&, double) override {
    if (!begun_) throw std::logic_error("PowerMeter::end() without begin()");
    begun_ = false;
    sampler_.stop();  // joins: run_ is ours again
    const Clock::time_point t1 = Clock::now();
    sample(t1);

    PowerReport r;
    r.meter = meter_;
    r.sample_period_s = std::chrono::duration<double>(options_.sample_period).count();
    r.samples = run_.samples;
    if (!run_.first) {
      r.source = PowerSource::none;
      r.reason = meter_ + " gave no reading during the run" +
                 (run_.probe_error.empty() ? "" : " (" + run_.probe_error + ")");
      return r;
    }
    r.source = PowerSource::measured;
    r.seconds = seconds_between(run_.t0, t1);
    // Between samples power is taken as linear; before the first and after the last reading
    // it is held, so the energy covers the whole interval [begin, end].
    r.joules = run_.between + run_.first->watts * seconds_between(run_.t0, run_.first->at) +
               run_.last->watts * seconds_between(run_.last->at, t1);
    r.idle_watts = idle_watts_;
    power_detail::set_instrument_breakdown(
        r,
        "trapezoids over " + std::to_string(r.samples) + " samples every " +
            num(r.sample_period_s) + " s across " + num(r.seconds) + " s",
        "mean of " + std::to_string(idle_samples_) + " samples over " +
            num(std::chrono::duration<double>(options_.idle_window).count()) + " s before the run");
    return r;
  }

 private:
  struct Reading {
    Clock::time_point at;
    double watts = 0.0;
  };
  // What the sampler accumulates between begin() and end(). The sampler thread alone writes
  // it while running; begin() and end() touch it only while the thread is stopped.
  struct Run {
    Clock::time_point t0;
    std::optional<Reading> first, last;
    double between = 0.0;  // joules between the first and the last reading
    int samples = 0;
    std::string probe_error;
  };

  // The probe's value, or nullopt; an exception from it counts as no reading.
  std::optional<double> read_probe(std::string& error) {
    try {
      return probe_();
    } catch (const std::exception& e) {
      if (error.empty()) error = e.what();
      return std::nullopt;
    }
  }

  void sample(Clock::time_point at) {
    const std::optional<double> w = read_probe(run_.probe_error);
    if (!w) return;
    if (run_.last)
      run_.between += 0.5 * (run_.last->watts + *w) * seconds_between(run_.last->at, at);
    run_.last = Reading{at, *w};
    if (!run_.first) run_.first = run_.last;
    ++run_.samples;
  }

  // The mean of readings over idle_window, on the calling thread, before the work starts.
  void measure_idle() {
    idle_watts_.reset();
    idle_samples_ = 0;
    if (options_.idle_window.count() <= 0) return;
    const auto deadline = Clock::now() + options_.idle_window;
    const auto step = std::max(options_.sample_period, std::chrono::milliseconds(1));
    double sum = 0.0;
    std::string ignored;
    for (;;) {
      if (const auto w = read_probe(ignored)) {
        sum += *w;
        ++idle_samples_;
      }
      const auto now = Clock::now();
      if (now >= deadline) break;
      std::this_thread::sleep_for(std::min<Clock::duration>(step, deadline - now));
    }
    if (idle_samples_ > 0) idle_watts_ = sum / idle_samples_;
  }

  std::string meter_;
  WattsProbe probe_;
  PowerOptions options_;
  power_detail::PeriodicThread sampler_;
  Run run_;
  std::optional<double> idle_watts_;
  int idle_samples_ = 0;
  bool begun_ = false;
};

}  // namespace

std::unique_ptr<PowerMeter> make_sampling_meter(std::string meter, WattsProbe probe,
                                                const PowerOptions& options) {
  return std::make_unique<SamplingMeter>(std::move(meter), std::move(probe), options);
}

}  // namespace mmf::host

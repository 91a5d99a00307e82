// SPDX-License-Identifier: Apache-2.0
// Throughput and energy of generation on one engine (`mmf bench`, and the power fields of
// `mmf run --json`): a PowerMeter brackets the measured tokens, the kernel counters of the same
// interval drive the energy model, and every figure keeps its source.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "mmf/host/power/power.hpp"
#include "mmf/host/runtime/session.hpp"

namespace mmf::host {

// Counters of the launches between two snapshots of an Accelerator's totals.
CounterTotals counters_between(const CounterTotals& before, const CounterTotals& after);

// The meter for a session: its device's (select_power_meter), or source none for the float
// reference and BitNet on the host CPU, which run on no device.
std::unique_ptr<PowerMeter> session_power_meter(const Session& session,
                                                const PowerOptions& options);

struct BenchOptions {
  std::string prompt = "The meaning of life is";
  int32_t tokens = 16;             // decode tokens measured (EOS ignored)
  int32_t warmup = 1;              // launches run before measuring (a first launch warms caches)
  uint32_t tokens_per_launch = 1;  // decode tokens a launch (GenerateOptions)
  PowerOptions power;
  // Called after each measured token: done, total (prompt + decode tokens).
  std::function<void(int64_t, int64_t)> progress;
};

struct BenchResult {
  int64_t prompt_tokens = 0;  // prefill launches (with BOS)
  int64_t decode_tokens = 0;  // tokens generated
  int64_t tokens = 0;         // tokens through the model in the measured interval
  double prefill_seconds = 0.0;
  double decode_seconds = 0.0;
  double wall_seconds = 0.0;  // the measured interval: prefill + decode
  CounterTotals activity;     // kernel counters of the interval (empty without a device)
  PowerReport power;

  double prefill_tok_per_s() const { return per_s(prompt_tokens, prefill_seconds); }
  double tok_per_s() const { return per_s(decode_tokens, decode_seconds); }
  // Simulated backends: tokens per second at the build's clock, from cycles per launch.
  std::optional<double> tok_per_s_device(double clock_mhz) const;
  // Energy per token through the model, and tokens per joule (= tokens/s per watt), total and
  // above the idle floor. Absent when the power source is none.
  std::optional<double> joules_per_token() const;
  std::optional<double> tok_per_s_per_w() const;
  std::optional<double> tok_per_s_per_w_dynamic() const;

 private:
  static double per_s(int64_t n, double s) { return s > 0 ? static_cast<double>(n) / s : 0.0; }
};

// One generation under the session's meter: the counters of its launches, its wall time and
// its power report. `generated` (optional) receives the generation itself.
BenchResult metered_generate(Session& session, const std::string& prompt,
                             const GenerateOptions& options, const TokenCallback& on_token,
                             const PowerOptions& power, GenerateResult* generated = nullptr);

// Warms up, then runs the prompt and `tokens` greedy decode tokens under the session's meter.
BenchResult run_bench(Session& session, const BenchOptions& options);

}  // namespace mmf::host

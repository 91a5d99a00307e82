// SPDX-License-Identifier: Apache-2.0
#include "mmf/host/runtime/bench.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "mmf/error.hpp"

namespace mmf::host {

CounterTotals counters_between(const CounterTotals& before, const CounterTotals& after) {
  CounterTotals d;
  d.launches = after.launches - before.launches;
  d.tokens = after.tokens - before.tokens;
  d.ops = after.ops - before.ops;
  d.ternary_ops = after.ternary_ops - before.ternary_ops;
  d.weight_bytes = after.weight_bytes - before.weight_bytes;
  d.vector_bytes = after.vector_bytes - before.vector_bytes;
  if (after.cycles) d.cycles = *after.cycles - before.cycles.value_or(0);
  if (after.link_cycles) d.link_cycles = *after.link_cycles - before.link_cycles.value_or(0);
  return d;
}

std::unique_ptr<PowerMeter> session_power_meter(const Session& session,
                                                const PowerOptions& options) {
  if (const Accelerator* acc = session.accelerator()) {
    return select_power_meter(acc->device(), options);
  }
  if (session.loaded().model.config.architecture == Architecture::bitnet) {
    return make_no_meter(
        "BitNet on the cpu backend runs on the host CPU, no device: power comes from a device "
        "backend (csim, or the systemc platform's timed form)");
  }
  return make_no_meter(
      "the float reference runs on no device: power comes from a device backend (fixed "
      "numerics)");
}

std::optional<double> BenchResult::tok_per_s_device(double clock_mhz) const {
  if (!activity.cycles || *activity.cycles == 0 || activity.tokens == 0) return std::nullopt;
  const double cycles_per_token =
      static_cast<double>(*activity.cycles) / static_cast<double>(activity.tokens);
  return clock_mhz * 1e6 / cycles_per_token;
}

std::optional<double> BenchResult::joules_per_token() const {
  if (power.source == PowerSource::none || tokens == 0) return std::nullopt;
  return power.joules / static_cast<double>(tokens);
}

std::optional<double> BenchResult::tok_per_s_per_w() const {
  // tokens/s over watts of the same interval = tokens per joule.
  if (power.source == PowerSource::none || power.joules <= 0) return std::nullopt;
  return static_cast<double>(tokens) / power.joules;
}

std::optional<double> BenchResult::tok_per_s_per_w_dynamic() const {
  if (power.source == PowerSource::none || !power.idle_watts) return std::nullopt;
  const double dynamic = power.dynamic_joules();
  if (dynamic <= 0) return std::nullopt;  // at or below the idle floor: no meaningful ratio
  return static_cast<double>(tokens) / dynamic;
}

BenchResult metered_generate(Session& session, const std::string& prompt,
                             const GenerateOptions& options, const TokenCallback& on_token,
                             const PowerOptions& power, GenerateResult* generated) {
  const Accelerator* acc = session.accelerator();
  const CounterTotals before = acc ? acc->totals() : CounterTotals{};
  std::unique_ptr<PowerMeter> meter = session_power_meter(session, power);
  meter->begin();
  const auto t0 = std::chrono::steady_clock::now();
  GenerateResult r = session.generate(prompt, options, on_token);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  BenchResult out;
  out.prompt_tokens = static_cast<int64_t>(r.prompt_ids.size());
  out.decode_tokens = static_cast<int64_t>(r.token_ids.size());
  out.prefill_seconds = r.prefill_seconds;
  out.decode_seconds = r.decode_seconds;
  out.wall_seconds = wall;
  if (acc) out.activity = counters_between(before, acc->totals());
  // The last sampled token is not fed back: prompt + decode - 1 tokens through the model.
  out.tokens = acc ? static_cast<int64_t>(out.activity.tokens)
                   : out.prompt_tokens + std::max<int64_t>(out.decode_tokens - 1, 0);
  out.power = meter->end(out.activity, wall);
  if (generated != nullptr) *generated = std::move(r);
  return out;
}

BenchResult run_bench(Session& session, const BenchOptions& options) {
  if (options.tokens < 1) throw Error("--tokens must be >= 1");
  if (options.warmup < 0) throw Error("--warmup must be >= 0");
  GenerateOptions gen;
  gen.stop_at_eos = false;  // a fixed amount of work
  if (options.warmup > 0) {
    // W launches: BOS alone (an empty prompt) then W - 1 tokens; the prompt itself when the
    // tokenizer has no BOS.
    const bool bos = !session.loaded().tokenizer->encode("").empty();
    gen.max_new_tokens = options.warmup;
    session.generate(bos ? "" : options.prompt, gen);
  }

  gen.max_new_tokens = options.tokens;
  gen.tokens_per_launch = options.tokens_per_launch;
  const int64_t total =
      static_cast<int64_t>(session.loaded().tokenizer->encode(options.prompt).size()) +
      options.tokens;
  const TokenCallback on_token = [&](const GenerateResult& r) {
    if (options.progress) {
      options.progress(static_cast<int64_t>(r.prompt_ids.size() + r.token_ids.size()), total);
    }
  };
  return metered_generate(session, options.prompt, gen, on_token, options.power);
}

}  // namespace mmf::host

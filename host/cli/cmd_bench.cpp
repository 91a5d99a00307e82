// SPDX-License-Identifier: Apache-2.0
// `mmf bench`: prefill and decode tokens/s, joules per token and tokens/s per watt of one
// engine, each with where it came from (measured, simulated, modeled or none).
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands.hpp"
#include "device_flags.hpp"
#include "mmf/error.hpp"
#include "mmf/host/backends/cpu/bitnet_cpu_model.hpp"
#include "mmf/host/backends/cpu/microbench.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/runtime/bench.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf/host/util/csv.hpp"
#include "report_fields.hpp"

namespace mmf::cli {
namespace {

struct BenchArgs {
  std::string op = "model";
  int64_t rows = 16384;
  int64_t cols = 16384;
  uint64_t bytes = uint64_t{1} << 30;
  double min_seconds = 1.0;
  bool compare_bandwidth = false;
  std::string model = "tiny";
  // --backend, the backends' options; --threads, --isa and --packing also of matvec and
  // bandwidth.
  DeviceFlags dev;
  std::string build = "ci-tiny";
  std::string prompt = "The meaning of life is";
  int32_t tokens = 16;
  uint32_t tokens_per_launch = 1;
  int32_t warmup = 1;
  int64_t timeout_ms = 300000;
  int64_t sample_ms = 100;
  int64_t idle_ms = 1000;
  bool json = false;
  std::string csv;
  int64_t context = -1;  // BitNet: KV-cache positions filled before the measured decode
};

std::string csv_field(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return host::csv_escape(v.get<std::string>());
  return v.dump();
}

// One header line and one row; written to a temporary file and renamed, so a failed run
// leaves no partial CSV behind.
void write_csv(const std::string& path, const nlohmann::json& j) {
  const char* columns[] = {"model",         "backend",          "build",
                           "prompt_tokens", "tokens",           "prefill_tok_per_s",
                           "tok_per_s",     "tok_per_s_device", "joules_per_token",
                           "power_w",       "tok_per_s_per_w",  "tok_per_s_per_w_dynamic",
                           "power_source",  "power_meter"};
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) throw Error("--csv " + path + ": cannot write (does its directory exist?)");
    std::string header, row;
    for (const char* c : columns) {
      header += (header.empty() ? "" : ",") + std::string(c);
      nlohmann::json v = nullptr;
      if (std::string(c) == "build") {
        v = j.contains("build") ? j["build"]["name"] : nlohmann::json(nullptr);
      } else if (j.contains(c)) {
        v = j[c];
      }
      row += (c == columns[0] ? "" : ",") + csv_field(v);
    }
    out << header << "\n" << row << "\n";
    if (!out.flush()) throw Error("--csv " + path + ": write failed");
  }
  std::filesystem::rename(tmp, path);
}

// --op matvec: one ternary matrix-vector product of the cpu kernels.
void bench_matvec(const BenchArgs& a) {
  const cpu::MatvecBench b = cpu::bench_matvec(
      a.rows, a.cols, parse_packing(a.dev.packing, "--packing"), cpu::parse_isa(a.dev.isa, "--isa"),
      thread_count(a.dev.threads), a.min_seconds, a.compare_bandwidth);
  const nlohmann::json j = {
      {"op", "matvec"},
      {"rows", b.rows},
      {"cols", b.cols},
      {"packing", packing_name(b.packing)},
      {"isa", cpu::isa_name(b.isa)},
      {"threads", b.threads},
      {"weight_bytes", b.weight_bytes},
      {"iterations", b.iterations},
      {"us", b.us},
      {"gops", b.gops},
      {"gbps", b.gbps},
      {"source",
       "measured (median wall clock of one matvec in this process; gops = rows x cols ternary "
       "multiply-accumulates, gbps = packed weight bytes)"},
  };
  nlohmann::json out = j;
  if (a.compare_bandwidth) {
    out["bandwidth_gbps"] = b.bandwidth_gbps;
    out["bandwidth_fraction"] = b.bandwidth_fraction;
    out["bandwidth_source"] =
        "measured in the same run: the best of the 1 GiB read passes between the matvecs "
        "(pinned threads, first touch untimed); the fraction is the median matvec's rate over it";
  }
  if (a.json) {
    std::cout << out.dump(2) << "\n";
  } else {
    if (a.compare_bandwidth) {
      std::cout << "read bandwidth in the same run: " << b.bandwidth_gbps << " GB/s; the matvec "
                << "streams " << 100.0 * b.bandwidth_fraction << "% of it\n";
    }
    std::cout << "matvec " << b.rows << "x" << b.cols << " " << packing_name(b.packing) << " ("
              << cpu::isa_name(b.isa) << ", " << b.threads << " threads): " << b.us << " us, "
              << b.gops << " GOPS, " << b.gbps << " GB/s of packed weights\n";
  }
}

// --op bandwidth: the read bandwidth the matvec is bound by.
void bench_bandwidth(const BenchArgs& a) {
  const cpu::BandwidthBench b =
      cpu::bench_read_bandwidth(a.bytes, thread_count(a.dev.threads), a.min_seconds);
  const nlohmann::json j = {
      {"op", "bandwidth"},
      {"bytes", b.bytes},
      {"threads", b.threads},
      {"passes", b.passes},
      {"gbps", b.gbps},
      {"median_gbps", b.median_gbps},
      {"worst_gbps", b.worst_gbps},
      {"source",
       "measured (best of the timed whole passes over the buffer; one thread per share, pinned "
       "to an allowed CPU, each share first touched by its thread before timing)"},
  };
  if (a.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "read bandwidth, " << b.bytes << " bytes, " << b.threads
              << " pinned threads: " << b.gbps << " GB/s best of " << b.passes << " passes (median "
              << b.median_gbps << ", slowest " << b.worst_gbps << ")\n";
  }
}

// --op model on a BitNet model: decode on the cpu backend (BitNetCpuModel) from a KV cache of
// --context positions filled deterministically (not by running their prefill), greedy tokens fed
// back. The roofline counts the bytes a token reads: packed ternary weights, the int8 head and the
// KV cache at the measured positions.
// --op model on a BitNet model on a device backend (csim, the systemc platform's timed form):
// the accelerator's token program from a device KV cache of --context-fill positions filled
// with the same entries as the cpu engine's fill, one launch a token, greedy tokens fed back.
// Cycles, bytes and energy are the device's over the measured tokens; the memory bound counts
// every byte the weight channels read (ternary weights, the int8 head, the KV cache).
void bench_bitnet_device(const BenchArgs& a, const std::string& backend, int64_t context) {
  if (a.timeout_ms <= 0) throw Error("--timeout-ms must be > 0");
  host::SessionOptions engine{backend, a.build, host::Numerics::fixed, device_options(a.dev)};
  host::preflight(a.model, engine);
  host::Session session(host::load_model(a.model, engine.device.channel_packing), engine);
  host::Accelerator& acc = *session.accelerator_mut();
  acc.set_timeout(std::chrono::milliseconds(a.timeout_ms));
  const ModelConfig& c = session.loaded().model.config;
  acc.fill_context(c, context, host::kRandomModelSeed);
  const auto next = [](const std::vector<int32_t>& logits) {
    return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  };
  int32_t token = static_cast<int32_t>(c.bos_token_id);
  for (int32_t k = 0; k < a.warmup; ++k) token = next(acc.step(token));
  const int64_t first = acc.position();
  host::PowerOptions power;
  power.sample_period = std::chrono::milliseconds(a.sample_ms);
  power.idle_window = std::chrono::milliseconds(a.idle_ms);
  std::unique_ptr<host::PowerMeter> meter = host::select_power_meter(acc.device(), power);
  const host::CounterTotals before = acc.totals();
  meter->begin();
  const auto start = std::chrono::steady_clock::now();
  for (int32_t k = 0; k < a.tokens; ++k) {
    token = next(acc.step(token));
    if (::isatty(STDERR_FILENO) != 0) {
      std::cerr << "\r[mmf bench] token " << k + 1 << "/" << a.tokens << std::flush;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (::isatty(STDERR_FILENO) != 0) std::cerr << "\n";
  host::BenchResult r;
  r.decode_tokens = a.tokens;
  r.decode_seconds = seconds;
  r.wall_seconds = seconds;
  r.activity = host::counters_between(before, acc.totals());
  r.tokens = static_cast<int64_t>(r.activity.tokens);
  r.power = meter->end(r.activity, seconds);
  const host::BuildDescriptor& b = acc.device().build();
  nlohmann::json j = {
      {"model", a.model},
      {"model_source", session.loaded().model.source},
      {"architecture", "bitnet"},
      {"backend", backend},
      {"packing", packing_name(session.loaded().model.packing)},
      {"context_fill", context},
      {"measured_positions", {first, first + a.tokens}},
      {"warmup", a.warmup},
      {"tokens", a.tokens},
      {"decode_seconds", seconds},
      {"tok_per_s", a.tokens / seconds},
      {"tok_per_s_source",
       "measured (wall clock of this process running the backend, one launch a token)"},
  };
  add_device_fields(backend, b, r.activity, j);
  if (j.contains("tok_per_s_device")) {
    // No RTL runs BitNet yet: the platform times the attention units' design, not a kernel.
    j["tok_per_s_device_source"] =
        "modeled (SystemC platform's timed form: the BitLinears as calibrated against the RTL, "
        "the attention units, head and KV cache as their design in docs/bitnet.md, which no "
        "RTL implements yet; memory channels as board.memory_timing says)";
  } else {
    j["tok_per_s_device"] = nullptr;
  }
  add_power_fields(r, j);
  if (!a.csv.empty()) write_csv(a.csv, j);
  if (a.json) {
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  std::cout << "model " << a.model << " (bitnet) on " << backend << " (build " << b.name
            << "): " << a.tokens << " decode tokens at positions " << first << "-"
            << first + a.tokens - 1 << "\n";
  if (const auto d = r.tok_per_s_device(b.accel.clock_mhz)) {
    std::cout << "  device   " << *d << " tok/s (" << j["cycles_per_token"].get<double>()
              << " cycles a token at " << b.accel.clock_mhz << " MHz; memory bound "
              << j["memory_bound_cycles_per_token"].get<double>() << ")\n";
  }
  std::cout << "  " << power_summary(r) << "\n";
}

void bench_bitnet(const BenchArgs& a, const CLI::App& cmd, const ModelConfig& shape) {
  // The cpu backend (BitNetCpuModel) is BitNet's default; the HLS kernel (csim) and the systemc
  // platform's timed form run the accelerator's program.
  const std::string backend = cmd.count("--backend") > 0 ? a.dev.backend : "cpu";
  check_backend_flags(cmd, backend);
  if (a.tokens < 1) throw Error("-n must be >= 1");
  if (a.warmup < 0) throw Error("--warmup must be >= 0");
  const int threads = thread_count(a.dev.threads);
  const Packing packing = parse_packing(a.dev.packing, "--packing");
  const std::optional<cpu::Isa> isa = cpu::isa_from_name(a.dev.isa, "--isa");
  const int64_t context = a.context < 0 ? 128 : a.context;
  // Before the model is loaded (2B4T takes seconds and gigabytes).
  if (context + a.warmup + a.tokens > shape.max_position_embeddings) {
    throw Error("--context-fill " + std::to_string(context) + " + --warmup " +
                std::to_string(a.warmup) + " + -n " + std::to_string(a.tokens) +
                " positions exceed the model's context of " +
                std::to_string(shape.max_position_embeddings));
  }
  if (backend != "cpu") return bench_bitnet_device(a, backend, context);
  host::preflight(a.model, host::SessionOptions{"cpu", a.build, host::Numerics::fixed,
                                                device_options(a.dev)});  // memory
  const host::LoadedModel loaded = host::load_model(a.model, packing);
  const ModelConfig& c = loaded.model.config;
  cpu::ThreadPool pool(threads);
  host::BitNetCpuModel engine(loaded.model, pool, isa);
  engine.fill_context(context, host::kRandomModelSeed);
  std::optional<double> bandwidth;
  if (a.compare_bandwidth)
    bandwidth = cpu::bench_read_bandwidth(uint64_t{1} << 30, threads, 0.5).gbps;
  const auto next = [&](const std::vector<float>& logits) {
    return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  };
  int32_t token = static_cast<int32_t>(c.bos_token_id);
  for (int32_t k = 0; k < a.warmup; ++k) token = next(engine.step(token));
  const int64_t first = engine.position();
  const auto start = std::chrono::steady_clock::now();
  for (int32_t k = 0; k < a.tokens; ++k) token = next(engine.step(token));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (bandwidth) {
    *bandwidth = (*bandwidth + cpu::bench_read_bandwidth(uint64_t{1} << 30, threads, 0.5).gbps) / 2;
  }
  // Bytes a token reads (from the shapes): the cache at the mean measured position.
  const double mean_positions = static_cast<double>(first) + (a.tokens + 1) / 2.0;
  const double ternary = static_cast<double>(c.packed_weight_bytes(loaded.model.packing));
  const double head = static_cast<double>(c.vocab_size * c.hidden_size);
  const double kv = mean_positions * static_cast<double>(bitnet_kv_bytes_per_position(c));
  const double tok_per_s = a.tokens / seconds;
  nlohmann::json j = {
      {"model", a.model},
      {"model_source", loaded.model.source},
      {"architecture", "bitnet"},
      {"backend", "cpu"},
      {"threads", threads},
      {"isa", cpu::isa_name(engine.isa())},
      {"packing", packing_name(loaded.model.packing)},
      {"context_fill", context},
      {"measured_positions", {first, first + a.tokens}},
      {"warmup", a.warmup},
      {"tokens", a.tokens},
      {"decode_seconds", seconds},
      {"tok_per_s", tok_per_s},
      {"tok_per_s_source",
       "measured (wall clock of this process, decode steps from a KV cache filled "
       "deterministically to --context positions, greedy tokens fed back)"},
      {"bytes_per_token",
       {{"ternary_weights", ternary},
        {"head_int8", head},
        {"kv_cache", kv},
        {"total", ternary + head + kv}}},
      {"bytes_per_token_source",
       "modeled from the shapes: packed ternary rows, the int8 head (V x H) and the int8 KV "
       "cache with its scales at the mean measured position"},
  };
  if (bandwidth) {
    const double roofline = *bandwidth * 1e9 / (ternary + head + kv);
    j["bandwidth_gbps"] = *bandwidth;
    j["roofline_tok_per_s"] = roofline;
    j["roofline_fraction"] = tok_per_s / roofline;
    j["roofline_source"] =
        "measured read bandwidth of this host (mmf bench --op bandwidth's probe over 1 GiB, "
        "the best pass before the run and the best after, averaged) over the bytes per token";
  }
  if (a.json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "model " << a.model << " (bitnet) on cpu, " << threads << " threads, "
            << cpu::isa_name(engine.isa()) << ": " << a.tokens << " decode tokens at positions "
            << first << "-" << first + a.tokens - 1 << "\n"
            << "  decode   " << tok_per_s << " tok/s (measured, wall clock)\n"
            << "  bytes    " << (ternary + head + kv) / 1e6 << " MB a token (ternary "
            << ternary / 1e6 << ", head " << head / 1e6 << ", KV cache " << kv / 1e6
            << "; modeled from the shapes)\n";
  if (bandwidth) {
    std::cout << "  roofline " << j["roofline_tok_per_s"].get<double>() << " tok/s (" << *bandwidth
              << " GB/s measured in this run): decode at "
              << 100.0 * j["roofline_fraction"].get<double>() << "%\n";
  }
}

void bench(const BenchArgs& a, const CLI::App& cmd) {
  if (a.min_seconds <= 0) throw Error("--min-seconds must be > 0");
  if (a.op == "matvec") return bench_matvec(a);
  if (a.op == "bandwidth") return bench_bandwidth(a);
  if (a.op != "model") {
    throw Error("--op: unknown benchmark '" + a.op + "' (expected model, matvec or bandwidth)");
  }
  const ModelConfig shape = host::resolve_config(a.model);
  if (shape.architecture == Architecture::bitnet) {
    return bench_bitnet(a, cmd, shape);
  }
  if (a.context >= 0) {
    throw Error("--context-fill: model " + a.model + " has no KV cache (it is an hgrn_bit model)");
  }
  if (a.timeout_ms <= 0) throw Error("--timeout-ms must be > 0");
  if (a.sample_ms <= 0) throw Error("--sample-ms must be > 0");
  if (a.idle_ms < 0) throw Error("--idle-ms must be >= 0");
  check_backend_flags(cmd, a.dev.backend);
  host::SessionOptions engine{a.dev.backend, a.build, host::Numerics::fixed, device_options(a.dev)};
  host::check_tokens_per_launch(a.tokens_per_launch, 0.0f, host::Numerics::fixed);
  host::preflight(a.model, engine);
  host::Session session(host::load_model(a.model, engine.device.channel_packing), engine);
  session.accelerator_mut()->set_timeout(std::chrono::milliseconds(a.timeout_ms));

  host::BenchOptions options;
  options.prompt = a.prompt;
  options.tokens = a.tokens;
  options.warmup = a.warmup;
  options.tokens_per_launch = a.tokens_per_launch;
  options.power.sample_period = std::chrono::milliseconds(a.sample_ms);
  options.power.idle_window = std::chrono::milliseconds(a.idle_ms);
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  if (tty) {
    options.progress = [](int64_t done, int64_t total) {
      std::cerr << "\r[mmf bench] token " << done << "/" << total << std::flush;
    };
  }
  // The roofline beside the decode rate: read bandwidth measured right before and after it
  // (the host is shared, so only a same-run figure means much) over the weight bytes per token.
  std::optional<double> bandwidth;
  const int pool_threads = thread_count(a.dev.threads);
  if (a.compare_bandwidth)
    bandwidth = cpu::bench_read_bandwidth(uint64_t{1} << 30, pool_threads, 0.5).gbps;
  const host::BenchResult r = host::run_bench(session, options);
  if (tty) std::cerr << "\n";
  if (bandwidth) {
    *bandwidth =
        (*bandwidth + cpu::bench_read_bandwidth(uint64_t{1} << 30, pool_threads, 0.5).gbps) / 2;
  }

  const host::BuildDescriptor& b = session.accelerator()->device().build();
  nlohmann::json j = {
      {"model", a.model},
      {"model_source", session.loaded().model.source},
      {"backend", a.dev.backend},
      {"prompt_tokens", r.prompt_tokens},
      {"tokens", r.decode_tokens},
      {"warmup", a.warmup},
      {"tokens_per_launch", a.tokens_per_launch},
      {"prefill_seconds", r.prefill_seconds},
      {"decode_seconds", r.decode_seconds},
      {"prefill_tok_per_s", r.prefill_tok_per_s()},
      {"tok_per_s", r.tok_per_s()},
      {"tok_per_s_source", "measured (wall clock of this process, decode phase)"},
  };
  add_device_fields(a.dev.backend, b, r.activity, j);
  if (bandwidth && r.activity.tokens > 0) {
    const double bytes_per_token =
        static_cast<double>(r.activity.weight_bytes) / static_cast<double>(r.activity.tokens);
    j["bandwidth_gbps"] = *bandwidth;
    j["roofline_tok_per_s"] = *bandwidth * 1e9 / bytes_per_token;
    j["roofline_fraction"] = r.tok_per_s() / (*bandwidth * 1e9 / bytes_per_token);
    j["roofline_source"] =
        "measured read bandwidth of this host (mmf bench --op bandwidth's probe over 1 GiB: the "
        "best pass before the run and the best after, averaged) over the packed weight bytes per "
        "token";
  }
  if (!j.contains("tok_per_s_device")) j["tok_per_s_device"] = nullptr;
  add_power_fields(r, j);

  if (!a.csv.empty()) write_csv(a.csv, j);
  if (a.json) {
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  std::cout << "model " << a.model << " on " << a.dev.backend << " (build " << b.name
            << "): " << r.prompt_tokens << " prompt + " << r.decode_tokens << " decode tokens\n"
            << "  prefill  " << r.prefill_tok_per_s() << " tok/s (measured, wall clock)\n"
            << "  decode   " << r.tok_per_s() << " tok/s (measured, wall clock)\n";
  if (const auto d = r.tok_per_s_device(b.accel.clock_mhz)) {
    std::cout << "  device   " << *d << " tok/s (simulated cycles at " << b.accel.clock_mhz
              << " MHz)\n";
  }
  if (j.contains("roofline_tok_per_s")) {
    std::cout << "  roofline " << j["roofline_tok_per_s"].get<double>() << " tok/s ("
              << j["bandwidth_gbps"].get<double>() << " GB/s measured in this run over the "
              << "weight bytes per token): decode at "
              << 100.0 * j["roofline_fraction"].get<double>() << "%\n";
  }
  std::cout << "  " << power_summary(r) << "\n";
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto a = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Tokens/s, joules per token and tokens/s per watt of one backend and build");
  cmd->add_option("--op", a->op,
                  "model (generation on a backend) | matvec (the cpu kernels) | bandwidth "
                  "(this machine's read bandwidth)")
      ->capture_default_str();
  cmd->add_option("--model", a->model,
                  "tiny | tiny-bitnet | converted model file | random:CONFIG (random:bitnet-2b4t)")
      ->capture_default_str();
  add_backend_flag(cmd, a->dev);
  cmd->add_option("--threads", a->dev.threads,
                  "cpu backend, matvec, bandwidth: threads (0: all cores)")
      ->capture_default_str();
  cmd->add_option("--isa", a->dev.isa, "cpu backend, matvec: auto | scalar | avx2 | avx512")
      ->capture_default_str();
  cmd->add_option("--rows", a->rows, "matvec: rows")->capture_default_str();
  cmd->add_option("--cols", a->cols, "matvec: columns")->capture_default_str();
  cmd->add_option("--bytes", a->bytes, "bandwidth: buffer size")->capture_default_str();
  cmd->add_option("--min-seconds", a->min_seconds, "matvec, bandwidth: least time to measure")
      ->capture_default_str();
  cmd->add_option("--build", a->build, "Build descriptor: a name under bitstreams/ or a path")
      ->capture_default_str();
  cmd->add_option("-n,--tokens", a->tokens, "Decode tokens to measure")->capture_default_str();
  cmd->add_option("--tokens-per-launch", a->tokens_per_launch,
                  "Decode tokens a launch (1-256): above 1 the device samples greedily and feeds "
                  "each token back, and the launch is paid once")
      ->capture_default_str();
  cmd->add_option("--warmup", a->warmup, "Launches run before measuring (BOS, then tokens)")
      ->capture_default_str();
  cmd->add_option("--prompt", a->prompt, "Prompt text (its tokens are the prefill)")
      ->capture_default_str();
  cmd->add_option("--packing", a->dev.packing,
                  "Weight packing, 2bit | 1.6bit: of random: models, matvec and the device image "
                  "(1.6bit on a build whose accelerator.packings lists it; on another build "
                  "only the systemc timed form models it)")
      ->capture_default_str();
  add_backend_option_flags(cmd, a->dev, /*with_trace=*/false);
  cmd->add_option("--timeout-ms", a->timeout_ms, "Longest wait for one token on the device")
      ->capture_default_str();
  cmd->add_option("--sample-ms", a->sample_ms, "Power sampling period of instruments")
      ->capture_default_str();
  cmd->add_option("--idle-ms", a->idle_ms,
                  "Idle-floor measurement before the run, instruments only (0: none)")
      ->capture_default_str();
  cmd->add_flag("--compare-bandwidth", a->compare_bandwidth,
                "matvec, model: also measure the read bandwidth in the same run and report the "
                "fraction of it the matvec streams, or the model's roofline tok/s");
  cmd->add_flag("--json", a->json, "Print one JSON object");
  cmd->add_option("--csv", a->csv, "Also write the figures as a one-row CSV file");
  cmd->add_option("--context-fill,--context", a->context,
                  "BitNet models: KV-cache positions filled deterministically (the same entries "
                  "on every backend, no prefill run) before the measured decode (default 128)");
  cmd->callback([a, cmd] { bench(*a, *cmd); });
}

}  // namespace mmf::cli

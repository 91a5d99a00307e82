// SPDX-License-Identifier: Apache-2.0
// `mmf run`: generate text.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "device_flags.hpp"
#include "mmf/chat_template.hpp"
#include "mmf/checksum.hpp"
#include "mmf/error.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/runtime/bench.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf/host/runtime/session.hpp"
#include "report_fields.hpp"

namespace mmf::cli {
namespace {

struct RunArgs {
  std::string model = "tiny";
  DeviceFlags dev;  // --backend and the options of the backends
  std::string build = "ci-tiny";
  int64_t timeout_ms = 300000;
  std::string prompt = "The meaning of life is";
  std::string numerics = "fixed";
  int32_t tokens = 32;
  uint32_t tokens_per_launch = 1;
  float temperature = 0.0f;
  int32_t top_k = 0;
  uint64_t seed = 0;
  bool json = false;
  bool ignore_eos = false;
  bool chat = false;
  std::string system;
};

// --chat without --prompt: a conversation on standard input, one user turn a line, each reply
// printed as it is generated. The whole conversation is the prompt of every turn (the engine
// starts afresh, as the context limit is checked); it ends at end of input or an empty line.
void chat_loop(host::Session& session, const host::GenerateOptions& options,
               std::vector<ChatMessage> messages) {
  const Tokenizer& tok = *session.loaded().tokenizer;
  for (std::string line; std::cerr << "> " << std::flush, std::getline(std::cin, line);) {
    if (line.empty()) break;
    messages.push_back({"user", line});
    const std::string prompt = bitnet_chat_prompt(messages);
    session.encode_prompt(prompt, options.max_new_tokens);  // the context limit, first
    size_t printed = 0;
    const auto stream = [&](const host::GenerateResult& so_far) {
      const std::string text = tok.decode_continuation(so_far.prompt_ids, so_far.token_ids);
      if (text.size() > printed) {
        std::cout << text.substr(printed) << std::flush;
        printed = text.size();
      }
    };
    const host::GenerateResult r = session.generate(prompt, options, stream);
    std::cout << std::endl;
    messages.push_back({"assistant", r.text});
  }
}

void run(RunArgs a, const CLI::App& cmd) {
  const bool backend_given = cmd.count("--backend") > 0;
  // Every option is checked before anything is loaded or printed: a bad one leaves no output.
  if (a.tokens < 0) throw Error("-n must be >= 0");
  host::Sampler check_sampler(host::SamplerOptions{a.temperature, a.top_k, a.seed});
  const host::Numerics numerics = host::parse_numerics(a.numerics);
  if (a.timeout_ms <= 0) throw Error("--timeout-ms must be > 0");
  host::check_tokens_per_launch(a.tokens_per_launch, a.temperature, numerics);
  // The float reference exists on the cpu backend only, and BitNet's fast engine is there (the
  // RTL has no attention units yet): it is their default.
  if (!backend_given && (numerics == host::Numerics::floating ||
                         host::resolve_config(a.model).architecture == Architecture::bitnet)) {
    a.dev.backend = "cpu";
  }
  check_backend_flags(cmd, a.dev.backend);
  host::SessionOptions engine{a.dev.backend, a.build, numerics, device_options(a.dev)};
  host::preflight(a.model, engine);
  host::Session session(host::load_model(a.model, engine.device.channel_packing), engine);
  if (session.accelerator() != nullptr) {
    session.accelerator_mut()->set_timeout(std::chrono::milliseconds(a.timeout_ms));
  }
  host::GenerateOptions options;
  options.max_new_tokens = a.tokens;
  options.stop_at_eos = !a.ignore_eos;
  // --chat: the prompt (and --system) in the model's chat template; the reply ends at the end of
  // its turn.
  if (a.chat) {
    const Tokenizer& t = *session.loaded().tokenizer;
    const std::optional<int32_t> eot = t.special_token(kEndOfTurn);
    if (!eot) {
      throw Error("--chat: model " + a.model + " has no chat template (its tokenizer has no " +
                  kEndOfTurn + "; BitNet b1.58 models have one)");
    }
    options.stop_ids.push_back(*eot);
    if (const auto end = t.special_token(kEndOfText)) options.stop_ids.push_back(*end);
    std::vector<ChatMessage> messages;
    if (!a.system.empty()) messages.push_back({"system", a.system});
    if (cmd.count("--prompt") == 0 && !a.json) {
      options.sampler = {a.temperature, a.top_k, a.seed};
      return chat_loop(session, options, messages);
    }
    messages.push_back({"user", a.prompt});
    a.prompt = bitnet_chat_prompt(messages);
  } else if (!a.system.empty()) {
    throw Error("--system needs --chat");
  }
  options.sampler = {a.temperature, a.top_k, a.seed};
  options.tokens_per_launch = a.tokens_per_launch;

  // Stream text as it is generated (terminal mode): print what decoding added since last time.
  size_t printed = 0;
  const Tokenizer& tok = *session.loaded().tokenizer;
  const auto stream = [&](const host::GenerateResult& so_far) {
    const std::string text = tok.decode_continuation(so_far.prompt_ids, so_far.token_ids);
    if (text.size() > printed) {
      std::cout << text.substr(printed) << std::flush;
      printed = text.size();
    }
  };
  session.encode_prompt(a.prompt, a.tokens);  // limits, before the prompt is printed
  if (!a.json && !a.chat) std::cout << a.prompt << std::flush;
  // Power over the whole generation: the session's meter, with no idle-floor measurement
  // (`mmf bench` measures one); the counters of the same launches drive the energy model.
  host::PowerOptions power;
  power.idle_window = std::chrono::milliseconds(0);
  host::GenerateResult r;
  const host::BenchResult metered = host::metered_generate(
      session, a.prompt, options, a.json ? host::TokenCallback() : stream, power, &r);
  const host::Accelerator* acc = session.accelerator();
  const double seconds = r.prefill_seconds + r.decode_seconds;
  const auto generated = static_cast<double>(r.token_ids.size());
  const double tok_per_s = r.decode_seconds > 0 ? generated / r.decode_seconds : 0.0;
  if (a.json) {
    nlohmann::json j = {
        {"model", a.model},
        {"model_source", session.loaded().model.source},
        {"backend", a.dev.backend},
        {"numerics", host::numerics_name(numerics)},
        {"prompt", a.prompt},
        {"chat", a.chat},
        {"prompt_token_ids", r.prompt_ids},
        {"text", r.text},
        {"token_ids", r.token_ids},
        {"tokens_generated", r.token_ids.size()},
        {"tokens_per_launch", a.tokens_per_launch},
        {"temperature", a.temperature},
        {"top_k", a.top_k},
        {"seed", a.seed},
        {"prefill_seconds", r.prefill_seconds},
        {"decode_seconds", r.decode_seconds},
        {"seconds", seconds},
        {"tok_per_s", tok_per_s},
        {"tok_per_s_source",
         a.dev.backend == "csim"
             ? "measured (wall clock of the untimed C simulation on this host, decode phase; "
               "not the accelerator's speed)"
             : "measured (wall clock of this process, decode phase)"},
    };
    add_power_fields(metered, j);
    if (acc) {
      add_device_fields(a.dev.backend, acc->device().build(), acc->totals(), j);
      // What the loaded image was made from (docs/device-format.md, header words 4..7).
      j["image_model_id"] = hex64_string(acc->image().identity.model_id);
      j["image_build_fingerprint"] = hex64_string(acc->image().identity.build_fingerprint);
      if (acc->totals().cycles && seconds > 0) {
        j["sim_cycles_per_s"] = static_cast<double>(*acc->totals().cycles) / seconds;
        j["sim_cycles_per_s_source"] = "measured (simulated cycles per wall-clock second)";
      }
    }
    // Generated text can hold invalid UTF-8 (byte tokens of random models): replace, not fail.
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << std::endl;
    std::cerr << "[mmf] " << r.token_ids.size() << " tokens, backend " << a.dev.backend << " ("
              << host::numerics_name(numerics) << "), " << tok_per_s << " tok/s decode, "
              << r.prompt_ids.size() << " prompt tokens in " << r.prefill_seconds << " s\n";
    if (acc) {
      const host::CounterTotals& t = acc->totals();
      const double tokens = static_cast<double>(std::max<uint64_t>(t.tokens, 1));
      std::cerr << "[mmf] build " << acc->device().build().name << ": " << t.tokens << " tokens in "
                << t.launches << " launches, per token "
                << static_cast<double>(t.weight_bytes) / tokens / 1e6 << " MB of weights, "
                << static_cast<double>(t.ternary_ops) / tokens / 1e6
                << " M ternary ops (kernel counters)\n";
      if (t.cycles) {
        const host::BuildDescriptor& b = acc->device().build();
        const double per_token = static_cast<double>(*t.cycles) / tokens;
        std::cerr << "[mmf] " << (a.dev.backend == "xrt" ? "measured on the board" : "simulated")
                  << ": " << per_token << " cycles per token (weight-streaming "
                  << "bound "
                  << static_cast<double>(t.weight_bytes) / tokens / b.weight_bytes_per_cycle()
                  << " at the memory's sustained rate, "
                  << static_cast<double>(t.weight_bytes) / tokens /
                         b.nominal_weight_bytes_per_cycle()
                  << " at its nominal rate), " << b.accel.clock_mhz * 1e6 / per_token
                  << " tok/s at " << b.accel.clock_mhz << " MHz\n";
      }
    }
    std::cerr << "[mmf] " << power_summary(metered) << "\n";
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Generate text from a prompt");
  cmd->add_option("--model", a->model, "tiny | converted model file | random:CONFIG")
      ->capture_default_str();
  add_backend_flag(cmd, a->dev);
  cmd->add_option("--build", a->build, "Build descriptor: a name under bitstreams/ or a path")
      ->capture_default_str();
  cmd->add_option("--timeout-ms", a->timeout_ms, "Longest wait for one token on the device")
      ->capture_default_str();
  cmd->add_option("--prompt", a->prompt, "Prompt text (BOS is prepended)")->capture_default_str();
  cmd->add_option("-n,--tokens", a->tokens, "Tokens to generate")->capture_default_str();
  cmd->add_option("--tokens-per-launch", a->tokens_per_launch,
                  "Decode tokens a launch (1-256): above 1 the device samples greedily and feeds "
                  "each token back, and the launch is paid once")
      ->capture_default_str();
  cmd->add_option("--temperature", a->temperature, "0 = greedy (deterministic)")
      ->capture_default_str();
  cmd->add_option("--top-k", a->top_k, "Sample from the k most likely tokens (0 = all)")
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "Sampling seed")->capture_default_str();
  cmd->add_option("--numerics", a->numerics, "fixed | float (CPU reference engines)")
      ->capture_default_str();
  cmd->add_option("--packing", a->dev.packing,
                  "Weight packing, 2bit | 1.6bit: of random: models and of the device image "
                  "(1.6bit on a build whose accelerator.packings lists it; on another build "
                  "only the systemc timed form models it)")
      ->capture_default_str();
  cmd->add_flag("--ignore-eos", a->ignore_eos, "Keep generating after end-of-sequence");
  cmd->add_flag("--chat", a->chat,
                "Put --prompt (and --system) in the model's chat template (BitNet: \"User: "
                "...<|eot_id|>Assistant: \") and print the reply, which ends at <|eot_id|>; "
                "without --prompt, a conversation on standard input, a turn a line");
  cmd->add_option("--system", a->system, "--chat: a system message before the prompt");
  cmd->add_flag("--json", a->json, "Print one JSON object instead of text");
  add_backend_option_flags(cmd, a->dev, /*with_trace=*/true);
  cmd->add_option("--threads", a->dev.threads, "cpu: matvec threads (0: every core)")
      ->capture_default_str();
  cmd->add_option("--isa", a->dev.isa, "cpu: auto | scalar | avx2 | avx512")->capture_default_str();
  cmd->callback([a, cmd] { run(*a, *cmd); });
}

}  // namespace mmf::cli

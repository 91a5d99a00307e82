// SPDX-License-Identifier: Apache-2.0
// `mmf run`: generate text.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mmf/host/session.hpp"

namespace mmf::cli {
namespace {

struct RunArgs {
  std::string model = "tiny";
  std::string backend = "cpu";
  std::string prompt = "The meaning of life is";
  std::string numerics = "fixed";
  std::string packing = "2bit";
  int32_t tokens = 32;
  float temperature = 0.0f;
  int32_t top_k = 0;
  uint64_t seed = 0;
  bool json = false;
  bool ignore_eos = false;
};

void run(const RunArgs& a) {
  host::check_backend(a.backend);
  const host::Numerics numerics = host::parse_numerics(a.numerics);
  host::Session session(host::load_model(a.model, parse_packing(a.packing, "--packing")), numerics);
  host::GenerateOptions options;
  options.max_new_tokens = a.tokens;
  options.stop_at_eos = !a.ignore_eos;
  options.sampler = {a.temperature, a.top_k, a.seed};

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
  if (!a.json) std::cout << a.prompt << std::flush;
  const host::GenerateResult r =
      session.generate(a.prompt, options, a.json ? host::TokenCallback() : stream);
  const double seconds = r.prefill_seconds + r.decode_seconds;
  const auto generated = static_cast<double>(r.token_ids.size());
  const double tok_per_s = r.decode_seconds > 0 ? generated / r.decode_seconds : 0.0;
  if (a.json) {
    nlohmann::json j = {
        {"model", a.model},
        {"model_source", session.loaded().model.source},
        {"backend", a.backend},
        {"numerics", host::numerics_name(numerics)},
        {"prompt", a.prompt},
        {"prompt_token_ids", r.prompt_ids},
        {"text", r.text},
        {"token_ids", r.token_ids},
        {"tokens_generated", r.token_ids.size()},
        {"temperature", a.temperature},
        {"top_k", a.top_k},
        {"seed", a.seed},
        {"prefill_seconds", r.prefill_seconds},
        {"decode_seconds", r.decode_seconds},
        {"seconds", seconds},
        {"tok_per_s", tok_per_s},
        {"tok_per_s_source", "measured (wall clock of this process, decode phase)"},
    };
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << std::endl;
    std::cerr << "[mmf] " << r.token_ids.size() << " tokens, backend " << a.backend << " ("
              << host::numerics_name(numerics) << "), " << tok_per_s << " tok/s decode, "
              << r.prompt_ids.size() << " prompt tokens in " << r.prefill_seconds << " s\n";
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Generate text from a prompt");
  cmd->add_option("--model", a->model, "tiny | converted model file | random:CONFIG")
      ->capture_default_str();
  cmd->add_option("--backend", a->backend, "cpu (device backends come with later builds)")
      ->capture_default_str();
  cmd->add_option("--prompt", a->prompt, "Prompt text (BOS is prepended)")->capture_default_str();
  cmd->add_option("-n,--tokens", a->tokens, "Tokens to generate")->capture_default_str();
  cmd->add_option("--temperature", a->temperature, "0 = greedy (deterministic)")
      ->capture_default_str();
  cmd->add_option("--top-k", a->top_k, "Sample from the k most likely tokens (0 = all)")
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "Sampling seed")->capture_default_str();
  cmd->add_option("--numerics", a->numerics, "fixed | float (CPU reference engines)")
      ->capture_default_str();
  cmd->add_option("--packing", a->packing, "Packing of random: models (2bit | 1.6bit)")
      ->capture_default_str();
  cmd->add_flag("--ignore-eos", a->ignore_eos, "Keep generating after end-of-sequence");
  cmd->add_flag("--json", a->json, "Print one JSON object instead of text");
  cmd->callback([a] { run(*a); });
}

}  // namespace mmf::cli

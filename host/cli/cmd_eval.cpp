// SPDX-License-Identifier: Apache-2.0
// `mmf eval`: perplexity of a text, BOS prepended, every token after it scored in one stream (in
// context-sized windows for a model with a KV cache).
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mmf/host/runtime/session.hpp"

namespace mmf::cli {
namespace {

struct EvalArgs {
  std::string model = "tiny";
  std::string text;
  std::string numerics = "fixed";
  std::string backend = "cpu";
  std::string build = "ci-tiny";
  std::string compare;
  bool json = false;
};

void eval(const EvalArgs& a) {
  const host::Numerics numerics = host::parse_numerics(a.numerics);
  std::unique_ptr<host::Numerics> compare;
  if (!a.compare.empty())
    compare = std::make_unique<host::Numerics>(host::parse_numerics(a.compare));
  const std::string text = read_text_file(a.text);
  const host::SessionOptions engine{a.backend, a.build, numerics, {}};
  host::preflight(a.model, engine);
  host::Session session(host::load_model(a.model), engine);
  const host::EvalResult r = session.evaluate(text, compare.get());
  nlohmann::json j = {{"model", a.model},
                      {"text", a.text},
                      {"numerics", a.numerics},
                      {"backend", a.backend},
                      {"tokens", r.tokens},
                      {"windows", r.windows},
                      {"nll", r.nll},
                      {"perplexity", r.perplexity},
                      {"accuracy_top1", r.accuracy_top1},
                      {"seconds", r.seconds}};
  if (compare) {
    j["compare"] = {{"numerics", a.compare},
                    {"perplexity", r.compare_perplexity},
                    {"agreement_top1", r.agreement_top1},
                    {"max_abs_logit_error", r.max_abs_logit_error},
                    {"perplexity_ratio", r.perplexity / r.compare_perplexity}};
  }
  if (a.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "perplexity " << r.perplexity << " over " << r.tokens << " tokens (" << a.numerics;
    if (r.windows > 1) std::cout << ", " << r.windows << " context windows";
    std::cout << ")\n";
    if (compare) {
      std::cout << a.compare << " perplexity " << r.compare_perplexity << ", top-1 agreement "
                << 100.0 * r.agreement_top1 << "%, max |logit error| " << r.max_abs_logit_error
                << "\n";
    }
  }
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto a = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "Perplexity of a text file");
  cmd->add_option("--model", a->model, "tiny | converted model file | random:CONFIG")
      ->capture_default_str();
  cmd->add_option("--text", a->text, "UTF-8 text file to score")->required();
  cmd->add_option("--numerics", a->numerics, "fixed | float")->capture_default_str();
  cmd->add_option("--backend", a->backend, "cpu | csim (fixed point runs the device program)")
      ->capture_default_str();
  cmd->add_option("--build", a->build, "Build descriptor: a name under bitstreams/ or a path")
      ->capture_default_str();
  cmd->add_option(
      "--compare", a->compare,
      "Also run this numerics (fixed | float) in lockstep: top-1 agreement, logit error");
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a] { eval(*a); });
}

}  // namespace mmf::cli

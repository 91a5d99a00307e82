// SPDX-License-Identifier: Apache-2.0
// A Session owns one model engine and runs generation and evaluation on it, with timing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mmf/host/backends/cpu/thread_pool.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/runtime/accelerator.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf/host/runtime/sampler.hpp"
#include "mmf/language_model.hpp"

namespace mmf::host {

enum class Numerics { fixed, floating };
Numerics parse_numerics(const std::string& name);
const char* numerics_name(Numerics n);

// Which engine a Session runs: fixed point runs the device program on a backend (cpu, csim,
// ...) for a build; float runs the float reference (cpu only).
struct SessionOptions {
  std::string backend = "cpu";
  std::string build = "ci-tiny";  // build name under bitstreams/ or a descriptor path
  Numerics numerics = Numerics::fixed;
  DeviceOptions device;  // trace (verilator), xclbin and device id (xrt), threads and isa (cpu)
};

struct GenerateOptions {
  int32_t max_new_tokens = 32;
  bool stop_at_eos = true;
  // Further tokens that end the generation with stop_at_eos (a chat's end of turn).
  std::vector<int32_t> stop_ids;
  SamplerOptions sampler;
  // Tokens a launch while decoding (1 .. kTokenRingWords). Above 1 the device samples: greedy
  // only (temperature 0), on a device engine (fixed numerics). The picks come back a launch at
  // a time, so the callback sees them in batches of this size; with stop_at_eos a batch may
  // run past EOS, and the tokens after it are dropped.
  uint32_t tokens_per_launch = 1;
};

struct GenerateResult {
  std::vector<int32_t> prompt_ids;  // with BOS
  std::vector<int32_t> token_ids;   // generated
  std::string text;                 // decoded generated tokens
  double prefill_seconds = 0.0;
  double decode_seconds = 0.0;
};

struct EvalResult {
  int64_t tokens = 0;   // scored tokens (all after BOS)
  int64_t windows = 0;  // context windows the text was scored in (1 unless it outgrew the context)
  double nll = 0.0;     // mean negative log-likelihood, nats per token
  double perplexity = 0.0;
  double accuracy_top1 = 0.0;  // argmax == next token
  // Filled when a second engine is compared position by position.
  double agreement_top1 = 0.0;
  double max_abs_logit_error = 0.0;
  double compare_perplexity = 0.0;
  double seconds = 0.0;
};

using TokenCallback = std::function<void(const GenerateResult&)>;

class Session {
 public:
  Session(LoadedModel model, const SessionOptions& options);
  // The engine refers to the model this object owns: neither copyable nor movable.
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  const LoadedModel& loaded() const { return model_; }
  Numerics numerics() const { return options_.numerics; }
  const SessionOptions& options() const { return options_; }
  // The accelerator behind the engine; null for the float reference.
  const Accelerator* accelerator() const;
  Accelerator* accelerator_mut();

  // The prompt's token ids (BOS first), checked before anything runs: at least one id, every
  // id inside the vocabulary, and prompt + max_new_tokens within the model's context
  // (max_position_embeddings, the length it was trained on). Errors say what fits.
  std::vector<int32_t> encode_prompt(const std::string& prompt, int32_t max_new_tokens) const;
  // Encodes the prompt (encode_prompt), feeds it, then samples up to max_new_tokens.
  // `on_token` (optional) sees the result so far each time a token is generated.
  GenerateResult generate(const std::string& prompt, const GenerateOptions& options,
                          const TokenCallback& on_token = {});
  // Scores every token of `text` after BOS in one stream. With `compare`, a second engine of
  // the given numerics runs in lockstep for top-1 agreement and logit error.
  EvalResult evaluate(const std::string& text, const Numerics* compare = nullptr);

 private:
  // generate() with options.tokens_per_launch > 1: the device samples and feeds back.
  GenerateResult generate_on_device(const std::string& prompt, const GenerateOptions& options,
                                    const TokenCallback& on_token);

  LoadedModel model_;
  SessionOptions options_;
  // The cpu backend's matvec threads: made before the engine, destroyed after it.
  std::unique_ptr<cpu::ThreadPool> pool_;
  std::unique_ptr<LanguageModel> engine_;
};

// Checks --tokens-per-launch against the rest of the options, before anything runs: 1 ..
// kTokenRingWords, and above 1 greedy sampling (temperature 0) on a device engine (fixed
// numerics). Errors name the option.
void check_tokens_per_launch(uint32_t tokens_per_launch, float temperature, Numerics numerics);

// Fails fast, before a model is loaded or generated: checks the backend, the numerics, the build
// descriptor (and that the backend has it) and that the model's shape fits the build.
void preflight(const std::string& model_spec, const SessionOptions& options);
// The golden fixed-point model or the float reference, straight on the Model (no device).
std::unique_ptr<LanguageModel> make_reference_engine(const Model& model, Numerics numerics);
// The engine of `options`: a DeviceModel on the backend for fixed point, the float reference
// for float. Errors name the option that is wrong.
std::unique_ptr<LanguageModel> make_engine(const Model& model, const SessionOptions& options);

}  // namespace mmf::host

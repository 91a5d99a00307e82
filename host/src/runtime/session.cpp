// SPDX-License-Identifier: Apache-2.0
// Generation and evaluation on the CPU reference engines.
#include "mmf/host/runtime/session.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <optional>

#include "mmf/bitnet_fixed_model.hpp"
#include "mmf/bitnet_float_model.hpp"
#include "mmf/error.hpp"
#include "mmf/fixed_model.hpp"
#include "mmf/float_model.hpp"
#include "mmf/host/backends/cpu/bitnet_cpu_model.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/host/compiler/device_image.hpp"

namespace mmf::host {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// log softmax(logits)[target] in double.
double log_prob(const std::vector<float>& logits, int32_t target) {
  const double top = *std::max_element(logits.begin(), logits.end());
  double sum = 0.0;
  for (float v : logits) sum += std::exp(static_cast<double>(v) - top);
  return static_cast<double>(logits[target]) - top - std::log(sum);
}

}  // namespace

Numerics parse_numerics(const std::string& name) {
  if (name == "fixed") return Numerics::fixed;
  if (name == "float") return Numerics::floating;
  throw Error("--numerics: unknown value '" + name + "' (expected fixed or float)");
}

const char* numerics_name(Numerics n) {
  return n == Numerics::fixed ? "fixed" : "float";
}

std::unique_ptr<LanguageModel> make_reference_engine(const Model& model, Numerics numerics) {
  if (model.config.architecture == Architecture::bitnet) {
    if (numerics == Numerics::fixed) return std::make_unique<BitNetFixedModel>(model);
    return std::make_unique<BitNetFloatModel>(model);
  }
  if (numerics == Numerics::fixed) return std::make_unique<FixedModel>(model);
  return std::make_unique<FloatModel>(model);
}

namespace {

void check_float_backend(const SessionOptions& options) {
  if (options.backend != "cpu") {
    throw Error(
        "--numerics float runs only on the cpu backend (the float reference); "
        "device backends are fixed point");
  }
}

// The packing of the image's weights: --packing itself when the build decodes it. 1.6-bit on a
// build without the decoder is only modeled, by the systemc backend's timed form, over a
// 2-bit image; every other engine refuses it (check_packing names the build's key).
Packing image_packing(const SessionOptions& options, const BuildDescriptor& build) {
  const Packing p = options.device.channel_packing;
  if (p == Packing::two_bit || build.accel.five_trit) return p;
  if (options.backend == "systemc" && options.device.systemc.model == PlatformModel::timed) {
    return Packing::two_bit;
  }
  check_packing(p, build);
  return p;
}

}  // namespace

namespace {

// BitNet runs on the cpu backend (BitNetCpuModel, or the float reference), on the HLS kernel
// (csim) and on the systemc platform's timed form (the cpu engine's program, timed by the
// design model of the attention units); the RTL has no attention units yet, so the backends
// that run it refuse BitNet.
void check_bitnet_backend(const ModelConfig& c, const SessionOptions& options) {
  const bool timed =
      options.backend == "systemc" && options.device.systemc.model == PlatformModel::timed;
  if (options.backend != "cpu" && options.backend != "csim" && !timed) {
    throw Error("model '" + c.name + "' is a bitnet model; the cpu and csim backends and the " +
                "systemc platform's timed form run BitNet so far, not --backend " +
                options.backend + " (the RTL kernel has no attention units yet)");
  }
}

// MemAvailable of /proc/meminfo in bytes, or none where there is none.
std::optional<double> available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib * 1024.0;
  }
  return std::nullopt;
}

// The memory a BitNet run holds, before any of it is allocated: packed weights, the bf16
// embedding, the int8 head (fixed numerics) and the KV cache for the whole context.
void check_bitnet_memory(const ModelConfig& c, const SessionOptions& options) {
  const double weights = static_cast<double>(c.packed_weight_bytes(options.device.channel_packing));
  const double embedding = 2.0 * static_cast<double>(c.vocab_size * c.hidden_size);
  const double head =
      options.numerics == Numerics::fixed ? static_cast<double>(c.vocab_size * c.hidden_size) : 0.0;
  const double per_position =
      options.numerics == Numerics::fixed
          ? static_cast<double>(bitnet_kv_bytes_per_position(c))
          : 4.0 * static_cast<double>(c.kv_values_per_position());  // float32 cache
  const double kv = per_position * static_cast<double>(c.max_position_embeddings);
  const double need = weights + embedding + head + kv;
  const std::optional<double> available = available_memory();
  if (available && need > *available) {
    const auto gb = [](double b) { return std::to_string(b / 1e9).substr(0, 5) + " GB"; };
    throw Error("model '" + c.name + "' needs about " + gb(need) + " (weights " + gb(weights) +
                ", embedding " + gb(embedding) + ", head " + gb(head) + ", KV cache for " +
                std::to_string(c.max_position_embeddings) + " positions " + gb(kv) +
                ") but this machine has " + gb(*available) + " available");
  }
}

}  // namespace

void preflight(const std::string& model_spec, const SessionOptions& options) {
  const ModelConfig config = resolve_config(model_spec);
  if (config.architecture == Architecture::bitnet) {
    check_bitnet_backend(config, options);
    check_bitnet_memory(config, options);
    if (options.backend == "cpu") return;
  }
  if (options.numerics == Numerics::floating) return check_float_backend(options);
  const BuildDescriptor build = load_build_descriptor(build_descriptor_path(options.build));
  // Before the device: opening one may build a kernel (verilator) for minutes.
  image_packing(options, build);
  // Opening the device checks its options too (--trace, --xclbin and the xclbin itself).
  open_device(options.backend, build, options.device);
  check_model_fits(config, build);
}

std::unique_ptr<LanguageModel> make_engine(const Model& model, const SessionOptions& options) {
  if (model.config.architecture == Architecture::bitnet) {
    check_bitnet_backend(model.config, options);
    if (options.backend == "cpu") {
      if (options.numerics == Numerics::floating)
        return make_reference_engine(model, options.numerics);
      return std::make_unique<BitNetCpuModel>(model, *options.device.cpu.pool,
                                              options.device.cpu.isa);
    }
  }
  if (options.numerics == Numerics::floating) {
    check_float_backend(options);
    return make_reference_engine(model, options.numerics);
  }
  const BuildDescriptor build = load_build_descriptor(build_descriptor_path(options.build));
  const Packing packing = image_packing(options, build);  // before a kernel is built
  std::unique_ptr<Device> device = open_device(options.backend, build, options.device);
  return std::make_unique<DeviceModel>(
      std::make_unique<Accelerator>(std::move(device), compile_model(model, build, packing)));
}

namespace {

// The Session's pool for the cpu backend's kernels; none for the other engines.
std::unique_ptr<cpu::ThreadPool> make_pool(const SessionOptions& options) {
  if (options.backend != "cpu" || options.numerics != Numerics::fixed) return nullptr;
  return std::make_unique<cpu::ThreadPool>(options.device.cpu.threads);
}

SessionOptions with_pool(SessionOptions options, cpu::ThreadPool* pool) {
  options.device.cpu.pool = pool;
  return options;
}

}  // namespace

Session::Session(LoadedModel model, const SessionOptions& options)
    : model_(std::move(model)),
      options_(options),
      pool_(make_pool(options)),
      engine_(make_engine(model_.model, with_pool(options, pool_.get()))) {}

const Accelerator* Session::accelerator() const {
  const auto* device_model = dynamic_cast<const DeviceModel*>(engine_.get());
  return device_model != nullptr ? &device_model->accelerator() : nullptr;
}

Accelerator* Session::accelerator_mut() {
  auto* device_model = dynamic_cast<DeviceModel*>(engine_.get());
  return device_model != nullptr ? &device_model->accelerator() : nullptr;
}

std::vector<int32_t> Session::encode_prompt(const std::string& prompt,
                                            int32_t max_new_tokens) const {
  if (max_new_tokens < 0) throw Error("-n must be >= 0");
  std::vector<int32_t> ids = model_.tokenizer->encode(prompt);
  if (ids.empty()) {
    throw Error("prompt: nothing to feed the model (empty prompt and a tokenizer without BOS)");
  }
  const ModelConfig& c = model_.model.config;
  for (int32_t id : ids) check_token_id(id, c);
  const auto prompt_tokens = static_cast<int64_t>(ids.size());
  const std::string context = "model '" + c.name + "' has a context of " +
                              std::to_string(c.max_position_embeddings) +
                              " tokens (max_position_embeddings)";
  if (prompt_tokens > c.max_position_embeddings) {
    throw Error("prompt: " + std::to_string(prompt_tokens) + " tokens (BOS included) is longer " +
                "than allowed: " + context);
  }
  if (prompt_tokens + max_new_tokens > c.max_position_embeddings) {
    throw Error("-n " + std::to_string(max_new_tokens) + " after a " +
                std::to_string(prompt_tokens) + "-token prompt runs past the context: " + context +
                ", so at most " + std::to_string(c.max_position_embeddings - prompt_tokens) +
                " new tokens fit");
  }
  return ids;
}

GenerateResult Session::generate(const std::string& prompt, const GenerateOptions& options,
                                 const TokenCallback& on_token) {
  if (options.tokens_per_launch != 1) return generate_on_device(prompt, options, on_token);
  Sampler sampler(options.sampler);
  GenerateResult r;
  r.prompt_ids = encode_prompt(prompt, options.max_new_tokens);
  engine_->reset();
  auto start = Clock::now();
  const std::vector<float>* logits = nullptr;
  for (int32_t id : r.prompt_ids) logits = &engine_->step(id);
  r.prefill_seconds = seconds_since(start);

  start = Clock::now();
  const auto eos = static_cast<int32_t>(model_.model.config.eos_token_id);
  for (int32_t t = 0; t < options.max_new_tokens; ++t) {
    const int32_t next = sampler.sample(*logits);
    if (options.stop_at_eos &&
        (next == eos || std::count(options.stop_ids.begin(), options.stop_ids.end(), next) > 0)) {
      break;
    }
    r.token_ids.push_back(next);
    if (on_token) on_token(r);
    if (t + 1 < options.max_new_tokens) logits = &engine_->step(next);
  }
  r.decode_seconds = seconds_since(start);
  r.text = model_.tokenizer->decode_continuation(r.prompt_ids, r.token_ids);
  return r;
}

GenerateResult Session::generate_on_device(const std::string& prompt,
                                           const GenerateOptions& options,
                                           const TokenCallback& on_token) {
  const uint32_t per_launch = options.tokens_per_launch;
  check_tokens_per_launch(per_launch, options.sampler.temperature, options_.numerics);
  auto* device = dynamic_cast<DeviceModel*>(engine_.get());
  if (device == nullptr) throw Error("--tokens-per-launch: the engine has no device (bug)");
  GenerateResult r;
  r.prompt_ids = encode_prompt(prompt, options.max_new_tokens);
  engine_->reset();
  Accelerator& acc = device->accelerator();
  auto start = Clock::now();
  // Every prompt token but the last gets a launch of its own; the last starts the decode.
  for (size_t k = 0; k + 1 < r.prompt_ids.size(); ++k) acc.step(r.prompt_ids[k]);
  r.prefill_seconds = seconds_since(start);

  start = Clock::now();
  const auto eos = static_cast<int32_t>(model_.model.config.eos_token_id);
  int32_t next = r.prompt_ids.back();
  bool stopped = false;
  while (!stopped && static_cast<int32_t>(r.token_ids.size()) < options.max_new_tokens) {
    const auto left =
        static_cast<uint32_t>(options.max_new_tokens - static_cast<int32_t>(r.token_ids.size()));
    for (const int32_t pick : acc.generate(next, std::min(per_launch, left))) {
      if (options.stop_at_eos &&
          (pick == eos || std::count(options.stop_ids.begin(), options.stop_ids.end(), pick) > 0)) {
        stopped = true;
        break;
      }
      r.token_ids.push_back(pick);
      next = pick;
    }
    if (on_token) on_token(r);
  }
  r.decode_seconds = seconds_since(start);
  r.text = model_.tokenizer->decode_continuation(r.prompt_ids, r.token_ids);
  return r;
}

void check_tokens_per_launch(uint32_t tokens_per_launch, float temperature, Numerics numerics) {
  const std::string flag = "--tokens-per-launch " + std::to_string(tokens_per_launch);
  if (tokens_per_launch == 0 || tokens_per_launch > kTokenRingWords) {
    throw Error(flag + ": expected 1 to " + std::to_string(kTokenRingWords) +
                " (the device's token ring)");
  }
  if (tokens_per_launch == 1) return;
  if (numerics != Numerics::fixed) {
    throw Error(flag +
                ": several tokens a launch need a device to sample on; the float reference "
                "has none (use --numerics fixed)");
  }
  if (temperature != 0.0f) {
    throw Error(flag +
                ": the device samples greedily only; drop --temperature (and --top-k) or run "
                "one token a launch");
  }
}

EvalResult Session::evaluate(const std::string& text, const Numerics* compare) {
  const std::vector<int32_t> ids = model_.tokenizer->encode(text);
  if (ids.size() < 2) throw Error("eval: the text has no tokens to score");
  std::unique_ptr<LanguageModel> other;
  if (compare != nullptr) {
    other = make_reference_engine(model_.model, *compare);
    other->reset();
  }
  engine_->reset();
  const auto start = Clock::now();
  EvalResult r;
  double nll = 0.0, other_nll = 0.0;
  int64_t correct = 0, agree = 0;
  // A model with a KV cache reads at most max_position_embeddings positions: a longer text is
  // scored in windows of that many, each started afresh with BOS (not itself scored). A recurrent
  // HGRNBit model reads the whole text in one pass.
  const ModelConfig& c = model_.model.config;
  const size_t window = c.architecture == Architecture::bitnet
                            ? static_cast<size_t>(c.max_position_embeddings)
                            : ids.size();
  size_t position = 0;
  r.windows = 1;
  for (size_t t = 0; t + 1 < ids.size(); ++t) {
    if (position == window) {
      engine_->reset();
      engine_->step(ids[0]);
      if (other) {
        other->reset();
        other->step(ids[0]);
      }
      position = 1;
      ++r.windows;
    }
    ++position;
    const std::vector<float>& logits = engine_->step(ids[t]);
    nll -= log_prob(logits, ids[t + 1]);
    const int32_t top = argmax(logits);
    correct += top == ids[t + 1];
    if (other) {
      const std::vector<float>& ref = other->step(ids[t]);
      other_nll -= log_prob(ref, ids[t + 1]);
      agree += top == argmax(ref);
      for (size_t k = 0; k < ref.size(); ++k) {
        r.max_abs_logit_error =
            std::max(r.max_abs_logit_error, static_cast<double>(std::fabs(ref[k] - logits[k])));
      }
    }
  }
  r.tokens = static_cast<int64_t>(ids.size() - 1);
  const auto n = static_cast<double>(r.tokens);
  r.nll = nll / n;
  r.perplexity = std::exp(r.nll);
  r.accuracy_top1 = static_cast<double>(correct) / n;
  if (other) {
    r.agreement_top1 = static_cast<double>(agree) / n;
    r.compare_perplexity = std::exp(other_nll / n);
  }
  r.seconds = seconds_since(start);
  return r;
}

}  // namespace mmf::host

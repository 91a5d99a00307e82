// SPDX-License-Identifier: Apache-2.0
// Resolves the --model argument: a shipped model (`tiny`, `tiny-bitnet`), a converted model file,
// or `random:CONFIG`.
#pragma once

#include <memory>
#include <string>

#include "mmf/model.hpp"
#include "mmf/tokenizer.hpp"

namespace mmf::host {

// Where the shipped models and configs live: $MMF_MODELS_DIR, else `models/` two levels above
// the running executable (build/bin/mmf), else the source tree this binary was built from.
std::string models_dir();

struct LoadedModel {
  Model model;
  std::unique_ptr<Tokenizer> tokenizer;
  std::string spec;  // the --model argument as given
};

// Seed of the weights of `random:` models; fixed so every run sees the same model.
constexpr uint64_t kRandomModelSeed = 0x6d6d66;  // "mmf"

// NAME (shipped: models/NAME/NAME.safetensors) | PATH (converted model) | random:NAME
// (models/configs/NAME.yaml) | random:PATH.yaml.
LoadedModel load_model(const std::string& spec, Packing random_packing = Packing::two_bit);

// The shape behind a spec without loading weights: a config name (tiny, 370m, 1.3b, 2.7b,
// tiny-bitnet, bitnet-2b4t),
// a model YAML, random:CONFIG, or a converted model file.
ModelConfig resolve_config(const std::string& spec);

}  // namespace mmf::host

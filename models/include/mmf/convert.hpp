// SPDX-License-Identifier: Apache-2.0
// Hugging Face checkpoint (released layout: latent bf16 weights) -> converted ternary model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmf/model.hpp"

namespace mmf {

// The released weight quantization, done exactly once: scale = max(mean|W|, 1e-5) (mean in
// double, then float32), trits = clamp(round_half_even(W / scale), -1, 1) computed as
// W * (1/scale) in float32, as the PyTorch code does.
struct Ternarized {
  std::vector<int8_t> trits;
  float scale;
};
Ternarized ternarize(const std::vector<float>& latent);

// Reads `dir` (config.json, model.safetensors or sharded with model.safetensors.index.json,
// tokenizer.model) and ternarizes every projection. Errors name the file and the tensor.
Model convert_hf_checkpoint(const std::string& dir, Packing packing);

}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Hugging Face checkpoint (released layout: latent bf16 weights) -> converted ternary model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmf/model.hpp"
#include "mmf/safetensors.hpp"

namespace mmf {

// The released weight quantization, done exactly once: scale = max(mean|W|, 1e-5) (mean in
// double, then float32), trits = clamp(round_half_even(W / scale), -1, 1) computed as
// W * (1/scale) in float32, as the PyTorch code does.
struct Ternarized {
  std::vector<int8_t> trits;
  float scale;
};
Ternarized ternarize(const std::vector<float>& latent);

// Reads `dir` (config.json, model.safetensors or sharded with model.safetensors.index.json, and
// the tokenizer) and ternarizes every projection once. config.json's model_type picks the family:
// hgrn_bit (tokenizer.model) or bitnet (convert_bitnet_checkpoint). Errors name the file and the
// tensor.
Model convert_hf_checkpoint(const std::string& dir, Packing packing);

// A BitNetForCausalLM checkpoint in either released layout, chosen by config.json's
// quantization_config: "offline" (packed uint8 codes, four output rows a byte, and a
// weight_scale per projection that multiplies for linear_class autobitlinear and divides for
// bitlinear) or "online" (bf16 master weights, ternarized here by the absmean rule). Also reads
// tokenizer.json (required) and generation_config.json (optional). Both layouts of the same
// weights convert to the same model. Tensors the model does not use are refused.
Model convert_bitnet_checkpoint(const std::string& dir, Packing packing);

// A floating tensor (BF16 or F32) of the expected shape, as float32; NaN and inf refused.
// Errors name the file and the tensor.
std::vector<float> read_checkpoint_floats(const CheckpointTensors& ckpt, const std::string& name,
                                          const std::vector<int64_t>& shape);

}  // namespace mmf

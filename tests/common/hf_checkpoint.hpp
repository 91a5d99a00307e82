// SPDX-License-Identifier: Apache-2.0
// Writes Hugging Face HGRNBit checkpoints in the released layout for tests: random bf16 latent
// weights under the real tensor names, config.json, tokenizer.model, single or sharded.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mmf/model_config.hpp"
#include "mmf/safetensors.hpp"

namespace mmf::test {

struct RawTensor {
  DType dtype;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

struct HfCheckpoint {
  nlohmann::json config;                     // config.json
  std::map<std::string, RawTensor> tensors;  // every tensor of the released layout
  std::string tokenizer;                     // tokenizer.model bytes ("" = no file)
  std::map<std::string, std::string> files;  // other files by name (tokenizer.json, ...)
};

// A small config: vocab 4096 (the shipped tokenizer), hidden 64, 2 layers, intermediate 192.
ModelConfig small_test_config();
// A model with ragged sizes (vocab 300, hidden 90, intermediate 170): multiples of no lane
// count, so every kernel meets short last beats and unaligned vectors.
ModelConfig ragged_test_config(int num_layers);
// Random latent weights N(0, 0.02) (norms around 1, lower bounds N(0, 1)) as BF16.
HfCheckpoint make_hf_checkpoint(const ModelConfig& config, uint64_t seed);
// Writes to `dir`; shards > 1 splits tensors round-robin and writes the index json.
void write_hf_checkpoint(const HfCheckpoint& ckpt, const std::string& dir, int shards);
// The tokenizer of the shipped tiny model (a real SentencePiece model).
std::string shipped_tokenizer();
// Path of the shipped tiny model.
std::string shipped_tiny_model();

}  // namespace mmf::test

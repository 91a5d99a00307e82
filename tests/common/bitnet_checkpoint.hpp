// SPDX-License-Identifier: Apache-2.0
// Writes BitNet b1.58 checkpoints (BitNetForCausalLM) in both released layouts for tests: the
// packed deployment layout (uint8 codes + weight_scale) and the bf16 master layout, of the same
// weights. The masters sit on a power-of-two grid chosen so that each tensor's absmean is exactly
// its scale: both layouts then ternarize to identical trits and bit-identical scales.
#pragma once

#include <cstdint>
#include <string>

#include "common/hf_checkpoint.hpp"
#include "mmf/model_config.hpp"

namespace mmf::test {

enum class BitNetLayout {
  packed,            // quantization_mode offline, linear_class autobitlinear (weight_scale = β)
  packed_bitlinear,  // quantization_mode offline, linear_class bitlinear (weight_scale = 1/β)
  bf16,              // quantization_mode online: bf16 masters
};

// Byte b's character in GPT-2's byte alphabet (bytes_to_unicode), as UTF-8: how byte-level BPE
// vocabularies spell bytes.
std::string byte_char(unsigned b);

// vocab 384, hidden 64, 2 layers, intermediate 96, 4 heads of 16 (GQA 2:1), context 160.
ModelConfig small_bitnet_config();
// Ragged against ci-tiny's 16-trit tiles and 2 channels wherever the device format allows
// (head_dim is a power of two of at least two vector beats, so hidden = 9 x 8 is a multiple of
// 8): vocab 301, hidden 72, 2 layers, intermediate 90, 9 heads of 8 (GQA 3:1), context 75.
ModelConfig ragged_bitnet_config();
// A byte-level BPE tokenizer.json in the LLaMA-3 layout (the LLaMA-3 pattern, ignore_merges,
// <|begin_of_text|> / <|end_of_text|> / <|eot_id|> specials) with `vocab_size` ids: the 256
// bytes, merges of frequent English pairs, the three specials last.
std::string small_bitnet_tokenizer_json(int64_t vocab_size);
// Seeded random weights in `layout`, with config.json, tokenizer.json (BOS/EOS/EOT at the top
// three ids of the config's vocabulary) and generation_config.json.
HfCheckpoint make_bitnet_checkpoint(const ModelConfig& config, uint64_t seed, BitNetLayout layout);

}  // namespace mmf::test

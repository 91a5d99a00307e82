// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the converted-model loader (models/include/mmf/model.hpp) as `mmf run --model
// FILE` reaches it, through host::load_model (which also builds the carried tokenizer).
#include <stdexcept>

#include "fuzz_targets.hpp"
#include "mmf/error.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf/model.hpp"
#include "scratch_file.hpp"

namespace mmf::fuzz {

void fuzz_converted_model(const uint8_t* data, size_t size) {
  const std::string path = write_scratch_file("model.safetensors", data, size);
  try {
    const ModelConfig config = load_converted_config(path);
    const host::LoadedModel loaded = host::load_model(path);
    // A loaded model is what the rest of mmf trusts without checking again.
    const Model& m = loaded.model;
    const ModelConfig& c = m.config;
    if (c.vocab_size != config.vocab_size || c.hidden_size != config.hidden_size ||
        c.num_layers != config.num_layers) {
      throw std::logic_error("load_converted_config and load_converted disagree");
    }
    const bool bitnet = c.architecture == Architecture::bitnet;
    const bool shaped =
        m.embedding.size() == static_cast<size_t>(c.vocab_size * c.hidden_size) &&
        (bitnet ? m.bitnet_layers.size() == static_cast<size_t>(c.num_layers) &&
                      (m.bitnet_layers.empty() || m.bitnet_layers[0].down_proj.packed.size() ==
                                                      static_cast<size_t>(c.hidden_size) *
                                                          m.bitnet_layers[0].down_proj.row_bytes())
                : m.layers.size() == static_cast<size_t>(c.num_layers) &&
                      m.lm_head.weight.packed.size() ==
                          static_cast<size_t>(c.vocab_size) * m.lm_head.weight.row_bytes());
    if (!shaped) throw std::logic_error("loaded model does not have its config's shape");
    if (loaded.tokenizer == nullptr) throw std::logic_error("loaded model has no tokenizer");
  } catch (const Error&) {
    // A clean refusal of bad input.
  }
}

}  // namespace mmf::fuzz

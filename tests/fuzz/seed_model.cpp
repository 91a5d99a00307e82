// SPDX-License-Identifier: Apache-2.0
// The fuzz seeds' tiny model.
#include "seed_model.hpp"

namespace mmf::fuzz {

Model make_seed_model(uint64_t seed, Packing packing) {
  ModelConfig c;
  c.name = "fuzz-seed";
  c.vocab_size = 32;
  c.hidden_size = 16;
  c.num_layers = 1;
  c.intermediate_size = 16;
  return make_random_model(c, seed, packing);
}

}  // namespace mmf::fuzz

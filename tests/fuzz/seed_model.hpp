// SPDX-License-Identifier: Apache-2.0
// The tiny model behind the fuzz seeds (make_seeds.cpp) and fuzz_token_program's image.
#pragma once

#include "mmf/model.hpp"

namespace mmf::fuzz {

// A random model of a few thousand weights (vocab 32, hidden 16, one layer, intermediate 16)
// made by the project's own make_random_model from `seed`. Small enough that a fuzzed file
// holding it mutates quickly, large enough to have every tensor and op.
Model make_seed_model(uint64_t seed, Packing packing = Packing::two_bit);

}  // namespace mmf::fuzz

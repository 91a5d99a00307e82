// SPDX-License-Identifier: Apache-2.0
// Next-token sampling: greedy at temperature 0, else softmax(logits / T) over the top k.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace mmf::host {

struct SamplerOptions {
  float temperature = 0.0f;  // 0: greedy (argmax, lowest id on ties): deterministic
  int32_t top_k = 0;         // 0: all tokens
  uint64_t seed = 0;
};

class Sampler {
 public:
  // Throws mmf::Error on a negative temperature or top_k.
  explicit Sampler(const SamplerOptions& options);
  int32_t sample(const std::vector<float>& logits);

 private:
  SamplerOptions options_;
  std::mt19937_64 rng_;
  std::vector<int32_t> order_;
  std::vector<double> probs_;
};

int32_t argmax(const std::vector<float>& logits);

}  // namespace mmf::host

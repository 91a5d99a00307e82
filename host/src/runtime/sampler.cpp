// SPDX-License-Identifier: Apache-2.0
// Token sampling.
#include "mmf/host/runtime/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mmf/error.hpp"

namespace mmf::host {

int32_t argmax(const std::vector<float>& logits) {
  return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

Sampler::Sampler(const SamplerOptions& options) : options_(options), rng_(options.seed) {
  if (!(options.temperature >= 0.0f) || !std::isfinite(options.temperature)) {
    throw Error("--temperature must be a finite number >= 0");
  }
  if (options.top_k < 0) throw Error("--top-k must be >= 0");
}

int32_t Sampler::sample(const std::vector<float>& logits) {
  if (options_.temperature == 0.0f) return argmax(logits);
  const auto n = static_cast<int32_t>(logits.size());
  const int32_t k = options_.top_k == 0 ? n : std::min(options_.top_k, n);
  order_.resize(logits.size());
  std::iota(order_.begin(), order_.end(), 0);
  // Stable order (by logit, then id) so a seed always gives the same token.
  std::partial_sort(order_.begin(), order_.begin() + k, order_.end(), [&](int32_t a, int32_t b) {
    return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
  });
  probs_.resize(static_cast<size_t>(k));
  const double top = logits[order_[0]];
  double sum = 0.0;
  for (int32_t i = 0; i < k; ++i) {
    probs_[i] = std::exp((logits[order_[i]] - top) / options_.temperature);
    sum += probs_[i];
  }
  // 53 random bits -> [0, 1), independent of the standard library's distributions.
  const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53 * sum;
  double acc = 0.0;
  for (int32_t i = 0; i < k; ++i) {
    acc += probs_[i];
    if (u < acc) return order_[i];
  }
  return order_[k - 1];
}

}  // namespace mmf::host

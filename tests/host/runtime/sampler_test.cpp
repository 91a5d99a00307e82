// SPDX-License-Identifier: Apache-2.0
// Sampling: greedy, top-k, seeds, temperature.
#include "mmf/host/runtime/sampler.hpp"

#include "common/checks.hpp"
#include "mmf/error.hpp"

namespace mmf::host {
namespace {

const std::vector<float> kLogits = {0.1f, 2.0f, -1.0f, 2.0f, 1.5f};

TEST(Sampler, GreedyTakesTheFirstMaximum) {
  Sampler s({0.0f, 0, 0});
  MMF_EXPECT_EQ(s.sample(kLogits), 1);
}

TEST(Sampler, TopOneIsGreedy) {
  Sampler s({1.0f, 1, 99});
  for (int k = 0; k < 20; ++k) MMF_EXPECT_EQ(s.sample(kLogits), 1);
}

TEST(Sampler, SameSeedSameTokens) {
  Sampler a({1.0f, 0, 5}), b({1.0f, 0, 5});
  for (int k = 0; k < 50; ++k) MMF_EXPECT_EQ(a.sample(kLogits), b.sample(kLogits));
}

TEST(Sampler, FrequenciesFollowTheSoftmax) {
  Sampler s({1.0f, 0, 11});
  std::vector<int> counts(kLogits.size(), 0);
  const int n = 20000;
  for (int k = 0; k < n; ++k) ++counts[static_cast<size_t>(s.sample(kLogits))];
  double sum = 0;
  for (float v : kLogits) sum += std::exp(v);
  for (size_t k = 0; k < kLogits.size(); ++k) {
    MMF_EXPECT_NEAR(counts[k] / static_cast<double>(n), std::exp(kLogits[k]) / sum, 0.015);
  }
}

TEST(Sampler, TopKNeverPicksOutsideTheTopK) {
  Sampler s({5.0f, 2, 3});
  for (int k = 0; k < 200; ++k) {
    const int32_t t = s.sample(kLogits);
    MMF_EXPECT_TRUE(t == 1 || t == 3);
  }
}

TEST(Sampler, RejectsBadOptions) {
  MMF_EXPECT_ERROR(Sampler({-1.0f, 0, 0}), "--temperature");
  MMF_EXPECT_ERROR(Sampler({1.0f, -3, 0}), "--top-k");
}

}  // namespace
}  // namespace mmf::host

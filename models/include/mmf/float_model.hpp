// SPDX-License-Identifier: Apache-2.0
// Float32 reference: the released PyTorch inference code, step by step
// (reference/mmfree-model.md §1.6 and §2), on a converted model.
#pragma once

#include <cstdint>
#include <vector>

#include "mmf/language_model.hpp"
#include "mmf/model.hpp"

namespace mmf {

class FloatModel final : public LanguageModel {
 public:
  // Keeps a reference: `model` must outlive this object.
  explicit FloatModel(const Model& model);
  void reset() override;
  const std::vector<float>& step(int32_t token) override;

 private:
  // FusedBitLinear: RMSNorm (eps 1e-6, own weight) -> per-token absmax int8 codes (round half
  // away from zero) -> ternary matvec -> acc * max|y| / 127 * scale.
  void bitlinear(const std::vector<float>& in, const BitLinearWeights& bl, float* out);
  void rms_norm(const std::vector<float>& in, const std::vector<float>& weight,
                std::vector<float>& out) const;

  const Model& model_;
  std::vector<float> lower_bounds_;  // [L, H]
  std::vector<float> state_;         // [L, H] recurrent state
  // Scratch, sized once (no allocation per token).
  std::vector<float> x_, h_, i_, f_, g_, o_, a_, gu_, z_, y_, logits_;
  std::vector<int8_t> codes_;
  std::vector<int32_t> acc_;
};

}  // namespace mmf

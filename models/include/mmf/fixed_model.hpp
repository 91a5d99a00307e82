// SPDX-License-Identifier: Apache-2.0
// Fixed-point reference: one decode step composed of the golden units (fixed_units.hpp). Every
// integer engine (cpu, csim, verilator, systemc, xrt) must match its logits bit for bit.
#pragma once

#include <cstdint>
#include <vector>

#include "mmf/fixed_params.hpp"
#include "mmf/language_model.hpp"
#include "mmf/model.hpp"

namespace mmf {

class FixedModel final : public LanguageModel {
 public:
  // Keeps a reference: `model` must outlive this object.
  explicit FixedModel(const Model& model);
  void reset() override;
  const std::vector<float>& step(int32_t token) override;
  // The Q16 logits of the last step (what devices return).
  const std::vector<int32_t>& logits_q16() const { return logits_q16_; }

 private:
  void bitlinear(const int32_t* p, const FixedBitLinear& bl, int32_t* out);

  const Model& model_;
  FixedParams params_;
  std::vector<int32_t> state_;  // [L, H] Q16
  std::vector<int32_t> x_, i_, f_, g_, silu_, p_o_, a_, gu_, z_, acc_, logits_q16_;
  std::vector<int8_t> codes_;
  std::vector<float> logits_;
};

}  // namespace mmf

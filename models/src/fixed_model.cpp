// SPDX-License-Identifier: Apache-2.0
// Fixed-point reference implementation of one HGRNBit decode step.
#include "mmf/fixed_model.hpp"

#include <algorithm>

#include "mmf/error.hpp"
#include "mmf/fixed_units.hpp"
#include "mmf/ternary_matvec.hpp"

namespace mmf {

FixedModel::FixedModel(const Model& model) : model_(model), params_(compile_fixed_params(model)) {
  const auto& c = model.config;
  const size_t h = static_cast<size_t>(c.hidden_size), i = static_cast<size_t>(c.intermediate_size);
  const size_t v = static_cast<size_t>(c.vocab_size);
  state_.assign(static_cast<size_t>(c.num_layers) * h, 0);
  for (auto* vec : {&x_, &i_, &f_, &g_, &p_o_, &a_}) vec->assign(h, 0);
  silu_.assign(std::max(h, i), 0);
  gu_.assign(2 * i, 0);
  z_.assign(i, 0);
  acc_.assign(std::max({v, 2 * i, h}), 0);
  codes_.assign(std::max(h, i), 0);
  logits_q16_.assign(v, 0);
  logits_.assign(v, 0.0f);
}

void FixedModel::reset() {
  std::fill(state_.begin(), state_.end(), 0);
}

void FixedModel::bitlinear(const int32_t* p, const FixedBitLinear& bl, int32_t* out) {
  const TernaryTensor& w = *bl.weight;
  const fx::Quantized q = fx::quantize_activations(p, bl.w_rms.empty() ? nullptr : bl.w_rms.data(),
                                                   bl.w_code.data(), w.cols, codes_.data());
  ternary_matvec(w, codes_.data(), acc_.data(), 0, w.rows);
  fx::rescale(acc_.data(), w.rows, fx::combine_scales(q.token_scale, bl.constant), out);
}

const std::vector<float>& FixedModel::step(int32_t token) {
  const auto& c = model_.config;
  check_token_id(token, c);
  const int64_t h = c.hidden_size, inter = c.intermediate_size;
  const uint16_t* row = &model_.embedding[static_cast<size_t>(token * h)];
  for (int64_t k = 0; k < h; ++k) x_[k] = fx::bf16_to_q16(row[k]);

  for (size_t l = 0; l < params_.layers.size(); ++l) {
    const FixedLayer& w = params_.layers[l];
    bitlinear(x_.data(), w.i_proj, i_.data());
    bitlinear(x_.data(), w.f_proj, f_.data());
    bitlinear(x_.data(), w.g_proj, g_.data());
    fx::mlgru(i_.data(), f_.data(), g_.data(),
              w.lower_bound.empty() ? nullptr : w.lower_bound.data(), h, &state_[l * h],
              silu_.data(), p_o_.data());
    bitlinear(p_o_.data(), w.o_proj, a_.data());
    fx::residual_add(x_.data(), a_.data(), h);
    bitlinear(x_.data(), w.gate_proj, gu_.data());
    fx::glu(gu_.data(), inter, silu_.data(), z_.data());
    bitlinear(z_.data(), w.down_proj, a_.data());
    fx::residual_add(x_.data(), a_.data(), h);
  }
  bitlinear(x_.data(), params_.lm_head, logits_q16_.data());
  for (size_t k = 0; k < logits_.size(); ++k) {
    logits_[k] = static_cast<float>(logits_q16_[k]) / static_cast<float>(fx::kOne);
  }
  return logits_;
}

}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Float32 reference implementation of one HGRNBit decode step.
#include "mmf/float_model.hpp"

#include <algorithm>
#include <cmath>

#include "mmf/bf16.hpp"
#include "mmf/error.hpp"
#include "mmf/ternary_matvec.hpp"

namespace mmf {
namespace {

// The released code's RMSNorm eps inside FusedBitLinear (fused path) and everywhere else.
constexpr float kActivationClamp = 1e-5f;

float sigmoid(float v) {
  return 1.0f / (1.0f + std::exp(-v));
}
float silu(float v) {
  return v * sigmoid(v);
}
// libdevice roundf, as the fused Triton quantization kernel uses.
float round_half_away(float v) {
  return std::round(v);
}

float mean_square(const float* v, size_t n) {
  double sum = 0.0;
  for (size_t k = 0; k < n; ++k) sum += static_cast<double>(v[k]) * v[k];
  return static_cast<float>(sum / static_cast<double>(n));
}

}  // namespace

FloatModel::FloatModel(const Model& model) : model_(model) {
  const auto& c = model.config;
  require_architecture(c, Architecture::hgrn_bit, "the HGRNBit float reference");
  const size_t h = static_cast<size_t>(c.hidden_size), i = static_cast<size_t>(c.intermediate_size);
  lower_bounds_ = forget_lower_bounds(model);
  state_.assign(static_cast<size_t>(c.num_layers) * h, 0.0f);
  for (auto* v : {&x_, &h_, &i_, &f_, &g_, &o_, &a_}) v->assign(h, 0.0f);
  gu_.assign(2 * i, 0.0f);
  z_.assign(i, 0.0f);
  y_.assign(std::max(h, i), 0.0f);
  logits_.assign(static_cast<size_t>(c.vocab_size), 0.0f);
  codes_.assign(std::max(h, i), 0);
  acc_.assign(std::max({static_cast<size_t>(c.vocab_size), 2 * i, h}), 0);
}

void FloatModel::reset() {
  std::fill(state_.begin(), state_.end(), 0.0f);
}

void FloatModel::rms_norm(const std::vector<float>& in, const std::vector<float>& weight,
                          std::vector<float>& out) const {
  const size_t n = weight.size();
  const float eps = static_cast<float>(model_.config.rms_norm_eps);
  const float rstd = 1.0f / std::sqrt(mean_square(in.data(), n) + eps);
  for (size_t k = 0; k < n; ++k) out[k] = in[k] * rstd * weight[k];
}

void FloatModel::bitlinear(const std::vector<float>& in, const BitLinearWeights& bl, float* out) {
  const size_t n = bl.norm.size();
  const float eps = static_cast<float>(model_.config.rms_norm_eps);
  const float rstd = 1.0f / std::sqrt(mean_square(in.data(), n) + eps);
  float max_abs = 0.0f;
  for (size_t k = 0; k < n; ++k) {
    y_[k] = in[k] * rstd * bl.norm[k];
    max_abs = std::max(max_abs, std::fabs(y_[k]));
  }
  const float s = 127.0f / std::max(max_abs, kActivationClamp);
  for (size_t k = 0; k < n; ++k) {
    codes_[k] = static_cast<int8_t>(std::clamp(round_half_away(y_[k] * s), -128.0f, 127.0f));
  }
  ternary_matvec(bl.weight, codes_.data(), acc_.data(), 0, bl.weight.rows);
  const float dequant = bl.weight.scale / s;
  for (int64_t r = 0; r < bl.weight.rows; ++r) out[r] = static_cast<float>(acc_[r]) * dequant;
}

const std::vector<float>& FloatModel::step(int32_t token) {
  const auto& c = model_.config;
  check_token_id(token, c);
  const size_t h = static_cast<size_t>(c.hidden_size),
               inter = static_cast<size_t>(c.intermediate_size);
  const uint16_t* row = &model_.embedding[static_cast<size_t>(token) * h];
  for (size_t k = 0; k < h; ++k) x_[k] = bf16_to_float(row[k]);

  for (size_t l = 0; l < model_.layers.size(); ++l) {
    const LayerWeights& w = model_.layers[l];
    float* s = &state_[l * h];
    const float* lb = &lower_bounds_[l * h];
    rms_norm(x_, w.attn_norm, h_);
    bitlinear(h_, w.i_proj, i_.data());
    bitlinear(h_, w.f_proj, f_.data());
    bitlinear(h_, w.g_proj, g_.data());
    for (size_t k = 0; k < h; ++k) {
      float f = sigmoid(f_[k]);
      if (l > 0) f = lb[k] + (1.0f - lb[k]) * f;
      s[k] = f * s[k] + silu(i_[k]) * (1.0f - f);
    }
    // g_norm(g, o) = RMSNorm(g) * w * o * sigmoid(o), with o the state.
    rms_norm(g_, w.g_norm, o_);
    for (size_t k = 0; k < h; ++k) o_[k] = o_[k] * silu(s[k]);
    bitlinear(o_, w.o_proj, a_.data());
    for (size_t k = 0; k < h; ++k) x_[k] += a_[k];
    rms_norm(x_, w.mlp_norm, h_);
    bitlinear(h_, w.gate_proj, gu_.data());
    for (size_t k = 0; k < inter; ++k) z_[k] = silu(gu_[k]) * gu_[inter + k];
    bitlinear(z_, w.down_proj, a_.data());
    for (size_t k = 0; k < h; ++k) x_[k] += a_[k];
  }
  rms_norm(x_, model_.final_norm, h_);
  bitlinear(h_, model_.lm_head, logits_.data());
  return logits_;
}

}  // namespace mmf

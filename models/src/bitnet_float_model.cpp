// SPDX-License-Identifier: Apache-2.0
// Float32 reference implementation of one BitNet b1.58 decode step.
#include "mmf/bitnet_float_model.hpp"

#include <algorithm>
#include <cmath>

#include "mmf/bf16.hpp"
#include "mmf/error.hpp"
#include "mmf/ternary_matvec.hpp"

namespace mmf {
namespace {

// ActQuant's clamp of max|x| (integrations/bitnet.py).
constexpr float kActivationClamp = 1e-5f;

}  // namespace

BitNetFloatModel::BitNetFloatModel(const Model& model, BitNetFloatOptions options)
    : model_(model), options_(options) {
  const ModelConfig& c = model.config;
  require_architecture(c, Architecture::bitnet, "the BitNet float reference");
  if (options_.int8_head) {
    const size_t h = static_cast<size_t>(c.hidden_size);
    head_rows_.resize(model.embedding.size());
    for (size_t r = 0; r < static_cast<size_t>(c.vocab_size); ++r) {
      float max_abs = 0.0f;
      for (size_t k = 0; k < h; ++k) {
        max_abs = std::max(max_abs, std::fabs(bf16_to_float(model.embedding[r * h + k])));
      }
      for (size_t k = 0; k < h; ++k) {
        const float e = bf16_to_float(model.embedding[r * h + k]);
        head_rows_[r * h + k] =
            max_abs == 0.0f ? 0.0f : std::round(e / max_abs * 127.0f) * max_abs / 127.0f;
      }
    }
  }
  const size_t h = static_cast<size_t>(c.hidden_size), i = static_cast<size_t>(c.intermediate_size);
  const size_t kv = static_cast<size_t>(c.num_kv_heads * c.head_dim);
  const size_t half = static_cast<size_t>(c.head_dim / 2);
  // inv_freq = 1 / theta^(2j / d) in float32, as the rotary embedding computes it.
  inv_freq_.resize(half);
  for (size_t j = 0; j < half; ++j) {
    const float exponent = static_cast<float>(2 * j) / static_cast<float>(c.head_dim);
    inv_freq_[j] = 1.0f / std::pow(static_cast<float>(c.rope_theta), exponent);
  }
  k_cache_.resize(static_cast<size_t>(c.num_layers));
  v_cache_.resize(static_cast<size_t>(c.num_layers));
  for (auto* v : {&x_, &h_, &q_, &attn_, &a_}) v->assign(h, 0.0f);
  for (auto* v : {&k_, &v_}) v->assign(kv, 0.0f);
  for (auto* v : {&gate_, &up_, &z_}) v->assign(i, 0.0f);
  y_.assign(std::max(h, i), 0.0f);
  logits_.assign(static_cast<size_t>(c.vocab_size), 0.0f);
  codes_.assign(std::max(h, i), 0);
  acc_.assign(std::max(h, i), 0);
}

void BitNetFloatModel::reset() {
  position_ = 0;
  for (auto& k : k_cache_) k.clear();
  for (auto& v : v_cache_) v.clear();
}

void BitNetFloatModel::rms_norm(const float* in, const std::vector<float>& weight,
                                float* out) const {
  const size_t n = weight.size();
  double sum = 0.0;
  for (size_t k = 0; k < n; ++k) sum += static_cast<double>(in[k]) * in[k];
  const float mean = static_cast<float>(sum / static_cast<double>(n));
  const float rstd = 1.0f / std::sqrt(mean + static_cast<float>(model_.config.rms_norm_eps));
  for (size_t k = 0; k < n; ++k) out[k] = in[k] * rstd * weight[k];
}

float BitNetFloatModel::quantize(const float* in, size_t n) {
  float max_abs = 0.0f;
  for (size_t k = 0; k < n; ++k) max_abs = std::max(max_abs, std::fabs(in[k]));
  const float s = 127.0f / std::max(max_abs, kActivationClamp);
  for (size_t k = 0; k < n; ++k) {
    codes_[k] = static_cast<int8_t>(std::clamp(std::nearbyint(in[k] * s), -128.0f, 127.0f));
  }
  return 1.0f / s;
}

void BitNetFloatModel::ternary(const TernaryTensor& w, float inv_sx, float* out) {
  ternary_matvec(w, codes_.data(), acc_.data(), 0, w.rows);
  const float dequant = w.scale * inv_sx;
  for (int64_t r = 0; r < w.rows; ++r) out[r] = static_cast<float>(acc_[r]) * dequant;
}

void BitNetFloatModel::round_heads_to_int8(float* v, int64_t heads) const {
  const int64_t d = model_.config.head_dim;
  for (int64_t hd = 0; hd < heads; ++hd) {
    float* x = v + hd * d;
    float max_abs = 0.0f;
    for (int64_t e = 0; e < d; ++e) max_abs = std::max(max_abs, std::fabs(x[e]));
    if (max_abs == 0.0f) continue;
    for (int64_t e = 0; e < d; ++e) x[e] = std::round(x[e] / max_abs * 127.0f) * max_abs / 127.0f;
  }
}

void BitNetFloatModel::rope(float* v, int64_t heads) const {
  const int64_t d = model_.config.head_dim, half = d / 2;
  const float pos = static_cast<float>(position_);
  for (int64_t j = 0; j < half; ++j) {
    const float angle = pos * inv_freq_[static_cast<size_t>(j)];
    const float c = std::cos(angle), s = std::sin(angle);
    for (int64_t hd = 0; hd < heads; ++hd) {
      float* x = v + hd * d;
      const float a = x[j], b = x[j + half];
      x[j] = a * c - b * s;
      x[j + half] = b * c + a * s;
    }
  }
}

const std::vector<float>& BitNetFloatModel::step(int32_t token) {
  const ModelConfig& c = model_.config;
  check_token_id(token, c);
  check_context(position_, c);
  const size_t h = static_cast<size_t>(c.hidden_size),
               inter = static_cast<size_t>(c.intermediate_size);
  const size_t d = static_cast<size_t>(c.head_dim);
  const size_t kv = static_cast<size_t>(c.num_kv_heads) * d;
  const size_t group = static_cast<size_t>(c.num_heads / c.num_kv_heads);
  const size_t positions = static_cast<size_t>(position_) + 1;
  const float scaling = 1.0f / std::sqrt(static_cast<float>(d));
  const uint16_t* row = &model_.embedding[static_cast<size_t>(token) * h];
  for (size_t k = 0; k < h; ++k) x_[k] = bf16_to_float(row[k]);
  scores_.resize(positions);

  for (size_t l = 0; l < model_.bitnet_layers.size(); ++l) {
    const BitNetLayerWeights& w = model_.bitnet_layers[l];
    // Attention: q/k/v share one int8 vector of input_layernorm(x).
    rms_norm(x_.data(), w.input_norm, h_.data());
    float inv_sx = quantize(h_.data(), h);
    ternary(w.q_proj, inv_sx, q_.data());
    ternary(w.k_proj, inv_sx, k_.data());
    ternary(w.v_proj, inv_sx, v_.data());
    rope(q_.data(), c.num_heads);
    rope(k_.data(), c.num_kv_heads);
    if (options_.int8_kv_cache) {
      round_heads_to_int8(k_.data(), c.num_kv_heads);
      round_heads_to_int8(v_.data(), c.num_kv_heads);
    }
    std::vector<float>& kc = k_cache_[l];
    std::vector<float>& vc = v_cache_[l];
    kc.insert(kc.end(), k_.begin(), k_.end());
    vc.insert(vc.end(), v_.begin(), v_.end());
    for (size_t head = 0; head < static_cast<size_t>(c.num_heads); ++head) {
      // repeat_kv: query heads [g * group, (g + 1) * group) read KV head g.
      const size_t g = head / group;
      const float* q = &q_[head * d];
      float max_score = -INFINITY;
      for (size_t t = 0; t < positions; ++t) {
        const float* kt = &kc[t * kv + g * d];
        float dot = 0.0f;
        for (size_t e = 0; e < d; ++e) dot += q[e] * kt[e];
        scores_[t] = dot * scaling;
        max_score = std::max(max_score, scores_[t]);
      }
      float sum = 0.0f;
      for (size_t t = 0; t < positions; ++t) {
        scores_[t] = std::exp(scores_[t] - max_score);
        sum += scores_[t];
      }
      float* o = &attn_[head * d];
      std::fill(o, o + d, 0.0f);
      for (size_t t = 0; t < positions; ++t) {
        const float p = scores_[t] / sum;
        const float* vt = &vc[t * kv + g * d];
        for (size_t e = 0; e < d; ++e) o[e] += p * vt[e];
      }
    }
    rms_norm(attn_.data(), w.attn_sub_norm, h_.data());
    inv_sx = quantize(h_.data(), h);
    ternary(w.o_proj, inv_sx, a_.data());
    for (size_t k = 0; k < h; ++k) x_[k] += a_[k];
    // FFN: gate/up share one int8 vector of post_attention_layernorm(x); ReLU²(gate) * up.
    rms_norm(x_.data(), w.post_attn_norm, h_.data());
    inv_sx = quantize(h_.data(), h);
    ternary(w.gate_proj, inv_sx, gate_.data());
    ternary(w.up_proj, inv_sx, up_.data());
    for (size_t k = 0; k < inter; ++k) {
      const float r = std::max(gate_[k], 0.0f);
      z_[k] = r * r * up_[k];
    }
    rms_norm(z_.data(), w.ffn_sub_norm, y_.data());
    inv_sx = quantize(y_.data(), inter);
    ternary(w.down_proj, inv_sx, a_.data());
    for (size_t k = 0; k < h; ++k) x_[k] += a_[k];
  }
  // Final norm, then the head tied to the bf16 embedding (full precision, not ternary).
  rms_norm(x_.data(), model_.final_norm, h_.data());
  for (size_t r = 0; r < static_cast<size_t>(c.vocab_size); ++r) {
    float dot = 0.0f;
    if (options_.int8_head) {
      const float* e = &head_rows_[r * h];
      for (size_t k = 0; k < h; ++k) dot += h_[k] * e[k];
    } else {
      const uint16_t* e = &model_.embedding[r * h];
      for (size_t k = 0; k < h; ++k) dot += h_[k] * bf16_to_float(e[k]);
    }
    logits_[r] = dot;
  }
  ++position_;
  return logits_;
}

}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Fixed-point reference implementation of one BitNet b1.58 decode step.
#include "mmf/bitnet_fixed_model.hpp"

#include <algorithm>

#include "mmf/error.hpp"
#include "mmf/fixed_units.hpp"
#include "mmf/ternary_matvec.hpp"

namespace mmf {

BitNetFixedModel::BitNetFixedModel(const Model& model)
    : model_(model), params_(compile_bitnet_fixed_params(model)) {
  const ModelConfig& c = model.config;
  const size_t h = static_cast<size_t>(c.hidden_size), i = static_cast<size_t>(c.intermediate_size);
  const size_t v = static_cast<size_t>(c.vocab_size), d = static_cast<size_t>(c.head_dim);
  const size_t kv = static_cast<size_t>(c.num_kv_heads);
  const size_t ctx = static_cast<size_t>(c.max_position_embeddings);
  const size_t layers = static_cast<size_t>(c.num_layers);
  k_codes_.assign(layers * ctx * kv * d, 0);
  v_codes_.assign(layers * ctx * kv * d, 0);
  k_amax_.assign(layers * kv * ctx, 0);
  v_amax_.assign(layers * kv * ctx, 0);
  for (auto* vec : {&x_, &q_, &attn_, &a_}) vec->assign(h, 0);
  for (auto* vec : {&k_, &v_}) vec->assign(kv * d, 0);
  for (auto* vec : {&gate_, &up_, &square_, &z_}) vec->assign(i, 0);
  acc_.assign(std::max(h, i), 0);
  codes_.assign(std::max(h, i), 0);
  q_codes_.assign(d, 0);
  cos_.assign(d / 2, 0);
  sin_.assign(d / 2, 0);
  scores_.assign(ctx, 0);
  weights_.assign(ctx, 0);
  logits_q16_.assign(v, 0);
  logits_.assign(v, 0.0f);
}

void BitNetFixedModel::reset() {
  position_ = 0;  // entries past the position are never read
}

fx::Scaled BitNetFixedModel::quantize(const int32_t* p, const FixedBitLinear& bl, int64_t n) {
  return fx::quantize_activations(p, nullptr, bl.w_code.data(), n, codes_.data()).token_scale;
}

void BitNetFixedModel::project(const FixedBitLinear& bl, fx::Scaled token_scale, int32_t* out) {
  const TernaryTensor& w = *bl.weight;
  ternary_matvec(w, codes_.data(), acc_.data(), 0, w.rows);
  fx::rescale(acc_.data(), w.rows, fx::combine_scales(token_scale, bl.constant), out);
}

const std::vector<float>& BitNetFixedModel::step(int32_t token) {
  const ModelConfig& c = model_.config;
  check_token_id(token, c);
  if (position_ >= c.max_position_embeddings) {
    throw Error("model '" + c.name + "': the context of " +
                std::to_string(c.max_position_embeddings) +
                " positions (max_position_embeddings) is full");
  }
  const int64_t h = c.hidden_size, inter = c.intermediate_size, d = c.head_dim, half = d / 2;
  const int64_t kv = c.num_kv_heads, ctx = c.max_position_embeddings;
  const int64_t group = c.num_heads / c.num_kv_heads, pos = position_;
  const uint16_t* row = &model_.embedding[static_cast<size_t>(token * h)];
  for (int64_t k = 0; k < h; ++k) x_[k] = fx::bf16_to_q16(row[k]);
  fx::rope_angles(params_.rope_lo_cos.data(), params_.rope_lo_sin.data(),
                  params_.rope_hi_cos.data(), params_.rope_hi_sin.data(), half, pos, cos_.data(),
                  sin_.data());

  for (size_t l = 0; l < params_.layers.size(); ++l) {
    const FixedBitNetLayer& w = params_.layers[l];
    // q/k/v from one quantization of x (input_layernorm's weight as code weight).
    fx::Scaled t = quantize(x_.data(), w.q_proj, h);
    project(w.q_proj, t, q_.data());
    project(w.k_proj, t, k_.data());
    project(w.v_proj, t, v_.data());
    fx::rope(q_.data(), c.num_heads, half, cos_.data(), sin_.data());
    fx::rope(k_.data(), kv, half, cos_.data(), sin_.data());
    // Append this position's K and V: int8 codes and a Q16 absmax per KV head.
    int8_t* k_codes = &k_codes_[static_cast<size_t>(l) * ctx * kv * d];
    int8_t* v_codes = &v_codes_[static_cast<size_t>(l) * ctx * kv * d];
    uint32_t* k_amax = &k_amax_[static_cast<size_t>(l) * kv * ctx];
    uint32_t* v_amax = &v_amax_[static_cast<size_t>(l) * kv * ctx];
    for (int64_t g = 0; g < kv; ++g) {
      k_amax[g * ctx + pos] = fx::quantize_head(&k_[g * d], d, &k_codes[(pos * kv + g) * d]);
      v_amax[g * ctx + pos] = fx::quantize_head(&v_[g * d], d, &v_codes[(pos * kv + g) * d]);
    }
    for (int64_t head = 0; head < c.num_heads; ++head) {
      const int64_t g = head / group;  // repeat_kv
      const uint32_t q_amax = fx::quantize_head(&q_[head * d], d, q_codes_.data());
      fx::attention_head(q_codes_.data(), q_amax, &k_codes[g * d], &k_amax[g * ctx],
                         &v_codes[g * d], &v_amax[g * ctx], pos + 1, d, kv * d,
                         params_.score_constant, scores_.data(), weights_.data(), &attn_[head * d]);
    }
    t = quantize(attn_.data(), w.o_proj, h);  // attn_sub_norm's weight
    project(w.o_proj, t, a_.data());
    fx::residual_add(x_.data(), a_.data(), h);
    t = quantize(x_.data(), w.gate_proj, h);  // post_attention_layernorm's weight
    project(w.gate_proj, t, gate_.data());
    project(w.up_proj, t, up_.data());
    fx::relu2_glu(gate_.data(), up_.data(), inter, square_.data(), z_.data());
    t = quantize(z_.data(), w.down_proj, inter);  // ffn_sub_norm's weight
    project(w.down_proj, t, a_.data());
    fx::residual_add(x_.data(), a_.data(), h);
  }
  const fx::Quantized head =
      fx::quantize_activations(x_.data(), nullptr, params_.head_w_code.data(), h, codes_.data());
  fx::head_logits(codes_.data(), params_.head_codes.data(), params_.head_constants.data(),
                  c.vocab_size, h, head.token_scale, logits_q16_.data());
  for (size_t k = 0; k < logits_.size(); ++k) {
    logits_[k] = static_cast<float>(logits_q16_[k]) / static_cast<float>(fx::kOne);
  }
  ++position_;
  return logits_;
}

}  // namespace mmf

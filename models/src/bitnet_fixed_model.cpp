// SPDX-License-Identifier: Apache-2.0
// Fixed-point reference implementation of one BitNet b1.58 decode step.
#include "mmf/bitnet_fixed_model.hpp"

#include <algorithm>
#include <random>

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

int64_t bitnet_kv_bytes_per_position(const ModelConfig& c) {
  return c.num_layers * 2 * c.num_kv_heads * (c.head_dim + static_cast<int64_t>(sizeof(uint32_t)));
}

void generate_context_fill(
    const ModelConfig& c, int64_t positions, uint64_t seed,
    const std::function<void(int64_t layer, int64_t position, const FilledPosition&)>& sink) {
  std::mt19937_64 rng(seed);
  const auto values = static_cast<size_t>(c.num_kv_heads * c.head_dim);
  const auto heads = static_cast<size_t>(c.num_kv_heads);
  std::vector<int8_t> k(values), v(values);
  std::vector<uint32_t> k_amax(heads), v_amax(heads);
  for (int64_t l = 0; l < c.num_layers; ++l) {
    for (int64_t t = 0; t < positions; ++t) {
      for (size_t e = 0; e < values; ++e) {
        const uint64_t bits = rng();
        k[e] = static_cast<int8_t>(static_cast<int>(bits % 255) - 127);
        v[e] = static_cast<int8_t>(static_cast<int>((bits >> 8) % 255) - 127);
      }
      for (size_t g = 0; g < heads; ++g) {
        k_amax[g] = static_cast<uint32_t>(rng() % (4u << 16)) + 1;
        v_amax[g] = static_cast<uint32_t>(rng() % (4u << 16)) + 1;
      }
      sink(l, t, FilledPosition{k.data(), v.data(), k_amax.data(), v_amax.data()});
    }
  }
}

void BitNetFixedModel::fill_context(int64_t positions, uint64_t seed) {
  const ModelConfig& c = model_.config;
  if (positions < 0 || positions >= c.max_position_embeddings) {
    throw Error("--context-fill " + std::to_string(positions) + ": expected 0 to " +
                std::to_string(c.max_position_embeddings - 1) + " (the model's context of " +
                std::to_string(c.max_position_embeddings) + " positions, one left to decode)");
  }
  const int64_t kv = c.num_kv_heads, d = c.head_dim, ctx = c.max_position_embeddings;
  generate_context_fill(c, positions, seed, [&](int64_t l, int64_t t, const FilledPosition& f) {
    const auto at = static_cast<size_t>((l * ctx + t) * kv * d);
    std::copy_n(f.k_codes, kv * d, &k_codes_[at]);
    std::copy_n(f.v_codes, kv * d, &v_codes_[at]);
    for (int64_t g = 0; g < kv; ++g) {
      const auto a = static_cast<size_t>((l * kv + g) * ctx + t);
      k_amax_[a] = f.k_amax[g];
      v_amax_[a] = f.v_amax[g];
    }
  });
  position_ = positions;
}

fx::Scaled BitNetFixedModel::quantize(const int32_t* p, const std::vector<int16_t>& w_code,
                                      int64_t n) {
  const fx::Scaled t =
      fx::quantize_activations(p, nullptr, w_code.data(), n, codes_.data()).token_scale;
  codes_ready(n);
  return t;
}

void BitNetFixedModel::project(std::initializer_list<Projection> projections,
                               fx::Scaled token_scale) {
  for (const Projection& p : projections) {
    const TernaryTensor& w = *p.bl->weight;
    ternary_matvec(w, codes_.data(), acc_.data(), 0, w.rows);
    fx::rescale(acc_.data(), w.rows, fx::combine_scales(token_scale, p.bl->constant), p.out);
  }
}

void BitNetFixedModel::attention(size_t layer) {
  const ModelConfig& c = model_.config;
  const int64_t d = c.head_dim, kv = c.num_kv_heads, ctx = c.max_position_embeddings;
  const int64_t group = c.num_heads / c.num_kv_heads;
  const size_t codes_at = layer * static_cast<size_t>(ctx * kv * d);
  const size_t amax_at = layer * static_cast<size_t>(kv * ctx);
  for (int64_t head = 0; head < c.num_heads; ++head) {
    const int64_t g = head / group;  // repeat_kv: query heads [g * group, (g + 1) * group)
    const uint32_t q_amax =
        fx::quantize_head(&q_[static_cast<size_t>(head * d)], d, q_codes_.data());
    fx::attention_head(q_codes_.data(), q_amax, &k_codes_[codes_at + g * d],
                       &k_amax_[amax_at + g * ctx], &v_codes_[codes_at + g * d],
                       &v_amax_[amax_at + g * ctx], position_ + 1, d, kv * d,
                       params_.score_constant, scores_.data(), weights_.data(),
                       &attn_[static_cast<size_t>(head * d)]);
  }
}

void BitNetFixedModel::head(fx::Scaled token_scale) {
  const ModelConfig& c = model_.config;
  fx::head_logits(codes_.data(), params_.head_codes.data(), params_.head_constants.data(),
                  c.vocab_size, c.hidden_size, token_scale, logits_q16_.data());
}

const std::vector<float>& BitNetFixedModel::step(int32_t token) {
  const ModelConfig& c = model_.config;
  check_token_id(token, c);
  check_context(position_, c);
  const int64_t h = c.hidden_size, inter = c.intermediate_size, d = c.head_dim, half = d / 2;
  const int64_t kv = c.num_kv_heads, ctx = c.max_position_embeddings, pos = position_;
  const uint16_t* row = &model_.embedding[static_cast<size_t>(token * h)];
  for (int64_t k = 0; k < h; ++k) x_[static_cast<size_t>(k)] = fx::bf16_to_q16(row[k]);
  fx::rope_angles(params_.rope_lo_cos.data(), params_.rope_lo_sin.data(),
                  params_.rope_hi_cos.data(), params_.rope_hi_sin.data(), half, pos, cos_.data(),
                  sin_.data());

  for (size_t l = 0; l < params_.layers.size(); ++l) {
    const FixedBitNetLayer& w = params_.layers[l];
    // q/k/v from one quantization of x (input_layernorm's weight as code weight).
    fx::Scaled t = quantize(x_.data(), w.q_proj.w_code, h);
    project({{&w.q_proj, q_.data()}, {&w.k_proj, k_.data()}, {&w.v_proj, v_.data()}}, t);
    fx::rope(q_.data(), c.num_heads, half, cos_.data(), sin_.data());
    fx::rope(k_.data(), kv, half, cos_.data(), sin_.data());
    // Append this position's K and V: int8 codes and a Q16 absmax per KV head.
    const size_t codes_at = l * static_cast<size_t>(ctx * kv * d);
    const size_t amax_at = l * static_cast<size_t>(kv * ctx);
    for (int64_t g = 0; g < kv; ++g) {
      const size_t entry = codes_at + static_cast<size_t>((pos * kv + g) * d);
      k_amax_[amax_at + g * ctx + pos] = fx::quantize_head(&k_[g * d], d, &k_codes_[entry]);
      v_amax_[amax_at + g * ctx + pos] = fx::quantize_head(&v_[g * d], d, &v_codes_[entry]);
    }
    attention(l);
    t = quantize(attn_.data(), w.o_proj.w_code, h);  // attn_sub_norm's weight
    project({{&w.o_proj, a_.data()}}, t);
    fx::residual_add(x_.data(), a_.data(), h);
    t = quantize(x_.data(), w.gate_proj.w_code, h);  // post_attention_layernorm's weight
    project({{&w.gate_proj, gate_.data()}, {&w.up_proj, up_.data()}}, t);
    fx::relu2_glu(gate_.data(), up_.data(), inter, square_.data(), z_.data());
    t = quantize(z_.data(), w.down_proj.w_code, inter);  // ffn_sub_norm's weight
    project({{&w.down_proj, a_.data()}}, t);
    fx::residual_add(x_.data(), a_.data(), h);
  }
  head(quantize(x_.data(), params_.head_w_code, h));  // the final norm's weight
  for (size_t k = 0; k < logits_.size(); ++k) {
    logits_[k] = static_cast<float>(logits_q16_[k]) / static_cast<float>(fx::kOne);
  }
  ++position_;
  return logits_;
}

}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// BitNet b1.58 decode step on the cpu kernels and the thread pool (bitnet_cpu_model.hpp).
#include "mmf/host/backends/cpu/bitnet_cpu_model.hpp"

#include <algorithm>
#include <array>
#include <random>

#include "mmf/error.hpp"
#include "mmf/fixed_units.hpp"
#include "mmf/host/backends/cpu/int8_kernels.hpp"

namespace mmf::host {
namespace {

// Rows handed to one share at least: a few cache lines of weights each.
constexpr int64_t kRowGrain = 64;

}  // namespace

BitNetCpuModel::BitNetCpuModel(const Model& model, cpu::ThreadPool& pool,
                               std::optional<cpu::Isa> isa)
    : model_(model),
      pool_(pool),
      isa_(cpu::usable_isa(isa, "--isa")),
      params_(compile_bitnet_fixed_params(model)) {
  const ModelConfig& c = model.config;
  const size_t h = static_cast<size_t>(c.hidden_size), i = static_cast<size_t>(c.intermediate_size);
  const size_t v = static_cast<size_t>(c.vocab_size), d = static_cast<size_t>(c.head_dim);
  const size_t kv = static_cast<size_t>(c.num_kv_heads), heads = static_cast<size_t>(c.num_heads);
  const size_t ctx = static_cast<size_t>(c.max_position_embeddings);
  const size_t layers = static_cast<size_t>(c.num_layers);
  k_codes_.assign(layers * ctx * kv * d, 0);
  v_codes_.assign(layers * ctx * kv * d, 0);
  k_amax_.assign(layers * kv * ctx, 0);
  v_amax_.assign(layers * kv * ctx, 0);
  for (auto* vec : {&x_, &q_, &attn_, &a_}) vec->assign(h, 0);
  for (auto* vec : {&k_, &v_}) vec->assign(kv * d, 0);
  for (auto* vec : {&gate_, &up_, &square_, &z_}) vec->assign(i, 0);
  codes_.assign(std::max(h, i), 0);
  cos_.assign(d / 2, 0);
  sin_.assign(d / 2, 0);
  scores_.assign(heads * ctx, 0);
  weights_.assign(heads * ctx, 0);
  q_codes_.assign(heads * d, 0);
  logits_q16_.assign(v, 0);
  logits_.assign(v, 0.0f);
  // The longest vector a projection reads, so that prepare() never allocates during a token.
  prepared_.prepare(isa_, model.packing, codes_.data(), static_cast<int64_t>(std::max(h, i)));
}

void BitNetCpuModel::reset() {
  position_ = 0;
}

int64_t BitNetCpuModel::kv_bytes_per_position() const {
  const ModelConfig& c = model_.config;
  return c.num_layers * 2 * c.num_kv_heads * (c.head_dim + 4);
}

void BitNetCpuModel::fill_context(int64_t positions, uint64_t seed) {
  const ModelConfig& c = model_.config;
  if (positions < 0 || positions >= c.max_position_embeddings) {
    throw Error("--context " + std::to_string(positions) + ": expected 0 to " +
                std::to_string(c.max_position_embeddings - 1) + " (the model's context of " +
                std::to_string(c.max_position_embeddings) + " positions, one left to decode)");
  }
  std::mt19937_64 rng(seed);
  const int64_t kv = c.num_kv_heads, d = c.head_dim, ctx = c.max_position_embeddings;
  for (int64_t l = 0; l < c.num_layers; ++l) {
    for (int64_t t = 0; t < positions; ++t) {
      for (int64_t e = 0; e < kv * d; ++e) {
        const size_t at = static_cast<size_t>((l * ctx + t) * kv * d + e);
        const uint64_t bits = rng();
        k_codes_[at] = static_cast<int8_t>(static_cast<int>(bits % 255) - 127);
        v_codes_[at] = static_cast<int8_t>(static_cast<int>((bits >> 8) % 255) - 127);
      }
      for (int64_t g = 0; g < kv; ++g) {
        const size_t at = static_cast<size_t>((l * kv + g) * ctx + t);
        k_amax_[at] = static_cast<uint32_t>(rng() % (4u << 16)) + 1;
        v_amax_[at] = static_cast<uint32_t>(rng() % (4u << 16)) + 1;
      }
    }
  }
  position_ = positions;
}

fx::Scaled BitNetCpuModel::quantize(const int32_t* p, const FixedBitLinear& bl, int64_t n) {
  const fx::Scaled t =
      fx::quantize_activations(p, nullptr, bl.w_code.data(), n, codes_.data()).token_scale;
  prepared_.prepare(isa_, model_.packing, codes_.data(), n);
  return t;
}

void BitNetCpuModel::project(std::initializer_list<Projection> projections,
                             fx::Scaled token_scale) {
  // The projections of one input (q/k/v, gate/up) share the prepared codes and run as one
  // parallel loop over their rows laid end to end: one wait for the pool instead of one each.
  struct Part {
    cpu::TernaryRows rows;
    fx::Scaled scale;
    int32_t* out;
    int64_t first;  // its first row in the joint range
  };
  std::array<Part, 3> parts{};
  size_t count = 0;
  int64_t total = 0;
  for (const Projection& p : projections) {
    const TernaryTensor& w = *p.bl->weight;
    parts[count++] =
        Part{cpu::TernaryRows{w.packed.data(), w.row_bytes(), w.rows, w.cols, w.packing},
             fx::combine_scales(token_scale, p.bl->constant), p.out, total};
    total += w.rows;
  }
  auto job = [&](int64_t begin, int64_t end) {
    for (size_t k = 0; k < count; ++k) {
      const Part& part = parts[k];
      const int64_t b = std::max(begin, part.first) - part.first;
      const int64_t e = std::min(end, part.first + part.rows.rows) - part.first;
      if (b >= e) continue;
      cpu::ternary_matvec(part.rows, prepared_, b, e, part.out + b);
      for (int64_t r = b; r < e; ++r) part.out[r] = fx::apply_scale(part.out[r], part.scale);
    }
  };
  pool_.parallel_for(total, kRowGrain, job);
}

void BitNetCpuModel::attention(size_t layer) {
  const ModelConfig& c = model_.config;
  const int64_t d = c.head_dim, kv = c.num_kv_heads, ctx = c.max_position_embeddings;
  const int64_t group = c.num_heads / c.num_kv_heads, positions = position_ + 1;
  const int8_t* k_codes = &k_codes_[layer * static_cast<size_t>(ctx * kv * d)];
  const int8_t* v_codes = &v_codes_[layer * static_cast<size_t>(ctx * kv * d)];
  const uint32_t* k_amax = &k_amax_[layer * static_cast<size_t>(kv * ctx)];
  const uint32_t* v_amax = &v_amax_[layer * static_cast<size_t>(kv * ctx)];
  auto job = [&](int64_t begin, int64_t end) {
    for (int64_t head = begin; head < end; ++head) {
      const int64_t g = head / group;  // repeat_kv
      int8_t* q = &q_codes_[static_cast<size_t>(head * d)];
      const uint32_t q_amax = fx::quantize_head(&q_[static_cast<size_t>(head * d)], d, q);
      fx::attention_head(
          q, q_amax, &k_codes[g * d], &k_amax[g * ctx], &v_codes[g * d], &v_amax[g * ctx],
          positions, d, kv * d, params_.score_constant, &scores_[static_cast<size_t>(head * ctx)],
          &weights_[static_cast<size_t>(head * ctx)], &attn_[static_cast<size_t>(head * d)]);
    }
  };
  pool_.parallel_for(c.num_heads, 1, job);
}

void BitNetCpuModel::head(fx::Scaled token_scale) {
  const ModelConfig& c = model_.config;
  const int64_t h = c.hidden_size;
  auto job = [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int32_t acc =
          cpu::int8_dot(isa_, codes_.data(), &params_.head_codes[static_cast<size_t>(r * h)], h);
      logits_q16_[static_cast<size_t>(r)] = fx::apply_scale(
          acc, fx::combine_scales(token_scale, params_.head_constants[static_cast<size_t>(r)]));
    }
  };
  pool_.parallel_for(c.vocab_size, kRowGrain, job);
}

const std::vector<float>& BitNetCpuModel::step(int32_t token) {
  const ModelConfig& c = model_.config;
  check_token_id(token, c);
  if (position_ >= c.max_position_embeddings) {
    throw Error("model '" + c.name + "': the context of " +
                std::to_string(c.max_position_embeddings) +
                " positions (max_position_embeddings) is full");
  }
  const int64_t h = c.hidden_size, inter = c.intermediate_size, d = c.head_dim, half = d / 2;
  const int64_t kv = c.num_kv_heads, ctx = c.max_position_embeddings, pos = position_;
  const uint16_t* row = &model_.embedding[static_cast<size_t>(token * h)];
  for (int64_t k = 0; k < h; ++k) x_[static_cast<size_t>(k)] = fx::bf16_to_q16(row[k]);
  fx::rope_angles(params_.rope_lo_cos.data(), params_.rope_lo_sin.data(),
                  params_.rope_hi_cos.data(), params_.rope_hi_sin.data(), half, pos, cos_.data(),
                  sin_.data());
  for (size_t l = 0; l < params_.layers.size(); ++l) {
    const FixedBitNetLayer& w = params_.layers[l];
    fx::Scaled t = quantize(x_.data(), w.q_proj, h);
    project({{&w.q_proj, q_.data()}, {&w.k_proj, k_.data()}, {&w.v_proj, v_.data()}}, t);
    fx::rope(q_.data(), c.num_heads, half, cos_.data(), sin_.data());
    fx::rope(k_.data(), kv, half, cos_.data(), sin_.data());
    int8_t* k_codes = &k_codes_[l * static_cast<size_t>(ctx * kv * d)];
    int8_t* v_codes = &v_codes_[l * static_cast<size_t>(ctx * kv * d)];
    uint32_t* k_amax = &k_amax_[l * static_cast<size_t>(kv * ctx)];
    uint32_t* v_amax = &v_amax_[l * static_cast<size_t>(kv * ctx)];
    for (int64_t g = 0; g < kv; ++g) {
      k_amax[g * ctx + pos] =
          fx::quantize_head(&k_[static_cast<size_t>(g * d)], d, &k_codes[(pos * kv + g) * d]);
      v_amax[g * ctx + pos] =
          fx::quantize_head(&v_[static_cast<size_t>(g * d)], d, &v_codes[(pos * kv + g) * d]);
    }
    attention(l);
    t = quantize(attn_.data(), w.o_proj, h);
    project({{&w.o_proj, a_.data()}}, t);
    fx::residual_add(x_.data(), a_.data(), h);
    t = quantize(x_.data(), w.gate_proj, h);
    project({{&w.gate_proj, gate_.data()}, {&w.up_proj, up_.data()}}, t);
    fx::relu2_glu(gate_.data(), up_.data(), inter, square_.data(), z_.data());
    t = quantize(z_.data(), w.down_proj, inter);
    project({{&w.down_proj, a_.data()}}, t);
    fx::residual_add(x_.data(), a_.data(), h);
  }
  const fx::Quantized q =
      fx::quantize_activations(x_.data(), nullptr, params_.head_w_code.data(), h, codes_.data());
  head(q.token_scale);
  for (size_t k = 0; k < logits_.size(); ++k) {
    logits_[k] = static_cast<float>(logits_q16_[k]) / static_cast<float>(fx::kOne);
  }
  ++position_;
  return logits_;
}

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// BitNet b1.58's heavy parts on the cpu kernels and the thread pool (bitnet_cpu_model.hpp).
#include "mmf/host/backends/cpu/bitnet_cpu_model.hpp"

#include <algorithm>
#include <array>

#include "mmf/fixed_units.hpp"
#include "mmf/host/backends/cpu/int8_kernels.hpp"

namespace mmf::host {
namespace {

// Rows handed to one share at least: a few cache lines of weights each.
constexpr int64_t kRowGrain = 64;

}  // namespace

BitNetCpuModel::BitNetCpuModel(const Model& model, cpu::ThreadPool& pool,
                               std::optional<cpu::Isa> isa)
    : BitNetFixedModel(model), pool_(pool), isa_(cpu::usable_isa(isa, "--isa")) {
  const ModelConfig& c = model.config;
  const size_t heads = static_cast<size_t>(c.num_heads), d = static_cast<size_t>(c.head_dim);
  const size_t ctx = static_cast<size_t>(c.max_position_embeddings);
  scores_.assign(heads * ctx, 0);
  weights_.assign(heads * ctx, 0);
  q_codes_.assign(heads * d, 0);
  // The longest vector a projection reads, so that prepare() never allocates during a token.
  prepared_.prepare(isa_, model.packing, codes_.data(), static_cast<int64_t>(codes_.size()));
}

void BitNetCpuModel::codes_ready(int64_t n) {
  prepared_.prepare(isa_, model_.packing, codes_.data(), n);
}

void BitNetCpuModel::project(std::initializer_list<Projection> projections,
                             fx::Scaled token_scale) {
  // The projections of one input share the prepared codes and run as one parallel loop over
  // their rows laid end to end: one wait for the pool instead of one each.
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
    parts.at(count++) =
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
  const int64_t group = c.num_heads / c.num_kv_heads;
  const int8_t* k_codes = &k_codes_[layer * static_cast<size_t>(ctx * kv * d)];
  const int8_t* v_codes = &v_codes_[layer * static_cast<size_t>(ctx * kv * d)];
  const uint32_t* k_amax = &k_amax_[layer * static_cast<size_t>(kv * ctx)];
  const uint32_t* v_amax = &v_amax_[layer * static_cast<size_t>(kv * ctx)];
  auto job = [&](int64_t begin, int64_t end) {
    for (int64_t head = begin; head < end; ++head) {
      const int64_t g = head / group;  // repeat_kv
      int8_t* q = &q_codes_[static_cast<size_t>(head * d)];
      const uint32_t q_amax = fx::quantize_head(&q_[static_cast<size_t>(head * d)], d, q);
      fx::attention_head(q, q_amax, &k_codes[g * d], &k_amax[g * ctx], &v_codes[g * d],
                         &v_amax[g * ctx], position_ + 1, d, kv * d, params_.score_constant,
                         &scores_[static_cast<size_t>(head * ctx)],
                         &weights_[static_cast<size_t>(head * ctx)],
                         &attn_[static_cast<size_t>(head * d)], cpu::attention_dot_kernel(isa_),
                         cpu::attention_row_kernel(isa_));
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

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// BitNet b1.58 on the cpu backend: the fixed-point golden model's step (bitnet_fixed_model.hpp)
// with its heavy parts on the cpu kernels and the thread pool. The seven ternary projections run
// the SIMD matvec kernels (ternary_kernels.hpp) split by rows, attention splits by query head,
// the int8 head by rows (int8_kernels.hpp); the vector units (quantizer, RoPE, KV append, ReLU²,
// residual) are the golden units. Bit-exact with BitNetFixedModel: its Q16 logits, every step.
// The KV cache and every buffer are allocated when the model is made; a token allocates nothing.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include "mmf/bitnet_fixed_model.hpp"
#include "mmf/host/backends/cpu/ternary_kernels.hpp"
#include "mmf/host/backends/cpu/thread_pool.hpp"
#include "mmf/language_model.hpp"

namespace mmf::host {

class BitNetCpuModel final : public LanguageModel {
 public:
  // Keeps references: `model` and `pool` must outlive this object. `isa` none: the best this
  // CPU runs.
  BitNetCpuModel(const Model& model, cpu::ThreadPool& pool, std::optional<cpu::Isa> isa);
  void reset() override;
  // Throws mmf::Error naming the limit once the context is full.
  const std::vector<float>& step(int32_t token) override;
  const std::vector<int32_t>& logits_q16() const { return logits_q16_; }
  int64_t position() const { return position_; }
  cpu::Isa isa() const { return isa_; }

  // Starts the context at `positions` cached positions whose K and V entries are deterministic
  // pseudo-random codes and scales (seeded), not the model's: for measuring decode at a long
  // context without running its prefill. Throws mmf::Error past the context.
  void fill_context(int64_t positions, uint64_t seed);
  // Bytes the cache holds per position of context: codes plus 4-byte scales, K and V, all layers.
  int64_t kv_bytes_per_position() const;

 private:
  fx::Scaled quantize(const int32_t* p, const FixedBitLinear& bl, int64_t n);
  // Up to three projections of the prepared codes (one input), rows split over the pool.
  struct Projection {
    const FixedBitLinear* bl;
    int32_t* out;
  };
  void project(std::initializer_list<Projection> projections, fx::Scaled token_scale);
  void attention(size_t layer);
  void head(fx::Scaled token_scale);

  const Model& model_;
  cpu::ThreadPool& pool_;
  cpu::Isa isa_;
  FixedBitNetParams params_;
  cpu::PreparedCodes prepared_;
  int64_t position_ = 0;
  // KV cache as in BitNetFixedModel: codes [layer][position][kv_heads * head_dim], scales
  // [layer][kv_head][position].
  std::vector<int8_t> k_codes_, v_codes_;
  std::vector<uint32_t> k_amax_, v_amax_;
  std::vector<int32_t> x_, q_, k_, v_, attn_, a_, gate_, up_, square_, z_, logits_q16_;
  std::vector<int32_t> cos_, sin_;
  // Attention scratch per query head (heads run in parallel): scores, weights, query codes.
  std::vector<int32_t> scores_;
  std::vector<uint32_t> weights_;
  std::vector<int8_t> q_codes_;
  std::vector<int8_t> codes_;
  std::vector<float> logits_;
};

}  // namespace mmf::host

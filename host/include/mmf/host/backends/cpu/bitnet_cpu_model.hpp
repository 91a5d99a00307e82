// SPDX-License-Identifier: Apache-2.0
// BitNet b1.58 on the cpu backend: the golden model's decode step (BitNetFixedModel) with its
// heavy parts on the cpu kernels and the thread pool. The ternary projections of one input run
// the SIMD matvec kernels (ternary_kernels.hpp) as one loop over their rows split across the
// pool; attention splits by query head, its inner loops on the int8 kernels; the int8 head by
// rows (int8_kernels.hpp). The step itself
// and the vector units are the golden model's. Bit-exact with BitNetFixedModel: its Q16 logits,
// every step. Every buffer is allocated when the model is made; a token allocates nothing.
#pragma once

#include <optional>
#include <vector>

#include "mmf/bitnet_fixed_model.hpp"
#include "mmf/host/backends/cpu/ternary_kernels.hpp"
#include "mmf/host/backends/cpu/thread_pool.hpp"

namespace mmf::host {

class BitNetCpuModel final : public BitNetFixedModel {
 public:
  // Keeps references: `model` and `pool` must outlive this object. `isa` none: the best this
  // CPU runs.
  BitNetCpuModel(const Model& model, cpu::ThreadPool& pool, std::optional<cpu::Isa> isa);
  cpu::Isa isa() const { return isa_; }

 private:
  void project(std::initializer_list<Projection> projections, fx::Scaled token_scale) override;
  void attention(size_t layer) override;
  void head(fx::Scaled token_scale) override;
  void codes_ready(int64_t n) override;

  cpu::ThreadPool& pool_;
  cpu::Isa isa_;
  cpu::PreparedCodes prepared_;
  // Attention scratch per query head (heads run in parallel): scores, weights, query codes.
  std::vector<int32_t> scores_;
  std::vector<uint32_t> weights_;
  std::vector<int8_t> q_codes_;
};

}  // namespace mmf::host

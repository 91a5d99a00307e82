// SPDX-License-Identifier: Apache-2.0
// BitNet on the cpu backend (BitNetCpuModel): every step's Q16 logits equal the fixed-point
// golden model's (BitNetFixedModel), for each instruction set, thread count and packing, on a
// ragged model (sizes that are multiples of no SIMD width); and the context it fills for benches.
#include <ostream>
#include <random>
#include <sstream>

#include "common/bitnet_checkpoint.hpp"
#include "common/checks.hpp"
#include "mmf/bitnet_fixed_model.hpp"
#include "mmf/error.hpp"
#include "mmf/host/backends/cpu/bitnet_cpu_model.hpp"
#include "mmf/host/backends/cpu/int8_kernels.hpp"

namespace mmf::host {
namespace {

// Vocab 301, hidden 90 (9 heads of 10, 3 KV heads: GQA 3:1), intermediate 170, 2 layers,
// context 40.
ModelConfig ragged_bitnet_config() {
  ModelConfig c = test::small_bitnet_config();
  c.name = "ragged-bitnet";
  c.vocab_size = 301;
  c.hidden_size = 90;
  c.num_heads = 9;
  c.num_kv_heads = 3;
  c.head_dim = 10;
  c.intermediate_size = 170;
  c.max_position_embeddings = 40;
  c.bos_token_id = 1;
  c.eos_token_id = 2;
  return c;
}

struct Case {
  cpu::Isa isa;
  int threads;
  Packing packing;
  friend std::ostream& operator<<(std::ostream& os, const Case& c) {
    return os << cpu::isa_name(c.isa) << "_" << c.threads << "threads_"
              << (c.packing == Packing::two_bit ? "2bit" : "5trit");
  }
};

class BitNetCpuModelCases : public ::testing::TestWithParam<Case> {};

TEST_P(BitNetCpuModelCases, EveryStepsLogitsAreTheGoldenModels) {
  if (!cpu::isa_supported(GetParam().isa)) {
    GTEST_SKIP() << "this CPU lacks " << cpu::isa_name(GetParam().isa);
  }
  const Model m = make_random_model(ragged_bitnet_config(), 11, GetParam().packing);
  cpu::ThreadPool pool(GetParam().threads);
  BitNetCpuModel engine(m, pool, GetParam().isa);
  BitNetFixedModel golden(m);
  MMF_EXPECT_TRUE(engine.isa() == GetParam().isa);
  int32_t token = 1;
  for (int round = 0; round < 2; ++round) {  // the second after reset()
    for (int64_t t = 0; t < m.config.max_position_embeddings; ++t) {
      engine.step(token);
      golden.step(token);
      MMF_ASSERT_EQ(engine.logits_q16(), golden.logits_q16()) << "position " << t;
      token = static_cast<int32_t>((token * 37 + 11) % m.config.vocab_size);
    }
    MMF_EXPECT_ERROR(engine.step(token), "context of 40 positions", "full");
    engine.reset();
    golden.reset();
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, BitNetCpuModelCases,
                         ::testing::Values(Case{cpu::Isa::scalar, 1, Packing::two_bit},
                                           Case{cpu::Isa::avx2, 2, Packing::two_bit},
                                           Case{cpu::Isa::avx2, 1, Packing::five_trit},
                                           Case{cpu::Isa::avx512, 2, Packing::two_bit},
                                           Case{cpu::Isa::avx512, 3, Packing::five_trit}),
                         [](const auto& param_info) {
                           std::ostringstream s;
                           s << param_info.param;
                           return s.str();
                         });

// The attention unit with the cpu kernels' inner loops gives the golden unit's outputs, for long
// contexts and head widths with tails (the model test above reaches 40 positions only).
TEST(BitNetCpuModel, AttentionOnTheKernelsIsTheGoldenUnit) {
  if (!cpu::isa_supported(cpu::Isa::avx2)) GTEST_SKIP() << "this CPU lacks avx2";
  std::mt19937_64 rng(5);
  for (int64_t d : {10, 64, 128}) {
    for (int64_t positions : {1, 17, 300, 4096}) {
      const int64_t stride = 2 * d;
      std::vector<int8_t> q(static_cast<size_t>(d)), k(static_cast<size_t>(positions * stride)),
          v(k.size());
      for (auto* vec : {&q, &k, &v}) {
        for (auto& x : *vec) x = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
      }
      std::vector<uint32_t> k_amax(static_cast<size_t>(positions)), v_amax(k_amax.size());
      for (auto& a : k_amax) a = static_cast<uint32_t>(rng() % (8u << 16)) + 1;
      for (auto& a : v_amax) a = static_cast<uint32_t>(rng() % (1u << 31)) + 1;  // widest scales
      const fx::Scaled constant{1u << 30, -47};
      std::vector<int32_t> scores(static_cast<size_t>(positions)), golden(static_cast<size_t>(d)),
          fast(golden.size());
      std::vector<uint32_t> weights(scores.size());
      fx::attention_head(q.data(), 3u << 16, k.data(), k_amax.data(), v.data(), v_amax.data(),
                         positions, d, stride, constant, scores.data(), weights.data(),
                         golden.data());
      fx::attention_head(q.data(), 3u << 16, k.data(), k_amax.data(), v.data(), v_amax.data(),
                         positions, d, stride, constant, scores.data(), weights.data(), fast.data(),
                         cpu::attention_dot_kernel(cpu::Isa::avx2),
                         cpu::attention_row_kernel(cpu::Isa::avx2));
      MMF_EXPECT_EQ(fast, golden) << "d " << d << ", " << positions << " positions";
    }
  }
}

TEST(BitNetCpuModel, FillsAContextToDecodeFrom) {
  const Model m = make_random_model(ragged_bitnet_config(), 11, Packing::two_bit);
  cpu::ThreadPool pool(2);
  BitNetCpuModel engine(m, pool, std::nullopt);
  engine.fill_context(39, 5);
  MMF_EXPECT_EQ(engine.position(), 39);
  engine.step(3);  // the context's last position
  MMF_EXPECT_EQ(engine.position(), 40);
  MMF_EXPECT_ERROR(engine.fill_context(40, 5), "--context-fill 40", "0 to 39");
  MMF_EXPECT_EQ(bitnet_kv_bytes_per_position(m.config), 2 * 2 * 3 * (10 + 4));
}

}  // namespace
}  // namespace mmf::host

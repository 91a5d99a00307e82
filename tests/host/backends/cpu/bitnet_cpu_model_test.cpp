// SPDX-License-Identifier: Apache-2.0
// BitNet on the cpu backend (BitNetCpuModel): every step's Q16 logits equal the fixed-point
// golden model's (BitNetFixedModel), for each instruction set, thread count and packing, on a
// ragged model (sizes that are multiples of no SIMD width); and the context it fills for benches.
#include <ostream>
#include <sstream>

#include "common/bitnet_checkpoint.hpp"
#include "common/checks.hpp"
#include "mmf/bitnet_fixed_model.hpp"
#include "mmf/error.hpp"
#include "mmf/host/backends/cpu/bitnet_cpu_model.hpp"

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

TEST(BitNetCpuModel, FillsAContextToDecodeFrom) {
  const Model m = make_random_model(ragged_bitnet_config(), 11, Packing::two_bit);
  cpu::ThreadPool pool(2);
  BitNetCpuModel engine(m, pool, std::nullopt);
  engine.fill_context(39, 5);
  MMF_EXPECT_EQ(engine.position(), 39);
  engine.step(3);  // the context's last position
  MMF_EXPECT_EQ(engine.position(), 40);
  MMF_EXPECT_ERROR(engine.fill_context(40, 5), "--context 40", "0 to 39");
  MMF_EXPECT_EQ(engine.kv_bytes_per_position(), 2 * 2 * 3 * (10 + 4));
}

}  // namespace
}  // namespace mmf::host

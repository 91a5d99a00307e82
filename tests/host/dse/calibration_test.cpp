// SPDX-License-Identifier: Apache-2.0
// The CI gate of the SystemC platform's timed model: every token's kernel cycles, and every
// BitLinear op's, within the gate (common/timed_model_gate.hpp) of the RTL's, on the CI build
// for the shipped model (whose trace set the timed model's step costs) and for shapes that set
// none, and on a build that set none (kv260: one channel of 64 lanes, its Verilated kernel
// built on first use); the same ops on both.
#include "mmf/host/dse/calibration.hpp"
#include "mmf/host/compiler/device_image.hpp"

#include <cmath>

#include "common/backends.hpp"
#include "common/checks.hpp"
#include "common/timed_model_gate.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf_hls/program_format.hpp"

namespace mmf::test {
namespace {

struct CalibrationCase {
  const char* name;
  const char* build;
  ModelConfig config;  // hidden_size 0: the shipped tiny model
};

ModelConfig ragged(int64_t hidden, int64_t intermediate, int64_t vocab, int64_t layers) {
  ModelConfig c;
  c.name = "ragged";
  c.hidden_size = hidden;
  c.intermediate_size = intermediate;
  c.vocab_size = vocab;
  c.num_layers = layers;
  return c;
}

class TimedModel : public testing::TestWithParam<CalibrationCase> {};

TEST_P(TimedModel, IsWithinTheGateOfTheRtl) {
  MMF_SKIP_WITHOUT_VERILATOR();
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  const CalibrationCase& c = GetParam();
  const Model model = c.config.hidden_size == 0 ? host::load_model("tiny").model
                                                : make_random_model(c.config, 7, Packing::two_bit);
  const host::BuildDescriptor build =
      host::load_build_descriptor(host::build_descriptor_path(c.build));
  const host::CalibrationReport r = host::calibrate(model, build, {1, 5, 9});
  MMF_ASSERT_EQ(r.tokens.size(), size_t{3});
  const auto ops = static_cast<size_t>(host::program_ops(model.config));
  // One refresh of the memory, in kernel cycles: where the RTL and the model meet one in
  // different ops, it is a shift between ops, and in a small token (narrow: 12,476 cycles)
  // even the token's total may hold one refresh more or less (78 cycles, 0.6 %).
  const double refresh =
      std::ceil(build.board.memory_timing.refresh_ns.value * build.accel.clock_mhz / 1e3);
  for (const host::CalibratedToken& t : r.tokens) {
    MMF_EXPECT_EQ(t.ops.size(), ops);
    MMF_EXPECT_LT(0u, t.rtl);
    const double off = std::abs(static_cast<double>(t.model) - static_cast<double>(t.rtl));
    MMF_EXPECT_LE(off, kTimedTokenGate * static_cast<double>(t.rtl) + refresh)
        << c.name << ": rtl " << t.rtl << " cycles, model " << t.model;
    uint64_t sum = 0;
    for (const host::CalibratedOp& o : t.ops) sum += o.rtl;
    MMF_EXPECT_LE(sum, t.rtl) << "ops lie inside the launch";
  }
  // Every BitLinear op (most of a token) within its gate on its own, give or take one
  // refresh: when the accumulators wait on the memory, a refresh the RTL meets in one op the
  // model may meet in a neighbouring one.
  int refresh_shifted = 0;
  for (const host::CalibratedOp& o : r.tokens[0].ops) {
    if (o.opcode != mmf_hls::kOpBitLinear) continue;
    const double off = std::abs(static_cast<double>(o.model) - static_cast<double>(o.rtl));
    MMF_EXPECT_LE(off, kTimedBitLinearGate * static_cast<double>(o.rtl) + refresh)
        << "op " << o.op << ": " << o.rtl << " vs " << o.model;
    if (off > kTimedBitLinearGate * static_cast<double>(o.rtl)) ++refresh_shifted;
  }
  // Such shifts are the exception: at most one BitLinear in eight.
  MMF_EXPECT_LE(refresh_shifted * 8, static_cast<int>(10 * model.config.num_layers))
      << refresh_shifted << " BitLinear ops off by more than the gate";
}

INSTANTIATE_TEST_SUITE_P(
    Builds, TimedModel,
    testing::Values(CalibrationCase{"tiny", "ci-tiny", ModelConfig{}},
                    CalibrationCase{"ragged", "ci-tiny", ragged(200, 330, 777, 3)},
                    CalibrationCase{"narrow", "ci-tiny", ragged(90, 170, 300, 2)},
                    CalibrationCase{"kv260_tiny", "kv260", ModelConfig{}}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

}  // namespace
}  // namespace mmf::test

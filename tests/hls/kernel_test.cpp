// SPDX-License-Identifier: Apache-2.0
// The HLS kernel top of every generated build, compiled natively (the csim backend), against
// the fixed-point reference on whole tokens; and its status register on illegal descriptors.
// The cpu backend runs the same images as a second, independent executor of the program.
#include "common/backends.hpp"
#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "mmf/fixed_model.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/host/runtime/accelerator.hpp"

namespace mmf::test {
namespace {

using namespace mmf_hls;
using host::BuildDescriptor;

struct KernelCase {
  std::string backend;
  std::string build;
  friend std::ostream& operator<<(std::ostream& os, const KernelCase& k) {
    return os << k.backend << "_" << k.build;
  }
};

class Kernel : public testing::TestWithParam<KernelCase> {
 protected:
  void SetUp() override {
    if (GetParam().backend == "verilator") {
      MMF_SKIP_WITHOUT_VERILATOR();
    }
  }
  BuildDescriptor build() const {
    return host::load_build_descriptor(host::build_descriptor_path(GetParam().build));
  }
};

TEST_P(Kernel, WholeTokensMatchTheFixedPointReferenceBitForBit) {
  const Model model = make_random_model(ragged_test_config(3), 11, Packing::five_trit);
  const BuildDescriptor b = build();
  host::Accelerator acc(host::open_device(GetParam().backend, b), host::compile_model(model, b));
  FixedModel reference(model);
  acc.reset();
  reference.reset();
  for (int32_t token : {1, 7, 299, 0, 42, 42}) {
    const std::vector<int32_t>& got = acc.step(token);
    reference.step(token);
    MMF_EXPECT_EQ(got, reference.logits_q16()) << "token " << token;
  }
  // A reset starts a new sequence: the first token's logits come back.
  acc.reset();
  reference.reset();
  MMF_EXPECT_EQ(acc.step(1), (reference.step(1), reference.logits_q16()));
  const host::CounterTotals& t = acc.totals();
  MMF_EXPECT_EQ(t.launches, 7u);
  const ModelConfig& c = model.config;
  const uint64_t per_token =
      c.num_layers * (4 * c.hidden_size * c.hidden_size + 3 * c.intermediate_size * c.hidden_size) +
      c.vocab_size * c.hidden_size;
  MMF_EXPECT_EQ(t.ternary_ops, 7 * per_token);
  // Only the RTL counts cycles; cpu and csim are untimed.
  MMF_EXPECT_EQ(t.cycles.has_value(), GetParam().backend == "verilator");
}

// Loads a compiled image into a device by hand (no host validation), so that corrupted
// descriptors reach the kernel.
struct RawRun {
  std::unique_ptr<host::Device> device;
  host::DeviceImage image;
  host::LaunchArgs args;

  RawRun(const std::string& backend, const BuildDescriptor& b, host::DeviceImage img)
      : device(host::open_device(backend, b)),
        image(std::move(img)),
        args(host::load_image(*device, image)) {}
  void set_word(uint64_t index, uint32_t value) { device->write(args.vec, index * 4, &value, 4); }
  void patch(uint32_t op, uint32_t field, uint32_t value) {
    set_word(image.layout.program + op * kDescriptorWords + field, value);
  }
  KernelCounters run() {
    device->start(args);
    device->wait(std::chrono::minutes(1));
    return device->counters().kernel;
  }
};

struct Corruption {
  const char* name;
  uint32_t op;  // index in the program: 0 embed, 1 i_proj, 4 MLGRU, 7 gate_proj, 8 GLU
  uint32_t field;
  uint32_t value;
  uint32_t expected_code;
};

TEST_P(Kernel, FlagsIllegalDescriptorsInTheStatusRegister) {
  const Model model = make_random_model(ragged_test_config(3), 5, Packing::two_bit);
  const BuildDescriptor b = build();
  const host::DeviceImage image = host::compile_model(model, b);
  const uint32_t vec_words = static_cast<uint32_t>(image.layout.vec_words);
  const Corruption cases[] = {
      {"bad opcode", 4, kFieldOpcode, 0x2a, kStatusBadOpcode},
      {"opcode zero", 0, kFieldOpcode, 0, kStatusBadOpcode},
      {"buffer id", 8, kFieldDst, kNumBuffers, kStatusBadBuffer},
      {"n beyond max_vector", 1, kFieldN, static_cast<uint32_t>(b.accel.max_vector) + 1,
       kStatusBadLength},
      {"zero length", 8, kFieldN, 0, kStatusBadLength},
      {"state past the bank", 4, kFieldAddr0, vec_words - 10, kStatusBadVecAddress},
      {"norm weight past the bank", 7, kFieldAddr1, 0xFFFFFFF0u, kStatusBadVecAddress},
      {"weight past the channel", 7, kFieldWeight, static_cast<uint32_t>(image.layout.weight_words),
       kStatusBadWeightRange},
      {"reserved field", 1, kFieldReservedBegin, 1, kStatusBadField},
      {"mantissa too wide", 1, kFieldMant, 0x80000000u, kStatusBadField},
      {"exponent above the limit", 1, kFieldExp, static_cast<uint32_t>(kExpLimit + 1),
       kStatusBadField},
      // fuzz_token_program: INT32_MIN overflowed the exponent sum of combine_scales (UB).
      {"exponent INT32_MIN", 1, kFieldExp, 0x80000000u, kStatusBadField},
  };
  for (const Corruption& k : cases) {
    RawRun raw(GetParam().backend, b, image);
    const uint32_t sentinel = 0x5EA1ED00u;
    raw.set_word(image.layout.logits, sentinel);
    raw.patch(k.op, k.field, k.value);
    const KernelCounters c = raw.run();
    MMF_EXPECT_EQ(c.status, make_status(k.expected_code, k.op)) << k.name;
    MMF_EXPECT_EQ(c.ops_done, k.op) << k.name << ": the ops before the bad one completed";
    uint32_t logits0 = 0;
    raw.device->read(raw.args.vec, uint64_t{image.layout.logits} * 4, &logits0, 4);
    MMF_EXPECT_EQ(logits0, sentinel) << k.name << ": nothing after the bad op ran";
  }
  {
    RawRun raw(GetParam().backend, b, image);
    raw.set_word(image.layout.token_in, static_cast<uint32_t>(model.config.vocab_size));
    MMF_EXPECT_EQ(raw.run().status, make_status(kStatusBadToken, 0)) << "token id out of range";
  }
  {
    RawRun raw(GetParam().backend, b, image);
    raw.args.regs.num_ops = static_cast<uint32_t>(b.accel.max_ops) + 1;
    MMF_EXPECT_EQ(raw.run().status, make_status(kStatusBadProgram, 0)) << "program too long";
    raw.args.regs.num_ops = image.layout.num_ops;
    raw.args.regs.program = vec_words - 4;
    MMF_EXPECT_EQ(raw.run().status, make_status(kStatusBadProgram, 0)) << "program past the bank";
  }
  {
    RawRun raw(GetParam().backend, b, image);
    const KernelCounters c = raw.run();
    MMF_EXPECT_EQ(c.status, 0u) << "the uncorrupted image runs clean";
    MMF_EXPECT_EQ(c.ops_done, image.layout.num_ops);
  }
}

std::vector<KernelCase> kernel_cases() {
  return {{"csim", "ci-tiny"},
          {"csim", "u280"},
          {"cpu", "ci-tiny"},
          {"cpu", "u280"},
          {"verilator", "ci-tiny"}};
}

INSTANTIATE_TEST_SUITE_P(Builds, Kernel, testing::ValuesIn(kernel_cases()),
                         [](const auto& test_info) {
                           std::string name = test_info.param.backend + "_" + test_info.param.build;
                           for (char& ch : name) ch = ch == '-' ? '_' : ch;
                           return name;
                         });

// Both executors of the program agree on the counters too.
TEST(Kernel, CsimAndCpuCountTheSameWork) {
  const Model model = make_random_model(ragged_test_config(3), 3, Packing::two_bit);
  const BuildDescriptor b = host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
  host::Accelerator cpu(host::open_device("cpu", b), host::compile_model(model, b));
  host::Accelerator csim(host::open_device("csim", b), host::compile_model(model, b));
  for (int32_t token : {1, 2, 3}) MMF_EXPECT_EQ(cpu.step(token), csim.step(token));
  MMF_EXPECT_EQ(cpu.totals().ternary_ops, csim.totals().ternary_ops);
  MMF_EXPECT_EQ(cpu.totals().weight_bytes, csim.totals().weight_bytes);
  MMF_EXPECT_EQ(cpu.totals().vector_bytes, csim.totals().vector_bytes);
  MMF_EXPECT_EQ(cpu.totals().ops, csim.totals().ops);
}

}  // namespace
}  // namespace mmf::test

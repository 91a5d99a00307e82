// SPDX-License-Identifier: Apache-2.0
// The RTL kernel (rtl/mmf/mmf_kernel.sv, Verilated for the CI builds) op by op: every prefix
// of a token program, ended by a Store of the last op's result, leaves the same vector in the
// bank as the cpu backend (the golden units). A whole-token mismatch points at one op here.
// Every backend runs the program as loaded at launch, whatever its ops store over it.
#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/host/runtime/accelerator.hpp"

namespace mmf::test {
namespace {

using namespace mmf_hls;

// Runs ops [0, k] of the image's program followed by a Store of op k's result buffer into the
// logits area; returns the stored words.
std::vector<uint32_t> run_prefix(const std::string& backend, const host::BuildDescriptor& b,
                                 const host::DeviceImage& image, uint32_t k, uint32_t n,
                                 uint32_t buffer, uint32_t token) {
  auto device = host::open_device(backend, b);
  host::LaunchArgs args = host::load_image(*device, image);
  const uint32_t store = image.layout.program + (k + 1) * kDescriptorWords;
  std::vector<uint32_t> d(kDescriptorWords, 0);
  d[kFieldOpcode] = kOpStore;
  d[kFieldN] = n;
  d[kFieldSrc0] = buffer;
  d[kFieldAddr0] = image.layout.logits;
  device->write(args.vec, uint64_t{store} * 4, d.data(), d.size() * 4);
  device->write(args.vec, uint64_t{image.layout.token_in} * 4, &token, 4);
  args.regs.num_ops = k + 2;
  device->start(args);
  device->wait(std::chrono::minutes(2));
  const KernelCounters c = device->counters().kernel;
  MMF_EXPECT_EQ(c.status, 0u) << backend << " op " << k;
  std::vector<uint32_t> out(n);
  device->read(args.vec, uint64_t{image.layout.logits} * 4, out.data(), n * 4);
  return out;
}

class KernelRtl : public testing::TestWithParam<std::string> {};

TEST_P(KernelRtl, EveryOpLeavesWhatTheCpuBackendLeaves) {
  if (!host::backend_available("verilator")) GTEST_SKIP() << "no Verilated kernel in this build";
  const Model model = make_random_model(ragged_test_config(2), 11, Packing::two_bit);
  const host::BuildDescriptor b =
      host::load_build_descriptor(host::build_descriptor_path(GetParam()));
  const host::DeviceImage image = host::compile_model(model, b);
  for (uint32_t k = 0; k + 1 < image.program.size(); ++k) {
    const host::Descriptor& op = image.program[k];
    const uint32_t opcode = op[kFieldOpcode];
    if (opcode == kOpStore || op[kFieldDst] == kDstMemory) continue;
    const uint32_t n = opcode == kOpBitLinear ? op[kFieldRows] : op[kFieldN];
    const uint32_t dst = op[kFieldDst];
    const auto want = run_prefix("cpu", b, image, k, n, dst, 7);
    const auto got = run_prefix("verilator", b, image, k, n, dst, 7);
    MMF_EXPECT_EQ(got, want) << "op " << k << " (opcode " << opcode << ")";
    if (got != want) break;
  }
  // The last BitLinear (lm_head, normally to the vector bank) into a buffer instead.
  {
    host::DeviceImage img2 = image;
    const uint32_t last = static_cast<uint32_t>(image.program.size()) - 1;
    img2.vec[image.layout.program + last * kDescriptorWords + kFieldDst] = kBufA;
    const uint32_t rows = image.program[last][kFieldRows];
    const auto want = run_prefix("cpu", b, img2, last, rows, kBufA, 7);
    const auto got = run_prefix("verilator", b, img2, last, rows, kBufA, 7);
    MMF_EXPECT_EQ(got, want) << "lm_head into a buffer";
  }
  // The whole program: the logits.
  std::vector<uint32_t> logits[2];
  const char* backends[2] = {"cpu", "verilator"};
  for (int i = 0; i < 2; ++i) {
    auto device = host::open_device(backends[i], b);
    host::LaunchArgs args = host::load_image(*device, image);
    const uint32_t token = 7;
    device->write(args.vec, uint64_t{image.layout.token_in} * 4, &token, 4);
    device->start(args);
    device->wait(std::chrono::minutes(2));
    MMF_EXPECT_EQ(device->counters().kernel.status, 0u) << backends[i];
    logits[i].resize(image.layout.vocab);
    device->read(args.vec, uint64_t{image.layout.logits} * 4, logits[i].data(),
                 logits[i].size() * 4);
  }
  MMF_EXPECT_EQ(logits[1], logits[0]) << "logits";
}

INSTANTIATE_TEST_SUITE_P(Builds, KernelRtl, testing::Values("ci-tiny"), [](const auto& test_info) {
  std::string s = test_info.param;
  for (char& c : s) c = c == '-' ? '_' : c;
  return s;
});

// The program is read once, at launch, into the kernel's descriptor RAM: an op that stores over
// a later descriptor does not change the op that runs there. Op 0 is the compiled Embed (into
// buffer X); op 1 stores X over op 2; op 2, as loaded, stores X into the logits area.
class ProgramLoad : public testing::TestWithParam<std::string> {};

TEST_P(ProgramLoad, AnOpStoringOverALaterDescriptorDoesNotChangeIt) {
  if (!host::backend_available(GetParam())) GTEST_SKIP() << "no " << GetParam() << " backend";
  const host::BuildDescriptor b =
      host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
  const host::DeviceImage image =
      host::compile_model(make_random_model(ragged_test_config(1), 3, Packing::two_bit), b);
  const host::ImageLayout& lay = image.layout;
  const uint32_t op2 = lay.program + 2 * kDescriptorWords;
  std::vector<uint32_t> store(kDescriptorWords, 0);
  store[kFieldOpcode] = kOpStore;
  store[kFieldN] = kDescriptorWords;
  store[kFieldSrc0] = kBufX;
  store[kFieldAddr0] = op2;
  std::vector<uint32_t> to_logits = store;
  to_logits[kFieldAddr0] = lay.logits;

  auto device = host::open_device(GetParam(), b);
  host::LaunchArgs args = host::load_image(*device, image);
  device->write(args.vec, uint64_t{op2 - kDescriptorWords} * 4, store.data(), kDescriptorWords * 4);
  device->write(args.vec, uint64_t{op2} * 4, to_logits.data(), kDescriptorWords * 4);
  const uint32_t token = 5;
  device->write(args.vec, uint64_t{lay.token_in} * 4, &token, 4);
  args.regs.num_ops = 3;
  device->start(args);
  device->wait(std::chrono::minutes(2));
  const KernelCounters c = device->counters().kernel;
  MMF_EXPECT_EQ(c.status, 0u);
  MMF_EXPECT_EQ(c.ops_done, 3u);
  std::vector<uint32_t> over_op2(kDescriptorWords), logits(kDescriptorWords);
  device->read(args.vec, uint64_t{op2} * 4, over_op2.data(), kDescriptorWords * 4);
  device->read(args.vec, uint64_t{lay.logits} * 4, logits.data(), kDescriptorWords * 4);
  MMF_EXPECT_NE(over_op2, to_logits) << "op 1 overwrote op 2's words";
  MMF_EXPECT_EQ(logits, over_op2) << "op 2 ran as loaded: X in the logits area";
}

INSTANTIATE_TEST_SUITE_P(Backends, ProgramLoad, testing::Values("cpu", "csim", "verilator"),
                         [](const auto& test_info) { return test_info.param; });

}  // namespace
}  // namespace mmf::test

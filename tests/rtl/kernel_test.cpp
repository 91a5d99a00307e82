// SPDX-License-Identifier: Apache-2.0
// The RTL kernel (rtl/mmf/mmf_kernel.sv, Verilated for the CI builds) op by op: every prefix
// of a token program, ended by a Store of the last op's result, leaves the same vector in the
// bank as the cpu backend (the golden units). A whole-token mismatch points at one op here.
// Every backend runs the program as loaded at launch, whatever its ops store over it.
#include <random>

#include "common/bitnet_checkpoint.hpp"
#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "mmf/bf16.hpp"
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

// BitNet b1.58's ops the RTL kernel runs so far, each on its own: short programs built around
// the compiled ragged BitNet image's Rope and Relu2Glu descriptors leave the same words in the
// vector bank as the cpu backend's program engine (the golden units), and the same counters.
// The inputs come through an Embed from a bf16 table written into the vector bank (random
// values up to +-2^12, the range of attention and FFN activations), since the compiled
// program's first ops (the Embed from the weight channels, the attention) are not in the RTL
// yet: mmf_descriptor_check refuses them.
class BitNetOpsRtl : public testing::Test {
 protected:
  void SetUp() override {
    if (!host::backend_available("verilator")) GTEST_SKIP() << "no Verilated kernel in this build";
    b_ = host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
    image_ =
        host::compile_model(make_random_model(ragged_bitnet_config(), 4, Packing::two_bit), b_);
  }

  // The compiled program's first op with `opcode`.
  host::Descriptor op(uint32_t opcode) const {
    for (const host::Descriptor& d : image_.program) {
      if (d[kFieldOpcode] == opcode) return d;
    }
    ADD_FAILURE() << "no opcode " << opcode << " in the BitNet program";
    return {};
  }

  struct Run {
    std::vector<uint32_t> out;
    KernelCounters counters;
  };
  // Writes two bf16 rows of `n` random values at the logits area, runs `ops` (num_tokens
  // passes, the position word at `position`) and reads n words from `store_at`.
  Run run(const std::string& backend, const std::vector<host::Descriptor>& ops, uint32_t n,
          uint32_t store_at, uint32_t position, uint32_t num_tokens) const {
    auto device = host::open_device(backend, b_);
    host::LaunchArgs args = host::load_image(*device, image_);
    const host::ImageLayout& lay = image_.layout;
    std::mt19937 rng(n * 7919 + position);
    std::uniform_real_distribution<float> value(-4096.0f, 4096.0f);
    std::vector<uint32_t> table(2 * ((n + 1) / 2), 0);  // 2 rows of ceil(n / 2) words
    for (size_t k = 0; k < 2 * table.size(); ++k) {
      table[k / 2] |= uint32_t{float_to_bf16(value(rng))} << (16 * (k % 2));
    }
    device->write(args.vec, uint64_t{lay.logits} * 4, table.data(), table.size() * 4);
    for (size_t k = 0; k < ops.size(); ++k) {
      device->write(args.vec, (uint64_t{lay.program} + k * kDescriptorWords) * 4, ops[k].data(),
                    kDescriptorWords * 4);
    }
    const uint32_t token = 0;
    device->write(args.vec, uint64_t{lay.token_in} * 4, &token, 4);
    device->write(args.vec, uint64_t{lay.position} * 4, &position, 4);
    args.regs.num_ops = static_cast<uint32_t>(ops.size());
    args.regs.num_tokens = num_tokens;
    device->start(args);
    device->wait(std::chrono::minutes(2));
    Run r;
    r.counters = device->counters().kernel;
    r.out.resize(n);
    device->read(args.vec, uint64_t{store_at} * 4, r.out.data(), n * 4);
    return r;
  }

  // Runs `ops` from the compiled image as they are, with `token` in the token word, and reads
  // n words from `store_at`.
  Run run_token(const std::string& backend, const std::vector<host::Descriptor>& ops, uint32_t n,
                uint32_t store_at, uint32_t token) const {
    auto device = host::open_device(backend, b_);
    host::LaunchArgs args = host::load_image(*device, image_);
    const host::ImageLayout& lay = image_.layout;
    for (size_t k = 0; k < ops.size(); ++k) {
      device->write(args.vec, (uint64_t{lay.program} + k * kDescriptorWords) * 4, ops[k].data(),
                    kDescriptorWords * 4);
    }
    device->write(args.vec, uint64_t{lay.token_in} * 4, &token, 4);
    args.regs.num_ops = static_cast<uint32_t>(ops.size());
    device->start(args);
    device->wait(std::chrono::minutes(2));
    Run r;
    r.counters = device->counters().kernel;
    r.out.resize(n);
    device->read(args.vec, uint64_t{store_at} * 4, r.out.data(), n * 4);
    return r;
  }

  // An Embed of row `row` of that table (n values) into `buffer`.
  host::Descriptor embed(uint32_t n, uint32_t row, uint32_t buffer) const {
    host::Descriptor d{};
    d[kFieldOpcode] = kOpEmbed;
    d[kFieldN] = n;
    d[kFieldRows] = 2;
    d[kFieldDst] = buffer;
    d[kFieldAddr0] = image_.layout.logits + row * ((n + 1) / 2);
    d[kFieldAddr1] = image_.layout.token_in;
    return d;
  }
  host::Descriptor store(uint32_t n, uint32_t buffer, uint32_t at) const {
    host::Descriptor d{};
    d[kFieldOpcode] = kOpStore;
    d[kFieldN] = n;
    d[kFieldSrc0] = buffer;
    d[kFieldAddr0] = at;
    return d;
  }

  void expect_same(const std::vector<host::Descriptor>& ops, uint32_t n, uint32_t position,
                   uint32_t num_tokens, const std::string& what) const {
    const uint32_t at = image_.layout.logits + n + 8;
    const Run want = run("cpu", ops, n, at, position, num_tokens);
    const Run got = run("verilator", ops, n, at, position, num_tokens);
    MMF_EXPECT_EQ(got.counters.status, want.counters.status) << what;
    MMF_EXPECT_EQ(got.counters.ops_done, want.counters.ops_done) << what;
    MMF_EXPECT_EQ(got.counters.vector_bytes, want.counters.vector_bytes) << what;
    MMF_EXPECT_EQ(got.out, want.out) << what;
  }

  host::BuildDescriptor b_;
  host::DeviceImage image_;
};

TEST_F(BitNetOpsRtl, RopeRotatesAsTheGoldenUnitAtEveryKindOfPosition) {
  // q (9 heads) and k (3 heads) of the first layer.
  int ropes = 0;
  for (const host::Descriptor& rope : image_.program) {
    if (rope[kFieldOpcode] != kOpRope || ropes == 2) continue;
    ++ropes;
    const uint32_t n = rope[kFieldN], dst = rope[kFieldDst];
    const std::vector<host::Descriptor> ops = {embed(n, 1, dst), rope,
                                               store(n, dst, image_.layout.logits + n + 8)};
    // Both tables' first and last rows, a row boundary of the low table, three passes (the
    // position counts up), and past the cache (status 3 at the Rope, nothing stored).
    for (const uint32_t position : {0u, 1u, 63u, 64u, 74u}) {
      expect_same(ops, n, position, 1,
                  "Rope n " + std::to_string(n) + " at " + std::to_string(position));
    }
    expect_same(ops, n, 61, 3, "Rope over three passes from 61");
    expect_same(ops, n, 75, 1, "Rope past the cache");
    expect_same(ops, n, 73, 3, "Rope running past the cache in its third pass");
  }
  MMF_EXPECT_EQ(ropes, 2);
}

TEST_F(BitNetOpsRtl, Relu2GluMatchesTheGoldenUnit) {
  const host::Descriptor glu = op(kOpRelu2Glu);
  const uint32_t n = glu[kFieldN];
  const std::vector<host::Descriptor> ops = {
      embed(n, 0, glu[kFieldSrc0]), embed(n, 1, glu[kFieldSrc1]), glu,
      store(n, glu[kFieldDst], image_.layout.logits + n + 8)};
  expect_same(ops, n, 0, 1, "Relu2Glu n " + std::to_string(n));
}

// The compiled program's Embed reads its bf16 row from the weight channel that holds the token
// (token % 2 on ci-tiny): every kind of token (both channels, the table's ends, the first of
// each slot) lands as the cpu engine's, a token past the table stops at the Embed, and the
// BitLinear after it (whose weights the prefetcher reads into the same channels after the row)
// sees the row the cpu engine's sees.
TEST_F(BitNetOpsRtl, EmbedFromTheWeightChannelsMatchesTheGoldenRow) {
  const host::Descriptor embed = image_.program[0];
  MMF_ASSERT_EQ(embed[kFieldOpcode], kOpEmbed);
  MMF_ASSERT_EQ(embed[kFieldAddr0], kNoAddress) << "the BitNet Embed reads the weight channels";
  const uint32_t n = embed[kFieldN], vocab = embed[kFieldRows], dst = embed[kFieldDst];
  const uint32_t at = image_.layout.logits + n + 8;
  const host::Descriptor linear = image_.program[1];
  MMF_ASSERT_EQ(linear[kFieldOpcode], kOpBitLinear);
  const uint32_t rows = linear[kFieldRows];
  for (const uint32_t token : {0u, 1u, 2u, 3u, 150u, vocab - 2, vocab - 1, vocab}) {
    const std::string what = "token " + std::to_string(token);
    const std::vector<host::Descriptor> ops = {embed, store(n, dst, at)};
    const Run want = run_token("cpu", ops, n, at, token);
    const Run got = run_token("verilator", ops, n, at, token);
    MMF_EXPECT_EQ(got.counters.status, want.counters.status) << what;
    MMF_EXPECT_EQ(got.counters.weight_bytes, want.counters.weight_bytes) << what;
    MMF_EXPECT_EQ(got.counters.vector_bytes, want.counters.vector_bytes) << what;
    MMF_EXPECT_EQ(got.out, want.out) << what;
    if (token >= vocab) MMF_EXPECT_NE(want.counters.status, 0u) << "a token past the table";
  }
  for (const uint32_t token : {0u, 7u}) {
    const std::vector<host::Descriptor> ops = {embed, linear, store(rows, linear[kFieldDst], at)};
    const Run want = run_token("cpu", ops, rows, at, token);
    const Run got = run_token("verilator", ops, rows, at, token);
    MMF_EXPECT_EQ(got.counters.status, 0u);
    MMF_EXPECT_EQ(got.counters.weight_bytes, want.counters.weight_bytes);
    MMF_EXPECT_EQ(got.out, want.out) << "the BitLinear after the Embed, token " << token;
  }
}

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

// SPDX-License-Identifier: Apache-2.0
// BitNet b1.58 on the accelerator's token program (docs/device-format.md, "BitNet"): the HLS
// kernel (csim) and the cpu backend's program engine against the fixed-point model, Q16 logit
// for Q16 logit, on a ragged random model (hidden, intermediate and vocabulary sizes and the
// context no multiple of a tile or the channels, 3 query heads a KV head) and on the shipped
// tiny-bitnet; greedy launches of many
// tokens; the position checks; and the attention opcodes refused by a build without the units.
#include "common/bitnet_checkpoint.hpp"
#include "common/checks.hpp"
#include "mmf/bitnet_fixed_model.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/host/runtime/accelerator.hpp"
#include "mmf/host/runtime/model_source.hpp"

namespace mmf::test {
namespace {

using namespace mmf_hls;
using host::BuildDescriptor;

BuildDescriptor ci_tiny() {
  return host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
}

class BitNetKernel : public testing::TestWithParam<std::string> {};

TEST_P(BitNetKernel, EveryLogitOfARaggedModelMatchesTheFixedPointModel) {
  for (const Packing packing : {Packing::two_bit, Packing::five_trit}) {
    const Model model = make_random_model(ragged_bitnet_config(), 5, packing);
    const BuildDescriptor b = ci_tiny();
    host::Accelerator acc(host::open_device(GetParam(), b), host::compile_model(model, b, packing));
    BitNetFixedModel reference(model);
    // Past the 64 positions of RoPE's low table, so both tables' rows are used.
    for (int32_t k = 0; k < 70; ++k) {
      const int32_t token = (k * 37 + 11) % 301;
      const std::vector<int32_t>& got = acc.step(token);
      reference.step(token);
      MMF_EXPECT_EQ(got, reference.logits_q16()) << "position " << k;
    }
    MMF_EXPECT_EQ(acc.position(), 70u);
    // A reset starts the sequence over: the first token's logits come back.
    acc.reset();
    reference.reset();
    MMF_EXPECT_EQ(acc.step(3), (reference.step(3), reference.logits_q16()));
  }
}

// The greedy picks of one launch of many tokens against the reference's argmax chain.
std::vector<int32_t> reference_greedy(const Model& model, int32_t token, int count) {
  BitNetFixedModel reference(model);
  std::vector<int32_t> picks;
  for (int k = 0; k < count; ++k) {
    reference.step(token);
    const std::vector<int32_t>& l = reference.logits_q16();
    token = static_cast<int32_t>(std::max_element(l.begin(), l.end()) - l.begin());
    picks.push_back(token);
  }
  return picks;
}

TEST_P(BitNetKernel, TinyBitNetGreedyTokensMatchTheFixedPointModel) {
  const host::LoadedModel m = host::load_model("tiny-bitnet");
  const BuildDescriptor b = ci_tiny();
  host::Accelerator acc(host::open_device(GetParam(), b), host::compile_model(m.model, b));
  const int32_t bos = static_cast<int32_t>(m.model.config.bos_token_id);
  const std::vector<int32_t>& picks = acc.generate(bos, 24);
  MMF_EXPECT_EQ(std::vector<int32_t>(picks.begin(), picks.end()),
                reference_greedy(m.model, bos, 24));
  MMF_EXPECT_EQ(acc.position(), 24u);
}

// A context filled on the device (the cpu engine's entries, written into the cache) gives the
// logits of the fixed-point model filled the same way.
TEST_P(BitNetKernel, AFilledContextDecodesAsTheFixedPointModel) {
  const Model model = make_random_model(ragged_bitnet_config(), 8, Packing::two_bit);
  const BuildDescriptor b = ci_tiny();
  host::Accelerator acc(host::open_device(GetParam(), b), host::compile_model(model, b));
  BitNetFixedModel reference(model);
  acc.fill_context(model.config, 67, 99);
  reference.fill_context(67, 99);
  MMF_EXPECT_EQ(acc.position(), 67u);
  for (const int32_t token : {5, 250, 17}) {
    const std::vector<int32_t>& got = acc.step(token);
    reference.step(token);
    MMF_EXPECT_EQ(got, reference.logits_q16()) << "token " << token;
  }
  MMF_EXPECT_ERROR(acc.fill_context(model.config, 75, 1), "--context-fill 75", "0 to 74");
}

TEST_P(BitNetKernel, APositionPastTheCacheIsRefused) {
  ModelConfig c = ragged_bitnet_config();
  c.max_position_embeddings = 6;
  const Model model = make_random_model(c, 2, Packing::two_bit);
  const BuildDescriptor b = ci_tiny();
  host::Accelerator acc(host::open_device(GetParam(), b), host::compile_model(model, b));
  acc.generate(1, 4);
  MMF_EXPECT_ERROR(acc.generate(1, 3), std::string("the KV cache holds 6 positions; 4 are used"));
  acc.step(1);
  acc.step(1);
  MMF_EXPECT_ERROR(acc.step(1), "the KV cache holds 6 positions");
  acc.reset();
  MMF_EXPECT_EQ(acc.generate(1, 6).size(), 6u);
}

// The kernel's own check, past the host's: a position word beyond the context stops the run at
// the first op that reads it.
TEST_P(BitNetKernel, TheKernelStopsAtAPositionPastTheContext) {
  const Model model = make_random_model(ragged_bitnet_config(), 2, Packing::two_bit);
  const BuildDescriptor b = ci_tiny();
  host::DeviceImage image = host::compile_model(model, b);
  std::unique_ptr<host::Device> device = host::open_device(GetParam(), b);
  host::LaunchArgs args = host::load_image(*device, image);
  const uint32_t position = 75;  // the context
  device->write(args.vec, uint64_t{image.layout.position} * 4, &position, 4);
  device->start(args);
  device->wait(std::chrono::minutes(5));
  const uint32_t status = device->counters().kernel.status;
  MMF_EXPECT_EQ(status & 0xFFu, kStatusBadLength);
  const uint32_t op = status >> kStatusOpShift;
  MMF_EXPECT_EQ(image.program.at(op)[kFieldOpcode], kOpRope) << "op " << op;
}

std::vector<std::string> backends() {
  return {"cpu", "csim", "systemc"};
}
INSTANTIATE_TEST_SUITE_P(Backends, BitNetKernel, testing::ValuesIn(backends()));

TEST(BitNetKernel, ABuildWithoutAttentionUnitsRefusesTheBitNetOpcodes) {
  const BuildDescriptor with = ci_tiny();
  DeviceLimits lim = host::device_limits(with, 1u << 20, 1u << 20);
  const Model model = make_random_model(ragged_bitnet_config(), 2, Packing::two_bit);
  const host::DeviceImage image = host::compile_model(model, with);
  int seen = 0;
  DeviceLimits without = lim;
  without.max_context = 0;
  for (const host::Descriptor& d : image.program) {
    MMF_EXPECT_EQ(check_descriptor(d.data(), lim), kStatusOk);
    // The Embed reads its row from the weight channels, which only such a build does.
    if (d[kFieldOpcode] == kOpEmbed) {
      MMF_EXPECT_EQ(check_descriptor(d.data(), without), kStatusBadVecAddress);
    }
    if (d[kFieldOpcode] < kOpcodeBitNetMin) continue;
    ++seen;
    MMF_EXPECT_EQ(check_descriptor(d.data(), without), kStatusBadOpcode);
  }
  MMF_EXPECT_EQ(seen, 2 * 5 + 1);  // Rope x 2, KvAppend, Attention, Relu2Glu a layer; the head
  const BuildDescriptor u250 = host::load_build_descriptor(host::build_descriptor_path("u250"));
  MMF_EXPECT_ERROR(host::compile_model(model, u250), "has no attention units");
}

// A head the attention units do not take: not a power of two, or under two vector beats; the
// kernel's check refuses such a descriptor too.
TEST(BitNetFit, AHeadOfTheWrongWidthIsRefused) {
  const BuildDescriptor b = ci_tiny();
  for (const int64_t head_dim : {12, 4}) {
    ModelConfig c = ragged_bitnet_config();
    c.head_dim = head_dim;
    c.hidden_size = c.num_heads * head_dim;
    MMF_EXPECT_ERROR(host::compile_model(make_random_model(c, 2, Packing::two_bit), b),
                     "head_dim = " + std::to_string(head_dim), std::string("vector_lanes"),
                     std::string("power of two of at least 2 x vector_lanes (8)"));
  }
  const host::DeviceImage image =
      host::compile_model(make_random_model(ragged_bitnet_config(), 2, Packing::two_bit), b);
  const DeviceLimits lim = host::device_limits(b, image.vec.size(), 1u << 20);
  uint32_t seen = 0;
  for (host::Descriptor d : image.program) {
    if (d[kFieldOpcode] != kOpRope && d[kFieldOpcode] != kOpKvAppend &&
        d[kFieldOpcode] != kOpAttention) {
      continue;
    }
    ++seen;
    MMF_EXPECT_EQ(check_descriptor(d.data(), lim), kStatusOk);
    for (const uint32_t head_dim : {12u, 4u, 6u}) {
      d[kFieldHeadDim] = head_dim;
      MMF_EXPECT_EQ(check_descriptor(d.data(), lim), kStatusBadLength) << head_dim;
    }
  }
  MMF_EXPECT_EQ(seen, 2 * 4u);
}

}  // namespace
}  // namespace mmf::test

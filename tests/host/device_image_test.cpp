// SPDX-License-Identifier: Apache-2.0
// The model compiler: image layout, and malformed programs and images rejected with a clear
// error before anything runs.
#include "mmf/host/device_image.hpp"

#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "mmf/host/accelerator.hpp"
#include "mmf/host/model_source.hpp"

namespace mmf::test {
namespace {

using namespace mmf_hls;
using host::BuildDescriptor;

BuildDescriptor ci_tiny() {
  return host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
}

TEST(DeviceImage, TinyModelLayout) {
  const Model model = load_converted(shipped_tiny_model());
  const BuildDescriptor b = ci_tiny();
  const host::DeviceImage img = host::compile_model(model, b);
  const ModelConfig& c = model.config;
  MMF_EXPECT_EQ(img.layout.num_ops, static_cast<uint32_t>(10 * c.num_layers + 2));
  MMF_EXPECT_EQ(host::program_ops(c), int64_t{10} * c.num_layers + 2);
  MMF_EXPECT_EQ(img.program.front()[kFieldOpcode], static_cast<uint32_t>(kOpEmbed));
  MMF_EXPECT_EQ(img.program.back()[kFieldOpcode], static_cast<uint32_t>(kOpBitLinear));
  MMF_EXPECT_EQ(img.program.back()[kFieldDst], kDstMemory);
  MMF_EXPECT_EQ(img.program.back()[kFieldAddr2], img.layout.logits);
  MMF_EXPECT_EQ(img.weights.size(), size_t{2});
  // Every ternary weight streams once: rows x words per row, summed over the channels.
  uint64_t words = 0;
  for (const auto& d : img.program) {
    if (d[kFieldOpcode] == kOpBitLinear) {
      words += bitlinear_channel_words(d[kFieldRows], d[kFieldN], 16, 2);
    }
  }
  MMF_EXPECT_EQ(words, img.layout.weight_words);
  MMF_EXPECT_EQ(img.layout.state_words, static_cast<uint32_t>(c.num_layers * c.hidden_size));
  MMF_EXPECT_EQ(img.vec[0], 0x49464D4Du) << "image magic";
}

TEST(DeviceImage, ModelTooLargeForTheBuildIsRejectedNamingTheKey) {
  BuildDescriptor b = ci_tiny();
  b.accel.max_vector = 1024;  // tiny needs 2 x 768
  const Model model = load_converted(shipped_tiny_model());
  MMF_EXPECT_ERROR(host::compile_model(model, b), "model 'tiny' does not fit build 'ci-tiny'",
                   "accelerator.max_vector", "1536", "1024", b.path.c_str());
  b = ci_tiny();
  b.accel.max_ops = 20;
  MMF_EXPECT_ERROR(host::compile_model(model, b), "accelerator.max_ops", "42");
  b = ci_tiny();
  b.board.channel_mib = 1;
  MMF_EXPECT_ERROR(host::compile_model(model, b), "board.channel_mib");
}

class MalformedProgram : public testing::Test {
 protected:
  MalformedProgram()
      : model_(make_random_model(small_test_config(), 2, Packing::two_bit)),
        build_(ci_tiny()),
        image_(host::compile_model(model_, build_)) {}
  // Changes one field of one op, in the program and in the vector bank alike.
  void patch(uint32_t op, uint32_t field, uint32_t value) {
    image_.program[op][field] = value;
    image_.vec[image_.layout.program + op * kDescriptorWords + field] = value;
  }
  Model model_;
  BuildDescriptor build_;
  host::DeviceImage image_;
};

TEST_F(MalformedProgram, BadOpcode) {
  patch(3, kFieldOpcode, 0x2a);
  MMF_EXPECT_ERROR(host::validate_image(image_, build_), "op 3 (opcode 0x2a)", "unknown opcode");
}

TEST_F(MalformedProgram, OutOfRangeVectorAddress) {
  patch(4, kFieldAddr0, static_cast<uint32_t>(image_.layout.vec_words));
  MMF_EXPECT_ERROR(host::validate_image(image_, build_), "op 4 (MLGRU)", "past the bank");
}

TEST_F(MalformedProgram, OutOfRangeWeightAddress) {
  patch(1, kFieldWeight, static_cast<uint32_t>(image_.layout.weight_words) - 1);
  MMF_EXPECT_ERROR(host::validate_image(image_, build_), "op 1 (BitLinear)",
                   "weight range runs past the weight channel");
}

TEST_F(MalformedProgram, ProgramAndBankDisagree) {
  image_.vec[image_.layout.program + 2 * kDescriptorWords + kFieldN] += 1;
  MMF_EXPECT_ERROR(host::validate_image(image_, build_), "op 2 differs");
}

TEST_F(MalformedProgram, ImageForAnotherBuild) {
  const BuildDescriptor u280 = host::load_build_descriptor(host::build_descriptor_path("u280"));
  MMF_EXPECT_ERROR(host::validate_image(image_, u280), "compiled for build 'ci-tiny'", "u280");
}

TEST_F(MalformedProgram, TruncatedWeightImage) {
  image_.weights[1].resize(image_.weights[1].size() - 4);
  MMF_EXPECT_ERROR(host::validate_image(image_, build_), "weight channel size mismatch");
}

TEST_F(MalformedProgram, IsRejectedBeforeAnythingRuns) {
  patch(5, kFieldOpcode, 0);
  // The accelerator validates before it allocates or writes anything on the device.
  MMF_EXPECT_ERROR(host::Accelerator(host::open_device("csim", build_), image_), "op 5",
                   "unknown opcode");
}

}  // namespace
}  // namespace mmf::test

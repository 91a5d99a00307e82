// SPDX-License-Identifier: Apache-2.0
// The model compiler: image layout, and malformed programs and images rejected with a clear
// error before anything runs.
#include "mmf/host/compiler/device_image.hpp"

#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "mmf/checksum.hpp"
#include "mmf/host/runtime/accelerator.hpp"
#include "mmf/host/runtime/model_source.hpp"

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
  MMF_EXPECT_EQ(img.layout.num_ops, static_cast<uint32_t>(10 * c.num_layers + 3));
  MMF_EXPECT_EQ(host::program_ops(c), int64_t{10} * c.num_layers + 3);
  MMF_EXPECT_EQ(img.program.front()[kFieldOpcode], static_cast<uint32_t>(kOpEmbed));
  // The LM head writes the logits; the Argmax picks from them into the token and the ring.
  const host::Descriptor& head = img.program[img.program.size() - 2];
  MMF_EXPECT_EQ(head[kFieldOpcode], static_cast<uint32_t>(kOpBitLinear));
  MMF_EXPECT_EQ(head[kFieldDst], kDstMemory);
  MMF_EXPECT_EQ(head[kFieldAddr2], img.layout.logits);
  const host::Descriptor& pick = img.program.back();
  MMF_EXPECT_EQ(pick[kFieldOpcode], static_cast<uint32_t>(kOpArgmax));
  MMF_EXPECT_EQ(pick[kFieldRows], static_cast<uint32_t>(c.vocab_size));
  MMF_EXPECT_EQ(pick[kFieldAddr2], img.layout.logits);
  MMF_EXPECT_EQ(pick[kFieldAddr1], img.layout.token_in);
  MMF_EXPECT_EQ(pick[kFieldAddr0], img.layout.token_ring);
  MMF_EXPECT_EQ(pick[kFieldN], host::kTokenRingWords);
  MMF_EXPECT_EQ(img.weights.size(), size_t{2});
  // Every ternary weight streams once. ci-tiny: 2 channels, weight words of 4 rows x 4
  // columns, so a channel holds ceil(rows / 2) rows in blocks of 4, ceil(n / 4) words each.
  uint64_t words = 0;
  for (const auto& d : img.program) {
    if (d[kFieldOpcode] == kOpBitLinear) {
      words += uint64_t{(d[kFieldRows] + 1) / 2 + 3} / 4 * ((d[kFieldN] + 3) / 4);
    }
  }
  MMF_EXPECT_EQ(words, img.layout.weight_words);
  MMF_EXPECT_EQ(img.layout.state_words, static_cast<uint32_t>(c.num_layers * c.hidden_size));
  MMF_EXPECT_EQ(img.vec[0], 0x49464D4Du) << "image magic";
}

// A 1.6-bit image (WeightTile, kPackFiveTrit): every BitLinear says so, each channel row block
// takes ceil(4 words / 5) beats, and the blocks decode back to the 2-bit image's words.
TEST(DeviceImage, OnePointSixBitBlocksDecodeToTheTwoBitWords) {
  const Model model = load_converted(shipped_tiny_model());
  const BuildDescriptor b = ci_tiny();
  MMF_ASSERT_TRUE(b.accel.five_trit) << "ci-tiny lists 1.6bit in accelerator.packings";
  const host::DeviceImage two = host::compile_model(model, b);
  const host::DeviceImage five = host::compile_model(model, b, Packing::five_trit);
  MMF_EXPECT_EQ(five.packing, Packing::five_trit);
  const WeightTile t = host::weight_tile(b);
  uint64_t beats = 0, checked_blocks = 0;
  MMF_ASSERT_EQ(five.program.size(), two.program.size());
  for (size_t k = 0; k < five.program.size(); ++k) {
    const host::Descriptor& d5 = five.program[k];
    const host::Descriptor& d2 = two.program[k];
    if (d5[kFieldOpcode] != kOpBitLinear) {
      MMF_EXPECT_EQ(d5[kFieldPacking], 0u);
      continue;
    }
    MMF_EXPECT_EQ(d5[kFieldPacking], static_cast<uint32_t>(kPackFiveTrit));
    MMF_EXPECT_EQ(d2[kFieldPacking], static_cast<uint32_t>(kPackTwoBit));
    const uint32_t rows = d5[kFieldRows], n = d5[kFieldN];
    const uint64_t bw = t.block_words(n), bb = t.block_units(n, kPackFiveTrit);
    MMF_EXPECT_EQ(bb, (4 * bw + 4) / 5);
    MMF_EXPECT_EQ(d5[kFieldWeight], beats) << "op " << k;
    beats += t.channel_units(rows, n, kPackFiveTrit);
    const uint64_t word_bytes = static_cast<uint64_t>(b.weight_word_bytes());
    std::vector<uint8_t> words(bw * word_bytes);
    for (uint32_t c = 0; c < t.channels; ++c) {
      for (uint64_t blk = 0; blk < t.blocks(t.channel_rows(rows, c)); ++blk) {
        host::five_trit_block_to_words(
            five.weights[c].data() + (d5[kFieldWeight] + blk * bb) * word_bytes, bw, t.lanes,
            words.data());
        const uint8_t* want = two.weights[c].data() + (d2[kFieldWeight] + blk * bw) * word_bytes;
        MMF_ASSERT_TRUE(std::equal(words.begin(), words.end(), want))
            << "op " << k << " channel " << c << " block " << blk;
        ++checked_blocks;
      }
    }
  }
  MMF_EXPECT_EQ(beats, five.layout.weight_words);
  MMF_EXPECT_LT(five.layout.weight_words, two.layout.weight_words);
  MMF_EXPECT_LT(100u, checked_blocks);
}

// Bytes no packing makes decode to zero trits, as the RTL's decoder does.
TEST(DeviceImage, FiveTritBytesPastTheCodesDecodeToZero) {
  const uint32_t lanes = 16;
  std::vector<uint8_t> beats(lanes / 4, 0xFF), words(lanes / 4, 0xAA);
  host::five_trit_block_to_words(beats.data(), 1, lanes, words.data());
  for (uint8_t w : words) MMF_EXPECT_EQ(w, 0u) << "2-bit code 00 is a zero trit";
  beats.assign(lanes / 4, 242);  // five +1 trits
  host::five_trit_block_to_words(beats.data(), 1, lanes, words.data());
  for (uint8_t w : words) MMF_EXPECT_EQ(w, 0x55u) << "four +1 trits (01) a byte";
}

TEST(DeviceImage, OnePointSixBitOnABuildWithoutTheDecoderIsRefusedNamingTheKey) {
  const BuildDescriptor kv260 = host::load_build_descriptor(host::build_descriptor_path("kv260"));
  MMF_EXPECT_FALSE(kv260.accel.five_trit);
  MMF_EXPECT_ERROR(
      host::compile_model(load_converted(shipped_tiny_model()), kv260, Packing::five_trit),
      "--packing 1.6bit", "accelerator.packings", "kv260");
}

TEST(DeviceImage, ModelTooLargeForTheBuildIsRejectedNamingTheKey) {
  BuildDescriptor b = ci_tiny();
  b.accel.max_vector = 1024;  // tiny needs 2 x 768
  const Model model = load_converted(shipped_tiny_model());
  MMF_EXPECT_ERROR(host::compile_model(model, b), "model 'tiny' does not fit build 'ci-tiny'",
                   "accelerator.max_vector", "1536", "1024", b.path.c_str());
  b = ci_tiny();
  b.accel.max_ops = 20;
  MMF_EXPECT_ERROR(host::compile_model(model, b), "accelerator.max_ops", "43");
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
  // Changes one field of one op, in the program and in the vector bank alike, and reseals the
  // image so that the program checks, not the checksum, judge the change.
  void patch(uint32_t op, uint32_t field, uint32_t value) {
    image_.program[op][field] = value;
    image_.vec[image_.layout.program + op * kDescriptorWords + field] = value;
    host::seal_image(image_);
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

// The packing field: only a BitLinear has one, and only a packing the build decodes.
TEST_F(MalformedProgram, PackingOutsideABitLinearOrUnknown) {
  patch(4, kFieldPacking, kPackFiveTrit);  // the MLGRU
  MMF_EXPECT_ERROR(host::validate_image(image_, build_), "op 4 (MLGRU)");
  patch(4, kFieldPacking, 0);
  patch(1, kFieldPacking, 2);
  MMF_EXPECT_ERROR(host::validate_image(image_, build_), "op 1 (BitLinear)");
}

TEST_F(MalformedProgram, OnePointSixBitWeightsForABuildWithoutTheDecoder) {
  patch(1, kFieldPacking, kPackFiveTrit);
  host::validate_image(image_, build_);  // ci-tiny decodes it (a shorter range, still inside)
  build_.accel.five_trit = false;
  image_.identity.build_fingerprint = build_.fingerprint();
  host::seal_image(image_);
  MMF_EXPECT_ERROR(host::validate_image(image_, build_), "op 1 (BitLinear)");
}

TEST_F(MalformedProgram, ProgramAndBankDisagree) {
  image_.vec[image_.layout.program + 2 * kDescriptorWords + kFieldN] += 1;
  host::seal_image(image_);
  MMF_EXPECT_ERROR(host::validate_image(image_, build_), "op 2 differs");
}

TEST_F(MalformedProgram, ImageForAnotherBuild) {
  const BuildDescriptor u280 = host::load_build_descriptor(host::build_descriptor_path("u280"));
  MMF_EXPECT_ERROR(host::validate_image(image_, u280), "compiled for build 'ci-tiny'", "u280");
}

TEST_F(MalformedProgram, ImageForAnotherVersionOfTheSameBuild) {
  BuildDescriptor edited = build_;
  edited.accel.clock_mhz = 250;  // same name, other kernel: another fingerprint
  MMF_EXPECT_ERROR(host::validate_image(image_, edited),
                   std::string("compiled for build 'ci-tiny'"), hex64_string(build_.fingerprint()),
                   hex64_string(edited.fingerprint()),
                   std::string("compile the model for the loaded"));
}

TEST_F(MalformedProgram, RecordsTheModelAndBuildInTheHeader) {
  const auto word64 = [&](uint32_t lo) {
    return image_.vec[lo] | uint64_t{image_.vec[lo + 1]} << 32;
  };
  MMF_EXPECT_EQ(word64(host::kHeaderBuildLo), build_.fingerprint());
  MMF_EXPECT_EQ(word64(host::kHeaderModelLo), model_id(model_));
  MMF_EXPECT_EQ(image_.vec[host::kHeaderVersion], 2u);
  MMF_EXPECT_EQ(image_.vec[host::kHeaderVecCrc],
                host::vector_bank_crc(image_.vec.data(), image_.layout));
  MMF_EXPECT_EQ(image_.identity.weight_crc.size(), image_.weights.size());
}

TEST_F(MalformedProgram, AFlippedBitInTheVectorBankIsFound) {
  image_.vec[image_.layout.embedding + 17] ^= 1u << 9;
  MMF_EXPECT_ERROR(host::validate_image(image_, build_), "the vector bank is corrupted");
  // The words the device writes (token, logits, state) are outside the checksum.
  image_.vec[image_.layout.embedding + 17] ^= 1u << 9;
  image_.vec[image_.layout.state + 3] = 12345;
  image_.vec[image_.layout.logits] = 7;
  image_.vec[image_.layout.token_in] = 2;
  host::validate_image(image_, build_);
  MMF_COUNT_CHECK();
}

TEST_F(MalformedProgram, AFlippedBitInAWeightChannelIsNamed) {
  image_.weights[1][40] ^= 0x10;
  MMF_EXPECT_ERROR(host::validate_image(image_, build_), "weight channel 1 is corrupted");
}

// Forwards to a real device but flips one bit of what is written to one bank, as a faulty link
// or memory would: the accelerator must find it when it reads the banks back.
class CorruptingDevice final : public host::Device {
 public:
  CorruptingDevice(std::unique_ptr<host::Device> inner, int bank)
      : host::Device(inner->backend(), inner->build()), inner_(std::move(inner)), bank_(bank) {}
  host::BufferHandle allocate(int bank, uint64_t bytes) override {
    return inner_->allocate(bank, bytes);
  }
  int buffer_bank(host::BufferHandle b) const override { return inner_->buffer_bank(b); }
  void write(host::BufferHandle b, uint64_t offset, const void* data, uint64_t bytes) override {
    inner_->write(b, offset, data, bytes);
    if (buffer_bank(b) == bank_ && bytes > 100) {  // the upload, not a token id
      // The middle of a bank: weights, or the embedding table of the vector bank.
      uint8_t byte = 0;
      inner_->read(b, offset + bytes / 2, &byte, 1);
      byte ^= 0x04;
      inner_->write(b, offset + bytes / 2, &byte, 1);
    }
  }
  void read(host::BufferHandle b, uint64_t offset, void* data, uint64_t bytes) override {
    inner_->read(b, offset, data, bytes);
  }
  void start(const host::LaunchArgs& args) override { inner_->start(args); }
  void wait(std::chrono::milliseconds timeout) override { inner_->wait(timeout); }
  host::DeviceCounters counters() const override { return inner_->counters(); }

 private:
  std::unique_ptr<host::Device> inner_;
  int bank_;
};

TEST_F(MalformedProgram, ACorruptedUploadIsFoundBeforeAnythingRuns) {
  MMF_EXPECT_ERROR(
      host::Accelerator(std::make_unique<CorruptingDevice>(host::open_device("cpu", build_), 1),
                        image_),
      "cpu: weight channel 1 reads back from the device as", "the upload was corrupted");
  // ci-tiny keeps the vector bank on channel 2 of its own (vector_channel).
  MMF_EXPECT_ERROR(
      host::Accelerator(std::make_unique<CorruptingDevice>(host::open_device("cpu", build_),
                                                           build_.accel.vector_channel),
                        image_),
      "cpu: the vector bank reads back from the device as");
  host::Accelerator clean(host::open_device("cpu", build_), image_);
  MMF_EXPECT_EQ(clean.image().identity.model_id, model_id(model_));
}

TEST_F(MalformedProgram, ATokenIdOutsideTheVocabularyIsRefusedByTheHost) {
  // The host checks before writing the id; the kernel's own check (status kStatusBadToken) is
  // tested in hls_kernel_test, for a program run without this host.
  host::Accelerator acc(host::open_device("cpu", build_), image_);
  const auto vocab = static_cast<int32_t>(model_.config.vocab_size);
  MMF_EXPECT_ERROR(acc.step(vocab), "token id " + std::to_string(vocab),
                   "is outside the vocabulary [0, " + std::to_string(vocab) + ")");
  MMF_EXPECT_ERROR(acc.step(-1), "token id -1 is outside the vocabulary");
  MMF_EXPECT_EQ(acc.step(vocab - 1).size(), static_cast<size_t>(vocab));
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

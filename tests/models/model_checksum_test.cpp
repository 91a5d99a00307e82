// SPDX-License-Identifier: Apache-2.0
// Integrity of converted model files: one flipped bit in any tensor is found at load and named;
// missing, extra or malformed checksums and old format versions are refused; the model id
// follows the contents.
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "common/temp_dir.hpp"
#include "mmf/checksum.hpp"
#include "mmf/model.hpp"
#include "mmf/safetensors.hpp"

namespace mmf {
namespace {

using test::TempDir;

Model small_model() {
  Model m = make_random_model(test::small_test_config(), 5, Packing::two_bit);
  m.tokenizer_model = "not a real tokenizer, only bytes to checksum";
  return m;
}

// The bytes of a converted file with the header parsed out, so tests can edit either part.
struct RawFile {
  nlohmann::json header;
  std::string data;

  explicit RawFile(const std::string& path) {
    const std::string bytes = test::read_file(path);
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
    header = nlohmann::json::parse(bytes.substr(8, n));
    data = bytes.substr(8 + n);
  }
  void flip_bit(const std::string& tensor, size_t bit) {
    const uint64_t begin = header.at(tensor).at("data_offsets").at(0).get<uint64_t>();
    data[begin + bit / 8] = static_cast<char>(data[begin + bit / 8] ^ (1 << (bit % 8)));
  }
  void set_metadata(const std::string& key, const std::string& value) {
    header["__metadata__"][key] = value;
  }
  void write(const std::string& path) const {
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    std::string len(8, '\0');
    for (int i = 0; i < 8; ++i) len[i] = static_cast<char>(text.size() >> (8 * i));
    test::write_file(path, len + text + data);
  }
};

class FlippedBit : public ::testing::TestWithParam<const char*> {};

TEST_P(FlippedBit, IsFoundAtLoadNamingTheTensor) {
  TempDir dir;
  save_converted(small_model(), dir.file("m.safetensors"));
  RawFile raw(dir.file("m.safetensors"));
  const std::string tensor = GetParam();
  // A bit inside the tensor, not only its first byte; a scale has 32 bits.
  const uint64_t bytes = raw.header.at(tensor).at("data_offsets").at(1).get<uint64_t>() -
                         raw.header.at(tensor).at("data_offsets").at(0).get<uint64_t>();
  raw.flip_bit(tensor, (bytes * 8) / 2 + 1);
  raw.write(dir.file("bad.safetensors"));
  MMF_EXPECT_ERROR(load_converted(dir.file("bad.safetensors")), std::string("bad.safetensors"),
                   "tensor '" + tensor + "' is corrupted", std::string("the file records crc32c:"));
}

INSTANTIATE_TEST_SUITE_P(Tensors, FlippedBit,
                         ::testing::Values("model.embeddings.weight", "model.lower_bounds",
                                           "model.layers.0.attn.i_proj.weight",
                                           "model.layers.1.mlp.down_proj.weight",
                                           "model.layers.1.attn.g_proj.scale",
                                           "model.layers.1.mlp_norm.weight", "lm_head.norm.weight",
                                           "lm_head.weight", "tokenizer.model"));

TEST(ConvertedChecksums, RoundTripAndCoverEveryTensor) {
  TempDir dir;
  const Model m = small_model();
  save_converted(m, dir.file("m.safetensors"));
  const auto file = SafetensorsFile::open(dir.file("m.safetensors"));
  const auto sums = nlohmann::json::parse(file->metadata().at("checksums"));
  MMF_EXPECT_EQ(sums.size(), file->tensors().size());
  for (const TensorInfo& t : file->tensors()) {
    MMF_EXPECT_EQ(sums.at(t.name).get<std::string>(),
                  crc32c_string(crc32c(file->data(t), t.bytes())))
        << t.name;
  }
  const Model back = load_converted(dir.file("m.safetensors"));
  MMF_EXPECT_EQ(model_id(back), model_id(m));
  save_converted(back, dir.file("again.safetensors"));
  MMF_EXPECT_EQ(test::read_file(dir.file("again.safetensors")),
                test::read_file(dir.file("m.safetensors")));
}

TEST(ConvertedChecksums, MissingExtraOrMalformedEntriesAreRefused) {
  TempDir dir;
  save_converted(small_model(), dir.file("m.safetensors"));
  const RawFile good(dir.file("m.safetensors"));
  const auto sums =
      nlohmann::json::parse(good.header["__metadata__"]["checksums"].get<std::string>());

  RawFile missing = good;
  auto fewer = sums;
  fewer.erase("lm_head.weight");
  missing.set_metadata("checksums", fewer.dump());
  missing.write(dir.file("missing.safetensors"));
  MMF_EXPECT_ERROR(load_converted(dir.file("missing.safetensors")),
                   "tensor 'lm_head.weight' has no checksum");

  RawFile extra = good;
  auto more = sums;
  more["model.layers.9.attn.i_proj.weight"] = "crc32c:00000000";
  extra.set_metadata("checksums", more.dump());
  extra.write(dir.file("extra.safetensors"));
  MMF_EXPECT_ERROR(load_converted(dir.file("extra.safetensors")),
                   "names tensor 'model.layers.9.attn.i_proj.weight'", "does not hold");

  RawFile junk = good;
  junk.set_metadata("checksums", "[1, 2");
  junk.write(dir.file("junk.safetensors"));
  MMF_EXPECT_ERROR(load_converted(dir.file("junk.safetensors")), "junk.safetensors",
                   "'checksums' is not valid JSON");

  RawFile none = good;
  none.header["__metadata__"].erase("checksums");
  none.write(dir.file("none.safetensors"));
  MMF_EXPECT_ERROR(load_converted(dir.file("none.safetensors")), "no 'checksums'", "mmf convert");

  RawFile old = good;
  old.set_metadata("format_version", "1");
  old.write(dir.file("old.safetensors"));
  MMF_EXPECT_ERROR(load_converted(dir.file("old.safetensors")), "format_version 1",
                   "reads version 2");
}

TEST(ConvertedChecksums, InvalidPackedBytesUnderAValidChecksumAreStillRefused) {
  TempDir dir;
  Model m = small_model();
  m.layers[1].o_proj.weight.packed[3] = 0xAA;  // code 10 in every trit: not a 2-bit code
  save_converted(m, dir.file("m.safetensors"));
  MMF_EXPECT_ERROR(load_converted(dir.file("m.safetensors")), "model.layers.1.attn.o_proj.weight",
                   "invalid 2bit byte at offset 3");
}

TEST(ModelId, FollowsTheContents) {
  const Model a = small_model();
  Model b = a;
  MMF_EXPECT_EQ(model_id(a), model_id(b));
  b.layers[0].gate_proj.weight.scale *= 2.0f;
  MMF_EXPECT_NE(model_id(a), model_id(b));
  Model c = a;
  c.packing = Packing::five_trit;
  MMF_EXPECT_NE(model_id(a), model_id(c));
  MMF_EXPECT_NE(model_id(a), model_id(make_random_model(a.config, 6, Packing::two_bit)));
}

}  // namespace
}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Tokenizers: the shipped SentencePiece model round-trips text with BOS prepended.
#include "mmf/tokenizer.hpp"

#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "common/temp_dir.hpp"
#include "mmf/error.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf/safetensors.hpp"

namespace mmf {
namespace {

class SentencePieceRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(SentencePieceRoundTrip, DecodeOfEncodeIsIdentity) {
  const auto tok = make_sentencepiece_tokenizer(test::shipped_tokenizer(), "tiny");
  const std::vector<int32_t> ids = tok->encode(GetParam());
  MMF_ASSERT_TRUE(!ids.empty());
  MMF_EXPECT_EQ(ids[0], 1);  // BOS
  for (int32_t id : ids) MMF_EXPECT_LT(id, tok->vocab_size());
  MMF_EXPECT_EQ(tok->decode(ids), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Texts, SentencePieceRoundTrip,
                         ::testing::Values("The meaning of life is", "Hello, world!",
                                           "A fool and his money are soon parted.",
                                           "Numbers 12345 and punctuation: ;-)",
                                           "Ünïcödé bytes → fall back"));

// The fixture's prompt ids came from Python's SentencePiece with BOS prepended.
TEST(SentencePiece, EncodesTheFixturePromptsAsPythonDid) {
  const auto tok = make_sentencepiece_tokenizer(test::shipped_tokenizer(), "tiny");
  const auto fixture = SafetensorsFile::open(host::models_dir() + "/tiny/fixture.safetensors");
  const auto prompts = nlohmann::json::parse(fixture->metadata().at("prompts"));
  MMF_ASSERT_TRUE(!prompts.empty());
  for (size_t p = 0; p < prompts.size(); ++p) {
    const TensorInfo* ids_t = fixture->find("prompt." + std::to_string(p) + ".ids");
    MMF_ASSERT_TRUE(ids_t != nullptr);
    std::vector<int32_t> expected(static_cast<size_t>(ids_t->numel()));
    std::memcpy(expected.data(), fixture->data(*ids_t), expected.size() * sizeof(int32_t));
    MMF_EXPECT_EQ(tok->encode(prompts[p].get<std::string>()), expected);
  }
}

// Cross-check with Debian's spm_encode command-line tool on a longer text.
TEST(SentencePiece, AgreesWithSpmEncode) {
  if (std::system("command -v spm_encode >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "spm_encode not found (Debian package sentencepiece; make deps installs it)";
  }
  test::TempDir dir;
  test::write_file(dir.file("tok.model"), test::shipped_tokenizer());
  const std::string text =
      "It is a truth universally acknowledged, that a single man in "
      "possession of a good fortune, must be in want of a wife.";
  test::write_file(dir.file("in.txt"), text + "\n");
  const std::string cmd = "spm_encode --model=" + dir.file("tok.model") + " --output_format=id < " +
                          dir.file("in.txt") + " > " + dir.file("out.txt");
  MMF_ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::vector<int32_t> expected{1};  // BOS, which spm_encode does not add
  std::istringstream ids(test::read_file(dir.file("out.txt")));
  for (int32_t id; ids >> id;) expected.push_back(id);
  const auto tok = make_sentencepiece_tokenizer(test::shipped_tokenizer(), "tiny");
  MMF_EXPECT_EQ(tok->encode(text), expected);
}

TEST(SentencePiece, RejectsGarbage) {
  MMF_EXPECT_ERROR(make_sentencepiece_tokenizer("not a model", "x.model"), "x.model",
                   "not a valid SentencePiece model");
  MMF_EXPECT_ERROR(make_sentencepiece_tokenizer("", "y.model"), "y.model", "empty");
}

TEST(ByteTokenizer, RoundTripsBytes) {
  const auto tok = make_byte_tokenizer(32000, 1);
  const std::string text = "bytes \x01\xff ok";
  const std::vector<int32_t> ids = tok->encode(text);
  MMF_EXPECT_EQ(ids.size(), text.size() + 1);
  MMF_EXPECT_EQ(ids[0], 1);
  MMF_EXPECT_EQ(tok->decode(ids), text);
  MMF_EXPECT_EQ(tok->decode({5000}), "<5000>");
}

// Ids no model of that vocabulary can produce are a clear error, not text.
TEST(ByteTokenizer, RejectsIdsOutsideItsVocabulary) {
  const auto tok = make_byte_tokenizer(300, 1);
  MMF_EXPECT_EQ(tok->decode({3 + 'a', 299}), "a<299>");
  MMF_EXPECT_ERROR(tok->decode({3 + 'a', 300}), "byte tokenizer", "id 300", "0 to 299");
  MMF_EXPECT_ERROR(tok->decode({-5}), "id -5");
}

TEST(SentencePiece, RejectsNegativeIdsAndDropsIdsPastItsPieces) {
  const auto tok = make_sentencepiece_tokenizer(test::shipped_tokenizer(), "tiny");
  const std::vector<int32_t> ids = tok->encode("Hello");
  std::vector<int32_t> padded = ids;
  padded.push_back(tok->vocab_size());  // a padded vocabulary's id: no text
  MMF_EXPECT_EQ(tok->decode(padded), tok->decode(ids));
  MMF_EXPECT_ERROR(tok->decode({ids[1], -1}), "negative id -1");
}

}  // namespace
}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Tokenizers: the shipped SentencePiece model round-trips text with BOS prepended.
#include "mmf/tokenizer.hpp"

#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "mmf/error.hpp"

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

}  // namespace
}  // namespace mmf

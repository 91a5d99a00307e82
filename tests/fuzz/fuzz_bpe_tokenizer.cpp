// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the byte-level BPE tokenizer (make_bpe_tokenizer). The first input byte picks the
// part: even, the rest is read as a tokenizer.json (and, when accepted, encodes and decodes a
// fixed text); odd, the rest is text for a fixed tokenizer in the LLaMA-3 layout, which must
// give ids inside its vocabulary and decode back to the same bytes.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "fuzz_targets.hpp"
#include "mmf/error.hpp"
#include "mmf/tokenizer.hpp"

namespace mmf::fuzz {
namespace {

constexpr const char* kLlama3Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|)"
    R"(\s*[\r\n]+|\s+(?!\S)|\s+)";

// Byte b's character in GPT-2's byte alphabet, as UTF-8.
std::string byte_char(unsigned b) {
  unsigned cp = b;
  const auto printable = [](unsigned c) {
    return (c >= 0x21 && c <= 0x7E) || (c >= 0xA1 && c <= 0xAC) || c >= 0xAE;
  };
  if (!printable(b)) {
    cp = 256;
    for (unsigned k = 0; k < b; ++k) cp += printable(k) ? 0 : 1;
  }
  std::string s;
  if (cp < 0x80) return std::string(1, static_cast<char>(cp));
  s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
  s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  return s;
}

// The 256 bytes, merges of a few common English pieces (each merge's result a new token), and
// BOS/EOT specials.
std::string fixed_tokenizer_json() {
  nlohmann::json vocab = nlohmann::json::object();
  for (unsigned b = 0; b < 256; ++b) vocab[byte_char(b)] = b;
  const std::string sp = byte_char(' ');
  const std::vector<std::pair<std::string, std::string>> merges = {
      {"t", "h"},  {"th", "e"},
      {sp, "the"}, {"i", "n"},
      {"e", "r"},  {sp, "t"},
      {"o", "n"},  {"a", "n"},
      {"an", "d"}, {sp, "and"},
      {"in", "g"}, {"é", "t"},
      {sp, sp},    {byte_char(10), byte_char(10)}};
  nlohmann::json merge_list = nlohmann::json::array();
  for (const auto& [a, b] : merges) {
    if (!vocab.contains(a + b)) vocab[a + b] = static_cast<int>(vocab.size());
    merge_list.push_back(a + " " + b);
  }
  const int n = static_cast<int>(vocab.size());
  nlohmann::json t;
  t["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers",
       {{{"type", "Split"},
         {"pattern", {{"Regex", kLlama3Pattern}}},
         {"behavior", "Isolated"},
         {"invert", false}},
        {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}};
  t["model"] = {{"type", "BPE"}, {"ignore_merges", true}, {"vocab", vocab}, {"merges", merge_list}};
  t["added_tokens"] = {{{"id", n}, {"content", "<|bos|>"}, {"special", true}},
                       {{"id", n + 1}, {"content", "<|eot|>"}, {"special", true}}};
  return t.dump();
}

const Tokenizer& fixed_tokenizer() {
  static const std::unique_ptr<Tokenizer> t = [] {
    const std::string json = fixed_tokenizer_json();
    const auto bos = nlohmann::json::parse(json)["added_tokens"][0]["id"].get<int32_t>();
    return make_bpe_tokenizer(json, "fixed", bos);
  }();
  return *t;
}

void check_round_trip(const Tokenizer& tok, const std::string& text) {
  const std::vector<int32_t> ids = tok.encode(text);
  for (int32_t id : ids) {
    if (id < 0 || id >= tok.vocab_size()) {
      throw std::logic_error("bpe tokenizer: encode gave id " + std::to_string(id) +
                             " outside its vocabulary of " + std::to_string(tok.vocab_size()));
    }
  }
  // Specials decode to nothing, so only text without a special's spelling comes back whole.
  if (text.find("<|") == std::string::npos && tok.decode(ids) != text) {
    throw std::logic_error("bpe tokenizer: decode(encode(text)) differs from the text");
  }
}

}  // namespace

std::string bpe_tokenizer_seed_json() {
  return fixed_tokenizer_json();
}

void fuzz_bpe_tokenizer(const uint8_t* data, size_t size) {
  if (size == 0) return;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 1) {
    check_round_trip(fixed_tokenizer(), rest);
    return;
  }
  try {
    // Any accepted file: ids inside the vocabulary, decode without a crash (whether BOS id 0
    // is text depends on the file, so no round trip here).
    const std::unique_ptr<Tokenizer> tok = make_bpe_tokenizer(rest, "fuzz.json", 0);
    const std::vector<int32_t> ids = tok->encode("The quick brown fox, 12345 wörds\r\n \xff!");
    for (int32_t id : ids) {
      if (id < 0 || id >= tok->vocab_size()) throw std::logic_error("bpe tokenizer: id outside");
    }
    tok->decode(ids);
    tok->decode({0, 1, 2, tok->vocab_size(), 1 << 30});
  } catch (const Error&) {
  }
}

}  // namespace mmf::fuzz

// SPDX-License-Identifier: Apache-2.0
// Byte-level BPE tokenizer read from a Hugging Face tokenizer.json (LLaMA-3 and GPT-2 layouts).
//
// Accepted layout (anything else is refused, naming the key):
//   normalizer      null
//   pre_tokenizer   Sequence[Split{Regex, Isolated, invert false}, ByteLevel{use_regex false}]
//                   or ByteLevel{use_regex true} (GPT-2's pattern); add_prefix_space false
//   model           BPE with vocab and merges ("a b" strings or [a, b] pairs), ignore_merges,
//                   no byte_fallback, dropout, subword prefix or word suffix
//   added_tokens    matched in the text before pre-tokenization (no lstrip/rstrip/single_word)
//   post_processor  null, ByteLevel, TemplateProcessing "[special] $A", or a Sequence of them
//   decoder         ByteLevel (or null)
//
// Encoding follows the Rust tokenizers crate: split the text on added tokens; split each other
// segment with the pattern (matches and the gaps between them are pieces); map each piece's bytes
// to GPT-2's byte alphabet; emit the piece whole if it is in the vocabulary and ignore_merges is
// set, else merge the lowest-ranked adjacent pair (leftmost on ties) until no merge applies.
//
// One choice of ours, for bytes a Rust String cannot hold: text is first split into runs of
// valid UTF-8 and single invalid bytes. Each run is pre-tokenized on its own (the pattern's
// lookahead sees the run's end), each invalid byte is a piece of its own; so decode(encode(s))
// is s for every byte string. The pattern is written for Oniguruma; PCRE2 in UTF/UCP mode runs it
// as it is: \s (with U+0085), \p{L}, \p{N}, (?i:...) and the lookahead mean the same in both on
// the texts of tests/models/bpe_tokenizer_test.cpp, checked against Hugging Face's tokenizers.js.
#include <algorithm>
#include <array>
#include <functional>
#include <nlohmann/json.hpp>
#include <queue>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "mmf/error.hpp"
#include "mmf/tokenizer.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace mmf {
namespace {

using json = nlohmann::json;

// GPT-2's pattern, used by a ByteLevel pre-tokenizer with use_regex = true.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// Largest token id accepted: far above any released vocabulary, small enough for int32 math.
constexpr int64_t kMaxTokenId = int64_t{1} << 24;

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Length (1-4) of the well-formed UTF-8 sequence at p (Unicode Table 3-7: no overlong forms,
// surrogates or code points past U+10FFFF), or 0 if there is none.
size_t utf8_sequence_length(const unsigned char* p, size_t n) {
  const auto cont = [&](size_t k, unsigned lo, unsigned hi) {
    return k < n && p[k] >= lo && p[k] <= hi;
  };
  const unsigned b = p[0];
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return cont(1, 0x80, 0xBF) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    const unsigned lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    return cont(1, lo, hi) && cont(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    const unsigned lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    return cont(1, lo, hi) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// GPT-2's bytes_to_unicode: printable Latin-1 bytes map to themselves, the other 68 bytes to
// U+0100 onwards, in byte order.
std::array<uint32_t, 256> byte_alphabet() {
  std::array<uint32_t, 256> cp{};
  uint32_t next = 256;
  for (uint32_t b = 0; b < 256; ++b) {
    const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
    cp[b] = printable ? b : next++;
  }
  return cp;
}

struct CodeDeleter {
  void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};
struct MatchDataDeleter {
  void operator()(pcre2_match_data* m) const { pcre2_match_data_free(m); }
};

const json& member(const json& obj, const char* key, const std::string& path,
                   const std::string& where) {
  if (!obj.is_object() || !obj.contains(key)) {
    throw Error(where + ": missing key '" + path + "." + key + "'");
  }
  return obj.at(key);
}

std::string string_member(const json& obj, const char* key, const std::string& path,
                          const std::string& where) {
  const json& v = member(obj, key, path, where);
  if (!v.is_string()) throw Error(where + ": '" + path + "." + key + "' must be a string");
  return v.get<std::string>();
}

bool bool_member(const json& obj, const char* key, bool fallback, const std::string& path,
                 const std::string& where) {
  if (!obj.contains(key) || obj.at(key).is_null()) return fallback;
  if (!obj.at(key).is_boolean()) {
    throw Error(where + ": '" + path + "." + key + "' must be true or false");
  }
  return obj.at(key).get<bool>();
}

void refuse_unless(bool ok, const std::string& where, const std::string& what) {
  if (!ok) throw Error(where + ": " + what + " is not supported by mmf's BPE tokenizer");
}

class BpeTokenizer final : public Tokenizer {
 public:
  BpeTokenizer(const std::string& text, const std::string& where, int32_t bos_id) {
    json root;
    try {
      root = json::parse(text);
    } catch (const json::exception& e) {
      throw Error(where + ": not valid JSON (" + e.what() + ")");
    }
    if (!root.is_object()) throw Error(where + ": expected a JSON object (a tokenizer.json)");
    refuse_unless(!root.contains("normalizer") || root["normalizer"].is_null(), where,
                  "a 'normalizer'");
    read_pre_tokenizer(member(root, "pre_tokenizer", "", where), where);
    read_model(member(root, "model", "", where), where);
    if (root.contains("added_tokens")) read_added_tokens(root["added_tokens"], where);
    if (root.contains("decoder") && !root["decoder"].is_null()) {
      refuse_unless(string_member(root["decoder"], "type", "decoder", where) == "ByteLevel", where,
                    "decoder type other than ByteLevel");
    }
    vocab_size_ = static_cast<int32_t>(max_id_ + 1);
    bos_ = bos_id;
    if (bos_ < 0 || bos_ >= vocab_size_) {
      throw Error(where + ": BOS id " + std::to_string(bos_) + " is not a token of this " +
                  "tokenizer (ids 0 to " + std::to_string(vocab_size_ - 1) + ")");
    }
    if (root.contains("post_processor")) read_post_processor(root["post_processor"], where);
  }

  std::vector<int32_t> encode(const std::string& text) const override {
    std::vector<int32_t> out{bos_};
    std::unique_ptr<pcre2_match_data, MatchDataDeleter> md(
        pcre2_match_data_create_from_pattern(regex_.get(), nullptr));
    if (!md) throw Error("tokenizer: out of memory");
    size_t start = 0;  // start of the text not yet split on added tokens
    for (size_t k = 0; k < text.size();) {
      const auto [id, len] = added_token_at(text, k);
      if (len == 0) {
        ++k;
        continue;
      }
      encode_segment(text, start, k, md.get(), out);
      out.push_back(id);
      k += len;
      start = k;
    }
    encode_segment(text, start, text.size(), md.get(), out);
    return out;
  }

  std::string decode(const std::vector<int32_t>& ids) const override {
    std::string text;
    for (int32_t id : ids) {
      if (id < 0) throw Error("tokenizer: cannot decode the negative id " + std::to_string(id));
      // Specials are not text; ids past the vocabulary (a padded model) have none.
      if (static_cast<size_t>(id) < bytes_of_.size()) text += bytes_of_[static_cast<size_t>(id)];
    }
    return text;
  }

  int32_t vocab_size() const override { return vocab_size_; }
  std::string kind() const override { return "bpe"; }
  std::optional<int32_t> special_token(const std::string& content) const override {
    const auto it = added_.find(content);
    if (it == added_.end()) return std::nullopt;
    return it->second;
  }

 private:
  void read_pre_tokenizer(const json& pre, const std::string& where) {
    const std::string type = string_member(pre, "type", "pre_tokenizer", where);
    std::string pattern;
    if (type == "ByteLevel") {
      refuse_unless(bool_member(pre, "use_regex", true, "pre_tokenizer", where), where,
                    "a lone ByteLevel pre_tokenizer without use_regex");
      refuse_unless(!bool_member(pre, "add_prefix_space", true, "pre_tokenizer", where), where,
                    "pre_tokenizer.add_prefix_space = true");
      pattern = kGpt2Pattern;
    } else if (type == "Sequence") {
      const json& steps = member(pre, "pretokenizers", "pre_tokenizer", where);
      refuse_unless(steps.is_array() && steps.size() == 2, where,
                    "a pre_tokenizer Sequence other than [Split, ByteLevel]");
      const json& split = steps[0];
      const std::string p0 = "pre_tokenizer.pretokenizers[0]",
                        p1 = "pre_tokenizer.pretokenizers[1]";
      refuse_unless(string_member(split, "type", p0, where) == "Split", where,
                    p0 + ".type other than Split");
      refuse_unless(string_member(split, "behavior", p0, where) == "Isolated", where,
                    p0 + ".behavior other than Isolated");
      refuse_unless(!bool_member(split, "invert", false, p0, where), where, p0 + ".invert");
      pattern = string_member(member(split, "pattern", p0, where), "Regex", p0 + ".pattern", where);
      const json& bl = steps[1];
      refuse_unless(string_member(bl, "type", p1, where) == "ByteLevel", where,
                    p1 + ".type other than ByteLevel");
      refuse_unless(!bool_member(bl, "use_regex", true, p1, where), where,
                    p1 + ".use_regex = true after a Split");
      refuse_unless(!bool_member(bl, "add_prefix_space", true, p1, where), where,
                    p1 + ".add_prefix_space = true");
    } else {
      throw Error(where + ": pre_tokenizer type '" + type +
                  "' is not supported (expected Sequence[Split, ByteLevel] or ByteLevel)");
    }
    int error = 0;
    PCRE2_SIZE offset = 0;
    regex_.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.c_str()), pattern.size(),
                               PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr));
    if (!regex_) {
      std::array<PCRE2_UCHAR, 256> message{};
      pcre2_get_error_message(error, message.data(), message.size());
      throw Error(where + ": the pre_tokenizer pattern does not compile at offset " +
                  std::to_string(offset) + " (" + reinterpret_cast<const char*>(message.data()) +
                  ")");
    }
  }

  void read_model(const json& model, const std::string& where) {
    refuse_unless(string_member(model, "type", "model", where) == "BPE", where,
                  "a model type other than BPE");
    refuse_unless(!bool_member(model, "byte_fallback", false, "model", where), where,
                  "model.byte_fallback");
    refuse_unless(!model.contains("dropout") || model["dropout"].is_null(), where, "model.dropout");
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
      refuse_unless(!model.contains(key) || model[key].is_null() || model[key] == "", where,
                    std::string("model.") + key);
    }
    ignore_merges_ = bool_member(model, "ignore_merges", false, "model", where);

    const json& vocab = member(model, "vocab", "model", where);
    if (!vocab.is_object() || vocab.empty()) {
      throw Error(where + ": 'model.vocab' must be a non-empty object of token: id");
    }
    const std::array<uint32_t, 256> alphabet = byte_alphabet();
    std::unordered_map<uint32_t, char> byte_of;
    for (uint32_t b = 0; b < 256; ++b) byte_of[alphabet[b]] = static_cast<char>(b);
    for (const auto& [token, id_json] : vocab.items()) {
      if (!id_json.is_number_integer() || id_json.get<int64_t>() < 0 ||
          id_json.get<int64_t>() > kMaxTokenId) {
        throw Error(where + ": model.vocab['" + token + "'] must be an id in 0.." +
                    std::to_string(kMaxTokenId));
      }
      const auto id = static_cast<int32_t>(id_json.get<int64_t>());
      if (!vocab_.emplace(token, id).second) {
        throw Error(where + ": model.vocab has '" + token + "' twice");
      }
      max_id_ = std::max<int64_t>(max_id_, id);
      if (bytes_of_.size() <= static_cast<size_t>(id))
        bytes_of_.resize(static_cast<size_t>(id) + 1);
      bytes_of_[static_cast<size_t>(id)] = token_bytes(token, byte_of, where);
    }
    for (uint32_t b = 0; b < 256; ++b) {
      std::string ch;
      append_utf8(ch, alphabet[b]);
      const auto it = vocab_.find(ch);
      if (it == vocab_.end()) {
        throw Error(where + ": model.vocab lacks the byte " + std::to_string(b) +
                    " (a byte-level BPE needs all 256)");
      }
      byte_id_[b] = it->second;
    }

    const json& merges = member(model, "merges", "model", where);
    if (!merges.is_array()) throw Error(where + ": 'model.merges' must be an array");
    merges_.reserve(merges.size());
    for (size_t rank = 0; rank < merges.size(); ++rank) {
      const json& m = merges[rank];
      std::string left, right;
      if (m.is_string()) {
        const std::string s = m.get<std::string>();
        const size_t space = s.find(' ');
        if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos) {
          throw Error(where + ": model.merges[" + std::to_string(rank) + "] = '" + s +
                      "' is not two tokens separated by one space");
        }
        left = s.substr(0, space);
        right = s.substr(space + 1);
      } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
        left = m[0].get<std::string>();
        right = m[1].get<std::string>();
      } else {
        throw Error(where + ": model.merges[" + std::to_string(rank) +
                    "] must be \"a b\" or [\"a\", \"b\"]");
      }
      const auto l = vocab_.find(left), r = vocab_.find(right), lr = vocab_.find(left + right);
      if (l == vocab_.end() || r == vocab_.end() || lr == vocab_.end()) {
        throw Error(where + ": model.merges[" + std::to_string(rank) + "] ('" + left + "', '" +
                    right + "') names a token that is not in model.vocab");
      }
      merges_.emplace(pair_key(l->second, r->second),
                      Merge{static_cast<int32_t>(rank), lr->second});  // first rank wins
    }
  }

  void read_added_tokens(const json& added, const std::string& where) {
    if (!added.is_array()) throw Error(where + ": 'added_tokens' must be an array");
    for (size_t k = 0; k < added.size(); ++k) {
      const std::string path = "added_tokens[" + std::to_string(k) + "]";
      const json& t = added[k];
      const json& id_json = member(t, "id", path, where);
      if (!id_json.is_number_integer() || id_json.get<int64_t>() < 0 ||
          id_json.get<int64_t>() > kMaxTokenId) {
        throw Error(where + ": '" + path + ".id' must be an id in 0.." +
                    std::to_string(kMaxTokenId));
      }
      const auto id = static_cast<int32_t>(id_json.get<int64_t>());
      const std::string content = string_member(t, "content", path, where);
      if (content.empty()) throw Error(where + ": '" + path + ".content' is empty");
      for (const char* key : {"lstrip", "rstrip", "single_word"}) {
        refuse_unless(!bool_member(t, key, false, path, where), where,
                      path + "." + key + " = true");
      }
      const bool special = bool_member(t, "special", false, path, where);
      // An id shared with the vocabulary must spell the same text, or decoding it is ambiguous.
      if (static_cast<size_t>(id) < bytes_of_.size() &&
          !bytes_of_[static_cast<size_t>(id)].empty() &&
          bytes_of_[static_cast<size_t>(id)] != content) {
        throw Error(where + ": '" + path + "' gives id " + std::to_string(id) + " to '" + content +
                    "', which model.vocab gives to other text");
      }
      if (!added_.emplace(content, id).second) {
        throw Error(where + ": '" + path + "' repeats the added token '" + content + "'");
      }
      max_id_ = std::max<int64_t>(max_id_, id);
      if (bytes_of_.size() <= static_cast<size_t>(id))
        bytes_of_.resize(static_cast<size_t>(id) + 1);
      bytes_of_[static_cast<size_t>(id)] = special ? std::string() : content;
      added_by_first_byte_[static_cast<unsigned char>(content[0])].push_back(content);
    }
    for (auto& list : added_by_first_byte_) {  // longest first: the longest match wins
      std::sort(list.begin(), list.end(),
                [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    }
  }

  void read_post_processor(const json& post, const std::string& where) {
    if (post.is_null()) return;
    const std::string type = string_member(post, "type", "post_processor", where);
    if (type == "ByteLevel") return;
    if (type == "Sequence") {
      const json& steps = member(post, "processors", "post_processor", where);
      if (!steps.is_array()) throw Error(where + ": 'post_processor.processors' must be an array");
      for (const json& step : steps) read_post_processor(step, where);
      return;
    }
    refuse_unless(type == "TemplateProcessing", where, "post_processor type '" + type + "'");
    const json& single = member(post, "single", "post_processor", where);
    const bool leading_special = single.is_array() && single.size() == 2 &&
                                 single[0].contains("SpecialToken") &&
                                 single[1].contains("Sequence");
    const bool plain = single.is_array() && single.size() == 1 && single[0].contains("Sequence");
    refuse_unless(leading_special || plain, where,
                  "a post_processor template other than \"[special] $A\" or \"$A\"");
    if (!leading_special) return;
    const std::string name =
        string_member(single[0]["SpecialToken"], "id", "post_processor.single[0]", where);
    const json& specials = member(post, "special_tokens", "post_processor", where);
    const json& ids = member(member(specials, name.c_str(), "post_processor.special_tokens", where),
                             "ids", "post_processor.special_tokens." + name, where);
    if (!ids.is_array() || ids.size() != 1 || !ids[0].is_number_integer() ||
        ids[0].get<int64_t>() != bos_) {
      throw Error(where + ": the post_processor template starts with '" + name +
                  "', which is not the model's BOS id " + std::to_string(bos_));
    }
  }

  static std::string token_bytes(const std::string& token,
                                 const std::unordered_map<uint32_t, char>& byte_of,
                                 const std::string& where) {
    std::string bytes;
    const auto* p = reinterpret_cast<const unsigned char*>(token.data());
    for (size_t k = 0; k < token.size();) {
      const size_t len = utf8_sequence_length(p + k, token.size() - k);
      uint32_t cp = 0;
      if (len == 1) cp = p[k];
      if (len == 2) cp = ((p[k] & 0x1Fu) << 6) | (p[k + 1] & 0x3Fu);
      if (len == 3) cp = ((p[k] & 0x0Fu) << 12) | ((p[k + 1] & 0x3Fu) << 6) | (p[k + 2] & 0x3Fu);
      const auto it = len == 0 || len == 4 ? byte_of.end() : byte_of.find(cp);
      if (it == byte_of.end()) {
        throw Error(where + ": model.vocab token '" + token +
                    "' is not written in the byte-level alphabet");
      }
      bytes.push_back(it->second);
      k += len;
    }
    return bytes;
  }

  static uint64_t pair_key(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }

  // The added token starting at text[k], longest first: (id, length), length 0 if none.
  std::pair<int32_t, size_t> added_token_at(const std::string& text, size_t k) const {
    for (const std::string& c : added_by_first_byte_[static_cast<unsigned char>(text[k])]) {
      if (text.compare(k, c.size(), c) == 0) return {added_.at(c), c.size()};
    }
    return {0, 0};
  }

  // Pre-tokenizes and merges text[begin, end): runs of valid UTF-8 through the pattern, each
  // invalid byte a piece of its own.
  void encode_segment(const std::string& text, size_t begin, size_t end, pcre2_match_data* md,
                      std::vector<int32_t>& out) const {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    size_t run = begin;
    for (size_t k = begin; k <= end;) {
      const size_t len = k < end ? utf8_sequence_length(p + k, end - k) : 0;
      if (len > 0) {
        k += len;
        continue;
      }
      if (k > run) encode_run(text.data() + run, k - run, md, out);
      if (k < end) out.push_back(byte_id_[p[k]]);  // an invalid byte
      run = ++k;
    }
  }

  void encode_run(const char* s, size_t n, pcre2_match_data* md, std::vector<int32_t>& out) const {
    const auto subject = reinterpret_cast<PCRE2_SPTR>(s);
    size_t piece = 0, from = 0;
    uint32_t options = 0;  // the first call checks the run's UTF-8; it is valid, so no more checks
    while (from < n) {
      const int rc = pcre2_match(regex_.get(), subject, n, from, options, md, nullptr);
      options = PCRE2_NO_UTF_CHECK;
      if (rc == PCRE2_ERROR_NOMATCH) break;
      if (rc < 0) {
        std::array<PCRE2_UCHAR, 256> message{};
        pcre2_get_error_message(rc, message.data(), message.size());
        throw Error(std::string("tokenizer: the pre-tokenizer pattern failed on the text (") +
                    reinterpret_cast<const char*>(message.data()) + ")");
      }
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
      if (ov[1] == ov[0]) {  // an empty match splits nothing: step over one character
        from = ov[0] + std::max<size_t>(1, utf8_sequence_length(subject + ov[0], n - ov[0]));
        continue;
      }
      if (ov[0] > piece) encode_piece(s + piece, ov[0] - piece, out);
      encode_piece(s + ov[0], ov[1] - ov[0], out);
      piece = from = ov[1];
    }
    if (n > piece) encode_piece(s + piece, n - piece, out);
  }

  void encode_piece(const char* s, size_t n, std::vector<int32_t>& out) const {
    if (ignore_merges_) {
      std::string mapped;
      for (size_t k = 0; k < n; ++k)
        append_utf8(mapped, alphabet_[static_cast<unsigned char>(s[k])]);
      const auto it = vocab_.find(mapped);
      if (it != vocab_.end()) {
        out.push_back(it->second);
        return;
      }
    }
    // Symbols in a linked list; a min-heap of (rank, position) candidate merges, checked when
    // popped against the symbols as they are then.
    std::vector<int32_t> id(n);
    std::vector<size_t> next(n), prev(n);
    for (size_t k = 0; k < n; ++k) {
      id[k] = byte_id_[static_cast<unsigned char>(s[k])];
      next[k] = k + 1;
      prev[k] = k - 1;  // wraps for k = 0: never read, the head has no predecessor
    }
    using Candidate = std::tuple<int32_t, size_t, int32_t, int32_t>;  // rank, left, ids
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
    const auto consider = [&](size_t left) {
      if (left >= n || next[left] >= n) return;
      const auto it = merges_.find(pair_key(id[left], id[next[left]]));
      if (it != merges_.end()) heap.emplace(it->second.rank, left, id[left], id[next[left]]);
    };
    for (size_t k = 0; k + 1 < n; ++k) consider(k);
    std::vector<bool> alive(n, true);
    while (!heap.empty()) {
      const auto [rank, left, a, b] = heap.top();
      heap.pop();
      const size_t right = next[left];
      if (!alive[left] || right >= n || id[left] != a || id[right] != b) continue;
      id[left] = merges_.at(pair_key(a, b)).result;
      alive[right] = false;
      next[left] = next[right];
      if (next[left] < n) prev[next[left]] = left;
      if (left > 0) consider(prev[left]);  // symbol 0 is the head and is never merged away
      consider(left);
    }
    for (size_t k = 0; k < n; k = next[k]) out.push_back(id[k]);
  }

  struct Merge {
    int32_t rank;
    int32_t result;
  };

  std::array<uint32_t, 256> alphabet_ = byte_alphabet();
  std::unique_ptr<pcre2_code, CodeDeleter> regex_;
  std::unordered_map<std::string, int32_t> vocab_;
  std::unordered_map<uint64_t, Merge> merges_;
  std::array<int32_t, 256> byte_id_{};
  std::unordered_map<std::string, int32_t> added_;
  std::array<std::vector<std::string>, 256> added_by_first_byte_;
  std::vector<std::string> bytes_of_;  // decoded bytes of each id; "" for specials and gaps
  bool ignore_merges_ = false;
  int64_t max_id_ = -1;
  int32_t vocab_size_ = 0;
  int32_t bos_ = 0;
};

}  // namespace

std::unique_ptr<Tokenizer> make_bpe_tokenizer(const std::string& tokenizer_json,
                                              const std::string& where, int32_t bos_id) {
  return std::make_unique<BpeTokenizer>(tokenizer_json, where, bos_id);
}

}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the byte-level BPE tokenizer (make_bpe_tokenizer). The first input byte picks the
// part: even, the rest is read as a tokenizer.json (and, when accepted, encodes and decodes a
// fixed text); odd, the rest is text for a fixed tokenizer in the LLaMA-3 layout, which must
// give ids inside its vocabulary and decode back to the same bytes.
#include <stdexcept>
#include <string>

#include "common/bitnet_checkpoint.hpp"
#include "fuzz_targets.hpp"
#include "mmf/error.hpp"
#include "mmf/tokenizer.hpp"

namespace mmf::fuzz {
namespace {

// The tests' LLaMA-3-layout tokenizer: the 256 bytes, merges of common English pieces and the
// <|begin_of_text|>, <|end_of_text|>, <|eot_id|> specials at the top three ids.
constexpr int64_t kVocab = 384;

const Tokenizer& fixed_tokenizer() {
  static const std::unique_ptr<Tokenizer> t = make_bpe_tokenizer(
      test::small_bitnet_tokenizer_json(kVocab), "fixed", static_cast<int32_t>(kVocab - 3));
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
  return test::small_bitnet_tokenizer_json(kVocab);
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

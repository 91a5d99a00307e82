// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the tokenizers (models/include/mmf/tokenizer.hpp) as the CLI builds them: the
// shipped tiny model's SentencePiece model and the byte tokenizer of random: models.
#include <cstring>
#include <stdexcept>
#include <vector>

#include "fuzz_targets.hpp"
#include "mmf/error.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf/tokenizer.hpp"

namespace mmf::fuzz {
namespace {

struct Tokenizers {
  std::unique_ptr<Tokenizer> sentencepiece = host::load_model("tiny").tokenizer;
  std::unique_ptr<Tokenizer> bytes = host::load_model("random:tiny").tokenizer;
};

// Loaded once per process: a fuzzer calls the target millions of times.
const Tokenizers& tokenizers() {
  static const Tokenizers t;
  return t;
}

void check_ids(const Tokenizer& tok, const std::vector<int32_t>& ids) {
  for (int32_t id : ids) {
    if (id < 0 || id >= tok.vocab_size()) {
      throw std::logic_error(tok.kind() + " tokenizer: encode gave id " + std::to_string(id) +
                             " outside its vocabulary of " + std::to_string(tok.vocab_size()));
    }
  }
}

}  // namespace

void fuzz_tokenizer(const uint8_t* data, size_t size) {
  const Tokenizers& t = tokenizers();
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Encoding arbitrary bytes (invalid UTF-8 included).
  try {
    const std::vector<int32_t> ids = t.sentencepiece->encode(text);
    check_ids(*t.sentencepiece, ids);
    t.sentencepiece->decode(ids);
  } catch (const Error&) {
  }
  try {
    const std::vector<int32_t> ids = t.bytes->encode(text);
    check_ids(*t.bytes, ids);
    if (t.bytes->decode(ids) != text) throw std::logic_error("byte tokenizer: no round trip");
  } catch (const Error&) {
  }
  // Decoding the same bytes as arbitrary ids (little-endian int32), whole and split as a
  // generation is (context, continuation).
  std::vector<int32_t> ids(size / sizeof(int32_t));
  if (!ids.empty()) std::memcpy(ids.data(), data, ids.size() * sizeof(int32_t));
  const std::vector<int32_t> context(ids.begin(), ids.begin() + ids.size() / 2);
  const std::vector<int32_t> continuation(ids.begin() + ids.size() / 2, ids.end());
  for (const Tokenizer* tok : {t.sentencepiece.get(), t.bytes.get()}) {
    try {
      tok->decode(ids);
    } catch (const Error&) {
    }
    try {
      tok->decode_continuation(context, continuation);
    } catch (const Error&) {
    }
  }
}

}  // namespace mmf::fuzz

// SPDX-License-Identifier: Apache-2.0
// Tokenizers: the model's SentencePiece model (carried inside the converted file), and a byte
// tokenizer for random models that have no trained vocabulary.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mmf {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // Encodes text with BOS prepended, as the released tokenizer does (add_bos_token = true).
  virtual std::vector<int32_t> encode(const std::string& text) const = 0;
  // Decodes ids (BOS/EOS are dropped) to text. A negative id, or one at or past the vocabulary
  // of the byte tokenizer, is an mmf::Error; SentencePiece drops ids past its pieces, which a
  // model whose vocabulary is padded past them can produce.
  virtual std::string decode(const std::vector<int32_t>& ids) const = 0;
  // Text that `continuation` adds after `context` (SentencePiece drops a leading space when
  // decoding a sequence on its own, so decode(context + continuation) minus decode(context)).
  std::string decode_continuation(const std::vector<int32_t>& context,
                                  const std::vector<int32_t>& continuation) const;
  virtual int32_t vocab_size() const = 0;
  virtual std::string kind() const = 0;
};

// From a serialized SentencePiece model; `where` names the source in errors.
std::unique_ptr<Tokenizer> make_sentencepiece_tokenizer(const std::string& serialized_model,
                                                        const std::string& where);
// Ids 0..2 are <unk>, <s>, </s>; ids 3..258 are the bytes 0..255; other ids decode as "<id>".
std::unique_ptr<Tokenizer> make_byte_tokenizer(int32_t vocab_size, int32_t bos_id);

}  // namespace mmf

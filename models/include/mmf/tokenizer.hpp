// SPDX-License-Identifier: Apache-2.0
// Tokenizers: the model's SentencePiece model (HGRNBit) or byte-level BPE tokenizer.json (BitNet),
// both carried inside the converted file, and a byte tokenizer for random models that have no
// trained vocabulary.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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
  // The id of a special token written as `content` (for example "<|eot_id|>"), if the tokenizer
  // has one.
  virtual std::optional<int32_t> special_token(const std::string& content) const {
    (void)content;
    return std::nullopt;
  }
};

// From a serialized SentencePiece model; `where` names the source in errors.
std::unique_ptr<Tokenizer> make_sentencepiece_tokenizer(const std::string& serialized_model,
                                                        const std::string& where);
// From the text of a Hugging Face tokenizer.json with a byte-level BPE model (the LLaMA-3 and
// GPT-2 layouts; bpe_tokenizer.cpp lists what is accepted). `bos_id` is prepended unless the
// file's post-processor template starts with a special token of its own, which must then be
// `bos_id`. Anything outside the accepted layouts is an mmf::Error naming `where` and the key.
std::unique_ptr<Tokenizer> make_bpe_tokenizer(const std::string& tokenizer_json,
                                              const std::string& where, int32_t bos_id);
// Ids 0..2 are <unk>, <s>, </s>; ids 3..258 are the bytes 0..255; other ids decode as "<id>".
std::unique_ptr<Tokenizer> make_byte_tokenizer(int32_t vocab_size, int32_t bos_id);

}  // namespace mmf

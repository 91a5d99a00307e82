// SPDX-License-Identifier: Apache-2.0
// SentencePiece and byte tokenizers.
#include "mmf/tokenizer.hpp"

#include <sentencepiece_processor.h>

#include "mmf/error.hpp"

namespace mmf {
namespace {

class SentencePieceTokenizer final : public Tokenizer {
 public:
  SentencePieceTokenizer(const std::string& serialized, const std::string& where) {
    if (serialized.empty()) throw Error(where + ": the tokenizer model is empty");
    const auto status = sp_.LoadFromSerializedProto(serialized);
    if (!status.ok()) {
      throw Error(where + ": not a valid SentencePiece model (" + status.ToString() + ")");
    }
    bos_ = sp_.bos_id();
    eos_ = sp_.eos_id();
  }
  std::vector<int32_t> encode(const std::string& text) const override {
    std::vector<int> ids;
    const auto status = sp_.Encode(text, &ids);
    if (!status.ok()) throw Error("tokenizer: cannot encode text (" + status.ToString() + ")");
    std::vector<int32_t> out;
    out.reserve(ids.size() + 1);
    if (bos_ >= 0) out.push_back(bos_);
    out.insert(out.end(), ids.begin(), ids.end());
    return out;
  }
  std::string decode(const std::vector<int32_t>& ids) const override {
    std::vector<int> kept;
    for (int32_t id : ids) {
      if (id < 0) throw Error("tokenizer: cannot decode the negative id " + std::to_string(id));
      // Ids past the pieces are kept out: a model's vocabulary may be padded past them.
      if (id != bos_ && id != eos_ && id < sp_.GetPieceSize()) kept.push_back(id);
    }
    std::string text;
    const auto status = sp_.Decode(kept, &text);
    if (!status.ok()) throw Error("tokenizer: cannot decode ids (" + status.ToString() + ")");
    return text;
  }
  int32_t vocab_size() const override { return sp_.GetPieceSize(); }
  std::string kind() const override { return "sentencepiece"; }

 private:
  sentencepiece::SentencePieceProcessor sp_;
  int bos_ = -1;
  int eos_ = -1;
};

class ByteTokenizer final : public Tokenizer {
 public:
  static constexpr int32_t kFirstByte = 3;
  ByteTokenizer(int32_t vocab_size, int32_t bos) : vocab_(vocab_size), bos_(bos) {}
  std::vector<int32_t> encode(const std::string& text) const override {
    if (vocab_ < kFirstByte + 256) {
      throw Error("byte tokenizer: vocabulary of " + std::to_string(vocab_) +
                  " is too small for 256 byte ids");
    }
    std::vector<int32_t> out{bos_};
    for (unsigned char ch : text) out.push_back(kFirstByte + ch);
    return out;
  }
  std::string decode(const std::vector<int32_t>& ids) const override {
    std::string text;
    for (int32_t id : ids) {
      if (id < 0 || id >= vocab_) {
        throw Error("byte tokenizer: cannot decode id " + std::to_string(id) +
                    " (the vocabulary has ids 0 to " + std::to_string(vocab_ - 1) + ")");
      }
      if (id >= kFirstByte && id < kFirstByte + 256) {
        text.push_back(static_cast<char>(id - kFirstByte));
      } else if (id > 2) {
        text += "<" + std::to_string(id) + ">";
      }
    }
    return text;
  }
  int32_t vocab_size() const override { return vocab_; }
  std::string kind() const override { return "bytes"; }

 private:
  int32_t vocab_;
  int32_t bos_;
};

}  // namespace

std::string Tokenizer::decode_continuation(const std::vector<int32_t>& context,
                                           const std::vector<int32_t>& continuation) const {
  std::vector<int32_t> all = context;
  all.insert(all.end(), continuation.begin(), continuation.end());
  const std::string whole = decode(all);
  const std::string head = decode(context);
  if (whole.compare(0, head.size(), head) == 0) return whole.substr(head.size());
  return decode(continuation);
}

std::unique_ptr<Tokenizer> make_sentencepiece_tokenizer(const std::string& serialized_model,
                                                        const std::string& where) {
  return std::make_unique<SentencePieceTokenizer>(serialized_model, where);
}

std::unique_ptr<Tokenizer> make_byte_tokenizer(int32_t vocab_size, int32_t bos_id) {
  return std::make_unique<ByteTokenizer>(vocab_size, bos_id);
}

}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Generated BitNet b1.58 checkpoints for tests (see bitnet_checkpoint.hpp).
#include "common/bitnet_checkpoint.hpp"

#include <cmath>
#include <cstring>
#include <random>

#include "mmf/bf16.hpp"

namespace mmf::test {
namespace {

using json = nlohmann::json;

constexpr const char* kLlama3Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|)"
    R"(\s*[\r\n]+|\s+(?!\S)|\s+)";

RawTensor bf16_tensor(std::vector<int64_t> shape, const std::vector<float>& values) {
  RawTensor t{DType::BF16, std::move(shape), std::vector<uint8_t>(values.size() * 2)};
  for (size_t k = 0; k < values.size(); ++k) {
    const uint16_t b = float_to_bf16(values[k]);
    std::memcpy(&t.bytes[k * 2], &b, 2);
  }
  return t;
}

// Norm weights near 1 on a grid bf16 holds exactly: 1 + k/64, |k| <= 16.
std::vector<float> norm_weights(int64_t n, std::mt19937_64& rng) {
  std::vector<float> w(static_cast<size_t>(n));
  for (float& v : w) v = 1.0f + static_cast<float>(static_cast<int>(rng() % 33) - 16) / 64.0f;
  return w;
}

// One projection in `layout`: random trits (about a third each), scale β a power of two, and
// bf16 masters whose absmean is exactly β (zeros are 0, nonzeros ±β, and as many ±2β as there
// are zeros: both ternarize back to ±1).
void add_projection(HfCheckpoint& ck, const std::string& name, int64_t rows, int64_t cols,
                    BitNetLayout layout, std::mt19937_64& rng) {
  const float beta = std::ldexp(1.0f, -3 - static_cast<int>(rng() % 3));
  const size_t n = static_cast<size_t>(rows * cols);
  std::vector<int8_t> trits(n);
  size_t zeros = 0;
  for (int8_t& t : trits) {
    t = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
    zeros += t == 0 ? 1 : 0;
  }
  if (layout == BitNetLayout::bf16) {
    std::vector<float> master(n);
    size_t doubled = 0;
    for (size_t k = 0; k < n; ++k) {
      float magnitude = trits[k] == 0 ? 0.0f : beta;
      if (trits[k] != 0 && doubled < zeros) {
        magnitude = 2.0f * beta;
        ++doubled;
      }
      master[k] = static_cast<float>(trits[k]) * magnitude;
    }
    if (doubled != zeros) throw std::logic_error("more zeros than nonzeros: pick another seed");
    ck.tensors[name + ".weight"] = bf16_tensor({rows, cols}, master);
    return;
  }
  // uint8 codes t + 1, four output rows a byte: rows r, r+R, r+2R, r+3R in bits 0-1 .. 6-7.
  const int64_t quarter = rows / 4;
  RawTensor packed{
      DType::U8, {quarter, cols}, std::vector<uint8_t>(static_cast<size_t>(quarter * cols))};
  for (int64_t r = 0; r < quarter; ++r) {
    for (int64_t k = 0; k < cols; ++k) {
      uint8_t byte = 0;
      for (int64_t i = 0; i < 4; ++i) {
        const int code = trits[static_cast<size_t>((i * quarter + r) * cols + k)] + 1;
        byte = static_cast<uint8_t>(byte | (code << (2 * i)));
      }
      packed.bytes[static_cast<size_t>(r * cols + k)] = byte;
    }
  }
  ck.tensors[name + ".weight"] = packed;
  const float scale = layout == BitNetLayout::packed ? beta : 1.0f / beta;
  ck.tensors[name + ".weight_scale"] = bf16_tensor({1}, {scale});
}

}  // namespace

std::string byte_char(unsigned b) {
  const auto printable = [](unsigned c) {
    return (c >= 0x21 && c <= 0x7E) || (c >= 0xA1 && c <= 0xAC) || c >= 0xAE;
  };
  unsigned cp = b;
  if (!printable(b)) {
    cp = 256;
    for (unsigned k = 0; k < b; ++k) cp += printable(k) ? 0 : 1;
  }
  if (cp < 0x80) return std::string(1, static_cast<char>(cp));
  return {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
}

ModelConfig small_bitnet_config() {
  ModelConfig c;
  c.name = "test-bitnet";
  c.architecture = Architecture::bitnet;
  c.vocab_size = 384;
  c.hidden_size = 64;
  c.num_layers = 2;
  c.intermediate_size = 96;
  c.num_heads = 4;
  c.num_kv_heads = 2;
  c.head_dim = 16;
  c.rope_theta = 10000.0;
  c.rms_norm_eps = 1e-5;
  c.bos_token_id = c.vocab_size - 3;
  c.eos_token_id = c.vocab_size - 2;
  c.max_position_embeddings = 160;
  return c;
}

ModelConfig ragged_bitnet_config() {
  ModelConfig c;
  c.name = "ragged-bitnet";
  c.architecture = Architecture::bitnet;
  c.vocab_size = 301;
  c.hidden_size = 72;
  c.num_layers = 2;
  c.intermediate_size = 90;
  c.num_heads = 9;
  c.num_kv_heads = 3;
  c.head_dim = 8;
  c.rope_theta = 10000.0;
  c.rms_norm_eps = 1e-5;
  c.bos_token_id = 298;
  c.eos_token_id = 299;
  c.max_position_embeddings = 75;
  return c;
}

std::string small_bitnet_tokenizer_json(int64_t vocab_size) {
  json vocab = json::object();
  for (unsigned b = 0; b < 256; ++b) vocab[byte_char(b)] = b;
  const std::string sp = byte_char(' ');
  const std::vector<std::pair<std::string, std::string>> merges = {
      {"t", "h"}, {sp, "t"},  {"h", "e"},       {sp, "a"},   {"i", "n"}, {sp + "t", "he"},
      {"e", "r"}, {"o", "n"}, {"r", "e"},       {sp, "s"},   {"e", "d"}, {"in", "g"},
      {"a", "n"}, {sp, "w"},  {"o", "u"},       {"i", "s"},  {"e", "n"}, {sp, "o"},
      {"a", "t"}, {"n", "d"}, {sp + "a", "nd"}, {"o", "r"},  {sp, "b"},  {"l", "l"},
      {"i", "t"}, {sp, "f"},  {"a", "r"},       {sp, "m"},   {"e", "s"}, {sp, "h"},
      {"o", "f"}, {sp, "of"}, {sp, "c"},        {"l", "e"},  {"s", "t"}, {sp, "i"},
      {"v", "e"}, {"y", "o"}, {"yo", "u"},      {sp, "you"}, {"a", "l"}, {sp, sp},
      {"o", "w"}};
  json merge_list = json::array();
  for (const auto& [a, b] : merges) {
    if (!vocab.contains(a)) throw std::logic_error("merge part '" + a + "' is not a token yet");
    if (!vocab.contains(a + b)) vocab[a + b] = static_cast<int>(vocab.size());
    merge_list.push_back(a + " " + b);
  }
  if (static_cast<int64_t>(vocab.size()) > vocab_size - 3) {
    throw std::logic_error("vocabulary too small for the test tokenizer");
  }
  const auto special = [](int64_t id, const char* content) {
    return json{{"id", id},        {"content", content},  {"single_word", false}, {"lstrip", false},
                {"rstrip", false}, {"normalized", false}, {"special", true}};
  };
  json t;
  t["version"] = "1.0";
  t["truncation"] = nullptr;
  t["padding"] = nullptr;
  t["added_tokens"] = {special(vocab_size - 3, "<|begin_of_text|>"),
                       special(vocab_size - 2, "<|end_of_text|>"),
                       special(vocab_size - 1, "<|eot_id|>")};
  t["normalizer"] = nullptr;
  t["pre_tokenizer"] = {{"type", "Sequence"},
                        {"pretokenizers",
                         {{{"type", "Split"},
                           {"pattern", {{"Regex", kLlama3Pattern}}},
                           {"behavior", "Isolated"},
                           {"invert", false}},
                          {{"type", "ByteLevel"},
                           {"add_prefix_space", false},
                           {"trim_offsets", true},
                           {"use_regex", false}}}}};
  t["post_processor"] = {{"type", "ByteLevel"},
                         {"add_prefix_space", true},
                         {"trim_offsets", false},
                         {"use_regex", true}};
  t["decoder"] = {{"type", "ByteLevel"},
                  {"add_prefix_space", true},
                  {"trim_offsets", true},
                  {"use_regex", true}};
  t["model"] = {{"type", "BPE"},
                {"dropout", nullptr},
                {"unk_token", nullptr},
                {"continuing_subword_prefix", nullptr},
                {"end_of_word_suffix", nullptr},
                {"fuse_unk", false},
                {"byte_fallback", false},
                {"ignore_merges", true},
                {"vocab", vocab},
                {"merges", merge_list}};
  return t.dump();
}

HfCheckpoint make_bitnet_checkpoint(const ModelConfig& c, uint64_t seed, BitNetLayout layout) {
  std::mt19937_64 rng(seed);
  HfCheckpoint ck;
  const bool online = layout == BitNetLayout::bf16;
  ck.config = {
      {"model_type", "bitnet"},
      {"architectures", {"BitNetForCausalLM"}},
      {"vocab_size", c.vocab_size},
      {"hidden_size", c.hidden_size},
      {"intermediate_size", c.intermediate_size},
      {"num_hidden_layers", c.num_layers},
      {"num_attention_heads", c.num_heads},
      {"num_key_value_heads", c.num_kv_heads},
      {"hidden_act", "relu2"},
      {"max_position_embeddings", c.max_position_embeddings},
      {"rms_norm_eps", c.rms_norm_eps},
      {"rope_theta", c.rope_theta},
      {"bos_token_id", c.bos_token_id},
      {"eos_token_id", c.eos_token_id},
      {"tie_word_embeddings", true},
      {"attention_bias", false},
      {"torch_dtype", "bfloat16"},
      {"quantization_config",
       {{"quant_method", "bitnet"},
        {"linear_class", layout == BitNetLayout::packed_bitlinear ? "bitlinear" : "autobitlinear"},
        {"quantization_mode", online ? "online" : "offline"}}}};
  ck.files["tokenizer.json"] = small_bitnet_tokenizer_json(c.vocab_size);
  ck.files["generation_config.json"] = json{
      {"bos_token_id", c.bos_token_id},
      {"eos_token_id", {c.eos_token_id, c.vocab_size - 1}},
      {"do_sample", false}}.dump(2);

  const int64_t h = c.hidden_size, inter = c.intermediate_size;
  const int64_t kv = c.num_kv_heads * c.head_dim;
  // Embedding N(0, 4/H): the tied head's logits then have a standard deviation near 2.
  std::normal_distribution<float> normal(0.0f, 2.0f / std::sqrt(static_cast<float>(h)));
  std::vector<float> emb(static_cast<size_t>(c.vocab_size * h));
  for (float& v : emb) v = normal(rng);
  ck.tensors["model.embed_tokens.weight"] = bf16_tensor({c.vocab_size, h}, emb);
  for (int64_t l = 0; l < c.num_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    ck.tensors[p + "input_layernorm.weight"] = bf16_tensor({h}, norm_weights(h, rng));
    add_projection(ck, p + "self_attn.q_proj", h, h, layout, rng);
    add_projection(ck, p + "self_attn.k_proj", kv, h, layout, rng);
    add_projection(ck, p + "self_attn.v_proj", kv, h, layout, rng);
    ck.tensors[p + "self_attn.attn_sub_norm.weight"] = bf16_tensor({h}, norm_weights(h, rng));
    add_projection(ck, p + "self_attn.o_proj", h, h, layout, rng);
    ck.tensors[p + "post_attention_layernorm.weight"] = bf16_tensor({h}, norm_weights(h, rng));
    add_projection(ck, p + "mlp.gate_proj", inter, h, layout, rng);
    add_projection(ck, p + "mlp.up_proj", inter, h, layout, rng);
    ck.tensors[p + "mlp.ffn_sub_norm.weight"] = bf16_tensor({inter}, norm_weights(inter, rng));
    add_projection(ck, p + "mlp.down_proj", h, inter, layout, rng);
  }
  ck.tensors["model.norm.weight"] = bf16_tensor({h}, norm_weights(h, rng));
  return ck;
}

}  // namespace mmf::test

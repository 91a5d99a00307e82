// SPDX-License-Identifier: Apache-2.0
// Generated Hugging Face checkpoints for tests (see hf_checkpoint.hpp).
#include "common/hf_checkpoint.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "mmf/bf16.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf/model.hpp"

namespace mmf::test {
namespace {

RawTensor random_bf16(std::vector<int64_t> shape, float mean, float stddev, std::mt19937_64& rng) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  std::normal_distribution<float> dist(mean, stddev);
  RawTensor t{DType::BF16, std::move(shape), std::vector<uint8_t>(static_cast<size_t>(n) * 2)};
  for (int64_t k = 0; k < n; ++k) {
    const uint16_t b = float_to_bf16(dist(rng));
    std::memcpy(&t.bytes[static_cast<size_t>(k) * 2], &b, 2);
  }
  return t;
}

}  // namespace

ModelConfig small_test_config() {
  ModelConfig c;
  c.name = "test-small";
  c.vocab_size = 4096;  // the shipped tokenizer's size
  c.hidden_size = 64;
  c.num_layers = 2;
  c.intermediate_size = 192;
  return c;
}

ModelConfig ragged_test_config(int num_layers) {
  ModelConfig c = small_test_config();
  c.name = "ragged";
  c.vocab_size = 300;
  c.hidden_size = 90;
  c.intermediate_size = 170;
  c.num_layers = num_layers;
  return c;
}

HfCheckpoint make_hf_checkpoint(const ModelConfig& c, uint64_t seed) {
  std::mt19937_64 rng(seed);
  HfCheckpoint ck;
  ck.config = {{"model_type", "hgrn_bit"},
               {"architectures", {"HGRNBitForCausalLM"}},
               {"vocab_size", c.vocab_size},
               {"hidden_size", c.hidden_size},
               {"num_hidden_layers", c.num_layers},
               {"intermediate_size", c.intermediate_size},
               {"hidden_ratio", 4},
               {"num_heads", 1},
               {"expand_ratio", 1},
               {"attn_mode", "fused_recurrent"},
               {"use_short_conv", false},
               {"use_lower_bound", true},
               {"hidden_act", "swish"},
               {"rms_norm_eps", 1e-6},
               {"bos_token_id", 1},
               {"eos_token_id", 2},
               {"pad_token_id", nullptr},
               {"tie_word_embeddings", false},
               {"torch_dtype", "bfloat16"},
               {"transformers_version", "4.40.2"}};
  const int64_t h = c.hidden_size, i = c.intermediate_size;
  auto& t = ck.tensors;
  t["model.embeddings.weight"] = random_bf16({c.vocab_size, h}, 0.0f, 0.02f, rng);
  t["model.lower_bounds"] = random_bf16({c.num_layers, h}, 0.0f, 1.0f, rng);
  const auto linear = [&](const std::string& name, int64_t rows, int64_t cols) {
    t[name + ".weight"] = random_bf16({rows, cols}, 0.0f, 0.02f, rng);
    t[name + ".norm.weight"] = random_bf16({cols}, 1.0f, 0.1f, rng);
  };
  for (int64_t l = 0; l < c.num_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    t[p + "attn_norm.weight"] = random_bf16({h}, 1.0f, 0.1f, rng);
    linear(p + "attn.i_proj", h, h);
    linear(p + "attn.f_proj", h, h);
    linear(p + "attn.g_proj", h, h);
    t[p + "attn.g_norm.weight"] = random_bf16({h}, 1.0f, 0.1f, rng);
    linear(p + "attn.o_proj", h, h);
    t[p + "mlp_norm.weight"] = random_bf16({h}, 1.0f, 0.1f, rng);
    linear(p + "mlp.gate_proj", 2 * i, h);
    linear(p + "mlp.down_proj", h, i);
  }
  t["model.norm.weight"] = random_bf16({h}, 1.0f, 0.1f, rng);
  linear("lm_head", c.vocab_size, h);
  ck.tokenizer = shipped_tokenizer();
  return ck;
}

void write_hf_checkpoint(const HfCheckpoint& ck, const std::string& dir, int shards) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  std::ofstream(fs::path(dir) / "config.json") << ck.config.dump(2);
  if (!ck.tokenizer.empty()) {
    std::ofstream(fs::path(dir) / "tokenizer.model", std::ios::binary) << ck.tokenizer;
  }
  for (const auto& [name, bytes] : ck.files) {
    std::ofstream(fs::path(dir) / name, std::ios::binary) << bytes;
  }
  std::vector<SafetensorsWriter> writers(static_cast<size_t>(shards));
  nlohmann::json weight_map = nlohmann::json::object();
  size_t k = 0;
  for (const auto& [name, tensor] : ck.tensors) {
    const size_t shard = k++ % writers.size();
    writers[shard].add(name, tensor.dtype, tensor.shape, tensor.bytes);
    writers[shard].set_metadata("format", "pt");
    weight_map[name] =
        "model-" + std::to_string(shard + 1) + "-of-" + std::to_string(shards) + ".safetensors";
  }
  if (shards == 1) {
    writers[0].write((fs::path(dir) / "model.safetensors").string());
    return;
  }
  for (size_t s = 0; s < writers.size(); ++s) {
    writers[s].write((fs::path(dir) / ("model-" + std::to_string(s + 1) + "-of-" +
                                       std::to_string(shards) + ".safetensors"))
                         .string());
  }
  nlohmann::json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", weight_map}};
  std::ofstream(fs::path(dir) / "model.safetensors.index.json") << index.dump(2);
}

std::string shipped_tiny_model() {
  return host::models_dir() + "/tiny/tiny.safetensors";
}

std::string shipped_tokenizer() {
  return load_converted(shipped_tiny_model()).tokenizer_model;
}

}  // namespace mmf::test

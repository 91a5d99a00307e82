// SPDX-License-Identifier: Apache-2.0
// Shape of a ternary model, HGRNBit (MatMul-free LM) or BitNet b1.58: read from mmf's model YAML
// or a Hugging Face config.json, validated, and the derived figures `mmf info` reports.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "mmf/ternary_pack.hpp"

namespace mmf {

// The two model families mmf runs. HGRNBit: MLGRU token mixer, every projection and lm_head
// ternary, each BitLinear with its own RMSNorm (reference/mmfree-model.md). BitNet b1.58
// (BitNetForCausalLM): softmax attention with RoPE and GQA over a KV cache, ReLU² GLU, explicit
// sub-norms, seven ternary projections a layer and a full-precision head tied to the embedding
// (reference/bitnet-model.md).
enum class Architecture { hgrn_bit, bitnet };
// "hgrn_bit" | "bitnet" (the Hugging Face model_type); architecture_from_name throws mmf::Error
// naming `where` for anything else.
const char* architecture_name(Architecture a);
Architecture architecture_from_name(const std::string& name, const std::string& where);

struct ModelConfig {
  std::string name;
  Architecture architecture = Architecture::hgrn_bit;
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t num_layers = 0;
  int64_t intermediate_size = 0;
  double rms_norm_eps = 1e-6;
  int64_t bos_token_id = 1;
  int64_t eos_token_id = 2;
  int64_t max_position_embeddings = 2048;
  // BitNet only (0 for HGRNBit): attention heads, KV heads (GQA: heads % kv_heads == 0), the
  // width of a head (heads * head_dim == hidden_size, as attn_sub_norm needs) and RoPE's base.
  int64_t num_heads = 0;
  int64_t num_kv_heads = 0;
  int64_t head_dim = 0;
  double rope_theta = 0.0;

  // Throws mmf::Error naming `where` and the field when a value is impossible.
  void validate(const std::string& where) const;

  // All parameters of the released model. HGRNBit: embedding, lower bounds, norms, projections
  // and the ternary lm_head. BitNet: embedding (= the tied head, counted once), norms and
  // projections.
  int64_t parameter_count() const;
  // Ternary weights per token. HGRNBit: L*(4H^2 + 3IH) + V*H (every projection and lm_head).
  // BitNet: L*(2H^2 + 2*KV*H + 3IH) with KV = kv_heads * head_dim (the head is not ternary).
  int64_t ternary_weight_count() const;
  // Bytes of packed ternary weights streamed per token (rows padded to whole bytes).
  int64_t packed_weight_bytes(Packing p) const;
  // Bytes of the full-precision head read per token: V*H*2 for BitNet's bf16 head tied to the
  // embedding; 0 for HGRNBit (its lm_head is ternary, in packed_weight_bytes).
  int64_t head_bytes() const;
  // Values the KV cache holds per position of context: L * 2 * kv_heads * head_dim (post-RoPE K
  // and V); 0 for HGRNBit, whose state does not grow.
  int64_t kv_values_per_position() const;
};

// Throws mmf::Error, naming the model and `what`, unless the model is of architecture `a`: for
// the parts of mmf that run one family only.
void require_architecture(const ModelConfig& config, Architecture a, const std::string& what);

// Throws mmf::Error unless 0 <= token < vocab_size.
void check_token_id(int64_t token, const ModelConfig& config);
// Throws mmf::Error naming the limit unless a token fits at `position` (a model with a KV cache
// reads at most max_position_embeddings positions).
void check_context(int64_t position, const ModelConfig& config);

// The released intermediate size rule: 256 * ceil(int(H * hidden_ratio * 2/3) / 256).
int64_t derived_intermediate_size(int64_t hidden_size, double hidden_ratio);

// mmf's model YAML (models/configs/*.yaml). Unknown keys are an error.
ModelConfig load_model_config_yaml(const std::string& path);
// A Hugging Face config.json of HGRNBit (model_type hgrn_bit) or BitNet (model_type bitnet,
// BitNetForCausalLM). Unknown keys and unsupported variants are an error naming the key. A
// BitNet config's quantization_config is read by the converter (convert.hpp), which needs it.
ModelConfig load_hf_config_json(const std::string& path);

nlohmann::json config_to_json(const ModelConfig& c);
// Parses what config_to_json wrote; `where` names the source in errors.
ModelConfig config_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace mmf

// SPDX-License-Identifier: Apache-2.0
// Shape of an HGRNBit model: read from mmf's model YAML or a Hugging Face config.json,
// validated, and the derived figures `mmf info` reports.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "mmf/ternary_pack.hpp"

namespace mmf {

struct ModelConfig {
  std::string name;
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t num_layers = 0;
  int64_t intermediate_size = 0;
  double rms_norm_eps = 1e-6;
  int64_t bos_token_id = 1;
  int64_t eos_token_id = 2;
  int64_t max_position_embeddings = 2048;

  // Throws mmf::Error naming `where` and the field when a value is impossible.
  void validate(const std::string& where) const;

  // All parameters of the released model (embedding, lower bounds, norms, projections).
  int64_t parameter_count() const;
  // Ternary weights per token: L*(4H^2 + 3IH) + V*H (every projection and lm_head).
  int64_t ternary_weight_count() const;
  // Bytes of packed ternary weights streamed per token (rows padded to whole bytes).
  int64_t packed_weight_bytes(Packing p) const;
};

// Throws mmf::Error unless 0 <= token < vocab_size.
void check_token_id(int64_t token, const ModelConfig& config);

// The released intermediate size rule: 256 * ceil(int(H * hidden_ratio * 2/3) / 256).
int64_t derived_intermediate_size(int64_t hidden_size, double hidden_ratio);

// mmf's model YAML (models/configs/*.yaml). Unknown keys are an error.
ModelConfig load_model_config_yaml(const std::string& path);
// A Hugging Face HGRNBit config.json. Unknown keys and unsupported variants are an error.
ModelConfig load_hf_config_json(const std::string& path);

nlohmann::json config_to_json(const ModelConfig& c);
// Parses what config_to_json wrote; `where` names the source in errors.
ModelConfig config_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace mmf

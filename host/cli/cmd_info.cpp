// SPDX-License-Identifier: Apache-2.0
// `mmf info MODEL`: shapes, parameter counts and bytes per token (HGRNBit and BitNet).
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mmf/bitnet_fixed_model.hpp"
#include "mmf/host/runtime/model_source.hpp"

namespace mmf::cli {
namespace {

struct InfoArgs {
  std::string model;
  bool json = false;
};

std::string human_bytes(double b) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1);
  if (b >= 1e9) {
    s << b / 1e9 << " GB";
  } else if (b >= 1e6) {
    s << b / 1e6 << " MB";
  } else {
    s << b / 1e3 << " kB";
  }
  return s.str();
}

// BitNet b1.58: seven ternary projections a layer, the bf16 head tied to the embedding, and a KV
// cache that grows with the context.
void bitnet_info(const ModelConfig& c, bool as_json) {
  const int64_t h = c.hidden_size, i = c.intermediate_size, v = c.vocab_size;
  const int64_t kv = c.num_kv_heads * c.head_dim;
  nlohmann::json j = config_to_json(c);
  j["parameters"] = c.parameter_count();
  j["ternary_weights_per_token"] = c.ternary_weight_count();
  j["packed_weight_bytes_per_token"] = {{"2bit", c.packed_weight_bytes(Packing::two_bit)},
                                        {"1.6bit", c.packed_weight_bytes(Packing::five_trit)}};
  // mmf's fixed-point engines keep the head as int8 rows (plus a constant per row) and the KV
  // cache as int8 codes with a 4-byte scale per head and position (docs/numerics.md).
  const int64_t kv_int8 = bitnet_kv_bytes_per_position(c);
  j["head_bytes_per_token"] = {{"bf16", c.head_bytes()}, {"int8_codes", v * h}};
  j["kv_cache_values_per_position"] = c.kv_values_per_position();
  j["kv_cache_bytes_per_position"] = {{"bf16", 2 * c.kv_values_per_position()},
                                      {"int8_with_scales", kv_int8}};
  j["kv_cache_bytes_at_max_context"] = {
      {"bf16", 2 * c.kv_values_per_position() * c.max_position_embeddings},
      {"int8_with_scales", kv_int8 * c.max_position_embeddings}};
  j["bitlinears_per_token"] = 7 * c.num_layers;
  j["shapes"] = {{"embedding", {v, h}}, {"q_proj", {h, h}},    {"k_proj", {kv, h}},
                 {"v_proj", {kv, h}},   {"o_proj", {h, h}},    {"gate_proj", {i, h}},
                 {"up_proj", {i, h}},   {"down_proj", {h, i}}, {"head", {v, h}}};
  if (as_json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  const auto bytes = [](int64_t b) {
    return human_bytes(static_cast<double>(b)) + " (" + std::to_string(b) + ")";
  };
  std::cout << "model " << c.name << " (bitnet)\n"
            << "  vocab " << v << ", hidden " << h << ", layers " << c.num_layers
            << ", intermediate " << i << ", heads " << c.num_heads << " (kv " << c.num_kv_heads
            << ", head_dim " << c.head_dim << "), rope_theta " << c.rope_theta << ", rms_norm_eps "
            << c.rms_norm_eps << ", context " << c.max_position_embeddings << "\n"
            << "  per layer: q/o_proj [" << h << ", " << h << "], k/v_proj [" << kv << ", " << h
            << "], gate/up_proj [" << i << ", " << h << "], down_proj [" << h << ", " << i << "]\n"
            << "  embedding [" << v << ", " << h << "] bf16, also the head (tied, not ternary)\n"
            << "  parameters " << c.parameter_count() << "\n"
            << "  ternary weights per token " << c.ternary_weight_count() << "\n"
            << "  packed ternary bytes per token: 2bit "
            << bytes(c.packed_weight_bytes(Packing::two_bit)) << ", 1.6bit "
            << bytes(c.packed_weight_bytes(Packing::five_trit)) << "\n"
            << "  head bytes per token: bf16 " << bytes(c.head_bytes()) << ", int8 rows (mmf) "
            << bytes(v * h) << "\n"
            << "  KV cache per position of context: " << c.kv_values_per_position()
            << " values, bf16 " << bytes(2 * c.kv_values_per_position())
            << ", int8 with scales (mmf) " << bytes(kv_int8) << "; at " << c.max_position_embeddings
            << " positions " << bytes(2 * c.kv_values_per_position() * c.max_position_embeddings)
            << " / " << bytes(kv_int8 * c.max_position_embeddings) << "\n";
}

void info(const InfoArgs& a) {
  const ModelConfig c = host::resolve_config(a.model);
  if (c.architecture == Architecture::bitnet) {
    bitnet_info(c, a.json);
    return;
  }
  const int64_t h = c.hidden_size, i = c.intermediate_size, v = c.vocab_size;
  nlohmann::json j = config_to_json(c);
  j["architecture"] = architecture_name(c.architecture);
  j["parameters"] = c.parameter_count();
  j["ternary_weights_per_token"] = c.ternary_weight_count();
  j["ternary_ops_per_token"] = c.ternary_weight_count();
  j["packed_weight_bytes_per_token"] = {{"2bit", c.packed_weight_bytes(Packing::two_bit)},
                                        {"1.6bit", c.packed_weight_bytes(Packing::five_trit)}};
  j["embedding_bytes_per_token"] = 2 * h;
  j["recurrent_state_values"] = c.num_layers * h;
  j["bitlinears_per_token"] = 7 * c.num_layers + 1;
  j["shapes"] = {{"embedding", {v, h}}, {"i_proj", {h, h}},  {"f_proj", {h, h}},
                 {"g_proj", {h, h}},    {"o_proj", {h, h}},  {"gate_proj", {2 * i, h}},
                 {"down_proj", {h, i}}, {"lm_head", {v, h}}, {"lower_bounds", {c.num_layers, h}}};
  if (a.json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "model " << c.name << "\n"
            << "  vocab " << v << ", hidden " << h << ", layers " << c.num_layers
            << ", intermediate " << i << ", rms_norm_eps " << c.rms_norm_eps << "\n"
            << "  per layer: i/f/g/o_proj [" << h << ", " << h << "], gate_proj [" << 2 * i << ", "
            << h << "], down_proj [" << h << ", " << i << "]\n"
            << "  embedding [" << v << ", " << h << "] bf16, lm_head [" << v << ", " << h
            << "] ternary\n"
            << "  parameters " << c.parameter_count() << " ("
            << human_bytes(2.0 * static_cast<double>(c.parameter_count())) << " as bf16)\n"
            << "  ternary weights per token " << c.ternary_weight_count() << "\n"
            << "  packed weight bytes per token: 2bit "
            << human_bytes(static_cast<double>(c.packed_weight_bytes(Packing::two_bit))) << " ("
            << c.packed_weight_bytes(Packing::two_bit) << "), 1.6bit "
            << human_bytes(static_cast<double>(c.packed_weight_bytes(Packing::five_trit))) << " ("
            << c.packed_weight_bytes(Packing::five_trit) << ")\n"
            << "  recurrent state " << c.num_layers * h << " values\n";
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto a = std::make_shared<InfoArgs>();
  CLI::App* cmd =
      app.add_subcommand("info", "Print a model's shapes, parameters and bytes per token");
  cmd->add_option("MODEL", a->model,
                  "tiny | 370m | 1.3b | 2.7b | bitnet-2b4t | model YAML | converted model file")
      ->required();
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a] { info(*a); });
}

}  // namespace mmf::cli

// SPDX-License-Identifier: Apache-2.0
// Host-side compilation of BitNet's fixed-point parameters: projections, the int8 head, the
// score constant and the RoPE tables (float math happens only here).
#include <algorithm>
#include <cmath>

#include "mmf/bf16.hpp"
#include "mmf/bitnet_fixed_model.hpp"
#include "mmf/error.hpp"

namespace mmf {
namespace {

// cos and sin of rows r * step * omega_j, j < half, as signed Q16 (|v| <= 2^16).
void rope_table(int64_t rows, double step, const std::vector<double>& omega,
                std::vector<int32_t>& cos, std::vector<int32_t>& sin) {
  const size_t half = omega.size();
  cos.resize(static_cast<size_t>(rows) * half);
  sin.resize(static_cast<size_t>(rows) * half);
  for (int64_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < half; ++j) {
      const double angle = static_cast<double>(r) * step * omega[j];
      const size_t at = static_cast<size_t>(r) * half + j;
      cos[at] = static_cast<int32_t>(std::lround(std::ldexp(std::cos(angle), fx::kRopeFrac)));
      sin[at] = static_cast<int32_t>(std::lround(std::ldexp(std::sin(angle), fx::kRopeFrac)));
    }
  }
}

}  // namespace

FixedBitNetParams compile_bitnet_fixed_params(const Model& model) {
  const ModelConfig& c = model.config;
  require_architecture(c, Architecture::bitnet, "the BitNet fixed-point model");
  if (c.max_position_embeddings > (int64_t{1} << fx::kMaxContextLog2)) {
    throw Error("model '" + c.name +
                "': max_position_embeddings = " + std::to_string(c.max_position_embeddings) +
                " is past the " + std::to_string(int64_t{1} << fx::kMaxContextLog2) +
                " positions the fixed-point attention is specified for (docs/numerics.md)");
  }
  if (c.head_dim > fx::kMaxHeadDim) {
    throw Error("model '" + c.name + "': head_dim = " + std::to_string(c.head_dim) +
                " is past the " + std::to_string(fx::kMaxHeadDim) +
                " the fixed-point attention is specified for (docs/numerics.md)");
  }
  FixedBitNetParams p;
  for (const BitNetLayerWeights& w : model.bitnet_layers) {
    FixedBitNetLayer f;
    f.q_proj = compile_normed_bitlinear(w.q_proj, w.input_norm);
    f.k_proj = compile_normed_bitlinear(w.k_proj, w.input_norm);
    f.v_proj = compile_normed_bitlinear(w.v_proj, w.input_norm);
    f.o_proj = compile_normed_bitlinear(w.o_proj, w.attn_sub_norm);
    f.gate_proj = compile_normed_bitlinear(w.gate_proj, w.post_attn_norm);
    f.up_proj = compile_normed_bitlinear(w.up_proj, w.post_attn_norm);
    f.down_proj = compile_normed_bitlinear(w.down_proj, w.ffn_sub_norm);
    p.layers.push_back(std::move(f));
  }

  // The head: int8 rows of the bf16 embedding, each with its own constant.
  const size_t h = static_cast<size_t>(c.hidden_size), v = static_cast<size_t>(c.vocab_size);
  const double sigma_code = quantize_norm_weight(
      std::vector<double>(model.final_norm.begin(), model.final_norm.end()), p.head_w_code);
  p.head_codes.resize(v * h);
  p.head_constants.resize(v);
  std::vector<double> row(h);
  for (size_t r = 0; r < v; ++r) {
    double max_abs = 0.0;
    for (size_t k = 0; k < h; ++k) {
      row[k] = bf16_to_float(model.embedding[r * h + k]);
      max_abs = std::max(max_abs, std::fabs(row[k]));
    }
    for (size_t k = 0; k < h; ++k) {
      p.head_codes[r * h + k] =
          max_abs == 0.0 ? 0 : static_cast<int8_t>(std::lround(row[k] / max_abs * fx::kCodeMax));
    }
    p.head_constants[r] =
        tensor_constant(std::ldexp(1.0, fx::kActFrac) * (max_abs / fx::kCodeMax) *
                        std::sqrt(static_cast<double>(h)) * sigma_code / fx::kCodeMax);
  }

  const double d = static_cast<double>(c.head_dim);
  p.score_constant = tensor_constant(
      1.0 / (double{fx::kCodeMax} * fx::kCodeMax * std::sqrt(d) * std::ldexp(1.0, fx::kActFrac)));

  // RoPE: omega_j = theta^(-2j/d), in double (the released code computes it in float32).
  std::vector<double> omega(static_cast<size_t>(c.head_dim / 2));
  for (size_t j = 0; j < omega.size(); ++j) {
    omega[j] = std::pow(c.rope_theta, -2.0 * static_cast<double>(j) / d);
  }
  const int64_t lo_rows = int64_t{1} << fx::kRopeLoBits;
  const int64_t hi_rows = (c.max_position_embeddings + lo_rows - 1) / lo_rows;
  rope_table(lo_rows, 1.0, omega, p.rope_lo_cos, p.rope_lo_sin);
  rope_table(hi_rows, static_cast<double>(lo_rows), omega, p.rope_hi_cos, p.rope_hi_sin);
  return p;
}

}  // namespace mmf

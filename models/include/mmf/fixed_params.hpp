// SPDX-License-Identifier: Apache-2.0
// Integer parameters of the fixed-point engines, compiled once from a converted model on the
// host: normalized int16 norm weights, per-BitLinear constants (mantissa, exponent), Q0.16
// forget-gate lower bounds. Device images (host/) are built from exactly these values.
#pragma once

#include <cstdint>
#include <vector>

#include "mmf/model.hpp"
#include "mmf/numerics.hpp"

namespace mmf {

// A BitLinear as the fixed-point datapath sees it (docs/numerics.md, "BitLinear"):
//   input p, rms weight w_rms (empty: none), code weight w_code, ternary weight, constant k.
struct FixedBitLinear {
  const TernaryTensor* weight = nullptr;  // points into the Model
  std::vector<int16_t> w_rms;
  std::vector<int16_t> w_code;
  fx::Scaled constant{0, 0};
};

struct FixedLayer {
  FixedBitLinear i_proj, f_proj, g_proj, o_proj, gate_proj, down_proj;
  std::vector<uint32_t> lower_bound;  // Q0.16 [H]; empty for layer 0 (no lower bound)
};

struct FixedParams {
  std::vector<FixedLayer> layers;
  FixedBitLinear lm_head;
};

// Normalizes a norm weight vector: w_q = round(w / max|w| * 32767); returns the scale sigma
// with w ~= w_q * sigma / 2^15 (sigma = max|w| * 2^15 / 32767; 0 for an all-zero vector).
double quantize_norm_weight(const std::vector<double>& w, std::vector<int16_t>& out);

// Per-tensor constant of a BitLinear: 2^16 * scale * sqrt(n) * sigma_code / (127 * sigma_rms),
// as (mantissa in [2^30, 2^31), exponent). A zero value gives {0, 0}.
fx::Scaled tensor_constant(double value);

// `model` must outlive the result.
FixedParams compile_fixed_params(const Model& model);

// A BitLinear whose input is an RMSNorm output (every BitNet projection): the norm's rstd cancels
// in the codes and enters through the token scale, so only its weight remains, as the code
// weight; there is no rms weight (docs/numerics.md, "BitNet b1.58"). `weight` must outlive the
// result.
FixedBitLinear compile_normed_bitlinear(const TernaryTensor& weight,
                                        const std::vector<float>& norm);

}  // namespace mmf

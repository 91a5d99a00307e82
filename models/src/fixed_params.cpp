// SPDX-License-Identifier: Apache-2.0
// Host-side compilation of the fixed-point parameters (float math happens only here).
#include "mmf/fixed_params.hpp"

#include <algorithm>
#include <cmath>

namespace mmf {
namespace {

std::vector<double> to_double(const std::vector<float>& v) {
  return {v.begin(), v.end()};
}

std::vector<double> product(const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<double> out(a.size());
  for (size_t k = 0; k < a.size(); ++k) out[k] = static_cast<double>(a[k]) * b[k];
  return out;
}

// `block_norm` is the weight applied before the BitLinear (a block RMSNorm or g_norm), or null
// when the input goes in as it is (down_proj). The block norm's own rstd cancels in the
// BitLinear's RMSNorm, so only its weight remains (docs/numerics.md).
FixedBitLinear compile_bitlinear(const BitLinearWeights& bl, const std::vector<float>* block_norm) {
  FixedBitLinear f;
  f.weight = &bl.weight;
  double sigma_rms = 1.0;
  std::vector<double> code_weight;
  if (block_norm != nullptr) {
    sigma_rms = quantize_norm_weight(to_double(*block_norm), f.w_rms);
    code_weight = product(*block_norm, bl.norm);
  } else {
    code_weight = to_double(bl.norm);
  }
  const double sigma_code = quantize_norm_weight(code_weight, f.w_code);
  const double n = static_cast<double>(bl.weight.cols);
  const double value = sigma_rms == 0.0
                           ? 0.0
                           : std::ldexp(1.0, fx::kActFrac) * bl.weight.scale * std::sqrt(n) *
                                 sigma_code / (fx::kCodeMax * sigma_rms);
  f.constant = tensor_constant(value);
  return f;
}

}  // namespace

double quantize_norm_weight(const std::vector<double>& w, std::vector<int16_t>& out) {
  double max_abs = 0.0;
  for (double v : w) max_abs = std::max(max_abs, std::fabs(v));
  out.assign(w.size(), 0);
  if (max_abs == 0.0) return 0.0;
  for (size_t k = 0; k < w.size(); ++k) {
    out[k] = static_cast<int16_t>(std::lround(w[k] / max_abs * fx::kNormWeightMax));
  }
  return max_abs * std::ldexp(1.0, fx::kNormWeightFrac) / fx::kNormWeightMax;
}

fx::Scaled tensor_constant(double value) {
  if (!(value > 0.0) || !std::isfinite(value)) return fx::Scaled{0, 0};
  int e = 0;
  const double m = std::frexp(value, &e);  // value = m * 2^e, m in [0.5, 1)
  auto mant = static_cast<uint64_t>(std::llround(std::ldexp(m, fx::kMantBits)));
  int exp = e - fx::kMantBits;
  if (mant >> fx::kMantBits) {  // rounded up to 2^31
    mant >>= 1;
    exp += 1;
  }
  return fx::Scaled{mant, exp};
}

FixedBitLinear compile_normed_bitlinear(const TernaryTensor& weight,
                                        const std::vector<float>& norm) {
  FixedBitLinear f;
  f.weight = &weight;
  const double sigma_code = quantize_norm_weight(to_double(norm), f.w_code);
  const double n = static_cast<double>(weight.cols);
  f.constant = tensor_constant(std::ldexp(1.0, fx::kActFrac) * weight.scale * std::sqrt(n) *
                               sigma_code / fx::kCodeMax);
  return f;
}

FixedParams compile_fixed_params(const Model& model) {
  require_architecture(model.config, Architecture::hgrn_bit, "the HGRNBit fixed-point model");
  FixedParams p;
  const std::vector<float> lb = forget_lower_bounds(model);
  const size_t h = static_cast<size_t>(model.config.hidden_size);
  for (size_t l = 0; l < model.layers.size(); ++l) {
    const LayerWeights& w = model.layers[l];
    FixedLayer f;
    f.i_proj = compile_bitlinear(w.i_proj, &w.attn_norm);
    f.f_proj = compile_bitlinear(w.f_proj, &w.attn_norm);
    f.g_proj = compile_bitlinear(w.g_proj, &w.attn_norm);
    f.o_proj = compile_bitlinear(w.o_proj, &w.g_norm);
    f.gate_proj = compile_bitlinear(w.gate_proj, &w.mlp_norm);
    f.down_proj = compile_bitlinear(w.down_proj, nullptr);
    if (l > 0) {
      f.lower_bound.resize(h);
      for (size_t k = 0; k < h; ++k) {
        const double v = std::clamp(static_cast<double>(lb[l * h + k]), 0.0, 1.0);
        f.lower_bound[k] = static_cast<uint32_t>(std::lround(v * static_cast<double>(fx::kOne)));
      }
    }
    p.layers.push_back(std::move(f));
  }
  p.lm_head = compile_bitlinear(model.lm_head, &model.final_norm);
  return p;
}

}  // namespace mmf

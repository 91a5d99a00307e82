// SPDX-License-Identifier: Apache-2.0
// The fixed-point numerics for the RTL: rounding, saturation, sigmoid and SiLU, mirroring
// models/include/mmf/numerics.hpp function for function (docs/numerics.md). The tables come from
// the generated mmf_lut_pkg, written from the same arrays as the C++. Functions assign their
// name instead of using `return`: Yosys 0.23 reads only that form.
package mmf_numerics_pkg;

  localparam int unsigned ActFrac = 16;   // Q16 activations
  localparam int unsigned GateFrac = 16;  // Q0.16 gates
  localparam int unsigned SigmoidDomainLog2 = 4;
  localparam int unsigned SigmoidStepLog2 = 4;
  localparam int unsigned SigmoidInterpBits = ActFrac - SigmoidStepLog2;
  localparam int unsigned SigmoidIndexBits = SigmoidDomainLog2 + 1 + SigmoidStepLog2;
  localparam logic signed [31:0] SigmoidHalfRange = 32'sd1 <<< (SigmoidDomainLog2 + ActFrac);

  // exp(x) for Q16 x <= 0 (numerics.hpp exp_q16, the softmax numerators): y = round(x * log2(e))
  // in Q16 from the Q30 constant, split into n = floor(y / 2^16) and f; 2^f from the exp2 table
  // of mmf_lut_pkg (a step of 2^-Exp2StepLog2, entries of Exp2LutBits bits: the end point is
  // 2^17) interpolated over Exp2InterpBits; then shifted right by -n, rounding half up. Below
  // n = -Exp2MaxShift the result is 0.
  localparam int unsigned Exp2StepLog2 = 8;
  localparam int unsigned Exp2InterpBits = ActFrac - Exp2StepLog2;
  localparam int unsigned Exp2LutBits = 18;
  localparam int unsigned Exp2MaxShift = ActFrac + 1;  // 2^-17: the last n that is not 0
  localparam int unsigned Log2eFrac = 30;
  localparam logic [30:0] Log2eQ30 = 31'd1549082005;  // round(log2(e) * 2^30)

  // RoPE: cos and sin are signed Q16 with |v| <= 2^16 (numerics.hpp kRopeFrac); position p's
  // angles come from row p % 2^RopeLoBits of the low table and p >> RopeLoBits of the high one
  // (kRopeLoBits). A head is at most 2^MaxHeadDimLog2 values (kMaxHeadDim).
  localparam int unsigned RopeFrac = 16;
  localparam int unsigned RopeLoBits = 6;
  localparam int unsigned MaxHeadDimLog2 = 8;

  // floor((v + 2^(s-1)) / 2^s); s == 0 returns v, s >= 63 returns 0.
  function automatic logic signed [63:0] shift_round(input logic signed [63:0] v,
                                                     input int unsigned s);
    if (s == 0) shift_round = v;
    else if (s >= 63) shift_round = '0;
    else shift_round = (v + (64'sd1 <<< (s - 1))) >>> s;
  endfunction

  function automatic logic signed [31:0] saturate32(input logic signed [63:0] v);
    if (v > 64'sd2147483647) saturate32 = 32'sh7fff_ffff;
    else if (v < -64'sd2147483648) saturate32 = 32'sh8000_0000;
    else saturate32 = v[31:0];
  endfunction

  // |v| as an unsigned number (exact for the most negative value).
  function automatic logic [32:0] magnitude(input logic signed [31:0] v);
    magnitude = v < 0 ? 33'(-(64'(v))) : 33'(v);
  endfunction

  // Number of significant bits of v (0 for 0).
  function automatic logic [6:0] bit_length(input logic [63:0] v);
    bit_length = '0;
    for (int unsigned i = 0; i < 64; i++) begin
      if (v[i]) bit_length = 7'(i + 1);
    end
  endfunction

  // Shift of block-scaled products: max(0, bitlen(max|a|) + bitlen(max|b|) - ProductBits).
  localparam int unsigned ProductBits = 31;
  function automatic logic [6:0] product_shift(input logic [32:0] max_a, input logic [32:0] max_b);
    logic [7:0] bits;
    bits = 8'(bit_length(64'(max_a))) + 8'(bit_length(64'(max_b)));
    product_shift = bits > 8'(ProductBits) ? 7'(bits - 8'(ProductBits)) : '0;
  endfunction

  // A positive number mant * 2^exp (numerics.hpp Scaled), packed as {mant[63:0], exp[15:0]}
  // (a plain vector: Yosys 0.23 cannot size functions returning a package struct type).
  localparam int unsigned ScaledBits = 80;
  localparam int unsigned MantBits = 31;  // mantissa bits after normalize()
  localparam int unsigned RsqrtMantBits = 18;
  localparam int unsigned RsqrtInterpBits = 9;

  function automatic logic [79:0] scaled(input logic [63:0] mant, input logic signed [15:0] exp);
    scaled = {mant, exp};
  endfunction

  // Keeps at most MantBits significant bits of the mantissa (truncating), adjusting exp.
  function automatic logic [79:0] normalize(input logic [79:0] v);
    logic [6:0] bits, excess;
    bits = bit_length(v[79:16]);
    excess = bits - 7'(MantBits);
    if (bits > 7'(MantBits)) normalize = scaled(v[79:16] >> excess, v[15:0] + 16'(excess));
    else normalize = v;
  endfunction

  // Step `step` (0 .. 4) of normalize() done one step a cycle, for a mantissa of at most 62 bits:
  // shifts right by k = 16 >> step when the mantissa has more than MantBits + k - 1 bits. The
  // five steps remove exactly bit_length - MantBits bits (a binary expansion of at most 31),
  // and each is one fixed-slice test and a mux instead of a priority encoder and a shifter.
  localparam int unsigned NormalizeSteps = 5;
  function automatic logic [79:0] normalize_step(input logic [79:0] v, input logic [2:0] step);
    normalize_step = v;
    for (int unsigned j = 0; j < NormalizeSteps; j++) begin
      if (step == 3'(j) && (v[79:16] >> (MantBits - 1 + (16 >> j))) != '0) begin
        normalize_step = scaled(v[79:16] >> (16 >> j), v[15:0] + 16'(16 >> j));
      end
    end
  endfunction

  // 1/sqrt(s) (numerics.hpp rsqrt_u64) is a step sequence of mmf_norm_quantize.

  // normalize(normalize(t) * normalize(k)): the multiplier of one BitLinear's outputs.
  function automatic logic [79:0] combine_scales(input logic [79:0] token, input logic [79:0] k);
    logic [79:0] t, c;
    t = normalize(token);
    c = normalize(k);
    combine_scales = normalize(scaled(t[79:16] * c[79:16], t[15:0] + c[15:0]));
  endfunction

  // round(acc * mant * 2^exp), saturated to int32 (numerics.hpp apply_scale); mant has at most
  // MantBits bits, so the product fits in 64 bits.
  function automatic logic signed [31:0] apply_scale(input logic signed [31:0] acc,
                                                     input logic [79:0] scale);
    logic signed [63:0] product, limit;
    logic signed [15:0] exp;
    product = 64'(acc) * signed'(scale[79:16]);
    exp = scale[15:0];
    limit = 64'sd1 <<< (62 - 32'(exp));
    if (exp >= 0) begin
      if (exp > 31) begin
        apply_scale = product == 0 ? '0 : (product > 0 ? 32'sh7fff_ffff : 32'sh8000_0000);
      end else if (product >= limit) begin
        apply_scale = 32'sh7fff_ffff;
      end else if (product <= -limit) begin
        apply_scale = 32'sh8000_0000;
      end else begin
        apply_scale = saturate32(product <<< exp);
      end
    end else begin
      apply_scale = saturate32(shift_round(product, 32'(-(32'(exp)))));
    end
  endfunction

  // bfloat16 -> Q16 (numerics.hpp bf16_to_q16) is mmf_bf16_to_q16's two-stage datapath.

  // sigmoid(x) for Q16 x as Q0.16 in [0, 2^16]; inputs outside [-16, 16) are clamped.
  function automatic logic [16:0] sigmoid_q16(input logic signed [31:0] x);
    logic signed [31:0] clamped;
    logic [SigmoidDomainLog2 + ActFrac:0] u;
    logic [SigmoidIndexBits-1:0] index;
    logic [SigmoidInterpBits-1:0] frac;
    logic signed [63:0] lo, hi;
    clamped = x < -SigmoidHalfRange ? -SigmoidHalfRange :
              (x >= SigmoidHalfRange ? SigmoidHalfRange - 1 : x);
    u = (SigmoidDomainLog2 + ActFrac + 1)'(clamped + SigmoidHalfRange);
    index = u[SigmoidDomainLog2 + ActFrac -: SigmoidIndexBits];
    frac = u[SigmoidInterpBits-1:0];
    lo = 64'(mmf_lut_pkg::sigmoid_lut(10'(index)));
    hi = 64'(mmf_lut_pkg::sigmoid_lut(10'(index) + 10'd1));
    sigmoid_q16 = 17'(lo + shift_round((hi - lo) * 64'(frac), SigmoidInterpBits));
  endfunction

  // silu(x) = x * sigmoid(x) for Q16 x, as Q16, saturated.
  function automatic logic signed [31:0] silu_q16(input logic signed [31:0] x);
    silu_q16 = saturate32(shift_round(64'(x) * 64'(sigmoid_q16(x)), GateFrac));
  endfunction

endpackage

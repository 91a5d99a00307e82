// SPDX-License-Identifier: Apache-2.0
// Embedding conversion: VectorLanes bfloat16 values per beat to Q16 (numerics.hpp bf16_to_q16,
// rounding half away from zero, saturated), three register stages. The Embed op streams the
// token's embedding row through it.
//
// With the 1.7 significand m (8 bits) and s = biased exponent e - 118, the Q16 magnitude is
// m << s for s >= 0 and round(m / 2^-s) for s < 0, and the cases reduce to small ones:
//   e = 0 (zero, subnormals) -> 0;  e = 255 (inf, NaN) -> saturate;
//   e >= 142 (s >= 24): m << s >= 2^31 -> saturate;  118 <= e <= 141: m << s (< 2^31);
//   110 <= e <= 117 (1 <= -s <= 8): (m + 2^(-s-1)) >> -s, a 9-bit add;
//   e <= 109 (-s >= 9): m + 2^(-s-1) < 2^-s -> 0.
// Three register stages, each a few LUT levels (the golden function's 64-bit shift, rounding
// and saturation took 20 LUT and 44 carry levels in one cycle):
//   1. the case flags, the shift counts and the rounding bit, decoded from e
//   2. the magnitude (< 2^31): m shifted left, or m plus the rounding bit shifted right
//   3. the sign applied (a 32-bit negate), or INT32_MAX / INT32_MIN
module mmf_bf16_to_q16 #(
  parameter int unsigned VectorLanes = 2  // values per beat (bf16 in, Q16 out)
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [16*VectorLanes-1:0] in_data_i,   // lane k: bf16 bits in [16k+15:16k]

  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [32*VectorLanes-1:0] out_data_o   // lane k: Q16
);

  localparam int unsigned MagW = 31;
  localparam int unsigned S1W = 1 + 1 + 1 + 1 + 5 + 4 + 8 + 8;  // stage 1 per lane
  localparam int unsigned S2W = 1 + 1 + MagW;                    // stage 2 per lane

  logic [S1W*VectorLanes-1:0] s1_in, s1_out;
  logic [S2W*VectorLanes-1:0] s2_in, s2_out;
  logic [32*VectorLanes-1:0]  q16;
  logic                       s1_valid, s1_ready, s2_valid, s2_ready;

  for (genvar k = 0; k < VectorLanes; k++) begin : g_lane
    // Stage 1: decode e.
    logic [7:0] e, mant, round_bit;
    logic       negative, saturate, zero, left;
    logic [4:0] lsh;  // s for 0 <= s <= 23
    logic [3:0] rsh;  // -s for 1 <= -s <= 8
    assign e = in_data_i[16*k+7 +: 8];
    assign mant = {1'b1, in_data_i[16*k +: 7]};
    assign negative = in_data_i[16*k+15];
    assign saturate = e == 8'hFF || e >= 8'd142;
    assign zero = e <= 8'd109;  // e = 0 included
    assign left = e >= 8'd118;
    assign lsh = 5'(e - 8'd118);
    assign rsh = 4'(8'd118 - e);
    assign round_bit = 8'd1 << 3'(8'd117 - e);
    assign s1_in[S1W*k +: S1W] = {negative, saturate, zero, left, lsh, rsh, round_bit, mant};

    // Stage 2: the magnitude.
    logic [7:0]      mant1, round_bit1;
    logic            neg1, sat1, zero1, left1;
    logic [4:0]      lsh1;
    logic [3:0]      rsh1;
    logic [8:0]      rounded;
    logic [MagW-1:0] mag;
    assign {neg1, sat1, zero1, left1, lsh1, rsh1, round_bit1, mant1} = s1_out[S1W*k +: S1W];
    assign rounded = 9'(mant1) + 9'(round_bit1);
    always_comb begin
      if (zero1 || sat1) mag = '0;
      else if (left1) mag = MagW'(mant1) << lsh1;
      else mag = MagW'(rounded) >> rsh1;
    end
    assign s2_in[S2W*k +: S2W] = {neg1, sat1, mag};

    // Stage 3: the sign.
    logic            neg2, sat2;
    logic [MagW-1:0] mag2;
    assign {neg2, sat2, mag2} = s2_out[S2W*k +: S2W];
    always_comb begin
      if (sat2) q16[32*k +: 32] = neg2 ? 32'sh8000_0000 : 32'sh7fff_ffff;
      else q16[32*k +: 32] = neg2 ? -{1'b0, mag2} : {1'b0, mag2};
    end
  end

  mmf_pipe_reg #(
    .Width(S1W * VectorLanes)
  ) u_stage1 (
    .clk_i,
    .rst_ni,
    .in_valid_i,
    .in_ready_o,
    .in_data_i  (s1_in),
    .out_valid_o(s1_valid),
    .out_ready_i(s1_ready),
    .out_data_o (s1_out)
  );

  mmf_pipe_reg #(
    .Width(S2W * VectorLanes)
  ) u_stage2 (
    .clk_i,
    .rst_ni,
    .in_valid_i (s1_valid),
    .in_ready_o (s1_ready),
    .in_data_i  (s2_in),
    .out_valid_o(s2_valid),
    .out_ready_i(s2_ready),
    .out_data_o (s2_out)
  );

  mmf_pipe_reg #(
    .Width(32 * VectorLanes)
  ) u_stage3 (
    .clk_i,
    .rst_ni,
    .in_valid_i (s2_valid),
    .in_ready_o (s2_ready),
    .in_data_i  (q16),
    .out_valid_o,
    .out_ready_i,
    .out_data_o
  );

endmodule

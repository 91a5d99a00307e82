// SPDX-License-Identifier: Apache-2.0
// Pipelined wide multiply: signed a (AWidth <= 34 bits) times b (BWidth <= 33 bits; unsigned, or
// signed when BSigned), the exact AWidth + BWidth bit product, Latency = 3 cycles after a and b
// are presented with en_i high (every stage holds while en_i is low).
//
// Why not `a * b` in one cycle: a 33 x 32 product is four DSP48E2s whose partial sums Yosys
// (and Vivado without retiming) chains through carry logic in the same cycle, about 16 CARRY8
// behind the DSP outputs. Here each DSP takes one 17 x 18 partial product (its M register),
// and the three sums that combine them are one add per stage:
//   1. p_ll = a_lo * b_lo, p_lh = a_lo * b_hi, p_hl = a_hi * b_lo, p_hh = a_hi * b_hi
//   2. r_lo = p_ll + p_lh * 2^16, r_hi = p_hl + p_hh * 2^16
//   3. p = r_lo + r_hi * 2^16
// with a = a_hi * 2^16 + a_lo (a_hi signed, a_lo unsigned 16 bits) and b likewise (b_hi signed
// only when BSigned).
// Datapath only: no reset (UG949), the caller keeps the valid bits.
module mmf_mul_pipe #(
  parameter int unsigned AWidth = 33,
  parameter int unsigned BWidth = 32,
  parameter bit          BSigned = 1'b0,
  localparam int unsigned PWidth = AWidth + BWidth
) (
  input  logic                     clk_i,
  input  logic                     en_i,
  input  logic signed [AWidth-1:0] a_i,
  input  logic        [BWidth-1:0] b_i,
  output logic signed [PWidth-1:0] p_o
);

  localparam int unsigned Split = 16;

  // DSP48E2 takes 27 x 18 signed: a's parts as 18-bit signed, b's as 18-bit signed.
  if (AWidth <= Split || AWidth > 34 || BWidth <= Split || BWidth > 33) begin : g_bad_width
    $error("mmf_mul_pipe: AWidth must be in (16, 34] and BWidth in (16, 33]");
  end

  logic signed [17:0]       a_lo, a_hi, b_lo, b_hi;
  logic signed [35:0]       p_ll_q, p_lh_q, p_hl_q, p_hh_q;
  logic signed [PWidth-1:0] r_lo_q, r_hi_q, p_q;

  assign a_lo = 18'($unsigned(a_i[Split-1:0]));
  assign a_hi = 18'(signed'(a_i[AWidth-1:Split]));
  assign b_lo = 18'($unsigned(b_i[Split-1:0]));
  if (BSigned) begin : g_b_signed
    assign b_hi = 18'(signed'(b_i[BWidth-1:Split]));
  end else begin : g_b_unsigned
    assign b_hi = 18'($unsigned(b_i[BWidth-1:Split]));
  end

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      p_ll_q <= a_lo * b_lo;
      p_lh_q <= a_lo * b_hi;
      p_hl_q <= a_hi * b_lo;
      p_hh_q <= a_hi * b_hi;
      r_lo_q <= PWidth'(p_ll_q) + (PWidth'(p_lh_q) <<< Split);
      r_hi_q <= PWidth'(p_hl_q) + (PWidth'(p_hh_q) <<< Split);
      p_q <= r_lo_q + (r_hi_q <<< Split);
    end
  end

  assign p_o = p_q;

endmodule

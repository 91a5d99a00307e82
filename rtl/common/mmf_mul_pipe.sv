// SPDX-License-Identifier: Apache-2.0
// Pipelined wide multiply: signed a (18 to 35 bits) times b (2 to 52 bits unsigned, or up to 53
// bits signed when BSigned), the exact AWidth + BWidth bit product, Latency = 3 cycles after a
// and b are presented with en_i high (every stage holds while en_i is low).
//
// Why not `a * b` in one cycle: a 33 x 40 product is four DSP48E2s whose partial sums Yosys
// (and Vivado without retiming) chains through carry logic in the same cycle, about 16 CARRY8
// behind the DSP outputs. Here each DSP takes one 18 x 27 partial product (its M register),
// and the sums that combine them are one add per stage:
//   1. p_ll = a_lo * b_lo, p_hl = a_hi * b_lo, and when b is wide p_lh = a_lo * b_hi,
//      p_hh = a_hi * b_hi
//   2. r_lo = p_ll + p_lh * 2^26, r_hi = p_hl + p_hh * 2^26 (r = p_.l when b is narrow)
//   3. p = r_lo + r_hi * 2^17
// with a = a_hi * 2^17 + a_lo (a_hi signed, a_lo unsigned 17 bits; the DSP's 18-bit port) and
// b = b_hi * 2^26 + b_lo (b_lo unsigned 26 bits; the 27-bit port). A narrow b (one that fits
// the 27-bit port whole: at most 26 bits unsigned or 27 signed) takes two DSPs, a wide one four.
// Datapath only: no reset (UG949), the caller keeps the valid bits.
module mmf_mul_pipe #(
  parameter int unsigned AWidth = 33,     // bits of a (signed)
  parameter int unsigned BWidth = 32,     // bits of b
  parameter bit          BSigned = 1'b0,  // 1: b is two's complement
  localparam int unsigned PWidth = AWidth + BWidth
) (
  input  logic                     clk_i,
  input  logic                     en_i,
  input  logic signed [AWidth-1:0] a_i,
  input  logic        [BWidth-1:0] b_i,
  output logic signed [PWidth-1:0] p_o
);

  localparam int unsigned ASplit = 17;  // a_lo: 17 bits unsigned in an 18-bit signed port
  localparam int unsigned BSplit = 26;  // b_lo: 26 bits unsigned in a 27-bit signed port
  localparam int unsigned PartW = 18 + 27;
  localparam bit Narrow = BWidth <= (BSigned ? BSplit + 1 : BSplit);

  localparam int unsigned BMax = BSplit + (BSigned ? 27 : 26);
  if (AWidth <= ASplit || AWidth > ASplit + 18 || BWidth < 2 || BWidth > BMax) begin : g_bad_width
    $error("mmf_mul_pipe: AWidth must be in (17, 35] and BWidth in [2, 52] (53 when signed)");
  end

  logic signed [17:0]       a_lo, a_hi;
  logic signed [26:0]       b_lo;
  logic signed [PartW-1:0]  p_ll_q, p_hl_q;
  logic signed [PWidth-1:0] r_lo_q, r_hi_q, p_q;

  assign a_lo = 18'($unsigned(a_i[ASplit-1:0]));
  assign a_hi = 18'(signed'(a_i[AWidth-1:ASplit]));

  if (Narrow) begin : g_narrow
    if (BSigned) begin : g_b_signed
      assign b_lo = 27'(signed'(b_i));
    end else begin : g_b_unsigned
      assign b_lo = 27'($unsigned(b_i));
    end

    always_ff @(posedge clk_i) begin
      if (en_i) begin
        p_ll_q <= a_lo * b_lo;
        p_hl_q <= a_hi * b_lo;
        r_lo_q <= PWidth'(p_ll_q);
        r_hi_q <= PWidth'(p_hl_q);
      end
    end
  end else begin : g_wide
    logic signed [26:0]      b_hi;
    logic signed [PartW-1:0] p_lh_q, p_hh_q;
    assign b_lo = 27'($unsigned(b_i[BSplit-1:0]));
    if (BSigned) begin : g_b_signed
      assign b_hi = 27'(signed'(b_i[BWidth-1:BSplit]));
    end else begin : g_b_unsigned
      assign b_hi = 27'($unsigned(b_i[BWidth-1:BSplit]));
    end

    always_ff @(posedge clk_i) begin
      if (en_i) begin
        p_ll_q <= a_lo * b_lo;
        p_lh_q <= a_lo * b_hi;
        p_hl_q <= a_hi * b_lo;
        p_hh_q <= a_hi * b_hi;
        r_lo_q <= PWidth'(p_ll_q) + (PWidth'(p_lh_q) <<< BSplit);
        r_hi_q <= PWidth'(p_hl_q) + (PWidth'(p_hh_q) <<< BSplit);
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (en_i) p_q <= r_lo_q + (r_hi_q <<< ASplit);
  end

  // A product narrower than a partial one (only with a narrow b) leaves the partials' top bits
  // unused.
  if (PWidth < PartW) begin : g_unused_top
    logic unused_top;
    assign unused_top = ^{p_ll_q[PartW-1:PWidth], p_hl_q[PartW-1:PWidth]};
  end

  assign p_o = p_q;

endmodule

// SPDX-License-Identifier: Apache-2.0
// RoPE angles of VectorLanes frequencies per beat (golden: mmf::fx::rope_angle, bit for bit):
// cos and sin of position p = p_hi * 2^6 + p_lo from the entries of its two table rows, one
// complex product,
//   cos = round((hi_cos * lo_cos - hi_sin * lo_sin) / 2^16),
//   sin = round((hi_sin * lo_cos + hi_cos * lo_sin) / 2^16),
// rounding half up, without saturation (|cos|, |sin| <= 2^17 for inputs within 2^16). The
// results feed mmf_rope_rotate. A 4-stage pipeline, one arithmetic step a stage:
//   1.  the operands registered (the DSPs' input registers)
//   2.  the four 18 x 18 products, one DSP48E2 each
//   3.  the difference and the sum (37 bits)
//   4.  round by 2^16, sign-extended to int32
// The stages advance together when the output register is free or being read (`advance`), as
// in mmf_silu, so a stall holds every stage.
module mmf_rope_angle #(
  parameter int unsigned VectorLanes = 4  // angles per beat
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  // Per beat, lane k in bits [32k+31:32k] of each port: cos and sin of the high and the low
  // part of the position, signed Q16 with |v| <= 2^16 (the RoPE tables' range). They are
  // 32-bit ports for the vector datapath's lanes, but only their bits [17:0] are read (the
  // rest is their sign extension; an assertion checks the range).
  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [32*VectorLanes-1:0] in_hi_cos_i,
  input  logic [32*VectorLanes-1:0] in_hi_sin_i,
  input  logic [32*VectorLanes-1:0] in_lo_cos_i,
  input  logic [32*VectorLanes-1:0] in_lo_sin_i,

  // cos and sin of the position, signed Q16.
  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [32*VectorLanes-1:0] out_cos_o,
  output logic [32*VectorLanes-1:0] out_sin_o
);

  localparam int unsigned Stages = 4;  // mmf_hls::kRopeAngleLatency
  localparam int unsigned Frac = mmf_numerics_pkg::RopeFrac;
  localparam int unsigned TrigBits = Frac + 2;  // [-2^16, 2^16], signed
  localparam int unsigned ProdBits = 2 * TrigBits;
  localparam int unsigned SumBits = ProdBits + 1;
  localparam int unsigned TopBits = SumBits - Frac + 1;  // a sum's bits from 2^(Frac-1) up
  localparam int unsigned RoundBits = TopBits - 1;

  logic [Stages-1:0] valid_q;
  logic              advance;

  assign advance = !valid_q[Stages-1] || out_ready_i;
  assign in_ready_o = advance;
  assign out_valid_o = valid_q[Stages-1];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= '0;
    else if (advance) valid_q <= {valid_q[Stages-2:0], in_valid_i};
  end

  // round(v / 2^16) from v's bits from 2^15 up: floor((v + 2^15) / 2^16) =
  // floor((floor(v / 2^15) + 1) / 2), so the adder is as wide as those bits only.
  function automatic logic signed [RoundBits-1:0] round_top(input logic signed [TopBits-1:0] top);
    round_top = RoundBits'((top + TopBits'(1)) >>> 1);
  endfunction

  for (genvar k = 0; k < VectorLanes; k++) begin : g_lane
    // Stage 1: operands.
    logic signed [TrigBits-1:0] hc1_q, hs1_q, lc1_q, ls1_q;

    // Stage 2: products.
    logic signed [ProdBits-1:0] hc_lc2_q, hs_ls2_q, hs_lc2_q, hc_ls2_q;

    // Stage 3: the difference and the sum, exact.
    logic signed [SumBits-1:0] cos3_q, sin3_q;
    logic unused_low;
    assign unused_low = ^{cos3_q[Frac-2:0], sin3_q[Frac-2:0]};

    // Stage 4: rounded.
    logic signed [RoundBits-1:0] cos4_q, sin4_q;

    always_ff @(posedge clk_i) begin
      if (advance) begin
        hc1_q <= in_hi_cos_i[32*k +: TrigBits];
        hs1_q <= in_hi_sin_i[32*k +: TrigBits];
        lc1_q <= in_lo_cos_i[32*k +: TrigBits];
        ls1_q <= in_lo_sin_i[32*k +: TrigBits];

        hc_lc2_q <= ProdBits'(hc1_q) * ProdBits'(lc1_q);
        hs_ls2_q <= ProdBits'(hs1_q) * ProdBits'(ls1_q);
        hs_lc2_q <= ProdBits'(hs1_q) * ProdBits'(lc1_q);
        hc_ls2_q <= ProdBits'(hc1_q) * ProdBits'(ls1_q);

        cos3_q <= SumBits'(hc_lc2_q) - SumBits'(hs_ls2_q);
        sin3_q <= SumBits'(hs_lc2_q) + SumBits'(hc_ls2_q);

        cos4_q <= round_top(cos3_q[SumBits-1:Frac-1]);
        sin4_q <= round_top(sin3_q[SumBits-1:Frac-1]);
      end
    end

    assign out_cos_o[32*k +: 32] = 32'(cos4_q);
    assign out_sin_o[32*k +: 32] = 32'(sin4_q);

    // Bits [31:18] of the inputs are only their sign extension.
    logic unused_trig_top;
    assign unused_trig_top = ^{in_hi_cos_i[32*k+TrigBits +: 32-TrigBits],
                               in_hi_sin_i[32*k+TrigBits +: 32-TrigBits],
                               in_lo_cos_i[32*k+TrigBits +: 32-TrigBits],
                               in_lo_sin_i[32*k+TrigBits +: 32-TrigBits]};

`ifndef SYNTHESIS
    trig_range_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
        in_valid_i |-> signed'(in_hi_cos_i[32*k +: 32]) >= -32'sd65536 &&
                       signed'(in_hi_cos_i[32*k +: 32]) <= 32'sd65536 &&
                       signed'(in_hi_sin_i[32*k +: 32]) >= -32'sd65536 &&
                       signed'(in_hi_sin_i[32*k +: 32]) <= 32'sd65536 &&
                       signed'(in_lo_cos_i[32*k +: 32]) >= -32'sd65536 &&
                       signed'(in_lo_cos_i[32*k +: 32]) <= 32'sd65536 &&
                       signed'(in_lo_sin_i[32*k +: 32]) >= -32'sd65536 &&
                       signed'(in_lo_sin_i[32*k +: 32]) <= 32'sd65536)
      else $error("mmf_rope_angle: a table entry of lane %0d outside [-2^16, 2^16]", k);
`endif
  end

endmodule

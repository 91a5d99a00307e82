// SPDX-License-Identifier: Apache-2.0
// RoPE rotation of VectorLanes pairs per beat (golden: mmf::fx::rope_rotate, bit for bit): the
// pair (x, y) = (v[j], v[j + half]) turned by the angle (cos, sin) of its position and
// frequency,
//   x' = saturate32(round((x * cos - y * sin) / 2^16)),
//   y' = saturate32(round((y * cos + x * sin) / 2^16)),
// rounding half up. A 7-stage pipeline, one arithmetic step a stage:
//   1.    the operands registered (the DSPs' input registers)
//   2-4.  x * cos, y * sin, y * cos, x * sin: four mmf_mul_pipe products of 32 x 18 bits, two
//         DSP48E2s each
//   5.    the difference and the sum (51 bits)
//   6.    round by 2^16 (35 bits)
//   7.    saturate to int32
// The angles come from mmf_rope_angle (cos and sin of a position from two table rows).
//
// The stages advance together when the output register is free or being read (`advance`), as
// in mmf_silu, so a stall holds every stage, the multipliers included.
module mmf_rope_rotate #(
  parameter int unsigned VectorLanes = 4  // pairs per beat
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  // Per beat, lane k in bits [32k+31:32k] of each port: the pair (x, y), Q16, and its angle's
  // cos and sin, signed Q16 in [-2^17, 2^17): mmf_rope_angle's, within 2^16 but for a few
  // LSB of the tables' rounding (46341^2 x 2 / 2^16 rounds to 65537). cos and sin are 32-bit
  // ports for the vector datapath's lanes, but only their bits [17:0] are read (the rest is
  // their sign extension; an assertion checks the range).
  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [32*VectorLanes-1:0] in_x_i,
  input  logic [32*VectorLanes-1:0] in_y_i,
  input  logic [32*VectorLanes-1:0] in_cos_i,
  input  logic [32*VectorLanes-1:0] in_sin_i,

  // The rotated pair (x', y'), Q16.
  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [32*VectorLanes-1:0] out_x_o,
  output logic [32*VectorLanes-1:0] out_y_o
);

  localparam int unsigned MulLatency = 3;  // mmf_mul_pipe
  localparam int unsigned Stages = 1 + MulLatency + 3;  // mmf_hls::kRopeRotateLatency
  localparam int unsigned Frac = mmf_numerics_pkg::RopeFrac;
  localparam int unsigned TrigBits = Frac + 2;  // [-2^17, 2^17), signed
  localparam int unsigned ProdBits = 32 + TrigBits;
  localparam int unsigned SumBits = ProdBits + 1;
  localparam int unsigned TopBits = SumBits - Frac + 1;  // a sum's bits from 2^(Frac-1) up
  localparam int unsigned RoundBits = TopBits - 1;       // round(sum / 2^16), before saturation

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

  // saturate32: v fits in int32 when its bits from 2^31 up are all equal (bit tests, no
  // compare, so no second carry chain).
  function automatic logic signed [31:0] saturate(input logic signed [RoundBits-1:0] v);
    if (&v[RoundBits-1:31] || !(|v[RoundBits-1:31])) saturate = v[31:0];
    else saturate = v[RoundBits-1] ? 32'sh8000_0000 : 32'sh7fff_ffff;
  endfunction

  for (genvar k = 0; k < VectorLanes; k++) begin : g_lane
    // Stage 1: operands.
    logic signed [31:0]         x1_q, y1_q;
    logic signed [TrigBits-1:0] cos1_q, sin1_q;

    // Stages 2-4: the four products.
    logic signed [ProdBits-1:0] xc, ys, yc, xs;
    mmf_mul_pipe #(.AWidth(32), .BWidth(TrigBits), .BSigned(1'b1)) u_mul_xc (
      .clk_i, .en_i(advance), .a_i(x1_q), .b_i(cos1_q), .p_o(xc)
    );
    mmf_mul_pipe #(.AWidth(32), .BWidth(TrigBits), .BSigned(1'b1)) u_mul_ys (
      .clk_i, .en_i(advance), .a_i(y1_q), .b_i(sin1_q), .p_o(ys)
    );
    mmf_mul_pipe #(.AWidth(32), .BWidth(TrigBits), .BSigned(1'b1)) u_mul_yc (
      .clk_i, .en_i(advance), .a_i(y1_q), .b_i(cos1_q), .p_o(yc)
    );
    mmf_mul_pipe #(.AWidth(32), .BWidth(TrigBits), .BSigned(1'b1)) u_mul_xs (
      .clk_i, .en_i(advance), .a_i(x1_q), .b_i(sin1_q), .p_o(xs)
    );

    // Stage 5: x cos - y sin and y cos + x sin, exact.
    logic signed [SumBits-1:0] re5_q, im5_q;
    logic unused_low;
    assign unused_low = ^{re5_q[Frac-2:0], im5_q[Frac-2:0]};

    // Stage 6: rounded; stage 7: saturated.
    logic signed [RoundBits-1:0] re6_q, im6_q;
    logic signed [31:0]          re7_q, im7_q;

    always_ff @(posedge clk_i) begin
      if (advance) begin
        x1_q <= in_x_i[32*k +: 32];
        y1_q <= in_y_i[32*k +: 32];
        cos1_q <= in_cos_i[32*k +: TrigBits];
        sin1_q <= in_sin_i[32*k +: TrigBits];

        re5_q <= SumBits'(xc) - SumBits'(ys);
        im5_q <= SumBits'(yc) + SumBits'(xs);

        re6_q <= round_top(re5_q[SumBits-1:Frac-1]);
        im6_q <= round_top(im5_q[SumBits-1:Frac-1]);

        re7_q <= saturate(re6_q);
        im7_q <= saturate(im6_q);
      end
    end

    assign out_x_o[32*k +: 32] = re7_q;
    assign out_y_o[32*k +: 32] = im7_q;

    // Bits [31:18] of cos and sin are only their sign extension.
    logic unused_trig_top;
    assign unused_trig_top = ^{in_cos_i[32*k+TrigBits +: 32-TrigBits],
                               in_sin_i[32*k+TrigBits +: 32-TrigBits]};

`ifndef SYNTHESIS
    trig_range_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
        in_valid_i |-> signed'(in_cos_i[32*k +: 32]) >= -32'sd131072 &&
                       signed'(in_cos_i[32*k +: 32]) < 32'sd131072 &&
                       signed'(in_sin_i[32*k +: 32]) >= -32'sd131072 &&
                       signed'(in_sin_i[32*k +: 32]) < 32'sd131072)
      else $error("mmf_rope_rotate: cos or sin of lane %0d outside [-2^17, 2^17)", k);
`endif
  end

endmodule

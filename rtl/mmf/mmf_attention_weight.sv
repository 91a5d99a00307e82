// SPDX-License-Identifier: Apache-2.0
// Value weights of attention, VectorLanes positions per beat (golden: mmf::fx::attention_weight,
// bit for bit): w = shift_round(e * amax_v, sh_w), kept to its low 32 bits as the golden
// model's uint32 cast keeps them (attention_weight_shift makes w < 2^24 in a real head; any
// sh_w in [0, 63] is exact). A 7-stage pipeline, one arithmetic step a stage:
//   1.    the operands registered
//   2-4.  p = amax_v * e (mmf_mul_pipe, 33 x 17 bits: two DSP48E2s a lane); p < 2^49
//   5.    the coarse shift: z = 2p >> (sh_w & ~7); the variable shift of the 50-bit 2p is a
//         barrel shifter split over two stages (an 8:1 mux a bit in each)
//   6.    the fine shift: t = z >> (sh_w & 7), i.e. t = floor(2p / 2^sh_w)
//   7.    w = (t + 1) >> 1 = floor((p + 2^(sh_w-1)) / 2^sh_w), the golden rounding half up
// Why 2p: floor((p + 2^(s-1)) / 2^s) = floor((floor(2p / 2^s) + 1) / 2) for every s >= 0, so
// the rounding needs no shifted constant and s = 0 (t = 2p, w = p) is no special case; for
// s >= 50 (and so the golden s >= 63) t is 0 and so is w. Only the low 33 bits of t reach the
// result (bits [32:1] of t + 1), so the shifters keep no more.
//
// The stages advance together when the output register is free or being read (`advance`), as
// in mmf_silu, so a stall holds every stage, the multipliers included.
module mmf_attention_weight #(
  parameter int unsigned VectorLanes = 4  // positions per beat
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  // Job (a KV head): sh_w = attention_weight_shift(max amax_v) in [0, 63]. Held stable while a
  // beat is in the unit (from the cycle it is taken to the one its result leaves).
  input  logic [5:0]                sh_w_i,

  // Per beat, lane k: the position's softmax numerator e, Q0.16 in [0, 2^16] (any value below
  // 2^17; mmf_attention_exp's out_exp_o, 17-bit lanes) and the absmax of its value row, Q16.
  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [17*VectorLanes-1:0] in_exp_i,     // lane k: bits [17k+16:17k]
  input  logic [32*VectorLanes-1:0] in_v_amax_i,  // lane k: bits [32k+31:32k], unsigned

  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [32*VectorLanes-1:0] out_weight_o  // lane k: w, unsigned (< 2^24 in a head)
);

  localparam int unsigned MulLatency = 3;  // mmf_mul_pipe
  localparam int unsigned Stages = 1 + MulLatency + 3;  // mmf_hls::kAttentionWeightLatency
  localparam int unsigned ExpBits = 17;
  localparam int unsigned AmaxBits = 32;
  localparam int unsigned MulBits = AmaxBits + 1 + ExpBits;  // the signed product of the DSPs
  localparam int unsigned ProdBits = AmaxBits + ExpBits;     // p < 2^49
  localparam int unsigned TBits = 33;                        // t's bits that reach w
  localparam int unsigned FineBits = 3;                      // sh_w[2:0]: the fine shift
  localparam int unsigned ZBits = TBits + (1 << FineBits) - 1;  // z's bits that reach t

  logic [Stages-1:0] valid_q;
  logic              advance;

  assign advance = !valid_q[Stages-1] || out_ready_i;
  assign in_ready_o = advance;
  assign out_valid_o = valid_q[Stages-1];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= '0;
    else if (advance) valid_q <= {valid_q[Stages-2:0], in_valid_i};
  end

  // The job's shift, one cycle behind its port: the port is stable while a beat is inside, and
  // the first stage that reads the copy is stage 5.
  logic [5:0] sh_q;
  always_ff @(posedge clk_i) sh_q <= sh_w_i;

  for (genvar k = 0; k < VectorLanes; k++) begin : g_lane
    // Stage 1: operands.
    logic [ExpBits-1:0]  e1_q;
    logic [AmaxBits-1:0] amax1_q;

    // Stages 2-4: p = amax_v * e, exact (p < 2^49: the top bit of the signed product is 0).
    logic signed [MulBits-1:0] prod;
    mmf_mul_pipe #(
      .AWidth(AmaxBits + 1),
      .BWidth(ExpBits)
    ) u_mul (
      .clk_i,
      .en_i(advance),
      .a_i (signed'({1'b0, amax1_q})),
      .b_i (e1_q),
      .p_o (prod)
    );
    logic unused_prod_top;
    assign unused_prod_top = prod[MulBits-1];

    // Stage 5: z = 2p >> 8 * sh_w[5:3], the bits that stage 6 can bring into t.
    logic [ProdBits:0] twice_p;
    logic [ZBits-1:0]  z5_q;
    assign twice_p = {prod[ProdBits-1:0], 1'b0};

    // Stage 6: t = z >> sh_w[2:0].
    logic [TBits-1:0] t6_q;

    // Stage 7: w = bits [32:1] of t + 1 (a carry out of bit 32 is not w's).
    logic [TBits-1:0] t_plus_one;
    logic [31:0]      w7_q;
    assign t_plus_one = t6_q + TBits'(1);
    logic unused_round_low;
    assign unused_round_low = t_plus_one[0];

    always_ff @(posedge clk_i) begin
      if (advance) begin
        e1_q <= in_exp_i[ExpBits*k +: ExpBits];
        amax1_q <= in_v_amax_i[AmaxBits*k +: AmaxBits];

        z5_q <= ZBits'(twice_p >> {sh_q[5:FineBits], FineBits'(0)});
        t6_q <= TBits'(z5_q >> sh_q[FineBits-1:0]);
        w7_q <= t_plus_one[TBits-1:1];
      end
    end

    assign out_weight_o[32*k +: 32] = w7_q;
  end

`ifndef SYNTHESIS
  out_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> out_valid_o && $stable(out_weight_o))
    else $error("mmf_attention_weight: an output changed while it waited");
  job_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      valid_q != '0 |-> $stable(sh_w_i))
    else $error("mmf_attention_weight: sh_w_i changed while a beat was in the unit");
`endif

endmodule

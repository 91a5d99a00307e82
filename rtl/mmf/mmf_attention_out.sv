// SPDX-License-Identifier: Apache-2.0
// Outputs of attention, VectorLanes values of a head per beat (golden: mmf::fx::attention_out,
// bit for bit): o = saturate32(shift_round(acc * recip, 16 + l - sh_w)), where acc is the
// value accumulator sum_t w[t] * v[t][e], (recip, l) the head's reciprocal from
// mmf_attention_recip and sh_w the weights' shift. An 8-stage pipeline, one arithmetic step a
// stage:
//   1.    the accumulators registered; the job's shift s = clamp(16 + l - sh_w, 0, 63) beside
//   2-4.  p = recip * acc (mmf_mul_pipe, 18 x 46 bits: four DSP48E2s a lane); |p| < 2^62
//   5.    the coarse shift: z = 2p >>> (s & ~7), the bits of z that the fine shift brings
//         into the result, and whether the bits above them are copies of the sign
//   6.    the fine shift: t = z >>> (s & 7), i.e. t = floor(2p / 2^s)
//   7.    r = (t + 1) >>> 1 = floor((p + 2^(s-1)) / 2^s), the golden rounding half up; t fits
//         in 34 bits when the bits above stage 5's and t's bits [40:33] copy the sign
//   8.    saturate to int32 (by the sign when t does not fit)
// Why 2p: floor((p + 2^(s-1)) / 2^s) = floor((floor(2p / 2^s) + 1) / 2) for every s >= 0, so
// the rounding needs no shifted constant and s = 0 (shift_round of a shift <= 0 is the value
// itself) is no special case; nor is s = 63: |2p| < 2^63 makes t -1 or 0 and r 0, the golden
// result of every shift >= 63. The variable shift of the 65-bit 2p is a barrel shifter split
// over two stages (an 8:1 mux a bit in each).
//
// Why 46 bits of acc: |w| < 2^kAttnWeightBits = 2^24, |v| <= kCodeMax = 127 < 2^7 and at most
// 2^kMaxContextLog2 = 2^14 positions give |acc| < 2^45 (numerics.hpp), a 46-bit two's
// complement value; with recip < 2^17 the product is below 2^62, so 64 bits hold it and 2p.
// The port carries the golden int64; its bits above 45 are the sign's copies (asserted).
//
// The stages advance together when the output register is free or being read (`advance`), as
// in mmf_silu, so a stall holds every stage, the multipliers included.
module mmf_attention_out #(
  parameter int unsigned VectorLanes = 4  // values per beat
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  // Job (a query head): its reciprocal recip = floor(2^(16 + l) / (127 S)) in (2^16, 2^17) and
  // l = bitlen(127 S) (mmf_attention_recip), and the weights' shift sh_w in [0, 63]. Held
  // stable while a beat is in the unit (from the cycle it is taken to the one its result
  // leaves).
  input  logic [16:0]               recip_i,
  input  logic [5:0]                l_i,
  input  logic [5:0]                sh_w_i,

  // Per beat, lane k: an accumulator, int64 with |acc| < 2^45 (see above).
  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [64*VectorLanes-1:0] in_acc_i,    // lane k: bits [64k+63:64k]

  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [32*VectorLanes-1:0] out_value_o  // lane k: Q16, bits [32k+31:32k]
);

  localparam int unsigned MulLatency = 3;  // mmf_mul_pipe
  localparam int unsigned Stages = 1 + MulLatency + 4;  // mmf_hls::kAttentionOutLatency
  localparam int unsigned Frac = mmf_numerics_pkg::ActFrac;
  localparam int unsigned AccBits = 46;    // |acc| < 2^45 (see above)
  localparam int unsigned RecipBits = 17;  // recip < 2^17
  localparam int unsigned ProdBits = AccBits + RecipBits + 1;  // 64: the signed product
  localparam int unsigned YBits = ProdBits + 1;                // 2p
  localparam int unsigned FineBits = 3;                        // s[2:0]: the fine shift
  localparam int unsigned FineMax = (1 << FineBits) - 1;
  localparam int unsigned TBits = 34;                          // t's bits that reach r
  localparam int unsigned ZBits = TBits + FineMax;             // z's bits that reach t
  localparam int unsigned RBits = TBits;                       // r in [-2^32, 2^32]

  logic [Stages-1:0] valid_q;
  logic              advance;

  assign advance = !valid_q[Stages-1] || out_ready_i;
  assign in_ready_o = advance;
  assign out_valid_o = valid_q[Stages-1];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= '0;
    else if (advance) valid_q <= {valid_q[Stages-2:0], in_valid_i};
  end

  // The job's operands, one cycle behind their ports: the ports are stable while a beat is
  // inside, and the first stage that reads the copies is stage 2 (recip, the multiplier's
  // input register). s = 16 + l - sh_w in [-47, 79] is clamped to [0, 63]: a shift <= 0 is no
  // shift (shift_round), and every shift >= 63 gives what 63 gives (see above).
  logic [RecipBits-1:0] recip_q;
  logic signed [7:0]    s_raw;
  logic [5:0]           s_q;
  assign s_raw = 8'(Frac) + 8'(l_i) - 8'(sh_w_i);
  always_ff @(posedge clk_i) begin
    recip_q <= recip_i;
    s_q <= s_raw < 0 ? '0 : (s_raw > 8'sd63 ? 6'd63 : s_raw[5:0]);
  end

  // Whether v's bits from `from` up are all copies of its sign (a constant `from`: wiring into
  // an AND and an OR tree).
  function automatic logic sign_copies(input logic signed [YBits-1:0] v, input int unsigned from);
    logic signed [YBits-1:0] top;
    top = v >>> from;
    sign_copies = &top || !(|top);
  endfunction

  for (genvar k = 0; k < VectorLanes; k++) begin : g_lane
    // Stage 1: the accumulator's 46 bits.
    logic signed [AccBits-1:0] acc1_q;

    // Stages 2-4: p = recip * acc, exact.
    logic signed [ProdBits-1:0] prod;
    mmf_mul_pipe #(
      .AWidth (RecipBits + 1),
      .BWidth (AccBits),
      .BSigned(1'b1)
    ) u_mul (
      .clk_i,
      .en_i(advance),
      .a_i (signed'({1'b0, recip_q})),
      .b_i (acc1_q),
      .p_o (prod)
    );

    // Stage 5: z = 2p >>> 8 * s[5:3], the ZBits that stage 6 can bring into t; the bits of z
    // above them are sign copies when 2p's from ZBits - 1 + 8 * s[5:3] up are (`fits`, one
    // test a coarse shift, from the multiplier's register in parallel with the shifter).
    logic signed [YBits-1:0] twice_p;
    logic [7:0]              fits;
    logic signed [ZBits-1:0] z5_q;
    logic                    fit5_q, neg5_q;
    assign twice_p = {prod, 1'b0};
    for (genvar j = 0; j < 8; j++) begin : g_fits
      assign fits[j] = sign_copies(twice_p, ZBits - 1 + 8 * j);
    end

    // Stage 6: t = z >>> s[2:0].
    logic signed [ZBits-1:0] t6_q;
    logic                    fit6_q, neg6_q;

    // Stage 7: r = (t + 1) >>> 1 on t's low 34 bits, and whether t fits in them.
    logic signed [TBits:0]   t_plus_one;
    logic signed [RBits-1:0] r7_q;
    logic                    fit7_q, neg7_q;
    assign t_plus_one = (TBits + 1)'(signed'(t6_q[TBits-1:0])) + (TBits + 1)'(1);
    logic unused_round_low;
    assign unused_round_low = t_plus_one[0];

    // Stage 8: saturate to int32.
    logic signed [31:0] o8_q;

    always_ff @(posedge clk_i) begin
      if (advance) begin
        acc1_q <= in_acc_i[64*k +: AccBits];

        z5_q <= ZBits'(twice_p >>> {s_q[5:FineBits], FineBits'(0)});
        fit5_q <= fits[s_q[5:FineBits]];
        neg5_q <= prod[ProdBits-1];

        t6_q <= z5_q >>> s_q[FineBits-1:0];
        fit6_q <= fit5_q;
        neg6_q <= neg5_q;

        r7_q <= t_plus_one[TBits:1];
        fit7_q <= fit6_q && (&t6_q[ZBits-1:TBits-1] || !(|t6_q[ZBits-1:TBits-1]));
        neg7_q <= neg6_q;

        if (!fit7_q) o8_q <= neg7_q ? 32'sh8000_0000 : 32'sh7fff_ffff;
        else if (&r7_q[RBits-1:31] || !(|r7_q[RBits-1:31])) o8_q <= r7_q[31:0];
        else o8_q <= r7_q[RBits-1] ? 32'sh8000_0000 : 32'sh7fff_ffff;
      end
    end

    assign out_value_o[32*k +: 32] = o8_q;

    // Bits [63:46] of each accumulator are only its sign extension.
    logic unused_acc_top;
    assign unused_acc_top = ^in_acc_i[64*k+AccBits +: 64-AccBits];

`ifndef SYNTHESIS
    acc_range_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
        in_valid_i |-> &in_acc_i[64*k+AccBits-1 +: 64-AccBits+1] ||
                       !(|in_acc_i[64*k+AccBits-1 +: 64-AccBits+1]))
      else $error("mmf_attention_out: accumulator of lane %0d outside [-2^45, 2^45)", k);
`endif
  end

`ifndef SYNTHESIS
  out_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> out_valid_o && $stable(out_value_o))
    else $error("mmf_attention_out: an output changed while it waited");
  job_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      valid_q != '0 |-> $stable(recip_i) && $stable(l_i) && $stable(sh_w_i))
    else $error("mmf_attention_out: a job port changed while a beat was in the unit");
  recip_range_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      in_valid_i |-> recip_i > 17'h1_0000)
    else $error("mmf_attention_out: recip_i at or below 2^16");
`endif

endmodule

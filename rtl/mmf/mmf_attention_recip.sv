// SPDX-License-Identifier: Apache-2.0
// The reciprocal of a head's softmax sum (golden: mmf::fx::attention_recip, bit for bit): for
// the sum S > 0 of a head's numerators, the denominator D = 127 S, l = bitlen(D) and
// recip = floor(2^(16 + l) / D), in (2^16, 2^17). One value at a time, iteratively: the unit
// runs once per query head and token (at most 8 heads share a KV head), after a softmax pass
// over all the positions, so its cycles are nothing next to that pass and one small adder
// serves every step.
//
// Sizes: a sum of at most MaxContext numerators, each at most 2^16, is at most
// MaxContext * 2^16 < 2^SumBits with SumBits = 17 + clog2(MaxContext) (31 for the numerics'
// limit of 2^14 positions); D < 2^DenBits with DenBits = SumBits + 7 (127 < 2^7), so l is in
// [7, DenBits].
//
// The sequence (1 + NormSteps + QuotBits cycles from a sum taken to its result out, the
// mmf_hls::kAttentionRecipLatency = 23 of every MaxContext up to the numerics' limit of 2^14,
// where NormSteps = 5):
//   StIdle  takes S; D = 128 S - S (one subtraction, as the sum is registered)
//   StNorm  NormSteps steps shift D left by 2^(NormSteps-1), ..., 2, 1 when its top as many
//           bits are zero, which puts its leading one at bit DenBits - 1 (D * 2^(DenBits - l));
//           the steps' flags are DenBits - l in binary
//   StDiv   QuotBits = 17 steps of restoring division: recip = floor(2^(16 + DenBits) / D'),
//           the same quotient as the golden one (both operands scaled by 2^(DenBits - l)).
//           Its remainder starts at 2^DenBits, which the first step always takes (D' <
//           2^DenBits), and stays below 2^(DenBits + 1); the quotient has 17 bits because D'
//           >= 2^(DenBits - 1) and is never a power of two (127 is odd), so the last step
//           cannot carry it to 2^17.
//   StDone  the result out until taken; a new sum may be taken in the same cycle.
// Why not mmf_divider: the golden dividend 2^(16 + l) is up to 55 bits wide, and mmf_divider
// spends a cycle on every dividend bit (55 for 17 quotient bits that can be nonzero) with a
// 55-bit adder; normalizing D first leaves the 17 steps with a (DenBits + 2)-bit one.
module mmf_attention_recip #(
  parameter int unsigned MaxContext = 16384,  // positions a head may sum (numerics' limit)
  localparam int unsigned SumBits = 17 + $clog2(MaxContext)
) (
  input  logic               clk_i,
  input  logic               rst_ni,

  // The sum S of a head's softmax numerators, 0 < S <= MaxContext * 2^16.
  input  logic               in_valid_i,
  output logic               in_ready_o,
  input  logic [SumBits-1:0] in_sum_i,

  // recip = floor(2^(16 + l) / (127 S)) in (2^16, 2^17) and l = bitlen(127 S) in [7, 63].
  output logic               out_valid_o,
  input  logic               out_ready_i,
  output logic [16:0]        out_recip_o,
  output logic [5:0]         out_l_o
);

  localparam int unsigned CodeBits = 7;  // kCodeMax = 2^7 - 1
  localparam int unsigned DenBits = SumBits + CodeBits;
  // D has at least 7 bits (S >= 1), so at most SumBits leading zeros: NormSteps steps of
  // 2^(NormSteps-1), ..., 1 remove up to 2^NormSteps - 1 of them.
  localparam int unsigned NormSteps = $clog2(SumBits + 1);
  localparam int unsigned QuotBits = mmf_numerics_pkg::ActFrac + 1;  // recip < 2^17
  localparam int unsigned StepBits = $clog2(QuotBits + 1);
  localparam int unsigned LBits = 6;
  localparam int unsigned Frac = mmf_numerics_pkg::ActFrac;

  if (DenBits >= (1 << LBits) || MaxContext < 1) begin : g_bad_size
    $error("mmf_attention_recip: MaxContext must be in [1, 2^39] (l must fit in 6 bits)");
  end

  typedef enum logic [1:0] {
    StIdle,
    StNorm,
    StDiv,
    StDone
  } state_e;

  state_e                state_q;
  logic [StepBits-1:0]   step_q;     // steps done in StNorm and StDiv
  logic [DenBits-1:0]    den_q;      // D, then D' = D * 2^(DenBits - l)
  logic [NormSteps-1:0]  zeros_q;    // DenBits - l, one binary digit a normalize step
  logic [DenBits:0]      rem_q;      // the division's remainder, below 2 D'
  logic [QuotBits-1:0]   quot_q;
  logic [LBits-1:0]      l_q;
  logic                  in_fire, out_fire;

  assign out_fire = out_valid_o && out_ready_i;
  assign in_ready_o = state_q == StIdle || (state_q == StDone && out_ready_i);
  assign in_fire = in_valid_i && in_ready_o;
  assign out_valid_o = state_q == StDone;

  // Normalize step `step_q`: the shift 2^(NormSteps - 1 - step) and whether D's top bits as
  // many are zero (a NormSteps:1 mux over constant slices).
  logic [DenBits-1:0] norm_den;
  logic               norm_flag;
  always_comb begin
    norm_den = den_q;
    norm_flag = 1'b0;
    for (int unsigned j = 0; j < NormSteps; j++) begin
      if (step_q == StepBits'(j) && (den_q >> (DenBits - (1 << (NormSteps - 1 - j)))) == '0) begin
        norm_den = den_q << (1 << (NormSteps - 1 - j));
        norm_flag = 1'b1;
      end
    end
  end

  // Division step: the remainder less D'; its sign says whether D' fits.
  logic [DenBits+1:0] trial;
  assign trial = {1'b0, rem_q} - {2'b0, den_q};

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      step_q <= '0;
    end else begin
      unique case (state_q)
        StIdle, StDone: begin
          if (in_fire) begin
            state_q <= StNorm;
            step_q <= '0;
          end else if (out_fire) begin
            state_q <= StIdle;
          end
        end
        StNorm: begin
          step_q <= step_q + 1'b1;
          if (step_q == StepBits'(NormSteps - 1)) begin
            state_q <= StDiv;
            step_q <= '0;
          end
        end
        StDiv: begin
          step_q <= step_q + 1'b1;
          if (step_q == StepBits'(QuotBits - 1)) state_q <= StDone;
        end
        default: state_q <= StIdle;
      endcase
    end
  end

  // Datapath (no reset: every register is written before it is read).
  always_ff @(posedge clk_i) begin
    unique case (state_q)
      StIdle, StDone: begin
        if (in_fire) begin
          den_q <= (DenBits'(in_sum_i) << CodeBits) - DenBits'(in_sum_i);
          zeros_q <= '0;
        end
      end
      StNorm: begin
        den_q <= norm_den;
        zeros_q <= {zeros_q[NormSteps-2:0], norm_flag};
        rem_q <= {1'b1, DenBits'(0)};
        quot_q <= '0;
      end
      StDiv: begin
        if (step_q == '0) l_q <= LBits'(DenBits) - LBits'(zeros_q);
        if (!trial[DenBits+1]) begin
          rem_q <= {trial[DenBits-1:0], 1'b0};
          quot_q <= {quot_q[QuotBits-2:0], 1'b1};
        end else begin
          rem_q <= {rem_q[DenBits-1:0], 1'b0};
          quot_q <= {quot_q[QuotBits-2:0], 1'b0};
        end
      end
      default: ;
    endcase
  end

  assign out_recip_o = quot_q;
  assign out_l_o = l_q;

  // The remainder's top bit is 0 after a step that took D' (it is below D'), and a step that
  // did not shifts in a remainder below D' as well, so trial's bit DenBits is only a sign copy.
  logic unused_trial;
  assign unused_trial = trial[DenBits];

`ifndef SYNTHESIS
  sum_range_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      in_valid_i |-> in_sum_i != '0 && 64'(in_sum_i) <= 64'(MaxContext) << Frac)
    else $error("mmf_attention_recip: sum %0d outside [1, MaxContext * 2^16]", in_sum_i);
  out_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> out_valid_o && $stable(out_recip_o) && $stable(out_l_o))
    else $error("mmf_attention_recip: an output changed while it waited");
  recip_range_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o |-> out_recip_o > 17'h1_0000)
    else $error("mmf_attention_recip: the reciprocal is not above 2^16");
`endif

endmodule

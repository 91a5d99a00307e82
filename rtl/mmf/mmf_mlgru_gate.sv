// SPDX-License-Identifier: Apache-2.0
// Element-wise half of the MLGRU unit (mirrors the first loop of hls/include/mmf_hls/mlgru.hpp;
// golden: mmf::fx::mlgru, bit for bit): per channel, f = sigmoid(f_pre), raised by the layer's
// lower bound when there is one (f = lb + round((1 - lb) f)), state = round(f * state) +
// round((1 - f) * silu(i_pre)) saturated, and silu(state). VectorLanes channels per beat. The
// o_proj input is the block-scaled product of g and silu(state) (mmf_scaled_products), which
// needs the whole vector first.
//
// A 16-stage pipeline (mmf_hls::kMlgruGateLatency) with at most one product or one add per
// stage:
//   1-5.  u_act_i, u_act_f (mmf_silu): silu(i_pre) and sigmoid(f_pre); state, lb
//         and 1 - lb ride alongside in delay registers
//   6.    pf = (1 - lb) * sigmoid(f_pre)                      (a DSP product)
//   7.    f = (pf + lb * 2^16 + 2^15) >> 16, and beside it
//         1 - f = ((1 - lb) * 2^16 + 2^15 - 1 - pf) >> 16    (the same rounding, one add each)
//   8.    ps = f * state, pi = (1 - f) * silu(i_pre)           (DSP products)
//   9.    ts = round(ps / 2^16)
//   10.   sum = (ts * 2^16 + 2^15 + pi) >> 16 = ts + round(pi / 2^16)
//   11.   saturate sum to int32: the new state
//   12-16. u_act_out (mmf_silu of VectorLanes values): silu(state); the state rides alongside
// Without a lower bound lb is taken as 0, so that f = round(2^16 * sigmoid / 2^16) = sigmoid
// and one datapath serves both cases.
//
// Stalls: three pipelines in a row (u_act_i/u_act_f, stages 6-11, u_act_out), each advancing when
// its last stage is empty or being taken by the next (mmf_silu's convention), so bubbles close up
// and a stall at the output holds everything behind it. The delay registers beside an mmf_silu
// advance on its in_ready_o, which is its stage enable.
module mmf_mlgru_gate #(
  parameter int unsigned VectorLanes = 4  // channels (32-bit values) per beat
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  // Per beat: i_pre, f_pre, state (Q16) and lower bound (Q0.16 in [0, 2^16], bits [16:0]
  // used) of VectorLanes channels; has_lb is constant over a vector (0 for layer 0).
  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [32*VectorLanes-1:0] in_i_i,
  input  logic [32*VectorLanes-1:0] in_f_i,
  input  logic [32*VectorLanes-1:0] in_state_i,
  input  logic [32*VectorLanes-1:0] in_lb_i,
  input  logic                      in_has_lb_i,

  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [32*VectorLanes-1:0] out_state_o,
  output logic [32*VectorLanes-1:0] out_silu_o
);

  localparam int unsigned ActStages = 5;   // mmf_silu's pipeline (kSiluLatency)
  localparam int unsigned MathStages = 6;  // stages 6-11
  localparam int unsigned Frac = mmf_numerics_pkg::GateFrac;
  localparam int unsigned GateBits = Frac + 1;         // a gate in [0, 2^16]
  localparam int unsigned PfBits = GateBits + Frac;    // (1 - lb) * sigmoid <= 2^32, and sums
  localparam int unsigned ProdBits = 32 + GateBits;    // signed 32 x unsigned 17 bits
  localparam int unsigned SumBits = ProdBits + 1;      // two products' worth
  localparam int unsigned StateBits = SumBits - Frac;  // the new state before saturation
  localparam int unsigned TermBits = ProdBits - Frac;  // a rounded product, in [-2^31, 2^31]
  localparam logic [GateBits-1:0] One = GateBits'(1) << Frac;
  localparam logic [Frac-1:0] Half = Frac'(1) << (Frac - 1);  // round half up by 2^16
  localparam logic [Frac-1:0] HalfMinusOne = Half - Frac'(1);

  // ---------------------------------------------------------------- stages 1-5
  logic                      act_in_valid, act_in_ready;
  logic [64*VectorLanes-1:0] act_in_silu;
  logic [34*VectorLanes-1:0] act_in_sigmoid;
  logic                      math_advance;

  // u_act_i takes i_pre, u_act_f f_pre; only silu of the first and sigmoid of the second are
  // used (synthesis drops the rest). Two units of VectorLanes lanes rather than one of
  // 2 * VectorLanes: all three mmf_silu instances share one parameter set, so a hierarchical
  // synthesis elaborates the unit once. Same valid, ready and reset: the two stay in lockstep.
  logic                      act_f_valid, act_f_ready;
  mmf_silu #(
    .VectorLanes(VectorLanes)
  ) u_act_i (
    .clk_i,
    .rst_ni,
    .in_valid_i,
    .in_ready_o   (act_in_ready),
    .in_data_i    (in_i_i),
    .out_valid_o  (act_in_valid),
    .out_ready_i  (math_advance),
    .out_silu_o   (act_in_silu[32*VectorLanes-1:0]),
    .out_sigmoid_o(act_in_sigmoid[17*VectorLanes-1:0])
  );
  mmf_silu #(
    .VectorLanes(VectorLanes)
  ) u_act_f (
    .clk_i,
    .rst_ni,
    .in_valid_i,
    .in_ready_o   (act_f_ready),
    .in_data_i    (in_f_i),
    .out_valid_o  (act_f_valid),
    .out_ready_i  (math_advance),
    .out_silu_o   (act_in_silu[64*VectorLanes-1:32*VectorLanes]),
    .out_sigmoid_o(act_in_sigmoid[34*VectorLanes-1:17*VectorLanes])
  );
  assign in_ready_o = act_in_ready;

  // ---------------------------------------------------------------- stages 6-11
  logic [MathStages-1:0]     math_valid_q;
  logic                      act_out_ready;
  logic [32*VectorLanes-1:0] new_state;

  assign math_advance = !math_valid_q[MathStages-1] || act_out_ready;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) math_valid_q <= '0;
    else if (math_advance) math_valid_q <= {math_valid_q[MathStages-2:0], act_in_valid};
  end

  // ---------------------------------------------------------------- stages 12-16
  logic                      act_out_valid;
  logic [17*VectorLanes-1:0] act_out_sigmoid;

  mmf_silu #(
    .VectorLanes(VectorLanes)
  ) u_act_out (
    .clk_i,
    .rst_ni,
    .in_valid_i   (math_valid_q[MathStages-1]),
    .in_ready_o   (act_out_ready),
    .in_data_i    (new_state),
    .out_valid_o  (act_out_valid),
    .out_ready_i,
    .out_silu_o,
    .out_sigmoid_o(act_out_sigmoid)
  );
  assign out_valid_o = act_out_valid;

  // ---------------------------------------------------------------- per lane
  logic [32*VectorLanes-1:0] unused_lb_bits;

  for (genvar k = 0; k < VectorLanes; k++) begin : g_lane
    // Stage inputs: the lower bound (0 without one) and 1 - lb, computed once on the way in.
    logic [GateBits-1:0] lb_in, one_minus_lb_in;
    assign lb_in = in_has_lb_i ? in_lb_i[32*k +: GateBits] : '0;
    assign one_minus_lb_in = One - lb_in;
    assign unused_lb_bits[32*k +: 32] = {in_lb_i[32*k+GateBits +: 32-GateBits], GateBits'(0)};

    // Stages 1-5: the operands u_act_i and u_act_f do not take, delayed beside them.
    logic signed [31:0]  state_q [ActStages];
    logic [GateBits-1:0] lb_q [ActStages];
    logic [GateBits-1:0] one_minus_lb_q [ActStages];
    always_ff @(posedge clk_i) begin
      if (act_in_ready) begin
        state_q[0] <= in_state_i[32*k +: 32];
        lb_q[0] <= lb_in;
        one_minus_lb_q[0] <= one_minus_lb_in;
        for (int unsigned s = 1; s < ActStages; s++) begin
          state_q[s] <= state_q[s-1];
          lb_q[s] <= lb_q[s-1];
          one_minus_lb_q[s] <= one_minus_lb_q[s-1];
        end
      end
    end

    logic signed [31:0]  silu_i;
    logic [GateBits-1:0] sigmoid_f;
    assign silu_i = act_in_silu[32*k +: 32];
    assign sigmoid_f = act_in_sigmoid[17*(VectorLanes+k) +: 17];

    // Stage 6: (1 - lb) * sigmoid(f_pre) <= 2^32.
    logic [PfBits-1:0]   pf6_q;
    logic [GateBits-1:0] lb6_q, one_minus_lb6_q;
    logic signed [31:0]  state6_q, silu6_q;

    // Stage 7: f and 1 - f, both in [0, 2^16]. With p = pf6_q, u = 1 - lb:
    //   f     = lb + floor((p + 2^15) / 2^16)      = floor((lb * 2^16 + 2^15 + p) / 2^16)
    //   1 - f = u - floor((p + 2^15) / 2^16)       = floor((u * 2^16 + 2^15 - 1 - p) / 2^16)
    // (the second: u - floor(y) = ceil(u - y), and ceil(z / 2^16) = floor((z + 2^16 - 1) / 2^16)
    // for integer z); p <= u * 2^16 keeps both sums non-negative and below 2^33.
    logic [GateBits-1:0] f_d, omf_d;
    logic [GateBits-1:0] f7_q, omf7_q;
    logic signed [31:0]  state7_q, silu7_q;
    assign f_d = GateBits'(({lb6_q, Half} + pf6_q) >> Frac);
    assign omf_d = GateBits'(({one_minus_lb6_q, HalfMinusOne} - pf6_q) >> Frac);

    // Stage 8: the two products, |.| <= 2^47.
    logic signed [ProdBits-1:0] ps8_q, pi8_q;

    // Stage 9: ts = round(f * state / 2^16), in [-2^31, 2^31].
    logic signed [ProdBits-1:0] ps_rounded;
    logic signed [TermBits-1:0] ts9_q;
    logic signed [ProdBits-1:0] pi9_q;
    assign ps_rounded = ps8_q + signed'(ProdBits'(Half));

    // Stage 10: ts + round(pi / 2^16), folding the rounding constant into ts's low bits
    // (ts is an integer, so floor(ts + y) = ts + floor(y)).
    logic signed [SumBits-1:0]    state_sum;
    logic signed [StateBits-1:0]  sum10_q;
    assign state_sum = SumBits'(signed'({ts9_q, Half})) + SumBits'(pi9_q);

    // Stage 11: saturate to int32.
    logic signed [31:0] state11_q;

    always_ff @(posedge clk_i) begin
      if (math_advance) begin
        pf6_q <= PfBits'(one_minus_lb_q[ActStages-1]) * PfBits'(sigmoid_f);
        lb6_q <= lb_q[ActStages-1];
        one_minus_lb6_q <= one_minus_lb_q[ActStages-1];
        state6_q <= state_q[ActStages-1];
        silu6_q <= silu_i;

        f7_q <= f_d;
        omf7_q <= omf_d;
        state7_q <= state6_q;
        silu7_q <= silu6_q;

        ps8_q <= ProdBits'(state7_q) * signed'({1'b0, f7_q});
        pi8_q <= ProdBits'(silu7_q) * signed'({1'b0, omf7_q});

        ts9_q <= TermBits'(ps_rounded >>> Frac);
        pi9_q <= pi8_q;

        sum10_q <= StateBits'(state_sum >>> Frac);

        state11_q <= sum10_q > StateBits'(32'sh7fff_ffff) ? 32'sh7fff_ffff :
                     (sum10_q < StateBits'(32'sh8000_0000) ? 32'sh8000_0000 :
                                                                  32'(sum10_q));
      end
    end
    assign new_state[32*k +: 32] = state11_q;

    // Stages 12-16: the new state, delayed with u_act_out.
    logic [31:0] out_state_q [ActStages];
    always_ff @(posedge clk_i) begin
      if (act_out_ready) begin
        out_state_q[0] <= state11_q;
        for (int unsigned s = 1; s < ActStages; s++) out_state_q[s] <= out_state_q[s-1];
      end
    end
    assign out_state_o[32*k +: 32] = out_state_q[ActStages-1];
  end

  // Outputs of the two mmf_silu instances that the gate does not need, and lower-bound bits
  // above the 17 of a Q0.16 gate.
  logic unused;
  assign unused = ^{act_in_silu[64*VectorLanes-1:32*VectorLanes],
                    act_in_sigmoid[17*VectorLanes-1:0], act_f_valid, act_f_ready,
                    act_out_sigmoid, unused_lb_bits};

endmodule

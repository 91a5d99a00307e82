// SPDX-License-Identifier: Apache-2.0
// Scores of attention, VectorLanes positions per beat (golden: mmf::fx::attention_score, bit
// for bit): from a position's int8 dot product qk, the query's and the key's absmax and the
// score constant c,
//   p = normalize(q_amax * k_amax), m = normalize(p.mant * c.mant, p.exp + c.exp),
//   score = apply_scale(qk, m) = saturate32(round(qk * m.mant * 2^m.exp))
// (round half up; 0 when m.mant is 0, which the datapath gives by itself: its product is 0).
// A 20-stage pipeline, one arithmetic step a stage:
//   1.      the operands registered
//   2-4.    q_amax * k_amax (mmf_mul_pipe, 33 x 32 bits: four DSP48E2s a lane), < 2^64
//   5-7.    normalize it to 31 bits: six steps that shift right by 32, 16, 8, 4, 2, 1 when the
//           value has more than 30 + k bits, two a stage; the six flags are the exponent's
//           binary digits (p.exp in [0, 33]), so no adder
//   8-10.   p.mant * c.mant (mmf_mul_pipe, 32 x 31 bits: four DSPs), < 2^62
//   11-13.  normalize it: steps by 16, 8 | 4, 2 | 1 (the excess in [0, 31])
//   14-16.  qk * m.mant (mmf_mul_pipe, 32 x 31 bits: four DSPs), |.| < 2^62; beside it the
//           exponent: 14. the two excesses added, 15. s = 32 - m.exp = (32 - c.exp) - that,
//           16. s clamped to [0, 95]
//   17.     the coarse shift: z = (prod * 2^33) >>> (s & ~15), the bits of z that the fine
//           shift brings into the result, and whether the bits above them copy the sign
//   18.     the fine shift: t = z >>> (s & 15), i.e. t = floor(prod * 2^(m.exp + 1))
//   19.     r = (t + 1) >>> 1 = round(prod * 2^m.exp); t fits in 34 bits when the bits above
//           stage 17's and t's bits [48:33] copy the sign
//   20.     saturate to int32 (by the sign when t does not fit)
// Why one shift for every exponent: apply_scale is saturate32 of the exact product times
// 2^m.exp for m.exp >= 0 (its limit tests only catch products that saturate anyway; above 31
// every nonzero product saturates) and shift_round by -m.exp below 0 (0 from 63 on). With the
// exponent clamped to [-63, 32] and s = 32 - m.exp in [0, 95], floor((prod * 2^33) / 2^s) =
// floor(prod * 2^(m.exp + 1)) = t is all of them: r = floor((t + 1) / 2) rounds half up for
// m.exp < 0, is prod * 2^m.exp for m.exp >= 0, saturates at 32 for every nonzero prod, and is
// 0 at -63 (|prod| < 2^62), as in the golden model. The 96-bit variable shift is a barrel
// shifter split over two stages (a 6:1 and a 16:1 mux a bit).
//
// The stages advance together when the output register is free or being read (`advance`), as
// in mmf_silu, so a stall holds every stage, the multipliers included.
module mmf_attention_score #(
  parameter int unsigned VectorLanes = 4  // positions per beat
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  // Job (an attention op): the score constant c = c_mant * 2^c_exp, normalized (c_mant below
  // 2^31). Held stable while a beat is in the unit (from the cycle it is taken to the one its
  // result leaves).
  input  logic [30:0]               c_mant_i,
  input  logic signed [15:0]        c_exp_i,

  // Per beat, lane k in bits [32k+31:32k] of each port: the position's int8 dot product (any
  // int32), the query's absmax and the key's absmax (unsigned Q16, any 32-bit value; a real
  // absmax is at most 2^31).
  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [32*VectorLanes-1:0] in_qk_i,
  input  logic [32*VectorLanes-1:0] in_q_amax_i,
  input  logic [32*VectorLanes-1:0] in_k_amax_i,

  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [32*VectorLanes-1:0] out_score_o  // lane k: Q16
);

  localparam int unsigned MulLatency = 3;  // mmf_mul_pipe
  localparam int unsigned NormStages = 3;  // two normalize steps a stage
  // mmf_hls::kAttentionScoreLatency
  localparam int unsigned Stages = 1 + 3 * MulLatency + 2 * NormStages + 4;
  localparam int unsigned MantBits = mmf_numerics_pkg::MantBits;  // 31
  localparam int unsigned AmaxBits = 32;
  localparam int unsigned PBits = 2 * AmaxBits;  // q_amax * k_amax < 2^64
  localparam int unsigned MBits = 2 * MantBits;  // p.mant * c.mant < 2^62
  localparam int unsigned XBits = 6;             // p.exp in [0, 33]: steps 32 .. 1
  localparam int unsigned GBits = 5;             // m's excess in [0, 31]: steps 16 .. 1
  localparam int unsigned ExpBits = 18;          // 32 - c.exp - the excesses, no wrap
  localparam int unsigned ProdBits = 32 + MantBits;  // qk * m.mant, signed
  localparam int unsigned LeftMax = 32;          // the largest exponent not clamped
  localparam int unsigned SMax = 63 + LeftMax;   // s of exponent -63
  localparam int unsigned SBits = 7;
  localparam int unsigned YBits = ProdBits + LeftMax + 1;  // prod * 2^33
  localparam int unsigned FineBits = 4;                    // s[3:0]: the fine shift
  localparam int unsigned FineMax = (1 << FineBits) - 1;
  localparam int unsigned CoarseSel = 1 << (SBits - FineBits);
  localparam int unsigned TBits = 34;                      // t's bits that reach r
  localparam int unsigned ZBits = TBits + FineMax;         // z's bits that reach t
  localparam int unsigned RBits = TBits;                   // r in [-2^32, 2^32]
  // Stages from the operands to the third multiplier's input (stage 13), for qk; stages 8 to
  // 13 for p.exp.
  localparam int unsigned QkStages = 1 + MulLatency + NormStages + MulLatency + NormStages;
  localparam int unsigned XStages = MulLatency + NormStages;

  logic [Stages-1:0] valid_q;
  logic              advance;

  assign advance = !valid_q[Stages-1] || out_ready_i;
  assign in_ready_o = advance;
  assign out_valid_o = valid_q[Stages-1];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= '0;
    else if (advance) valid_q <= {valid_q[Stages-2:0], in_valid_i};
  end

  // 32 - c.exp, one cycle behind the port: the port is stable while a beat is inside, and the
  // first stage that reads it is stage 15. (c.mant goes straight into the second multiplier's
  // input register, stage 8.)
  logic signed [ExpBits-1:0] base_q;
  always_ff @(posedge clk_i) base_q <= ExpBits'(LeftMax) - ExpBits'(c_exp_i);

  // Whether v has more than MantBits + k - 1 bits: the normalize step by k shifts it.
  function automatic logic wide(input logic [PBits-1:0] v, input int unsigned k);
    wide = (v >> (MantBits - 1 + k)) != '0;
  endfunction

  // Two normalize steps, by ka and then kb (ka > kb, constants), as {flag a, flag b, value}.
  // The second test is taken from v for either outcome of the first, so the pair is two OR
  // trees side by side and a 4:1 mux of constant shifts, not a chain of two steps.
  function automatic logic [PBits+1:0] norm_pair(input logic [PBits-1:0] v, input int unsigned ka,
                                                 input int unsigned kb);
    logic fa, fb;
    fa = wide(v, ka);
    fb = fa ? wide(v, ka + kb) : wide(v, kb);
    if (fa && fb) norm_pair = {2'b11, v >> (ka + kb)};
    else if (fa) norm_pair = {2'b10, v >> ka};
    else if (fb) norm_pair = {2'b01, v >> kb};
    else norm_pair = {2'b00, v};
  endfunction

  // One normalize step by k, as {flag, value}.
  function automatic logic [PBits:0] norm_step(input logic [PBits-1:0] v, input int unsigned k);
    norm_step = wide(v, k) ? {1'b1, v >> k} : {1'b0, v};
  endfunction

  // Whether v's bits from `from` up are all copies of its sign (a constant `from`: wiring into
  // an AND and an OR tree).
  function automatic logic sign_copies(input logic signed [YBits-1:0] v, input int unsigned from);
    logic signed [YBits-1:0] top;
    top = v >>> from;
    sign_copies = &top || !(|top);
  endfunction

  for (genvar k = 0; k < VectorLanes; k++) begin : g_lane
    // Stage 1: operands; qk waits for m.mant until stage 13.
    logic signed [31:0]  qk_q [QkStages];
    logic [AmaxBits-1:0] qa1_q, ka1_q;

    // Stages 2-4: q_amax * k_amax, exact.
    logic signed [PBits:0] p_prod;
    mmf_mul_pipe #(
      .AWidth(AmaxBits + 1),
      .BWidth(AmaxBits)
    ) u_mul_p (
      .clk_i,
      .en_i(advance),
      .a_i (signed'({1'b0, qa1_q})),
      .b_i (ka1_q),
      .p_o (p_prod)
    );

    // Stages 5-7: p = normalize(q_amax * k_amax). After the step by k the value has at most
    // 30 + k bits, so each stage keeps only those.
    logic [PBits+1:0]    pair5, pair6, pair7;
    logic [45:0]         n5_q;
    logic [33:0]         n6_q;
    logic [MantBits-1:0] n7_q;
    logic [1:0]          x5_q;
    logic [3:0]          x6_q;
    logic [XBits-1:0]    x_q [XStages + 1];  // p.exp, stages 7 to 13
    assign pair5 = norm_pair(p_prod[PBits-1:0], 32, 16);
    assign pair6 = norm_pair(PBits'(n5_q), 8, 4);
    assign pair7 = norm_pair(PBits'(n6_q), 2, 1);

    // Stages 8-10: p.mant * c.mant, exact (< 2^62).
    logic signed [MBits:0] m_prod;
    mmf_mul_pipe #(
      .AWidth(MantBits + 1),
      .BWidth(MantBits)
    ) u_mul_m (
      .clk_i,
      .en_i(advance),
      .a_i (signed'({1'b0, n7_q})),
      .b_i (c_mant_i),
      .p_o (m_prod)
    );

    // Stages 11-13: m = normalize(p.mant * c.mant); g is its excess.
    logic [PBits+1:0]    pair11, pair12;
    logic [PBits:0]      step13;
    logic [37:0]         m11_q;
    logic [31:0]         m12_q;
    logic [MantBits-1:0] m13_q;
    logic [1:0]          g11_q;
    logic [3:0]          g12_q;
    logic [GBits-1:0]    g13_q;
    assign pair11 = norm_pair(PBits'(m_prod[MBits-1:0]), 16, 8);
    assign pair12 = norm_pair(PBits'(m11_q), 4, 2);
    assign step13 = norm_step(PBits'(m12_q), 1);

    // Stages 14-16: qk * m.mant, exact; beside it s = 32 - m.exp, clamped to [0, 95]. (qk
    // through a named wire: Yosys 0.23 fails on an array element as a port connection.)
    logic signed [31:0]         qk13;
    logic signed [ProdBits-1:0] prod;
    assign qk13 = qk_q[QkStages-1];
    mmf_mul_pipe #(
      .AWidth(32),
      .BWidth(MantBits)
    ) u_mul_o (
      .clk_i,
      .en_i(advance),
      .a_i (qk13),
      .b_i (m13_q),
      .p_o (prod)
    );
    logic [XBits:0]            excess14_q;
    logic signed [ExpBits-1:0] s15_q;
    logic [SBits-1:0]          s16_q;

    // Stage 17: z = (prod * 2^33) >>> 16 * s[6:4], the ZBits that stage 18 can bring into t;
    // the bits of z above them are sign copies when y's from ZBits - 1 + 16 * s[6:4] up are
    // (`fits`, one test a coarse shift, in parallel with the shifter).
    logic signed [YBits-1:0]   y;
    logic [CoarseSel-1:0]      fits;
    logic signed [ZBits-1:0]   z17_q;
    logic [FineBits-1:0]       s17_q;
    logic                      fit17_q, neg17_q;
    assign y = {prod, (LeftMax + 1)'(0)};
    for (genvar j = 0; j < CoarseSel; j++) begin : g_fits
      assign fits[j] = sign_copies(y, ZBits - 1 + (1 << FineBits) * j);
    end

    // Stage 18: t = z >>> s[3:0].
    logic signed [ZBits-1:0] t18_q;
    logic                    fit18_q, neg18_q;

    // Stage 19: r = (t + 1) >>> 1 on t's low 34 bits, and whether t fits in them.
    logic signed [TBits:0]   t_plus_one;
    logic signed [RBits-1:0] r19_q;
    logic                    fit19_q, neg19_q;
    assign t_plus_one = (TBits + 1)'(signed'(t18_q[TBits-1:0])) + (TBits + 1)'(1);

    // Stage 20: saturate to int32.
    logic signed [31:0] score20_q;

    always_ff @(posedge clk_i) begin
      if (advance) begin
        qk_q[0] <= in_qk_i[32*k +: 32];
        for (int unsigned i = 1; i < QkStages; i++) qk_q[i] <= qk_q[i-1];
        qa1_q <= in_q_amax_i[32*k +: 32];
        ka1_q <= in_k_amax_i[32*k +: 32];

        n5_q <= pair5[45:0];
        x5_q <= pair5[PBits+1:PBits];
        n6_q <= pair6[33:0];
        x6_q <= {x5_q, pair6[PBits+1:PBits]};
        n7_q <= pair7[MantBits-1:0];
        x_q[0] <= {x6_q, pair7[PBits+1:PBits]};
        for (int unsigned i = 1; i <= XStages; i++) x_q[i] <= x_q[i-1];

        m11_q <= pair11[37:0];
        g11_q <= pair11[PBits+1:PBits];
        m12_q <= pair12[31:0];
        g12_q <= {g11_q, pair12[PBits+1:PBits]};
        m13_q <= step13[MantBits-1:0];
        g13_q <= {g12_q, step13[PBits]};

        excess14_q <= (XBits + 1)'(x_q[XStages]) + (XBits + 1)'(g13_q);
        s15_q <= base_q - ExpBits'(excess14_q);
        s16_q <= s15_q < 0 ? '0 : (s15_q > ExpBits'(SMax) ? SBits'(SMax) : s15_q[SBits-1:0]);

        z17_q <= ZBits'(y >>> {s16_q[SBits-1:FineBits], FineBits'(0)});
        fit17_q <= fits[s16_q[SBits-1:FineBits]];
        neg17_q <= prod[ProdBits-1];
        s17_q <= s16_q[FineBits-1:0];

        t18_q <= z17_q >>> s17_q;
        fit18_q <= fit17_q;
        neg18_q <= neg17_q;

        r19_q <= t_plus_one[TBits:1];
        fit19_q <= fit18_q && (&t18_q[ZBits-1:TBits-1] || !(|t18_q[ZBits-1:TBits-1]));
        neg19_q <= neg18_q;

        if (!fit19_q) score20_q <= neg19_q ? 32'sh8000_0000 : 32'sh7fff_ffff;
        else if (&r19_q[RBits-1:31] || !(|r19_q[RBits-1:31])) score20_q <= r19_q[31:0];
        else score20_q <= r19_q[RBits-1] ? 32'sh8000_0000 : 32'sh7fff_ffff;
      end
    end

    assign out_score_o[32*k +: 32] = score20_q;

    // Bits the normalize steps leave zero (the function results are 64 bits wide), the
    // products' top bits (they are below 2^64 and 2^62) and t_plus_one's half bit.
    logic unused_lane;
    assign unused_lane = ^{pair5[PBits-1:46], pair6[PBits-1:34], pair7[PBits-1:MantBits],
                           pair11[PBits-1:38], pair12[PBits-1:32], step13[PBits-1:MantBits],
                           p_prod[PBits], m_prod[MBits], t_plus_one[0]};
  end

`ifndef SYNTHESIS
  out_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> out_valid_o && $stable(out_score_o))
    else $error("mmf_attention_score: an output changed while it waited");
  job_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      valid_q != '0 |-> $stable(c_mant_i) && $stable(c_exp_i))
    else $error("mmf_attention_score: the score constant changed while a beat was in the unit");
`endif

endmodule

// SPDX-License-Identifier: Apache-2.0
// Norm + absmax + int8 quantize unit, the front of a BitLinear; mirrors
// hls/include/mmf_hls/norm_quantize.hpp (golden: mmf::fx::quantize_activations). A job of n
// values takes the input three times, VectorLanes values per beat (p, w_rms, w_code):
//   pass 1: max|a| and max|u| with a = p * w_rms / 2^15 (or p) and u = p * w_code / 2^15;
//   pass 2: the sum of (a >> sh)^2, while a divider forms 127 * 2^32 / max|u|;
//   pass 3: one code beat per input beat, round(|u| * reciprocal / 2^32) with u's sign.
// Then the token scale max|u| * rsqrt(sum) * 2^-sh leaves as (mantissa, exponent).
//
// Every beat goes through one pipeline, at most one add, compare or product per stage:
//   0.     the beat registered, with its pass, lane mask and last flag
//   1-3.   a = p * w_rms and u = p * w_code (mmf_mul_pipe, two DSP48E2s each)
//   4.     + 2^14, >> 15 (the rounding of both products)
//   5.     saturate to int32; a = p without w_rms
//   6.     pass 1: |a|, |u| (0 in unused lanes); pass 2: a >> sh (0 in unused lanes);
//          pass 3: |u| and u's sign
//   pass 1: 7 .. 6+L.    max trees of |a| and |u| (L = ceil(log2 VectorLanes) levels), then max|a|
//                        and max|u| updated
//   pass 2: 7.           (a >> sh)^2 (one DSP48E2 a lane)
//           8 .. 7+L.    sum tree, then the sum updated
//   pass 3: 7-9.         |u| * reciprocal (mmf_mul_pipe, four DSP48E2s a lane)
//           10.          the rounding: product bits 32-38 + bit 31, and whether it is >= 2^39
//           11.          clamp to 127, u's sign: the code beat (code_data_o)
// All stages advance together (`advance`): a stall of the code output holds everything.
// Pass 2 needs sh, which needs pass 1 whole, so pass 2 waits for pass 1 to leave the pipeline;
// pass 3 follows pass 2 as soon as the reciprocal is ready (the divider runs during pass 2).
//
// The token scale is a sequence of one step a cycle, started when the sum is complete (it
// overlaps pass 3), mirroring numerics.hpp rsqrt_u64 and normalize:
//   SqLead   5 steps: shift the sum left by 32, 16, 8, 4, 2 while its top bits are 0, so that
//            its leading one is in bit 63 or 62 after an even shift z; then m = bits [63:46] is
//            rsqrt_u64's m in [2^16, 2^18) for 2j = 46 - z, exactly (s >> 2j or s << -2j)
//   SqIndex  the table index of m - 2^16 and the next one
//   SqLut    lo and hi, the two table entries
//   SqDiff   hi - lo;  SqProd (hi - lo) * frac;  SqRound + 2^8, >> 9;  SqAdd  r = lo + that
//   SqMul    max|u| * r, through a 3-cycle mmf_mul_pipe
//   SqNorm   normalize to 31 bits: 5 steps of 16, 8, 4, 2, 1 (mmf_numerics_pkg::normalize_step)
// with exponent -16 - 8 - j - sh.
module mmf_norm_quantize #(
  parameter int unsigned VectorLanes = 4,  // values per beat (int32 p, int16 w_rms/w_code)
  parameter int unsigned MaxN = 16384,     // longest vector, in values
  localparam int unsigned CountW = $clog2(MaxN + 1)
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  // Job: n (1 .. MaxN) and whether the BitLinear has a block norm weight (w_rms).
  input  logic                      job_valid_i,
  output logic                      job_ready_o,
  input  logic [CountW-1:0]         job_n_i,
  input  logic                      job_has_rms_i,

  // Three passes of ceil(n / VectorLanes) beats; lanes at or past n in the last beat are ignored.
  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [32*VectorLanes-1:0] in_p_i,
  input  logic [16*VectorLanes-1:0] in_w_rms_i,
  input  logic [16*VectorLanes-1:0] in_w_code_i,

  // Codes: one beat per beat of the third pass, lane k in bits [8k+7:8k].
  output logic                      code_valid_o,
  input  logic                      code_ready_i,
  output logic [8*VectorLanes-1:0]  code_data_o,

  // Token scale = mant * 2^exp, after the last code beat (0 when the input is all zero).
  output logic                      scale_valid_o,
  input  logic                      scale_ready_i,
  output logic [31:0]               scale_mant_o,
  output logic signed [15:0]        scale_exp_o
);

  localparam int unsigned CodeShift = 32;   // precision of the reciprocal
  localparam int unsigned SquareBits = 15;  // |a >> sh| <= 2^15 before squaring
  localparam int unsigned DivW = 40;        // 127 * 2^32 needs 39 bits
  localparam logic [7:0] CodeMax = 8'd127;
  localparam int unsigned MulLatency = 3;   // mmf_mul_pipe
  localparam int unsigned Levels = $clog2(VectorLanes);
  localparam int unsigned MagW = 33;        // |int32|
  localparam int unsigned SqW = 2 * SquareBits + 1;               // (a >> sh)^2 <= 2^30
  localparam int unsigned SumW = SqW + $clog2(MaxN);              // MaxN squares
  localparam int unsigned CodeProdW = (MagW + 1) + DivW;          // |u| * reciprocal
  // Stages (registers after the input) of the pipeline's ends.
  localparam int unsigned PrepStage = 1 + MulLatency + 2;         // 6
  localparam int unsigned MaxStage = PrepStage + Levels;          // max trees' outputs
  localparam int unsigned SumStage = PrepStage + 1 + Levels;      // sum tree's output
  localparam int unsigned CodeStage = PrepStage + MulLatency + 2; // 11: the code register
  localparam int unsigned LastStage = SumStage > CodeStage ? SumStage : CodeStage;
  localparam logic [1:0] PassMax = 2'd1, PassSum = 2'd2, PassCode = 2'd3;

  typedef enum logic [2:0] {
    StIdle,
    StMax,      // pass 1
    StMaxWait,  // pass 1 leaving the pipeline
    StPrep,     // sh, the reciprocal's start
    StSum,      // pass 2
    StDiv,      // waiting for the reciprocal
    StCodes,    // pass 3
    StScale     // the codes leaving, then the token scale
  } state_e;

  typedef enum logic [3:0] {
    SqIdle,
    SqLead,
    SqIndex,
    SqLut,
    SqDiff,
    SqProd,
    SqRound,
    SqAdd,
    SqMul,
    SqLoad,
    SqNorm,
    SqDone
  } seq_e;

  // ---- Control ---------------------------------------------------------------------------
  state_e            state_q;
  logic [CountW-1:0]      n_q, rem_q;      // n; values of the pass still to come
  logic                   has_rms_q;
  logic                   advance, in_fire, last_beat;
  logic [1:0]             in_pass;
  logic [VectorLanes-1:0] in_used;

  logic [LastStage:0]     vld_q, last_q;
  logic [1:0]             pass_q [LastStage + 1];
  logic                   code_valid, code_last;
  logic                   max_fire, sum_fire;  // a pass-1 (pass-2) beat updates the maxima (sum)
  logic                   max_done_q, codes_done_q;

  logic [MagW-1:0]        a_max_q, u_max_q, a_tree, u_tree;
  logic [SumW-1:0]        sum_q;
  logic [SqW+Levels-1:0]  sq_tree;
  logic [4:0]             sh_q;          // bit_length(max|a|) - 15, at most 17
  logic                   degenerate_q;  // max|a| or max|u| is 0: codes and scale are 0
  logic                   div_start, div_busy, div_done;
  logic [DivW-1:0]        recip;

  assign code_valid = vld_q[CodeStage] && pass_q[CodeStage] == PassCode;
  assign code_last = last_q[CodeStage];
  assign advance = !code_valid || code_ready_i;
  assign in_ready_o = advance && (state_q == StMax || state_q == StSum || state_q == StCodes);
  assign in_fire = in_valid_i && in_ready_o;
  assign last_beat = rem_q <= CountW'(VectorLanes);
  assign in_pass = state_q == StMax ? PassMax : (state_q == StSum ? PassSum : PassCode);
  for (genvar k = 0; k < VectorLanes; k++) begin : g_used
    assign in_used[k] = rem_q > CountW'(k);
  end
  assign job_ready_o = state_q == StIdle;
  assign max_fire = advance && vld_q[MaxStage] && pass_q[MaxStage] == PassMax;
  assign sum_fire = advance && vld_q[SumStage] && pass_q[SumStage] == PassSum;
  assign div_start = state_q == StPrep;

  seq_e seq_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      n_q <= '0;
      rem_q <= '0;
      has_rms_q <= 1'b0;
      max_done_q <= 1'b0;
      codes_done_q <= 1'b0;
      sh_q <= '0;
      degenerate_q <= 1'b0;
    end else begin
      if (max_fire && last_q[MaxStage]) max_done_q <= 1'b1;
      if (code_valid && code_ready_i && code_last) codes_done_q <= 1'b1;
      if (in_fire) rem_q <= last_beat ? n_q : rem_q - CountW'(VectorLanes);
      unique case (state_q)
        StIdle: begin
          if (job_valid_i) begin
            n_q <= job_n_i;
            rem_q <= job_n_i;
            has_rms_q <= job_has_rms_i;
            max_done_q <= 1'b0;
            codes_done_q <= 1'b0;
            state_q <= StMax;
          end
        end
        StMax: if (in_fire && last_beat) state_q <= StMaxWait;
        StMaxWait: if (max_done_q) state_q <= StPrep;
        StPrep: begin
          // sh = max(0, bit_length(max|a|) - 15): the leading one's position past bit 14.
          sh_q <= '0;
          for (int unsigned b = SquareBits; b < MagW; b++) begin
            if (a_max_q[b]) sh_q <= 5'(b - SquareBits + 1);
          end
          degenerate_q <= a_max_q == '0 || u_max_q == '0;
          state_q <= StSum;
        end
        StSum: if (in_fire && last_beat) state_q <= StDiv;
        StDiv: if (!div_busy) state_q <= StCodes;
        StCodes: if (in_fire && last_beat) state_q <= StScale;
        StScale: if (scale_valid_o && scale_ready_i) state_q <= StIdle;
        default: state_q <= StIdle;
      endcase
    end
  end

  // The beats' valid bits, passes and last flags, one per stage.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      vld_q <= '0;
      last_q <= '0;
      for (int unsigned s = 0; s <= LastStage; s++) pass_q[s] <= '0;
    end else if (advance) begin
      vld_q <= {vld_q[LastStage-1:0], in_fire};
      last_q <= {last_q[LastStage-1:0], in_fire && last_beat};
      pass_q[0] <= in_pass;
      for (int unsigned s = 1; s <= LastStage; s++) pass_q[s] <= pass_q[s-1];
    end
  end

  // ---- Lanes: stages 0-6, and each pass's branch ------------------------------------------
  logic [MagW*VectorLanes-1:0] a_mag, u_mag;     // stage 6
  logic [SqW*VectorLanes-1:0]  sq;               // stage 7
  logic [8*VectorLanes-1:0]    code;             // stage 11

  function automatic logic signed [31:0] saturate(input logic signed [32:0] v);
    saturate = mmf_numerics_pkg::saturate32(64'(v));
  endfunction

  for (genvar k = 0; k < VectorLanes; k++) begin : g_lane
    logic signed [31:0] p0_q;
    logic signed [15:0] w_rms0_q, w_code0_q;
    logic               used_q [PrepStage];   // stages 0 .. 5
    logic signed [31:0] p_q [1:MulLatency+1];
    logic signed [47:0] a_prod, u_prod;
    logic signed [32:0] a_rnd_q, u_rnd_q;          // stage 4
    logic signed [31:0] a5_q, u5_q;                // stage 5
    logic [MagW-1:0]    a6_q, u6_q;                // stage 6
    logic signed [15:0] s6_q;
    logic               neg_q [PrepStage:CodeStage-1];
    logic signed [31:0] sq7_q;
    logic signed [CodeProdW-1:0] code_prod;
    logic               big_q;                     // stage 10: product >= 2^39
    logic [7:0]         q_q;                       // stage 10: the rounded code, <= 128
    logic [7:0]         code_lane_q;               // stage 11
    logic               unused_prod;

    always_ff @(posedge clk_i) begin
      if (advance) begin
        if (in_fire) begin
          p0_q <= signed'(in_p_i[32*k +: 32]);
          w_rms0_q <= signed'(in_w_rms_i[16*k +: 16]);
          w_code0_q <= signed'(in_w_code_i[16*k +: 16]);
        end
        used_q[0] <= in_used[k];
        for (int unsigned s = 1; s < PrepStage; s++) used_q[s] <= used_q[s-1];
        p_q[1] <= p0_q;
        for (int unsigned s = 2; s <= MulLatency + 1; s++) p_q[s] <= p_q[s-1];
      end
    end

    mmf_mul_pipe #(
      .AWidth (32),
      .BWidth (16),
      .BSigned(1'b1)
    ) u_mul_a (
      .clk_i,
      .en_i (advance),
      .a_i  (p0_q),
      .b_i  (w_rms0_q),
      .p_o  (a_prod)
    );
    mmf_mul_pipe #(
      .AWidth (32),
      .BWidth (16),
      .BSigned(1'b1)
    ) u_mul_u (
      .clk_i,
      .en_i (advance),
      .a_i  (p0_q),
      .b_i  (w_code0_q),
      .p_o  (u_prod)
    );

    always_ff @(posedge clk_i) begin
      if (advance) begin
        // Stage 4: shift_round(product, 15); |product| <= 2^46, so the sum fits 48 bits.
        a_rnd_q <= 33'((a_prod + 48'sd16384) >>> 15);
        u_rnd_q <= 33'((u_prod + 48'sd16384) >>> 15);
        // Stage 5: saturate32.
        a5_q <= has_rms_q ? saturate(a_rnd_q) : p_q[MulLatency+1];
        u5_q <= saturate(u_rnd_q);
        // Stage 6.
        a6_q <= pass_q[PrepStage-1] == PassMax && used_q[PrepStage-1] ?
                mmf_numerics_pkg::magnitude(a5_q) : '0;
        u6_q <= pass_q[PrepStage-1] != PassSum &&
                (used_q[PrepStage-1] || pass_q[PrepStage-1] == PassCode) ?
                mmf_numerics_pkg::magnitude(u5_q) : '0;
        s6_q <= pass_q[PrepStage-1] == PassSum && used_q[PrepStage-1] ? 16'(a5_q >>> sh_q) : '0;
        neg_q[PrepStage] <= u5_q < 0;
        for (int unsigned s = PrepStage + 1; s < CodeStage; s++) neg_q[s] <= neg_q[s-1];
        // Pass 2, stage 7.
        sq7_q <= 32'(s6_q) * 32'(s6_q);
        // Pass 3, stages 10 and 11: q = (product + 2^31) >> 32 is bits [38:32] plus bit 31
        // when the product is below 2^39, and above 127 otherwise.
        big_q <= code_prod[CodeProdW-1:39] != '0;
        q_q <= 8'(code_prod[38:32]) + 8'(code_prod[31]);
        if (degenerate_q) code_lane_q <= '0;
        else if (big_q || q_q >= CodeMax) code_lane_q <= neg_q[CodeStage-1] ? -CodeMax : CodeMax;
        else code_lane_q <= neg_q[CodeStage-1] ? -q_q : q_q;
      end
    end

    mmf_mul_pipe #(
      .AWidth(MagW + 1),
      .BWidth(DivW)
    ) u_mul_code (
      .clk_i,
      .en_i (advance),
      .a_i  ((MagW + 1)'(u6_q)),
      .b_i  (recip),
      .p_o  (code_prod)
    );

    assign code[8*k +: 8] = code_lane_q;
    assign a_mag[MagW*k +: MagW] = a6_q;
    assign u_mag[MagW*k +: MagW] = u6_q;
    assign sq[SqW*k +: SqW] = SqW'(sq7_q);
    assign unused_prod = ^{a_prod[47], u_prod[47], sq7_q[31:SqW], code_prod[30:0]};
  end

  mmf_reduce_tree #(
    .NumInputs(VectorLanes),
    .Width    (MagW),
    .Max      (1'b1)
  ) u_a_max (
    .clk_i,
    .en_i (advance),
    .in_i (a_mag),
    .out_o(a_tree)
  );
  mmf_reduce_tree #(
    .NumInputs(VectorLanes),
    .Width    (MagW),
    .Max      (1'b1)
  ) u_u_max (
    .clk_i,
    .en_i (advance),
    .in_i (u_mag),
    .out_o(u_tree)
  );

  logic [(SqW+Levels)*VectorLanes-1:0] sq_wide;
  for (genvar k = 0; k < VectorLanes; k++) begin : g_sq_wide
    assign sq_wide[(SqW+Levels)*k +: SqW+Levels] = (SqW + Levels)'(sq[SqW*k +: SqW]);
  end
  mmf_reduce_tree #(
    .NumInputs(VectorLanes),
    .Width    (SqW + Levels),
    .Max      (1'b0)
  ) u_sum (
    .clk_i,
    .en_i (advance),
    .in_i (sq_wide),
    .out_o(sq_tree)
  );

  logic [SumW-1:0] sum_next;
  assign sum_next = sum_q + SumW'(sq_tree);

  // The maxima and the sum, updated by the beats of their pass as they leave the trees.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      a_max_q <= '0;
      u_max_q <= '0;
      sum_q <= '0;
    end else if (state_q == StIdle) begin
      a_max_q <= '0;
      u_max_q <= '0;
      sum_q <= '0;
    end else begin
      if (max_fire) begin
        if (a_tree > a_max_q) a_max_q <= a_tree;
        if (u_tree > u_max_q) u_max_q <= u_tree;
      end
      if (sum_fire) sum_q <= sum_next;
    end
  end

  mmf_divider #(
    .Width(DivW)
  ) u_reciprocal (
    .clk_i,
    .rst_ni,
    .start_i   (div_start),
    .dividend_i(DivW'(CodeMax) << CodeShift),
    .divisor_i (DivW'(u_max_q)),
    .busy_o    (div_busy),
    .done_o    (div_done),
    .quotient_o(recip)  // held until the next start
  );

  // ---- Token scale -----------------------------------------------------------------------
  localparam int unsigned RsqrtMant = mmf_numerics_pkg::RsqrtMantBits;    // 18
  localparam int unsigned InterpBits = mmf_numerics_pkg::RsqrtInterpBits;  // 9
  localparam int unsigned LeadSteps = 5;  // shifts by 32, 16, 8, 4, 2
  localparam int unsigned NormSteps = 5;  // shifts by 16, 8, 4, 2, 1

  logic [63:0]              lead_q;      // the sum, shifted left by z
  logic [5:0]               z_q;         // even, at most 62
  logic [2:0]               step_q;
  logic [8:0]               idx_q, idx1_q;
  logic [InterpBits-1:0]    frac_q;
  logic [16:0]              lo_q, hi_q;
  logic signed [17:0]       diff_q;
  logic signed [27:0]       dprod_q;
  logic signed [18:0]       dround_q;
  logic [RsqrtMant-1:0]     r_q;
  logic [79:0]              scaled_q;    // {mant, exp} while normalizing
  logic signed [MagW+RsqrtMant:0] r_prod;
  logic                     unused_r_prod;

  assign unused_r_prod = r_prod[MagW+RsqrtMant];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      seq_q <= SqIdle;
      step_q <= '0;
    end else begin
      unique case (seq_q)
        SqIdle: begin
          // The last pass-2 beat completes the sum; a degenerate job needs no sequence.
          if (sum_fire && last_q[SumStage]) seq_q <= degenerate_q ? SqDone : SqLead;
          step_q <= '0;
        end
        SqLead: begin
          step_q <= step_q + 3'd1;
          if (step_q == 3'(LeadSteps - 1)) seq_q <= SqIndex;
        end
        SqIndex: seq_q <= SqLut;
        SqLut: seq_q <= SqDiff;
        SqDiff: seq_q <= SqProd;
        SqProd: seq_q <= SqRound;
        SqRound: seq_q <= SqAdd;
        SqAdd: begin
          step_q <= '0;
          seq_q <= SqMul;
        end
        SqMul: begin
          step_q <= step_q + 3'd1;
          if (step_q == 3'(MulLatency - 1)) seq_q <= SqLoad;
        end
        SqLoad: begin
          step_q <= '0;
          seq_q <= SqNorm;
        end
        SqNorm: begin
          step_q <= step_q + 3'd1;
          if (step_q == 3'(NormSteps - 1)) seq_q <= SqDone;
        end
        SqDone: if (scale_valid_o && scale_ready_i) seq_q <= SqIdle;
        default: seq_q <= SqIdle;
      endcase
    end
  end

  // Sequence datapath (no reset: every register is written before it is read in a job).
  always_ff @(posedge clk_i) begin
    unique case (seq_q)
      SqIdle: begin
        lead_q <= 64'(sum_next);  // the sum as the last beat completes it
        z_q <= '0;
        scaled_q <= '0;                          // a degenerate job's scale
      end
      SqLead: begin
        // Step t shifts by 32 >> t when the top (32 >> t) bits are 0.
        for (int unsigned t = 0; t < LeadSteps; t++) begin
          if (step_q == 3'(t) && (lead_q >> (64 - (32 >> t))) == '0) begin
            lead_q <= lead_q << (32 >> t);
            z_q <= z_q + 6'(32 >> t);
          end
        end
      end
      SqIndex: begin
        // m = lead[63:46] in [2^16, 2^18); the offset m - 2^16 indexes the table.
        idx_q <= {lead_q[63:62] - 2'd1, lead_q[61:55]};
        idx1_q <= {lead_q[63:62] - 2'd1, lead_q[61:55]} + 9'd1;
        frac_q <= lead_q[54:46];
      end
      SqLut: begin
        lo_q <= mmf_lut_pkg::rsqrt_lut(idx_q);
        hi_q <= mmf_lut_pkg::rsqrt_lut(idx1_q);
      end
      SqDiff: diff_q <= 18'(hi_q) - 18'(lo_q);
      SqProd: dprod_q <= diff_q * signed'({1'b0, frac_q});
      SqRound: dround_q <= 19'((dprod_q + 28'sd256) >>> InterpBits);
      SqAdd: r_q <= RsqrtMant'(19'(lo_q) + dround_q);
      SqLoad: begin
        // exp = -16 - (RsqrtMant - 2) / 2 - j - sh with 2j = 46 - z.
        scaled_q <= mmf_numerics_pkg::scaled(
            64'(r_prod), -16'sd16 - 16'((RsqrtMant - 2) / 2) - 16'sd23 + 16'(z_q[5:1]) -
                         16'(sh_q));
      end
      SqNorm: scaled_q <= mmf_numerics_pkg::normalize_step(scaled_q, step_q);
      default: ;
    endcase
  end

  mmf_mul_pipe #(
    .AWidth(MagW + 1),
    .BWidth(RsqrtMant)
  ) u_mul_scale (
    .clk_i,
    .en_i (1'b1),
    .a_i  ((MagW + 1)'(u_max_q)),
    .b_i  (r_q),
    .p_o  (r_prod)
  );

  assign code_valid_o = code_valid;
  assign code_data_o = code;
  assign scale_valid_o = state_q == StScale && codes_done_q && seq_q == SqDone;
  assign scale_mant_o = scaled_q[47:16];  // normalized: at most 31 bits
  assign scale_exp_o = scaled_q[15:0];

  logic unused_div_done;
  assign unused_div_done = div_done;

`ifndef SYNTHESIS
  code_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      code_valid_o && !code_ready_i |=> code_valid_o && $stable(code_data_o))
    else $error("mmf_norm_quantize: code stream changed while stalled");
  // The reciprocal is complete before the first code beat reaches its multiplier.
  logic [1:0] prep_pass;
  assign prep_pass = pass_q[PrepStage];
  recip_ready_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      vld_q[PrepStage] && prep_pass == PassCode |-> !div_busy)
    else $error("mmf_norm_quantize: a code beat before the reciprocal");
`endif

endmodule

// SPDX-License-Identifier: Apache-2.0
// Head quantizer: attention heads (BitNet's query heads, the K and V rows of the KV cache) to
// int8 codes and a per-head Q16 absmax; mirrors hls/include/mmf_hls/kv_cache.hpp quantize_head
// (golden: mmf::fx::quantize_head, bit for bit). A job of `heads` heads of `beats` beats each
// takes its input twice in a row, VectorLanes int32 values per beat, as the buffer bank streams a
// slot range with passes = 2:
//   pass 1: amax = max|v| of each head, and its reciprocal 127 * 2^32 / amax (0 when amax = 0);
//   pass 2: one code beat per input beat, round(|v| * reciprocal / 2^32) with v's sign.
// Each head's amax leaves as soon as it is known, on its own stream.
//
// Every beat goes through one pipeline, at most one add, compare or product per stage:
//   0.          the beat registered, with its pass, head and end-of-head / end-of-job flags
//   1.          |v| and v's sign per lane (|INT32_MIN| = 2^31 fits 32 bits); a pass-2 beat's
//               head's reciprocal, selected once for all lanes
//   pass 1: 2 .. 1+L.   max tree of |v| (L = log2 VectorLanes levels)
//           2+L.        the head's running maximum updated; at its last beat the head is done
//           3+L.        done: its amax stored (and offered on amax_*), its divider started
//   pass 2: 2-4.        |v| * reciprocal (mmf_mul_pipe, 33 x 39 bits, four DSP48E2s a lane)
//           5.          the rounding: product bits 32-38 + bit 31, and whether it is >= 2^39
//           6.          clamp to 127 (as the golden's min), v's sign: the code beat
// All stages advance together (`advance`): a stall of the code output holds everything, the
// multipliers included; amax values wait in their head's register, so the amax stream never
// stalls the pipeline.
//
// Reciprocals: one mmf_divider (radix 2, DivW = 39 cycles) per head slot, MaxHeads of them.
// A head's division starts the cycle after its maximum is known and runs while pass 1 goes on
// with the next heads; pass 2 takes a head's beats once its reciprocal is done. Heads finish
// pass 1 every `beats` cycles (4 on u280, 2 at the least), far faster than a division, so all
// of a job's divisions are in flight at once and only head 0's can hold pass 2 back. A pipelined
// divider issuing one quotient a cycle would need DivW stages, each with a subtractor and
// registers for the divisor (32 bits), the remainder (33) and the partial quotient: about 3300
// FFs and 39 subtractors, against MaxHeads x (3 x 39 + 8) = 1000 FFs and 8 subtractors here.
// MaxHeads (8) is below DivW, so the iterative dividers are the smaller choice.
//
// Latency without stalls, in cycles between handshakes (L = log2 VectorLanes):
//   a code beat leaves CodeStage + 1 = 7 cycles after its input beat;
//   head h's amax is offered L + 4 cycles after h's last pass-1 beat;
//   head h's pass-2 beats are taken from L + 44 cycles after its last pass-1 beat on (L + 3 to
//   start the division, DivW = 39 to divide, one to mark the reciprocal ready).
// With the job's handshake in cycle 0, pass 1 takes cycles 1 .. H B (H heads of B beats), pass
// 2 starts at P = max(H B + 1, B + L + 44), a beat a cycle, and the last code leaves at
// P + H B + 6. So a job adds at most one division and the max tree between its passes: L + 43
// cycles for one head, 20 for u280's 8 heads of 4 beats, none once H B >= B + L + 43.
// One job at a time: the next is taken once the last code beat and every amax have left (two
// cycles after the last code beat at the earliest).
module mmf_head_quantize #(
  parameter int unsigned VectorLanes = 4,   // int32 values per beat (a power of two)
  parameter int unsigned MaxHeadDim = 128,  // values per head, at most
  parameter int unsigned MaxHeads = 8,      // heads per job, at most (one divider each)
  localparam int unsigned MaxBeats = MaxHeadDim / VectorLanes,
  localparam int unsigned BeatW = $clog2(MaxBeats + 1),
  localparam int unsigned HeadCountW = $clog2(MaxHeads + 1)
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  // Job: heads (1 .. MaxHeads) of beats (1 .. MaxBeats) beats each (head_dim / VectorLanes).
  input  logic                      job_valid_i,
  output logic                      job_ready_o,
  input  logic [HeadCountW-1:0]     job_heads_i,
  input  logic [BeatW-1:0]          job_beats_i,

  // The job's heads * beats beats twice (pass 1, then the same beats again: pass 2), head after
  // head; lane k of a beat is the signed int32 in bits [32k+31:32k]. Pass 2 must repeat pass 1.
  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [32*VectorLanes-1:0] in_data_i,

  // Per head in order, its amax = max|v| (Q16, up to 2^31; 0 for an all-zero head), offered
  // as soon as its pass-1 beats have gone through the max tree.
  output logic                      amax_valid_o,
  input  logic                      amax_ready_i,
  output logic [31:0]               amax_data_o,

  // Codes: one beat per pass-2 input beat, in order, lane k's int8 in bits [8k+7:8k].
  output logic                      code_valid_o,
  input  logic                      code_ready_i,
  output logic [8*VectorLanes-1:0]  code_data_o
);

  localparam int unsigned MulLatency = 3;  // mmf_mul_pipe
  localparam int unsigned Levels = $clog2(VectorLanes);
  localparam int unsigned MagW = 32;       // |int32| <= 2^31
  localparam int unsigned CodeShift = 32;  // precision of the reciprocal
  localparam logic [7:0] CodeMax = 8'd127;
  localparam int unsigned DivW = 39;       // 127 * 2^32 < 2^39: dividend and reciprocal
  localparam int unsigned ProdW = (MagW + 1) + DivW;
  localparam int unsigned HeadW = MaxHeads > 1 ? $clog2(MaxHeads) : 1;
  // Stages (registers after the input) of the pipeline's ends.
  localparam int unsigned MaxStage = 1 + Levels;                 // the max tree's output
  localparam int unsigned CodeStage = 1 + MulLatency + 2;        // 6: the code register
  localparam int unsigned LastStage = MaxStage > CodeStage ? MaxStage : CodeStage;

  if (VectorLanes == 0 || (VectorLanes & (VectorLanes - 1)) != 0 || MaxBeats == 0 ||
      MaxHeadDim % VectorLanes != 0 || MaxHeads == 0) begin : g_bad_params
    $error("mmf_head_quantize: VectorLanes must be a power of two dividing MaxHeadDim");
  end

  typedef enum logic [1:0] {
    StIdle,
    StMax,    // pass 1
    StCode,   // pass 2
    StDrain   // the last codes and amax values leaving
  } state_e;

  // ---- Control ---------------------------------------------------------------------------
  state_e                state_q;
  logic [HeadW-1:0]      last_head_q, in_head_q;   // heads - 1; the input beat's head
  logic [BeatW-1:0]      last_beat_q, in_beat_q;   // beats - 1; the input beat within its head
  logic                  advance, in_open, in_fire, job_fire, head_end, job_end;
  logic                  code_valid, codes_done_q;

  logic [LastStage:0]    vld_q, pass2_q;           // a beat in the stage; it is of pass 2
  logic [MaxStage:0]     head_end_q;               // the last beat of its head
  logic [CodeStage:0]    job_end_q;                // the last beat of its pass

  // Per head: amax, whether it is 0, whether the reciprocal is done, the reciprocal (head h's
  // in bits [DivW*h +: DivW]: a flat vector, as Yosys 0.23 takes no unpacked array on a port).
  logic [MagW-1:0]          amax_q [MaxHeads];
  logic [MaxHeads-1:0]      zero_q, recip_ok_q, div_done;
  logic [DivW*MaxHeads-1:0] quotient;
  logic [HeadCountW-1:0]    done_heads_q, amax_out_q;  // heads with amax known; amax sent

  assign code_valid = vld_q[CodeStage] && pass2_q[CodeStage];
  assign advance = !code_valid || code_ready_i;
  // Pass 2 takes a head's beats once its reciprocal is done.
  assign in_open = state_q == StMax || (state_q == StCode && recip_ok_q[in_head_q]);
  assign in_ready_o = advance && in_open;
  assign in_fire = in_valid_i && in_ready_o;
  assign head_end = in_beat_q == last_beat_q;
  assign job_end = head_end && in_head_q == last_head_q;
  assign job_ready_o = state_q == StIdle;
  assign job_fire = job_valid_i && job_ready_o;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      last_head_q <= '0;
      last_beat_q <= '0;
      in_head_q <= '0;
      in_beat_q <= '0;
      codes_done_q <= 1'b0;
    end else begin
      if (in_fire) begin
        in_beat_q <= head_end ? '0 : in_beat_q + 1'b1;
        if (head_end) in_head_q <= job_end ? '0 : in_head_q + 1'b1;
      end
      if (code_valid && code_ready_i && job_end_q[CodeStage]) codes_done_q <= 1'b1;
      unique case (state_q)
        StIdle: begin
          if (job_valid_i) begin
            last_head_q <= HeadW'(job_heads_i - 1'b1);
            last_beat_q <= job_beats_i - 1'b1;
            codes_done_q <= 1'b0;
            state_q <= StMax;
          end
        end
        StMax: if (in_fire && job_end) state_q <= StCode;
        StCode: if (in_fire && job_end) state_q <= StDrain;
        StDrain: if (codes_done_q && amax_out_q == done_heads_q) state_q <= StIdle;
        default: state_q <= StIdle;
      endcase
    end
  end

  // The beats' flags, one per stage.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      vld_q <= '0;
      pass2_q <= '0;
      head_end_q <= '0;
      job_end_q <= '0;
    end else if (advance) begin
      vld_q <= {vld_q[LastStage-1:0], in_fire};
      pass2_q <= {pass2_q[LastStage-1:0], state_q == StCode};
      head_end_q <= {head_end_q[MaxStage-1:0], head_end};
      job_end_q <= {job_end_q[CodeStage-1:0], job_end};
    end
  end

  // ---- Lanes: stages 0 and 1, and pass 2's product and code ------------------------------
  logic [HeadW-1:0]            head0_q;   // stage 0: the beat's head
  logic [DivW-1:0]             recip1_q;  // stage 1: its reciprocal (pass 2)
  logic [MagW*VectorLanes-1:0] mag;       // stage 1
  logic [8*VectorLanes-1:0]    code;      // stage 6

  always_ff @(posedge clk_i) begin
    if (advance) begin
      head0_q <= in_head_q;
      recip1_q <= zero_q[head0_q] ? '0 : quotient[DivW*head0_q +: DivW];
    end
  end

  for (genvar k = 0; k < VectorLanes; k++) begin : g_lane
    logic signed [31:0]      v0_q;
    logic [MagW-1:0]         mag1_q;
    logic                    neg_q [1:CodeStage-1];
    logic signed [ProdW-1:0] prod;             // stage 4
    logic                    big5_q;           // stage 5: product >= 2^39
    logic [7:0]              q5_q;             // stage 5: the rounded code, <= 128
    logic [7:0]              code6_q;          // stage 6
    logic                    unused_prod;

    always_ff @(posedge clk_i) begin
      if (advance) begin
        v0_q <= signed'(in_data_i[32*k +: 32]);
        // Stage 1: |v| (-INT32_MIN wraps to 2^31, right as unsigned) and the sign.
        mag1_q <= $unsigned(v0_q[31] ? -v0_q : v0_q);
        neg_q[1] <= v0_q[31];
        for (int unsigned s = 2; s < CodeStage; s++) neg_q[s] <= neg_q[s-1];
        // Stage 5: q = (product + 2^31) >> 32 is bits [38:32] plus bit 31 when the product is
        // below 2^39 (always, when |v| <= amax), and above 127 otherwise.
        big5_q <= prod[ProdW-1:DivW] != '0;
        q5_q <= 8'(prod[DivW-1:CodeShift]) + 8'(prod[CodeShift-1]);
        // Stage 6: min(q, 127) with v's sign.
        if (big5_q || q5_q >= CodeMax) code6_q <= neg_q[CodeStage-1] ? -CodeMax : CodeMax;
        else code6_q <= neg_q[CodeStage-1] ? -q5_q : q5_q;
      end
    end

    // Stages 2-4: |v| * reciprocal.
    mmf_mul_pipe #(
      .AWidth(MagW + 1),
      .BWidth(DivW)
    ) u_mul_code (
      .clk_i,
      .en_i (advance),
      .a_i  ((MagW + 1)'(mag1_q)),
      .b_i  (recip1_q),
      .p_o  (prod)
    );

    assign mag[MagW*k +: MagW] = mag1_q;
    assign code[8*k +: 8] = code6_q;
    assign unused_prod = ^prod[CodeShift-2:0];

`ifndef SYNTHESIS
    // |v| <= amax keeps |v| * reciprocal <= 127 * 2^32: the second pass repeats the first.
    pass2_repeats_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
        vld_q[CodeStage-1] && pass2_q[CodeStage-1] |-> !big5_q)
      else $error("mmf_head_quantize: lane %0d of pass 2 is above its head's amax", k);
`endif
  end

  // ---- Pass 1: the maxima ----------------------------------------------------------------
  logic [MagW-1:0] tree;      // stage MaxStage
  logic [MagW-1:0] hmax_q;    // the running maximum of the head in the tree's output
  logic            fresh_q;   // the next pass-1 beat out of the tree starts a head
  logic            max_fire;  // a pass-1 beat leaves the tree
  logic            done_q;    // hmax_q is a whole head's amax

  mmf_reduce_tree #(
    .NumInputs(VectorLanes),
    .Width    (MagW),
    .Max      (1'b1)
  ) u_max (
    .clk_i,
    .en_i (advance),
    .in_i (mag),
    .out_o(tree)
  );

  assign max_fire = advance && vld_q[MaxStage] && !pass2_q[MaxStage];

  always_ff @(posedge clk_i) begin
    if (max_fire) hmax_q <= fresh_q || tree > hmax_q ? tree : hmax_q;
  end

  // Heads finish pass 1 in order: done_heads_q is the head that done_q completes.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      fresh_q <= 1'b1;
      done_q <= 1'b0;
      done_heads_q <= '0;
      amax_out_q <= '0;
      recip_ok_q <= '0;
    end else if (job_fire) begin
      fresh_q <= 1'b1;
      done_q <= 1'b0;
      done_heads_q <= '0;
      amax_out_q <= '0;
      recip_ok_q <= '0;
    end else begin
      done_q <= max_fire && head_end_q[MaxStage];
      if (max_fire) fresh_q <= head_end_q[MaxStage];
      if (done_q) done_heads_q <= done_heads_q + 1'b1;
      if (amax_valid_o && amax_ready_i) amax_out_q <= amax_out_q + 1'b1;
      recip_ok_q <= recip_ok_q | div_done;
    end
  end

  // One divider per head slot: 127 * 2^32 / amax, started as the head is done, its quotient
  // held until the next job's head in the slot restarts it.
  for (genvar h = 0; h < MaxHeads; h++) begin : g_head
    logic start, busy, unused_busy;
    assign start = done_q && done_heads_q == HeadCountW'(h);
    assign unused_busy = busy;

    always_ff @(posedge clk_i) begin
      if (start) begin
        amax_q[h] <= hmax_q;
        zero_q[h] <= hmax_q == '0;  // the divider's all-ones quotient is not used then
      end
    end

    mmf_divider #(
      .Width(DivW)
    ) u_recip (
      .clk_i,
      .rst_ni,
      .start_i   (start),
      .dividend_i(DivW'(CodeMax) << CodeShift),
      .divisor_i (DivW'(hmax_q)),
      .busy_o    (busy),
      .done_o    (div_done[h]),
      .quotient_o(quotient[DivW*h +: DivW])
    );
  end

  assign amax_valid_o = amax_out_q != done_heads_q;
  assign amax_data_o = amax_q[HeadW'(amax_out_q)];
  assign code_valid_o = code_valid;
  assign code_data_o = code;

`ifndef SYNTHESIS
  job_range_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      job_valid_i && job_ready_o |-> job_heads_i >= 1 && job_heads_i <= HeadCountW'(MaxHeads) &&
                                     job_beats_i >= 1 && job_beats_i <= BeatW'(MaxBeats))
    else $error("mmf_head_quantize: a job of %0d heads of %0d beats", job_heads_i, job_beats_i);
  code_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      code_valid_o && !code_ready_i |=> code_valid_o && $stable(code_data_o))
    else $error("mmf_head_quantize: code stream changed while stalled");
  amax_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      amax_valid_o && !amax_ready_i |=> amax_valid_o && $stable(amax_data_o))
    else $error("mmf_head_quantize: amax stream changed while stalled");
  // A pass-2 beat reads its head's reciprocal only once the division is done.
  recip_ready_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      vld_q[0] && pass2_q[0] |-> recip_ok_q[head0_q])
    else $error("mmf_head_quantize: a code beat before its reciprocal");
`endif

endmodule

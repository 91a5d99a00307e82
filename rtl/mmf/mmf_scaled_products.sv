// SPDX-License-Identifier: Apache-2.0
// Block-scaled products feeding a BitLinear (o_proj and down_proj inputs); mirrors
// hls/include/mmf_hls/scaled_products.hpp (golden: mmf::fx::scaled_products). A job of n values
// takes the vectors a and b twice, VectorLanes values per beat: the first pass finds max|a| and
// max|b|, the second emits out = saturate(round(a * b / 2^sh)) with one shift sh per vector.
//
// Pipelines, one arithmetic step a stage:
//   maxima   1. |a|, |b| of the lanes below n (0 past it)
//            2 .. 1+Levels. a registered max tree, one level a stage (mmf_reduce_tree)
//            then the running maxima; the pass ends when the tree has drained (StDrain)
//   shift    StLen: the bit lengths of the maxima; StShift: sh = max(0, sum - 31);
//            StPrep: the rounding constant 2^(sh-1)
//   products 0. a, b registered; 1-3. mmf_mul_pipe per lane (4 DSP48E2); 4. + 2^(sh-1);
//            5. >>> sh; 6. saturate to int32 (ProdLatency = 7 stages)
// The product stages advance together (`advance`); a stall holds them all. A new job waits
// until the last product has left, so sh never changes under a beat in flight.
module mmf_scaled_products #(
  parameter int unsigned VectorLanes = 4,  // int32 values per beat
  parameter int unsigned MaxN = 16384,     // longest vector, in values
  localparam int unsigned CountW = $clog2(MaxN + 1)
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  // Job: n values (1 .. MaxN); then ceil(n / VectorLanes) beats for the maxima, the same again for
  // the products. Lanes at or past n in the last beat are ignored.
  input  logic                      job_valid_i,
  output logic                      job_ready_o,
  input  logic [CountW-1:0]         job_n_i,

  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [32*VectorLanes-1:0] in_a_i,
  input  logic [32*VectorLanes-1:0] in_b_i,

  // Products of the second pass, one beat per input beat.
  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [32*VectorLanes-1:0] out_data_o
);

  localparam int unsigned Levels = $clog2(VectorLanes);
  localparam int unsigned MaxLatency = 1 + Levels;  // magnitudes, then the tree's levels
  localparam int unsigned ProdLatency = 7;

  typedef enum logic [2:0] {
    StIdle,
    StMax,    // first pass: maxima
    StDrain,  // the max tree empties into the running maxima
    StLen,
    StShift,
    StPrep,
    StProd    // second pass: products
  } state_e;

  state_e            state_q;
  logic [CountW-1:0] n_q;                // the job's n: the second pass counts it down again
  logic [CountW-1:0] left_q;             // values of the current pass still to come
  logic              in_fire, last_beat;
  logic [ProdLatency-1:0] pv_q;          // product stage valid bits
  logic              advance, prod_empty;

  assign advance = !pv_q[ProdLatency-1] || out_ready_i;
  assign prod_empty = pv_q == '0;
  assign in_fire = in_valid_i && in_ready_o;
  assign last_beat = 32'(left_q) <= VectorLanes;

  assign job_ready_o = state_q == StIdle && prod_empty;
  assign in_ready_o = state_q == StMax || (state_q == StProd && advance);

  // ---- Pass 1: maxima --------------------------------------------------------------------
  logic [MaxLatency-1:0]     mv_q;           // max pipeline valid bits
  logic [32:0]               max_a_q, max_b_q;
  // The masked magnitudes (stage 1), then a max tree each (mmf_reduce_tree, Levels stages).
  logic [33*VectorLanes-1:0] mag_a_q, mag_b_q;
  logic [32:0]               tree_a, tree_b;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) mv_q <= '0;
    else mv_q <= MaxLatency'({mv_q, state_q == StMax && in_fire});
  end

  always_ff @(posedge clk_i) begin
    for (int unsigned k = 0; k < VectorLanes; k++) begin
      if (32'(k) < 32'(left_q)) begin
        mag_a_q[33*k +: 33] <= mmf_numerics_pkg::magnitude(in_a_i[32*k +: 32]);
        mag_b_q[33*k +: 33] <= mmf_numerics_pkg::magnitude(in_b_i[32*k +: 32]);
      end else begin
        mag_a_q[33*k +: 33] <= '0;
        mag_b_q[33*k +: 33] <= '0;
      end
    end
  end

  mmf_reduce_tree #(
    .NumInputs(VectorLanes),
    .Width    (33),
    .Max      (1'b1)
  ) u_max_a (
    .clk_i,
    .en_i (1'b1),
    .in_i (mag_a_q),
    .out_o(tree_a)
  );
  mmf_reduce_tree #(
    .NumInputs(VectorLanes),
    .Width    (33),
    .Max      (1'b1)
  ) u_max_b (
    .clk_i,
    .en_i (1'b1),
    .in_i (mag_b_q),
    .out_o(tree_b)
  );

  // ---- Control and the shift -------------------------------------------------------------
  logic [6:0]  len_a_q, len_b_q, shift_q;
  logic [63:0] round_q;
  logic [7:0]  len_sum;
  assign len_sum = 8'(len_a_q) + 8'(len_b_q);

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      n_q <= '0;
      left_q <= '0;
      max_a_q <= '0;
      max_b_q <= '0;
    end else begin
      if (mv_q[MaxLatency-1]) begin
        if (tree_a > max_a_q) max_a_q <= tree_a;
        if (tree_b > max_b_q) max_b_q <= tree_b;
      end
      unique case (state_q)
        StIdle: begin
          if (job_valid_i && job_ready_o) begin
            n_q <= job_n_i;
            left_q <= job_n_i;
            max_a_q <= '0;
            max_b_q <= '0;
            state_q <= StMax;
          end
        end
        StMax: begin
          if (in_fire) begin
            left_q <= left_q - CountW'(VectorLanes);
            if (last_beat) state_q <= StDrain;
          end
        end
        StDrain: if (mv_q == '0) state_q <= StLen;
        StLen: state_q <= StShift;
        StShift: state_q <= StPrep;
        StPrep: begin
          left_q <= n_q;
          state_q <= StProd;
        end
        StProd: begin
          if (in_fire) begin
            left_q <= left_q - CountW'(VectorLanes);
            if (last_beat) state_q <= StIdle;
          end
        end
        default: state_q <= StIdle;
      endcase
    end
  end

  always_ff @(posedge clk_i) begin
    unique case (state_q)
      StLen: begin
        len_a_q <= mmf_numerics_pkg::bit_length(64'(max_a_q));
        len_b_q <= mmf_numerics_pkg::bit_length(64'(max_b_q));
      end
      StShift: begin
        shift_q <= len_sum > 8'(mmf_numerics_pkg::ProductBits)
                   ? 7'(len_sum - 8'(mmf_numerics_pkg::ProductBits)) : '0;
      end
      StPrep: round_q <= shift_q == '0 ? '0 : 64'd1 << 6'(shift_q - 7'd1);
      default: ;
    endcase
  end

  // ---- Pass 2: products ------------------------------------------------------------------
  always_ff @(posedge clk_i) begin
    if (!rst_ni) pv_q <= '0;
    else if (advance) pv_q <= {pv_q[ProdLatency-2:0], state_q == StProd && in_fire};
  end

  for (genvar k = 0; k < VectorLanes; k++) begin : g_lane
    logic signed [31:0] a0_q, b0_q, out_q;
    logic signed [63:0] prod, rounded_q, shifted_q;

    always_ff @(posedge clk_i) begin
      if (advance && in_fire) begin
        a0_q <= signed'(in_a_i[32*k +: 32]);
        b0_q <= signed'(in_b_i[32*k +: 32]);
      end
    end

    mmf_mul_pipe #(
      .AWidth (32),
      .BWidth (32),
      .BSigned(1'b1)
    ) u_mul (
      .clk_i,
      .en_i (advance),
      .a_i  (a0_q),
      .b_i  (b0_q),
      .p_o  (prod)
    );

    always_ff @(posedge clk_i) begin
      if (advance) begin
        rounded_q <= prod + signed'(round_q);
        shifted_q <= rounded_q >>> shift_q;
        out_q <= mmf_numerics_pkg::saturate32(shifted_q);
      end
    end

    assign out_data_o[32*k +: 32] = out_q;
  end

  assign out_valid_o = pv_q[ProdLatency-1];

`ifndef SYNTHESIS
  out_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> out_valid_o && $stable(out_data_o))
    else $error("mmf_scaled_products: output changed while stalled");
  job_n_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      job_valid_i && job_ready_o |-> job_n_i != '0 && 32'(job_n_i) <= MaxN)
    else $error("mmf_scaled_products: n out of range");
`endif

endmodule

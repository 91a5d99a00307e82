// SPDX-License-Identifier: Apache-2.0
// Greedy sampling unit (mirrors hls/include/mmf_hls/argmax.hpp; golden mmf::fx::argmax): the
// index of the largest of a job's int32 values, the first of equal ones, VectorLanes values a
// beat.
//
// Each lane becomes an unsigned key {value with its sign bit flipped, ~lane}: unsigned order of
// the keys is the order of the values, and of equal values the lower lane has the larger key.
// So one unsigned maximum tree (mmf_reduce_tree, a register per level) gives each beat's
// largest value and its lowest lane. A running maximum then takes a beat's only if it is
// strictly larger, so an earlier beat wins a tie. Lanes past in_lanes_i (the last beat of a job
// whose length is not a multiple of VectorLanes) get key 0, which lane 0's key always beats.
//
// It takes a beat every cycle (no ready). start_i clears the job before its first beat; the
// index comes out (out_valid_o, one cycle) Levels + 1 cycles after the edge that took the job's
// last beat: the tree's levels, then the output register beside the running maximum.
// VectorLanes is a power of two, so the index is {beat, lane}: no adder.
module mmf_argmax #(
  parameter int unsigned VectorLanes = 4,  // int32 values per beat, a power of two
  parameter int unsigned IndexW = 32,      // bits of the index out
  localparam int unsigned LaneW = VectorLanes > 1 ? $clog2(VectorLanes) : 1,
  localparam int unsigned KeyW = 32 + LaneW,
  localparam int unsigned Levels = $clog2(VectorLanes)
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  input  logic                      start_i,
  input  logic                      in_valid_i,
  input  logic [32*VectorLanes-1:0] in_data_i,
  input  logic [LaneW:0]            in_lanes_i,  // valid lanes of the beat, 1..VectorLanes
  input  logic                      in_last_i,

  output logic                      out_valid_o,
  output logic [IndexW-1:0]         out_index_o
);

  if (VectorLanes == 0 || (VectorLanes & (VectorLanes - 1)) != 0) begin : g_bad_lanes
    $error("mmf_argmax: VectorLanes must be a power of two");
  end

  // ---------------------------------------------------------------- keys and the beat's tree
  logic [KeyW*VectorLanes-1:0] keys;
  for (genvar k = 0; k < VectorLanes; k++) begin : g_key
    logic [LaneW-1:0] lane;
    assign lane = LaneW'(k);
    assign keys[KeyW*k +: KeyW] = (k < in_lanes_i) ?
        {in_data_i[32*k+31] ^ 1'b1, in_data_i[32*k +: 31], ~lane} : '0;
  end

  logic [KeyW-1:0] beat_key;
  mmf_reduce_tree #(
    .NumInputs(VectorLanes),
    .Width    (KeyW),
    .Max      (1'b1)
  ) u_tree (
    .clk_i,
    .en_i (1'b1),
    .in_i (keys),
    .out_o(beat_key)
  );

  // The beat's number, valid and last flags travel beside the tree, one register per level.
  localparam int unsigned BeatW = IndexW - (VectorLanes > 1 ? LaneW : 0);
  logic [BeatW-1:0] beats_q;  // beats taken since start
  logic [Levels:0]  valid_d, last_d;
  logic [BeatW*(Levels+1)-1:0] beat_d;
  assign valid_d[0] = in_valid_i;
  assign last_d[0] = in_last_i;
  assign beat_d[BeatW-1:0] = beats_q;
  for (genvar l = 1; l <= Levels; l++) begin : g_delay
    logic             valid_q, last_q;
    logic [BeatW-1:0] beat_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni || start_i) begin
        valid_q <= 1'b0;
        last_q <= 1'b0;
      end else begin
        valid_q <= valid_d[l-1];
        last_q <= last_d[l-1];
      end
      beat_q <= beat_d[BeatW*(l-1) +: BeatW];
    end
    assign valid_d[l] = valid_q;
    assign last_d[l] = last_q;
    assign beat_d[BeatW*l +: BeatW] = beat_q;
  end

  always_ff @(posedge clk_i) begin : beat_count
    if (!rst_ni || start_i) begin
      beats_q <= '0;
    end else if (in_valid_i) begin
      beats_q <= beats_q + BeatW'(1);
    end
  end

  // ---------------------------------------------------------------- the running maximum
  logic             tree_valid, tree_last;
  logic [BeatW-1:0] tree_beat;
  logic [31:0]      tree_value;  // offset binary: compares as unsigned
  logic [LaneW-1:0] tree_lane;
  assign tree_valid = valid_d[Levels];
  assign tree_last = last_d[Levels];
  assign tree_beat = beat_d[BeatW*Levels +: BeatW];
  assign tree_value = beat_key[KeyW-1 -: 32];
  assign tree_lane = ~beat_key[LaneW-1:0];

  logic              have_q;  // the job has a maximum so far
  logic [31:0]       best_q;
  logic [IndexW-1:0] best_index_q;
  logic [IndexW-1:0] tree_index;
  if (VectorLanes > 1) begin : g_index
    assign tree_index = {tree_beat, tree_lane};
  end else begin : g_index_one
    assign tree_index = tree_beat;
    logic unused_lane;
    assign unused_lane = ^tree_lane;
  end

  always_ff @(posedge clk_i) begin : running
    if (!rst_ni || start_i) begin
      have_q <= 1'b0;
      out_valid_o <= 1'b0;
    end else begin
      if (tree_valid) have_q <= 1'b1;
      out_valid_o <= tree_valid && tree_last;
    end
    if (tree_valid && (!have_q || tree_value > best_q)) begin
      best_q <= tree_value;
      best_index_q <= tree_index;
    end
  end

  // The index is read in the cycle out_valid_o is high, one register after the last compare.
  always_ff @(posedge clk_i) begin : out_reg
    if (tree_valid && tree_last) begin
      out_index_o <= (!have_q || tree_value > best_q) ? tree_index : best_index_q;
    end
  end

`ifndef SYNTHESIS
  // A beat has between one and VectorLanes valid lanes.
  a_lanes: assert property (@(posedge clk_i) disable iff (!rst_ni)
    in_valid_i |-> (in_lanes_i >= 1 && in_lanes_i <= (LaneW+1)'(VectorLanes)));
  // No job starts while beats of the last one are still in the tree.
  a_start_idle: assert property (@(posedge clk_i) disable iff (!rst_ni)
    start_i |-> !(|valid_d));
`endif

endmodule

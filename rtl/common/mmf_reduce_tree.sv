// SPDX-License-Identifier: Apache-2.0
// Registered reduction of NumInputs unsigned Width-bit values to one: their sum (Max = 0; the
// caller picks Width so that the sum fits) or their maximum (Max = 1). A binary tree of
// Levels = ceil(log2 NumInputs) levels, one register per level, so Latency = Levels cycles and
// one add or one compare-and-select between registers, whatever NumInputs is. Missing leaves of
// a NumInputs that is not a power of two are 0, which is neutral for both. NumInputs = 1 is a
// wire.
// Every level holds while en_i is low. Datapath only: no reset, the caller keeps the valid bits.
module mmf_reduce_tree #(
  parameter int unsigned NumInputs = 4,  // values reduced to one (the callers' lanes of a beat)
  parameter int unsigned Width = 32,     // bits per value
  parameter bit          Max = 1'b0,     // 1: the maximum, 0: the sum
  localparam int unsigned Levels = $clog2(NumInputs)
) (
  input  logic                       clk_i,
  input  logic                       en_i,
  input  logic [Width*NumInputs-1:0] in_i,
  output logic [Width-1:0]           out_o
);

  localparam int unsigned Leaves = 1 << Levels;
  localparam int unsigned LevelW = Width * Leaves;

  // Level l of the tree is bits [LevelW*l +: LevelW] (Leaves >> l values, the rest 0); level 0
  // is the zero-padded input, each node of level l >= 1 a register of its two children.
  logic [LevelW*(Levels+1)-1:0] level;
  assign level[LevelW-1:0] = LevelW'(in_i);

  for (genvar l = 1; l <= Levels; l++) begin : g_level
    for (genvar k = 0; k < (Leaves >> l); k++) begin : g_node
      logic [Width-1:0] x, y, node_q;
      assign x = level[LevelW*(l-1) + Width*(2*k) +: Width];
      assign y = level[LevelW*(l-1) + Width*(2*k+1) +: Width];
      always_ff @(posedge clk_i) begin
        if (en_i) node_q <= Max ? (x > y ? x : y) : x + y;
      end
      assign level[LevelW*l + Width*k +: Width] = node_q;
    end
    assign level[LevelW*l + Width*(Leaves>>l) +: Width*(Leaves-(Leaves>>l))] = '0;
  end

  assign out_o = level[LevelW*Levels +: Width];

  // The zero padding above each level's values is not used, nor are the clock and enable of a
  // tree of one lane.
  logic unused_padding;
  assign unused_padding = ^level;
  if (Levels == 0) begin : g_wire
    logic unused_clock;
    assign unused_clock = clk_i ^ en_i;
  end

endmodule

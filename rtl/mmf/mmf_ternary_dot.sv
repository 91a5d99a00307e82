// SPDX-License-Identifier: Apache-2.0
// Pipelined dot product of one weight word with one code word: sum over k of trit_k * code_k,
// trits in {-1, 0, +1} (two_bit codes of mmf_format_pkg), codes int8. No multiplier and no
// stall: a word enters every cycle it is valid and its sum leaves exactly Latency cycles later,
// with the word's tag.
//
// Structure (why it is cheap and short): each leaf is one LUT level, x = en ? code ^ {8{neg}} : 0,
// the one's complement of the code for a minus trit; the +1 that two's complement needs is
// counted instead (c = en & neg) and added once at the root as the popcount of the minus trits.
// The leaves reduce in a balanced binary tree with exact bit growth (8 + l bits at level l), a
// register every RegEvery levels and after the last, so no path holds more than RegEvery adders.
// The old form, a Lanes-long chain of 32-bit add/subtract/select stages in one cycle, cost about
// 4x the LUTs and had hundreds of LUT levels between flops (docs/resources.md).
//
// Only the valid and tag pipeline is reset; the datapath registers are not (UG949: no reset on
// data, so the tools may use SRLs and the registers inside DSPs and BRAMs).
module mmf_ternary_dot #(
  parameter int unsigned Lanes = 16,  // trits of the dot product (a tile row of a weight word)
  parameter int unsigned TagW = 1,    // bits of the tag carried alongside
  localparam int unsigned Levels = (Lanes > 1) ? $clog2(Lanes) : 0,
  // Tree levels between two register stages (2 keeps a stage within a few LUT levels).
  localparam int unsigned RegEvery = mmf_format_pkg::DotRegEvery,
  // Width of the sum: enough for Lanes * 128 in magnitude.
  localparam int unsigned SumW = mmf_format_pkg::ternary_dot_sum_width(Lanes),
  // Register stages from in_* to out_*: the leaves, the tree's (one every RegEvery levels and
  // after the last), the root correction; the contract the timed model charges.
  localparam int unsigned Latency = mmf_format_pkg::ternary_dot_latency(Lanes)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   in_valid_i,
  input  logic [TagW-1:0]        in_tag_i,
  input  logic [2*Lanes-1:0]     weight_i,   // lane k in bits [2k+1:2k]
  input  logic [8*Lanes-1:0]     code_i,     // lane k in bits [8k+7:8k], two's complement

  output logic                   out_valid_o,
  output logic [TagW-1:0]        out_tag_o,
  output logic signed [SumW-1:0] out_sum_o
);

  localparam int unsigned Leaves = 1 << Levels;

  // Bit offset of level l in the packed arrays below: level l holds Leaves >> l nodes of W + l
  // bits (sums: W = 8; counts of minus trits: W = 1).
  function automatic int unsigned level_offset(input int unsigned l, input int unsigned w);
    level_offset = 0;
    for (int unsigned j = 0; j < l; j++) level_offset += (Leaves >> j) * (w + j);
  endfunction

  localparam int unsigned SumBits = level_offset(Levels + 1, 8);
  localparam int unsigned CntBits = level_offset(Levels + 1, 1);

  // Every level's nodes, level 0 (leaves) first. A level is either a register or wires.
  // (split_var: Verilator sees each node as its own signal, not the vector as a loop.)
  logic [SumBits-1:0] sum_nodes /* verilator split_var */;
  logic [CntBits-1:0] cnt_nodes /* verilator split_var */;

  // ---- Leaves: one's complement of the code and the minus flag, registered ----------------
  for (genvar k = 0; k < Leaves; k++) begin : g_leaf
    if (k < Lanes) begin : g_lane
      logic [1:0] trit;
      logic       en, neg;
      logic [7:0] leaf_q;
      logic       minus_q;
      assign trit = weight_i[2*k +: 2];
      assign en = trit == mmf_format_pkg::TritPlus || trit == mmf_format_pkg::TritMinus;
      assign neg = trit == mmf_format_pkg::TritMinus;
      always_ff @(posedge clk_i) begin
        leaf_q <= en ? code_i[8*k +: 8] ^ {8{neg}} : 8'b0;
        minus_q <= en && neg;
      end
      assign sum_nodes[8*k +: 8] = leaf_q;
      assign cnt_nodes[k] = minus_q;
    end else begin : g_pad
      assign sum_nodes[8*k +: 8] = '0;
      assign cnt_nodes[k] = 1'b0;
    end
  end

  // ---- Balanced tree: level l node i = level l-1 nodes 2i + 2i+1, sign- (zero-) extended ----
  for (genvar l = 1; l <= Levels; l++) begin : g_level
    localparam int unsigned Nodes = Leaves >> l;
    localparam int unsigned SW = 8 + l;  // sum width at this level
    localparam int unsigned CW = 1 + l;  // count width at this level
    localparam int unsigned SIn = level_offset(l - 1, 8);
    localparam int unsigned SOut = level_offset(l, 8);
    localparam int unsigned CIn = level_offset(l - 1, 1);
    localparam int unsigned COut = level_offset(l, 1);
    localparam bit Registered = (l % RegEvery == 0) || (l == Levels);
    for (genvar i = 0; i < Nodes; i++) begin : g_node
      logic signed [SW-1:0] s;
      logic [CW-1:0]        c;
      assign s = SW'($signed(sum_nodes[SIn + (2*i)*(SW-1) +: SW-1]))
               + SW'($signed(sum_nodes[SIn + (2*i+1)*(SW-1) +: SW-1]));
      assign c = CW'(cnt_nodes[CIn + (2*i)*(CW-1) +: CW-1])
               + CW'(cnt_nodes[CIn + (2*i+1)*(CW-1) +: CW-1]);
      if (Registered) begin : g_reg
        logic [SW-1:0] s_q;
        logic [CW-1:0] c_q;
        always_ff @(posedge clk_i) begin
          s_q <= s;
          c_q <= c;
        end
        assign sum_nodes[SOut + i*SW +: SW] = s_q;
        assign cnt_nodes[COut + i*CW +: CW] = c_q;
      end else begin : g_wire
        assign sum_nodes[SOut + i*SW +: SW] = s;
        assign cnt_nodes[COut + i*CW +: CW] = c;
      end
    end
  end

  // ---- Root: the one's-complement sum plus the count of minus trits, registered -------------
  localparam int unsigned RootW = 8 + Levels;
  localparam int unsigned RootSumOff = level_offset(Levels, 8);
  localparam int unsigned RootCntOff = level_offset(Levels, 1);
  logic signed [RootW-1:0] root_sum;
  logic [Levels:0]         root_cnt;
  assign root_sum = sum_nodes[RootSumOff +: RootW];
  assign root_cnt = cnt_nodes[RootCntOff +: Levels + 1];

  always_ff @(posedge clk_i) begin
    out_sum_o <= SumW'(root_sum) + SumW'($signed({1'b0, root_cnt}));
  end

  // ---- Valid and tag, Latency stages ------------------------------------------------------
  logic [Latency-1:0]   valid_q;
  logic [TagW-1:0]      tag_q [Latency];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= '0;
    else valid_q <= {valid_q[Latency-2:0], in_valid_i};
  end
  always_ff @(posedge clk_i) begin
    tag_q[0] <= in_tag_i;
    for (int unsigned s = 1; s < Latency; s++) tag_q[s] <= tag_q[s-1];
  end

  assign out_valid_o = valid_q[Latency-1];
  assign out_tag_o = tag_q[Latency-1];

endmodule

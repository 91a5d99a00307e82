// SPDX-License-Identifier: Apache-2.0
// The RoPE unit (mirrors rope() of hls/include/mmf_hls/rope.hpp; golden: mmf::fx::rope_angles
// and rope): the angles of the pass's position from two table rows, then every head of a
// vector rotated, the pair (v[j], v[j + head_dim / 2]) a lane.
//
// A head is 2H beats (H = half_beats_i = head_dim / (2 VectorLanes): head_dim is a power of two
// of at least two beats, check_descriptor), so pair j of a head pairs lane j % VectorLanes of
// beat j / VectorLanes of its low half with the same lane of the beat H later. Two streams:
//   - the tables: 4H beats from the vector-bank reader, the low table's row (cos of the H low
//     beats, then sin) and the high table's row (the same). The high row's sin beats go with
//     the rows kept before them through mmf_rope_angle; its cos and sin land in two H-row
//     buffers.
//   - the vector: 2H beats a head from a slot. The low half's beats wait in an H-row buffer;
//     each high beat goes with its low beat and its angles through mmf_rope_rotate, whose
//     first output (the low half's) leaves at once and whose second (the high half's) waits in
//     another H-row buffer, sent after the head's last low beat. So the beats leave in the
//     order they came, and a head takes 2H cycles in and 2H out: about 2H + 8 cycles, the next
//     head's low half coming in while this one's high half goes out.
// The buffers are MaxHalf rows of registers (MaxHalf = MaxHeadDim / (2 VectorLanes): 2 on
// u280, 8 on ci-tiny). A high beat waits until all H angles are in (the angle pipeline's 4
// cycles after the tables' last beat), so the controller may start the vector pass as soon as
// the reader has given the tables.
module mmf_rope #(
  parameter int unsigned VectorLanes = 4,   // values per beat
  parameter int unsigned MaxHeadDim = 64,   // widest head: a power of two, >= 2 VectorLanes
  localparam int unsigned VDataW = 32 * VectorLanes,
  localparam int unsigned MaxHalf = MaxHeadDim / (2 * VectorLanes),
  localparam int unsigned HalfW = $clog2(MaxHalf + 1),
  localparam int unsigned IdxW = (MaxHalf > 1) ? $clog2(MaxHalf) : 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,

  // A Rope op starts (one cycle, before its first table beat): every count restarts.
  // half_beats_i (1 .. MaxHalf) is stable from then to the op's end.
  input  logic              clear_i,
  input  logic [HalfW-1:0]  half_beats_i,

  // The two table rows, 4H beats; always taken.
  input  logic              tab_valid_i,
  output logic              tab_ready_o,
  input  logic [VDataW-1:0] tab_data_i,

  // The vector, head after head, 2H beats each; its rotation, beat for beat in the same order.
  input  logic              in_valid_i,
  output logic              in_ready_o,
  input  logic [VDataW-1:0] in_data_i,
  output logic              out_valid_o,
  input  logic              out_ready_i,
  output logic [VDataW-1:0] out_data_o
);

  logic [IdxW-1:0] last_idx;  // H - 1
  assign last_idx = IdxW'(half_beats_i - 1'b1);

  // ---------------------------------------------------------------- the angles
  // tab_part_q: which quarter of the 4H table beats comes (low cos, low sin, high cos, high
  // sin); tab_idx_q: the beat within it.
  logic [VDataW-1:0] lo_cos_q [MaxHalf];
  logic [VDataW-1:0] lo_sin_q [MaxHalf];
  logic [VDataW-1:0] hi_cos_q [MaxHalf];
  logic [VDataW-1:0] cos_q [MaxHalf];
  logic [VDataW-1:0] sin_q [MaxHalf];
  logic [1:0]        tab_part_q;
  logic [IdxW-1:0]   tab_idx_q;
  logic              tab_fire, ang_in_valid, ang_in_ready, ang_valid;
  logic [VDataW-1:0] ang_cos, ang_sin;
  logic [IdxW-1:0]   ang_idx_q;   // the next angle row out of the pipeline
  logic              angles_in_q;  // all H angle rows are in cos_q / sin_q

  assign tab_ready_o = 1'b1;  // the angle pipeline's output is always taken (below)
  assign tab_fire = tab_valid_i;
  assign ang_in_valid = tab_fire && tab_part_q == 2'd3;

  always_ff @(posedge clk_i) begin : tab_count
    if (!rst_ni) begin
      tab_part_q <= '0;
      tab_idx_q <= '0;
    end else if (clear_i) begin
      tab_part_q <= '0;
      tab_idx_q <= '0;
    end else if (tab_fire) begin
      if (tab_idx_q == last_idx) begin
        tab_idx_q <= '0;
        tab_part_q <= tab_part_q + 1'b1;
      end else begin
        tab_idx_q <= tab_idx_q + 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i) begin : tab_rows
    if (tab_fire) begin
      unique case (tab_part_q)
        2'd0: lo_cos_q[tab_idx_q] <= tab_data_i;
        2'd1: lo_sin_q[tab_idx_q] <= tab_data_i;
        2'd2: hi_cos_q[tab_idx_q] <= tab_data_i;
        default: ;  // the high sin beats go straight into the angle pipeline
      endcase
    end
  end

  // The rows beside the high sin beat, as nets: Yosys 0.23 re-elaborates a module whose port
  // connections read an array, and fails on it.
  logic [VDataW-1:0] ang_hi_cos, ang_lo_cos, ang_lo_sin;
  assign ang_hi_cos = hi_cos_q[tab_idx_q];
  assign ang_lo_cos = lo_cos_q[tab_idx_q];
  assign ang_lo_sin = lo_sin_q[tab_idx_q];

  mmf_rope_angle #(
    .VectorLanes(VectorLanes)
  ) u_angle (
    .clk_i,
    .rst_ni,
    .in_valid_i (ang_in_valid),
    .in_ready_o (ang_in_ready),
    .in_hi_cos_i(ang_hi_cos),
    .in_hi_sin_i(tab_data_i),
    .in_lo_cos_i(ang_lo_cos),
    .in_lo_sin_i(ang_lo_sin),
    .out_valid_o(ang_valid),
    .out_ready_i(1'b1),
    .out_cos_o  (ang_cos),
    .out_sin_o  (ang_sin)
  );

  always_ff @(posedge clk_i) begin : ang_count
    if (!rst_ni) begin
      ang_idx_q <= '0;
      angles_in_q <= 1'b0;
    end else if (clear_i) begin
      ang_idx_q <= '0;
      angles_in_q <= 1'b0;
    end else if (ang_valid) begin
      ang_idx_q <= ang_idx_q == last_idx ? '0 : ang_idx_q + 1'b1;
      if (ang_idx_q == last_idx) angles_in_q <= 1'b1;
    end
  end

  always_ff @(posedge clk_i) begin : ang_rows
    if (ang_valid) begin
      cos_q[ang_idx_q] <= ang_cos;
      sin_q[ang_idx_q] <= ang_sin;
    end
  end

  // ---------------------------------------------------------------- the rotations
  // in_hi_q: the beats coming are a head's high half; in_idx_q: the beat within the half.
  logic [VDataW-1:0] x_lo_q [MaxHalf];
  logic [VDataW-1:0] y_hi_q [MaxHalf];
  logic              in_hi_q;
  logic [IdxW-1:0]   in_idx_q;
  logic              in_fire, rot_in_valid, rot_in_ready, rot_valid, rot_ready;
  logic [VDataW-1:0] rot_x, rot_y;
  // The rotation's outputs: y_idx_q the next high beat into y_hi_q. draining_q: all H of a
  // head's high beats are in y_hi_q and go out now (out_idx_q the next), before anything else.
  logic [IdxW-1:0]   y_idx_q, out_idx_q;
  logic              draining_q;

  // A low beat is always taken (its buffer row was read by the previous head's high beat); a
  // high beat once the angles are in and the rotation takes it.
  assign in_ready_o = !in_hi_q || (angles_in_q && rot_in_ready);
  assign in_fire = in_valid_i && in_ready_o;
  assign rot_in_valid = in_valid_i && in_hi_q && angles_in_q;

  always_ff @(posedge clk_i) begin : in_count
    if (!rst_ni) begin
      in_hi_q <= 1'b0;
      in_idx_q <= '0;
    end else if (clear_i) begin
      in_hi_q <= 1'b0;
      in_idx_q <= '0;
    end else if (in_fire) begin
      if (in_idx_q == last_idx) begin
        in_idx_q <= '0;
        in_hi_q <= !in_hi_q;
      end else begin
        in_idx_q <= in_idx_q + 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i) begin : x_rows
    if (in_fire && !in_hi_q) x_lo_q[in_idx_q] <= in_data_i;
  end

  logic [VDataW-1:0] rot_x_lo, rot_cos, rot_sin;  // nets, as for the angles
  assign rot_x_lo = x_lo_q[in_idx_q];
  assign rot_cos = cos_q[in_idx_q];
  assign rot_sin = sin_q[in_idx_q];

  mmf_rope_rotate #(
    .VectorLanes(VectorLanes)
  ) u_rotate (
    .clk_i,
    .rst_ni,
    .in_valid_i (rot_in_valid),
    .in_ready_o (rot_in_ready),
    .in_x_i     (rot_x_lo),
    .in_y_i     (in_data_i),
    .in_cos_i   (rot_cos),
    .in_sin_i   (rot_sin),
    .out_valid_o(rot_valid),
    .out_ready_i(rot_ready),
    .out_x_o    (rot_x),
    .out_y_o    (rot_y)
  );

  // The low result leaves as it comes, unless a head's high half is going out.
  assign rot_ready = !draining_q && out_ready_i;
  assign out_valid_o = draining_q || rot_valid;
  assign out_data_o = draining_q ? y_hi_q[out_idx_q] : rot_x;

  always_ff @(posedge clk_i) begin : out_count
    if (!rst_ni) begin
      y_idx_q <= '0;
      out_idx_q <= '0;
      draining_q <= 1'b0;
    end else if (clear_i) begin
      y_idx_q <= '0;
      out_idx_q <= '0;
      draining_q <= 1'b0;
    end else if (draining_q) begin
      if (out_ready_i) begin
        out_idx_q <= out_idx_q == last_idx ? '0 : out_idx_q + 1'b1;
        if (out_idx_q == last_idx) draining_q <= 1'b0;
      end
    end else if (rot_valid && rot_ready) begin
      y_idx_q <= y_idx_q == last_idx ? '0 : y_idx_q + 1'b1;
      if (y_idx_q == last_idx) draining_q <= 1'b1;
    end
  end

  always_ff @(posedge clk_i) begin : y_rows
    if (rot_valid && rot_ready) y_hi_q[y_idx_q] <= rot_y;
  end

  logic unused;
  assign unused = ang_in_ready;  // mmf_rope_angle never stalls: its output is always taken

`ifndef SYNTHESIS
  half_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                           clear_i |-> half_beats_i >= 1 && 32'(half_beats_i) <= MaxHalf)
    else $error("mmf_rope: half_beats_i outside 1 .. MaxHalf");
  angle_taken_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                  ang_in_valid |-> ang_in_ready)
    else $error("mmf_rope: the angle pipeline stalled a table beat");
  tables_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                             tab_valid_i |-> !angles_in_q)
    else $error("mmf_rope: a table beat past the two rows");
`endif

endmodule

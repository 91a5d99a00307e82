// SPDX-License-Identifier: Apache-2.0
// AXI4 write master for streams: each command writes `beats` data beats from the data stream to
// a beat-aligned byte address, as INCR bursts of at most MaxBurst beats that never cross a
// 4 KiB boundary, with up to MaxOutstanding bursts awaiting their response. `idle_o` rises once
// every response is back, so a run may end only when its writes have landed. The vector bank's
// writes (recurrent state, logits) go through one of these.
module mmf_axi_write_master #(
  parameter int unsigned DataWidth = 32,      // AXI data bits
  parameter int unsigned AddrWidth = 64,      // AXI address bits
  parameter int unsigned MaxBurst = 64,       // beats per burst, at most
  parameter int unsigned MaxOutstanding = 8,  // bursts awaiting a response, at most
  localparam int unsigned BeatBytes = DataWidth / 8,
  localparam int unsigned OutW = $clog2(MaxOutstanding + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  input  logic                 cmd_valid_i,
  output logic                 cmd_ready_o,
  input  logic [AddrWidth-1:0] cmd_addr_i,
  input  logic [31:0]          cmd_beats_i,

  input  logic                 in_valid_i,
  output logic                 in_ready_o,
  input  logic [DataWidth-1:0] in_data_i,
  input  logic [BeatBytes-1:0] in_strb_i,   // bytes of the beat to write

  output logic                 aw_valid_o,
  input  logic                 aw_ready_i,
  output logic [AddrWidth-1:0] aw_addr_o,
  output logic [7:0]           aw_len_o,
  output logic [2:0]           aw_size_o,
  output logic [1:0]           aw_burst_o,

  output logic                 w_valid_o,
  input  logic                 w_ready_i,
  output logic [DataWidth-1:0] w_data_o,
  output logic [BeatBytes-1:0] w_strb_o,
  output logic                 w_last_o,

  input  logic                 b_valid_i,
  output logic                 b_ready_o,
  input  logic [1:0]           b_resp_i,

  output logic                 idle_o,
  output logic [63:0]          bytes_o,
  output logic                 error_o
);

  logic [OutW-1:0] outstanding_q;  // bursts whose response is not back
  logic [8:0]      w_count_q;      // beats sent of the current burst
  logic [63:0]     bytes_q;
  logic            error_q;
  logic [8:0]      burst, cur_beats;
  logic            cur_single;     // the current burst is one beat
  logic            started_q;      // a beat of the current burst was sent (w_count_q != 0)
  logic            next_last_q;    // after the first, the next beat is the burst's last
  logic            w_fire, b_fire, issue;
  logic            len_valid, len_ready, len_push_ready;
  logic [OutW-1:0] len_usage;

  assign w_fire = w_valid_o && w_ready_i;
  assign b_fire = b_valid_i && b_ready_o;

  // A new burst needs a response slot and a place in the burst-length queue.
  mmf_axi_burst_gen #(
    .BeatBytes(BeatBytes),
    .AddrWidth(AddrWidth),
    .MaxBurst (MaxBurst)
  ) u_bursts (
    .clk_i,
    .rst_ni,
    .cmd_valid_i,
    .cmd_ready_o,
    .cmd_addr_i,
    .cmd_beats_i,
    .allow_i      (32'(outstanding_q) < MaxOutstanding && len_push_ready),
    .burst_beats_o(burst),
    .issue_o      (issue),
    .a_valid_o    (aw_valid_o),
    .a_ready_i    (aw_ready_i),
    .a_addr_o     (aw_addr_o),
    .a_len_o      (aw_len_o),
    .a_size_o     (aw_size_o),
    .a_burst_o    (aw_burst_o)
  );

  // The W side walks the bursts in AW order.
  assign w_valid_o = in_valid_i && len_valid;
  assign in_ready_o = w_ready_i && len_valid;
  assign w_data_o = in_data_i;
  assign w_strb_o = in_strb_i;
  // w_count_q == cur_beats - 1 without the subtract and compare after the length FIFO's read:
  // the first beat of a burst reads a flag stored with its length, the others a register
  // (the compare was 7 LUT levels from the FIFO into its own pop in the u280 top).
  assign w_last_o = started_q ? next_last_q : cur_single;
  assign len_ready = w_fire && w_last_o;
  assign b_ready_o = 1'b1;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      outstanding_q <= '0;
      w_count_q <= '0;
      started_q <= 1'b0;
      next_last_q <= 1'b0;
      bytes_q <= '0;
      error_q <= 1'b0;
    end else begin
      outstanding_q <= outstanding_q + OutW'(issue) - OutW'(b_fire);
      if (w_fire) begin
        w_count_q <= w_last_o ? '0 : w_count_q + 1'b1;
        started_q <= !w_last_o;
        next_last_q <= 10'(w_count_q) + 10'd2 == 10'(cur_beats);
        bytes_q <= bytes_q + 64'(BeatBytes);
      end
      if (b_fire && b_resp_i != 2'b00) error_q <= 1'b1;
    end
  end

  mmf_fifo #(
    .Width(10),
    .Depth(MaxOutstanding)
  ) u_lengths (
    .clk_i,
    .rst_ni,
    .in_valid_i (issue),
    .in_ready_o (len_push_ready),
    .in_data_i  ({burst == 9'd1, burst}),
    .out_valid_o(len_valid),
    .out_ready_i(len_ready),
    .out_data_o ({cur_single, cur_beats}),
    .usage_o    (len_usage)
  );

  logic unused_usage;
  assign unused_usage = ^len_usage;

  // Every burst issued (the generator takes commands only then), answered, and its data sent.
  assign idle_o = cmd_ready_o && outstanding_q == '0 && !len_valid;
  assign bytes_o = bytes_q;
  assign error_o = error_q;

`ifndef SYNTHESIS
  w_last_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      len_valid |-> w_last_o == (w_count_q == cur_beats - 1'b1) &&
                    started_q == (w_count_q != '0))
    else $error("mmf_axi_write_master: w_last disagrees with the burst's beat count");
  w_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      w_valid_o && !w_ready_i |=> w_valid_o)
    else $error("mmf_axi_write_master: W valid dropped while stalled");
`endif

endmodule

// SPDX-License-Identifier: Apache-2.0
// AXI4 write master for streams: each command writes `beats` data beats from the data stream to
// a beat-aligned byte address, as INCR bursts of at most MaxBurst beats that never cross a
// 4 KiB boundary, with up to MaxOutstanding bursts awaiting their response. `idle_o` rises once
// every response is back, so a run may end only when its writes have landed. The vector bank's
// writes (recurrent state, logits) go through one of these.
module mmf_axi_write_master #(
  parameter int unsigned DataWidth = 32,
  parameter int unsigned AddrWidth = 64,
  parameter int unsigned MaxBurst = 64,
  parameter int unsigned MaxOutstanding = 8,
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

  localparam int unsigned PageBytes = 4096;

  logic [AddrWidth-1:0] addr_q, addr_d;
  logic [31:0]          beats_q, beats_d;
  logic                 aw_valid_q, aw_valid_d;
  logic [AddrWidth-1:0] aw_addr_q, aw_addr_d;
  logic [8:0]           aw_beats_q, aw_beats_d;
  logic [OutW-1:0]      outstanding_q;   // bursts whose response is not back
  logic [8:0]           w_count_q;       // beats sent of the current burst
  logic [63:0]          bytes_q;
  logic                 error_q;

  logic [31:0]          to_page, burst;
  logic                 w_fire, b_fire, issue;
  logic                 len_valid, len_ready, len_push_ready;
  logic [8:0]           cur_beats;
  logic [OutW-1:0]      len_usage;

  assign w_fire = w_valid_o && w_ready_i;
  assign b_fire = b_valid_i && b_ready_o;

  assign to_page = (PageBytes - 32'(addr_q[11:0])) / BeatBytes;
  always_comb begin
    burst = beats_q;
    if (burst > MaxBurst) burst = MaxBurst;
    if (burst > to_page) burst = to_page;
  end

  assign cmd_ready_o = beats_q == '0 && !aw_valid_q;
  // A new burst needs a response slot and a place in the burst-length queue (a command is taken
  // only when no burst is left to issue, so the two never happen together).
  assign issue = !(aw_valid_q && !aw_ready_i) && beats_q != '0 &&
                 32'(outstanding_q) < MaxOutstanding && len_push_ready;

  always_comb begin
    addr_d = addr_q;
    beats_d = beats_q;
    aw_valid_d = aw_valid_q && !aw_ready_i;
    aw_addr_d = aw_addr_q;
    aw_beats_d = aw_beats_q;
    if (cmd_valid_i && cmd_ready_o) begin
      addr_d = cmd_addr_i;
      beats_d = cmd_beats_i;
    end else if (issue) begin
      aw_valid_d = 1'b1;
      aw_addr_d = addr_q;
      aw_beats_d = 9'(burst);
      addr_d = addr_q + AddrWidth'(burst * BeatBytes);
      beats_d = beats_q - burst;
    end
  end

  // The W side walks the bursts in AW order.
  assign w_valid_o = in_valid_i && len_valid;
  assign in_ready_o = w_ready_i && len_valid;
  assign w_data_o = in_data_i;
  assign w_strb_o = '1;
  assign w_last_o = w_count_q == cur_beats - 1'b1;
  assign len_ready = w_fire && w_last_o;
  assign b_ready_o = 1'b1;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      addr_q <= '0;
      beats_q <= '0;
      aw_valid_q <= 1'b0;
      aw_addr_q <= '0;
      aw_beats_q <= '0;
      outstanding_q <= '0;
      w_count_q <= '0;
      bytes_q <= '0;
      error_q <= 1'b0;
    end else begin
      addr_q <= addr_d;
      beats_q <= beats_d;
      aw_valid_q <= aw_valid_d;
      aw_addr_q <= aw_addr_d;
      aw_beats_q <= aw_beats_d;
      outstanding_q <= outstanding_q + OutW'(issue) - OutW'(b_fire);
      if (w_fire) begin
        w_count_q <= w_last_o ? '0 : w_count_q + 1'b1;
        bytes_q <= bytes_q + 64'(BeatBytes);
      end
      if (b_fire && b_resp_i != 2'b00) error_q <= 1'b1;
    end
  end

  mmf_fifo #(
    .Width(9),
    .Depth(MaxOutstanding)
  ) u_lengths (
    .clk_i,
    .rst_ni,
    .in_valid_i (issue),
    .in_ready_o (len_push_ready),
    .in_data_i  (9'(burst)),
    .out_valid_o(len_valid),
    .out_ready_i(len_ready),
    .out_data_o (cur_beats),
    .usage_o    (len_usage)
  );

  logic unused_usage;
  assign unused_usage = ^len_usage;

  assign aw_valid_o = aw_valid_q;
  assign aw_addr_o = aw_addr_q;
  assign aw_len_o = 8'(aw_beats_q - 1'b1);
  assign aw_size_o = 3'($clog2(BeatBytes));
  assign aw_burst_o = 2'b01;
  assign idle_o = beats_q == '0 && !aw_valid_q && outstanding_q == '0 && !len_valid;
  assign bytes_o = bytes_q;
  assign error_o = error_q;

`ifndef SYNTHESIS
  aw_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      aw_valid_o && !aw_ready_i |=> aw_valid_o && $stable(aw_addr_o) && $stable(aw_len_o))
    else $error("mmf_axi_write_master: AW changed while stalled");
  w_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      w_valid_o && !w_ready_i |=> w_valid_o)
    else $error("mmf_axi_write_master: W valid dropped while stalled");
`endif

endmodule

// SPDX-License-Identifier: Apache-2.0
// The address side shared by the streaming AXI4 masters: takes a command (beat-aligned byte
// address, beats >= 1) and issues it as INCR bursts of at most MaxBurst beats that never cross
// a 4 KiB boundary, one whenever the address channel is free and the master allows it (`allow_i`,
// judged on `burst_beats_o`, the length of the next burst). `issue_o` marks the cycle a burst is
// issued, with that length.
module mmf_axi_burst_gen #(
  parameter int unsigned BeatBytes = 4,
  parameter int unsigned AddrWidth = 64,
  parameter int unsigned MaxBurst = 64
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  input  logic                 cmd_valid_i,
  output logic                 cmd_ready_o,
  input  logic [AddrWidth-1:0] cmd_addr_i,
  input  logic [31:0]          cmd_beats_i,

  input  logic                 allow_i,
  output logic [8:0]           burst_beats_o,
  output logic                 issue_o,

  // AXI4 address channel (AR or AW).
  output logic                 a_valid_o,
  input  logic                 a_ready_i,
  output logic [AddrWidth-1:0] a_addr_o,
  output logic [7:0]           a_len_o,
  output logic [2:0]           a_size_o,
  output logic [1:0]           a_burst_o
);

  localparam int unsigned PageBytes = 4096;

  logic [AddrWidth-1:0] addr_q, addr_d;
  logic [31:0]          beats_q, beats_d;    // beats of the command not yet issued
  logic                 a_valid_q, a_valid_d;
  logic [AddrWidth-1:0] a_addr_q, a_addr_d;
  logic [8:0]           a_beats_q, a_beats_d;  // beats of the pending burst (1 .. 256)
  logic [31:0]          to_page, burst;

  // The next burst: limited by the command, MaxBurst and the 4 KiB boundary.
  assign to_page = (PageBytes - 32'(addr_q[11:0])) / BeatBytes;
  always_comb begin
    burst = beats_q;
    if (burst > MaxBurst) burst = MaxBurst;
    if (burst > to_page) burst = to_page;
  end
  assign burst_beats_o = 9'(burst);

  // A command is taken only when no burst is left to issue, so the two never coincide.
  assign cmd_ready_o = beats_q == '0 && !a_valid_q;
  assign issue_o = !(a_valid_q && !a_ready_i) && beats_q != '0 && allow_i;

  always_comb begin
    addr_d = addr_q;
    beats_d = beats_q;
    a_valid_d = a_valid_q && !a_ready_i;
    a_addr_d = a_addr_q;
    a_beats_d = a_beats_q;
    if (cmd_valid_i && cmd_ready_o) begin
      addr_d = cmd_addr_i;
      beats_d = cmd_beats_i;
    end else if (issue_o) begin
      a_valid_d = 1'b1;
      a_addr_d = addr_q;
      a_beats_d = 9'(burst);
      addr_d = addr_q + AddrWidth'(burst * BeatBytes);
      beats_d = beats_q - burst;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      addr_q <= '0;
      beats_q <= '0;
      a_valid_q <= 1'b0;
      a_addr_q <= '0;
      a_beats_q <= '0;
    end else begin
      addr_q <= addr_d;
      beats_q <= beats_d;
      a_valid_q <= a_valid_d;
      a_addr_q <= a_addr_d;
      a_beats_q <= a_beats_d;
    end
  end

  assign a_valid_o = a_valid_q;
  assign a_addr_o = a_addr_q;
  assign a_len_o = 8'(a_beats_q - 1'b1);
  assign a_size_o = 3'($clog2(BeatBytes));
  assign a_burst_o = 2'b01;  // INCR

`ifndef SYNTHESIS
  a_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      a_valid_o && !a_ready_i |=> a_valid_o && $stable(a_addr_o) && $stable(a_len_o))
    else $error("mmf_axi_burst_gen: address changed while stalled");
  aligned_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && cmd_ready_o |-> (32'(cmd_addr_i[11:0]) % BeatBytes) == 0 && cmd_beats_i != 0)
    else $error("mmf_axi_burst_gen: command not beat-aligned or empty");
`endif

endmodule

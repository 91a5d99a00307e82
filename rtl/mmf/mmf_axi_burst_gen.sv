// SPDX-License-Identifier: Apache-2.0
// The address side shared by the streaming AXI4 masters: takes a command (beat-aligned byte
// address, beats >= 1) and issues it as INCR bursts of at most MaxBurst beats that never cross
// a 4 KiB boundary, one whenever the address channel is free and the master allows it (`allow_i`,
// judged on `burst_beats_o`, the length of the next burst, from a register). `issue_o` marks the
// cycle a burst is issued, with that length.
module mmf_axi_burst_gen #(
  parameter int unsigned BeatBytes = 4,   // bytes per AXI beat
  parameter int unsigned AddrWidth = 64,  // AXI address bits
  parameter int unsigned MaxBurst = 64    // beats per burst, at most
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

  logic [AddrWidth-1:0] addr_q;
  logic [31:0]          beats_q;      // beats of the command not yet issued
  logic                 beats_zero_q; // beats_q == 0, registered: cmd_ready_o is then one LUT
                                      // after flops (it feeds the writer's idle flag and the
                                      // controller's step-done logic)
  logic [8:0]           burst_q;      // length of the next burst, valid while next_q
  logic                 next_q;       // burst_q is computed for addr_q and beats_q
  logic                 a_valid_q;
  logic [AddrWidth-1:0] a_addr_q;
  logic [8:0]           a_beats_q;    // beats of the pending burst (1 .. 256)
  logic [12:0]          to_page;
  logic [8:0]           burst_d;
  logic                 cmd_fire;

  // The next burst, computed in the cycle after a command or a burst changed addr_q/beats_q
  // and registered, so that the allow decision and the address add start from registers:
  // limited by the command, MaxBurst and the 4 KiB boundary. At most one burst every two
  // cycles, far above what a burst's data takes.
  assign to_page = 13'((PageBytes - 32'(addr_q[11:0])) / BeatBytes);
  always_comb begin
    burst_d = 9'(MaxBurst);
    if (beats_q < 32'(MaxBurst)) burst_d = 9'(beats_q);
    if (32'(burst_d) > 32'(to_page)) burst_d = 9'(to_page);
  end
  assign burst_beats_o = burst_q;

  // A command is taken only when no burst is left to issue, so the two never coincide.
  assign cmd_ready_o = beats_zero_q && !a_valid_q;
  assign cmd_fire = cmd_valid_i && cmd_ready_o;
  assign issue_o = next_q && !(a_valid_q && !a_ready_i) && allow_i;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      beats_q <= '0;
      beats_zero_q <= 1'b1;
      next_q <= 1'b0;
      a_valid_q <= 1'b0;
    end else begin
      if (a_ready_i) a_valid_q <= 1'b0;
      if (cmd_fire) begin
        beats_q <= cmd_beats_i;
        beats_zero_q <= cmd_beats_i == '0;
        next_q <= 1'b0;
      end else if (issue_o) begin
        a_valid_q <= 1'b1;
        beats_q <= beats_q - 32'(burst_q);
        beats_zero_q <= beats_q == 32'(burst_q);
        next_q <= 1'b0;
      end else begin
        next_q <= !beats_zero_q;
      end
    end
  end

  // Addresses and lengths: no reset (they are only read under a valid).
  always_ff @(posedge clk_i) begin
    if (cmd_fire) addr_q <= cmd_addr_i;
    else if (issue_o) addr_q <= addr_q + AddrWidth'(32'(burst_q) * BeatBytes);
    if (!next_q) burst_q <= burst_d;
    if (issue_o) begin
      a_addr_q <= addr_q;
      a_beats_q <= burst_q;
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
  beats_zero_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      beats_zero_q == (beats_q == '0))
    else $error("mmf_axi_burst_gen: beats_zero_q disagrees with beats_q");
  aligned_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && cmd_ready_o |-> (32'(cmd_addr_i[11:0]) % BeatBytes) == 0 && cmd_beats_i != 0)
    else $error("mmf_axi_burst_gen: command not beat-aligned or empty");
`endif

endmodule

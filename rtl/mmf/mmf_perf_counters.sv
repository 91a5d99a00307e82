// SPDX-License-Identifier: Apache-2.0
// The kernel's counters as the control slave shows them, counter k at 0x400 + 8k: the op
// counters of the HLS controller (status, ops, ternary ops, weight and vector bytes; the
// kernel's controller keeps them), the cycle counters kept here (busy, pass, vector wait,
// starved, accumulate), the vector bank's bytes and the AXI error bits, then each weight
// channel's bytes. The order is mmf_control_pkg's (generated from
// hls/include/mmf_hls/kernel_regs.hpp), which every reader of the counters follows.
module mmf_perf_counters #(
  parameter int unsigned Channels = 2,  // weight channels (memory ports)
  localparam int unsigned NumCounters = mmf_control_pkg::CntChannelBytes + Channels
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,

  // A launch: the cycle counters restart.
  input  logic                        clear_i,

  // This cycle: the controller is not idle; the slots stream a pass; a step waits on the
  // vector bank; a weight channel starves (per channel); a BitLinear accumulates.
  input  logic                        busy_i,
  input  logic                        pass_i,
  input  logic                        vec_wait_i,
  input  logic [Channels-1:0]         starved_i,
  input  logic                        acc_i,

  // The op counters, from the controller.
  input  logic [31:0]                 status_i,
  input  logic [31:0]                 ops_i,  // over all the launch's passes
  input  logic [63:0]                 ternary_ops_i,
  input  logic [63:0]                 weight_bytes_i,
  input  logic [63:0]                 vector_bytes_i,

  // The AXI masters' bytes and error bits.
  input  logic [63:0]                 vec_read_bytes_i,
  input  logic [63:0]                 vec_write_bytes_i,
  input  logic                        vec_read_error_i,
  input  logic                        vec_write_error_i,
  input  logic [Channels-1:0]         ch_error_i,
  input  logic [64*Channels-1:0]      ch_bytes_i,

  output logic [64*NumCounters-1:0]   counters_o
);

  logic [63:0] busy_q, pass_q, vec_wait_q, starve_q, acc_q;

  always_ff @(posedge clk_i) begin : cycle_counters
    if (!rst_ni) begin
      busy_q <= '0;
      pass_q <= '0;
      vec_wait_q <= '0;
      starve_q <= '0;
      acc_q <= '0;
    end else if (clear_i) begin
      busy_q <= '0;
      pass_q <= '0;
      vec_wait_q <= '0;
      starve_q <= '0;
      acc_q <= '0;
    end else begin
      if (busy_i) busy_q <= busy_q + 1;
      if (pass_i) pass_q <= pass_q + 1;
      if (vec_wait_i) vec_wait_q <= vec_wait_q + 1;
      if (|starved_i) starve_q <= starve_q + 1;
      if (acc_i) acc_q <= acc_q + 1;
    end
  end

  always_comb begin
    counters_o = '0;
    counters_o[64*mmf_control_pkg::CntStatus +: 64] = 64'(status_i);
    counters_o[64*mmf_control_pkg::CntOpsDone +: 64] = 64'(ops_i);
    counters_o[64*mmf_control_pkg::CntTernaryOps +: 64] = ternary_ops_i;
    counters_o[64*mmf_control_pkg::CntWeightBytes +: 64] = weight_bytes_i;
    counters_o[64*mmf_control_pkg::CntVectorBytes +: 64] = vector_bytes_i;
    counters_o[64*mmf_control_pkg::CntBusyCycles +: 64] = busy_q;
    counters_o[64*mmf_control_pkg::CntPassCycles +: 64] = pass_q;
    counters_o[64*mmf_control_pkg::CntVecWaitCycles +: 64] = vec_wait_q;
    counters_o[64*mmf_control_pkg::CntStarvedCycles +: 64] = starve_q;
    counters_o[64*mmf_control_pkg::CntAccumulateCycles +: 64] = acc_q;
    counters_o[64*mmf_control_pkg::CntVecReadBytes +: 64] = vec_read_bytes_i;
    counters_o[64*mmf_control_pkg::CntVecWriteBytes +: 64] = vec_write_bytes_i;
    counters_o[64*mmf_control_pkg::CntAxiErrors +: 64] =
        64'({vec_write_error_i, vec_read_error_i, ch_error_i});
    for (int unsigned c = 0; c < Channels; c++) begin
      counters_o[64*(mmf_control_pkg::CntChannelBytes+c) +: 64] = ch_bytes_i[64*c +: 64];
    end
  end

endmodule

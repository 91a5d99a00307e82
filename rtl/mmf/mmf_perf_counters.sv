// SPDX-License-Identifier: Apache-2.0
// The kernel's counters as the control slave shows them, counter k at 0x400 + 8k: the op
// counters of the HLS controller (status, ops, ternary ops, weight and vector bytes; the
// kernel's controller keeps them), the cycle counters kept here (busy, pass, vector wait,
// starved, accumulate), the vector bank's bytes and the AXI error bits, then each weight
// channel's bytes. The order is KernelRegisters' (sim/include/mmf/sim/kernel_sim.hpp).
module mmf_perf_counters #(
  parameter int unsigned Channels = 2,
  localparam int unsigned CntStatus = 0,
  localparam int unsigned CntOps = 1,
  localparam int unsigned CntTernaryOps = 2,
  localparam int unsigned CntWeightBytes = 3,
  localparam int unsigned CntVectorBytes = 4,
  localparam int unsigned CntBusy = 5,
  localparam int unsigned CntPass = 6,
  localparam int unsigned CntVecWait = 7,
  localparam int unsigned CntStarve = 8,
  localparam int unsigned CntAcc = 9,
  localparam int unsigned CntVecReadBytes = 10,
  localparam int unsigned CntVecWriteBytes = 11,
  localparam int unsigned CntErrors = 12,
  localparam int unsigned CntChannelBytes = 13,  // channel c at CntChannelBytes + c
  localparam int unsigned NumCounters = CntChannelBytes + Channels
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
    counters_o[64*CntStatus +: 64] = 64'(status_i);
    counters_o[64*CntOps +: 64] = 64'(ops_i);
    counters_o[64*CntTernaryOps +: 64] = ternary_ops_i;
    counters_o[64*CntWeightBytes +: 64] = weight_bytes_i;
    counters_o[64*CntVectorBytes +: 64] = vector_bytes_i;
    counters_o[64*CntBusy +: 64] = busy_q;
    counters_o[64*CntPass +: 64] = pass_q;
    counters_o[64*CntVecWait +: 64] = vec_wait_q;
    counters_o[64*CntStarve +: 64] = starve_q;
    counters_o[64*CntAcc +: 64] = acc_q;
    counters_o[64*CntVecReadBytes +: 64] = vec_read_bytes_i;
    counters_o[64*CntVecWriteBytes +: 64] = vec_write_bytes_i;
    counters_o[64*CntErrors +: 64] = 64'({vec_write_error_i, vec_read_error_i, ch_error_i});
    for (int unsigned c = 0; c < Channels; c++) begin
      counters_o[64*(CntChannelBytes+c) +: 64] = ch_bytes_i[64*c +: 64];
    end
  end

endmodule

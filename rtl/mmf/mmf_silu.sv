// SPDX-License-Identifier: Apache-2.0
// SiLU and sigmoid of Lanes Q16 values per cycle, one register stage (the activation block of
// the MLGRU and GLU units; golden: mmf::fx::silu_q16, sigmoid_q16).
module mmf_silu #(
  parameter int unsigned Lanes = 4
) (
  input  logic              clk_i,
  input  logic              rst_ni,

  input  logic              in_valid_i,
  output logic              in_ready_o,
  input  logic [32*Lanes-1:0] in_data_i,     // lane k: Q16 in bits [32k+31:32k]

  output logic              out_valid_o,
  input  logic              out_ready_i,
  output logic [32*Lanes-1:0] out_silu_o,    // lane k: Q16
  output logic [17*Lanes-1:0] out_sigmoid_o  // lane k: Q0.16 in bits [17k+16:17k]
);

  logic [32*Lanes-1:0] silu;
  logic [17*Lanes-1:0] sigmoid;

  for (genvar k = 0; k < Lanes; k++) begin : gen_lanes
    assign silu[32*k +: 32] = mmf_numerics_pkg::silu_q16(in_data_i[32*k +: 32]);
    assign sigmoid[17*k +: 17] = mmf_numerics_pkg::sigmoid_q16(in_data_i[32*k +: 32]);
  end

  mmf_pipe_reg #(
    .Width(49 * Lanes)
  ) u_out (
    .clk_i,
    .rst_ni,
    .in_valid_i,
    .in_ready_o,
    .in_data_i  ({sigmoid, silu}),
    .out_valid_o,
    .out_ready_i,
    .out_data_o ({out_sigmoid_o, out_silu_o})
  );

endmodule

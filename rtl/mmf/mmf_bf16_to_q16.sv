// SPDX-License-Identifier: Apache-2.0
// Embedding conversion: Lanes bfloat16 values per beat to Q16 (numerics.hpp bf16_to_q16), one
// register stage. The Embed op streams the token's embedding row through it.
module mmf_bf16_to_q16 #(
  parameter int unsigned Lanes = 2
) (
  input  logic                clk_i,
  input  logic                rst_ni,

  input  logic                in_valid_i,
  output logic                in_ready_o,
  input  logic [16*Lanes-1:0] in_data_i,   // lane k: bf16 bits in [16k+15:16k]

  output logic                out_valid_o,
  input  logic                out_ready_i,
  output logic [32*Lanes-1:0] out_data_o   // lane k: Q16
);

  logic [32*Lanes-1:0] q16;

  for (genvar k = 0; k < Lanes; k++) begin : gen_lanes
    assign q16[32*k +: 32] = mmf_numerics_pkg::bf16_to_q16(in_data_i[16*k +: 16]);
  end

  mmf_pipe_reg #(
    .Width(32 * Lanes)
  ) u_out (
    .clk_i,
    .rst_ni,
    .in_valid_i,
    .in_ready_o,
    .in_data_i  (q16),
    .out_valid_o,
    .out_ready_i,
    .out_data_o
  );

endmodule

// SPDX-License-Identifier: Apache-2.0
// Residual add unit (mirrors hls/include/mmf_hls/residual_add.hpp): x + a per lane, saturated to
// int32, VectorLanes values per beat; the x and a streams advance together; one register stage.
module mmf_residual_add #(
  parameter int unsigned VectorLanes = 4  // int32 values per beat
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [32*VectorLanes-1:0] in_x_i,
  input  logic [32*VectorLanes-1:0] in_a_i,

  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [32*VectorLanes-1:0] out_data_o
);

  logic [32*VectorLanes-1:0] sum;

  for (genvar k = 0; k < VectorLanes; k++) begin : gen_lanes
    assign sum[32*k +: 32] = mmf_numerics_pkg::saturate32(64'(signed'(in_x_i[32*k +: 32])) +
                                                         64'(signed'(in_a_i[32*k +: 32])));
  end

  mmf_pipe_reg #(
    .Width(32 * VectorLanes)
  ) u_out (
    .clk_i,
    .rst_ni,
    .in_valid_i,
    .in_ready_o,
    .in_data_i  (sum),
    .out_valid_o,
    .out_ready_i,
    .out_data_o
  );

endmodule

// SPDX-License-Identifier: Apache-2.0
// Residual add unit (mirrors hls/include/mmf_hls/residual_add.hpp): x + a per lane, saturated to
// int32, Lanes values per beat; the x and a streams advance together; one register stage.
module mmf_residual_add #(
  parameter int unsigned Lanes = 4
) (
  input  logic                clk_i,
  input  logic                rst_ni,

  input  logic                in_valid_i,
  output logic                in_ready_o,
  input  logic [32*Lanes-1:0] in_x_i,
  input  logic [32*Lanes-1:0] in_a_i,

  output logic                out_valid_o,
  input  logic                out_ready_i,
  output logic [32*Lanes-1:0] out_data_o
);

  logic                valid_q;
  logic [32*Lanes-1:0] sum_q, sum_d;

  always_comb begin
    for (int unsigned k = 0; k < Lanes; k++) begin
      sum_d[32*k +: 32] = mmf_numerics_pkg::saturate32(64'(signed'(in_x_i[32*k +: 32])) +
                                                      64'(signed'(in_a_i[32*k +: 32])));
    end
  end

  assign in_ready_o = !valid_q || out_ready_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
      sum_q <= '0;
    end else if (in_ready_o) begin
      valid_q <= in_valid_i;
      if (in_valid_i) sum_q <= sum_d;
    end
  end

  assign out_valid_o = valid_q;
  assign out_data_o = sum_q;

endmodule

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

  logic                valid_q;
  logic [32*Lanes-1:0] silu_q, silu_d;
  logic [17*Lanes-1:0] sigmoid_q, sigmoid_d;

  always_comb begin
    for (int unsigned k = 0; k < Lanes; k++) begin
      silu_d[32*k +: 32] = mmf_numerics_pkg::silu_q16(in_data_i[32*k +: 32]);
      sigmoid_d[17*k +: 17] = mmf_numerics_pkg::sigmoid_q16(in_data_i[32*k +: 32]);
    end
  end

  // A pipeline register: takes a new value when empty or when its value leaves.
  assign in_ready_o = !valid_q || out_ready_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
      silu_q <= '0;
      sigmoid_q <= '0;
    end else if (in_ready_o) begin
      valid_q <= in_valid_i;
      if (in_valid_i) begin
        silu_q <= silu_d;
        sigmoid_q <= sigmoid_d;
      end
    end
  end

  assign out_valid_o = valid_q;
  assign out_silu_o = silu_q;
  assign out_sigmoid_o = sigmoid_q;

endmodule

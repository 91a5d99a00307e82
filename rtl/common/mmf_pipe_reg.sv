// SPDX-License-Identifier: Apache-2.0
// One register stage of a valid/ready stream: full throughput, data held while stalled. The
// element-wise units compute combinationally and put one of these behind.
module mmf_pipe_reg #(
  parameter int unsigned Width = 32  // bits of the payload
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  input  logic             in_valid_i,
  output logic             in_ready_o,
  input  logic [Width-1:0] in_data_i,

  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [Width-1:0] out_data_o
);

  logic             valid_q;
  logic [Width-1:0] data_q;

  // Takes a new value when empty or when its value leaves this cycle.
  assign in_ready_o = !valid_q || out_ready_i;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
    end else if (in_ready_o) begin
      valid_q <= in_valid_i;
    end
  end

  // Data only: no reset (read under valid_q), so the register keeps no reset net (UG949).
  always_ff @(posedge clk_i) begin
    if (in_ready_o && in_valid_i) data_q <= in_data_i;
  end

  assign out_valid_o = valid_q;
  assign out_data_o = data_q;

`ifndef SYNTHESIS
  out_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> out_valid_o && $stable(out_data_o))
    else $error("mmf_pipe_reg: output changed while stalled");
`endif

endmodule

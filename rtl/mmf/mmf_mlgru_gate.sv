// SPDX-License-Identifier: Apache-2.0
// Element-wise half of the MLGRU unit (mirrors the first loop of hls/include/mmf_hls/mlgru.hpp):
// per channel, f = sigmoid(f_pre), raised by the layer's lower bound when there is one
// (f = lb + (1 - lb) f), state = f * state + (1 - f) * silu(i_pre), and silu(state). Lanes
// channels per beat, one register stage. The o_proj input is the block-scaled product of g and
// silu(state) (mmf_scaled_products), which needs the whole vector first.
module mmf_mlgru_gate #(
  parameter int unsigned Lanes = 4
) (
  input  logic                clk_i,
  input  logic                rst_ni,

  // Per beat: i_pre, f_pre, state (Q16) and lower bound (Q0.16, 17 bits used) of Lanes channels;
  // has_lb is constant over a vector (0 for layer 0).
  input  logic                in_valid_i,
  output logic                in_ready_o,
  input  logic [32*Lanes-1:0] in_i_i,
  input  logic [32*Lanes-1:0] in_f_i,
  input  logic [32*Lanes-1:0] in_state_i,
  input  logic [32*Lanes-1:0] in_lb_i,
  input  logic                in_has_lb_i,

  output logic                out_valid_o,
  input  logic                out_ready_i,
  output logic [32*Lanes-1:0] out_state_o,
  output logic [32*Lanes-1:0] out_silu_o
);

  localparam logic signed [63:0] One = 64'sd1 <<< mmf_numerics_pkg::GateFrac;

  logic [32*Lanes-1:0] state_d, silu_d;

  // The new state of one channel.
  function automatic logic [31:0] next_state(input logic [31:0] i_pre, input logic [31:0] f_pre,
                                             input logic [31:0] state, input logic [31:0] lb,
                                             input logic has_lb);
    logic signed [63:0] f, lower, input_term;
    lower = 64'(lb);
    f = 64'(mmf_numerics_pkg::sigmoid_q16(f_pre));
    if (has_lb) begin
      f = lower + mmf_numerics_pkg::shift_round((One - lower) * f, mmf_numerics_pkg::GateFrac);
    end
    input_term = mmf_numerics_pkg::shift_round(64'(mmf_numerics_pkg::silu_q16(i_pre)) * (One - f),
                                               mmf_numerics_pkg::GateFrac);
    next_state = mmf_numerics_pkg::saturate32(
        mmf_numerics_pkg::shift_round(f * 64'(signed'(state)), mmf_numerics_pkg::GateFrac) +
        input_term);
  endfunction

  for (genvar k = 0; k < Lanes; k++) begin : gen_lanes
    assign state_d[32*k +: 32] = next_state(in_i_i[32*k +: 32], in_f_i[32*k +: 32],
                                            in_state_i[32*k +: 32], in_lb_i[32*k +: 32],
                                            in_has_lb_i);
    assign silu_d[32*k +: 32] = mmf_numerics_pkg::silu_q16(state_d[32*k +: 32]);
  end

  mmf_pipe_reg #(
    .Width(64 * Lanes)
  ) u_out (
    .clk_i,
    .rst_ni,
    .in_valid_i,
    .in_ready_o,
    .in_data_i  ({silu_d, state_d}),
    .out_valid_o,
    .out_ready_i,
    .out_data_o ({out_silu_o, out_state_o})
  );

endmodule

// SPDX-License-Identifier: Apache-2.0
// Rescale unit, the back of a BitLinear (mirrors combine_scales + rescale_rows of
// hls/include/mmf_hls/rescale.hpp): one multiplier per BitLinear from the token scale and the
// tensor constant, then each row sum times it, rounded and saturated to Q16, one per beat.
module mmf_rescale (
  input  logic               clk_i,
  input  logic               rst_ni,

  // Job: the token scale (from mmf_norm_quantize) and the tensor constant (descriptor), each
  // mant * 2^exp, and the number of rows that follow.
  input  logic               job_valid_i,
  output logic               job_ready_o,
  input  logic [31:0]        job_token_mant_i,
  input  logic signed [15:0] job_token_exp_i,
  input  logic [31:0]        job_const_mant_i,
  input  logic signed [15:0] job_const_exp_i,
  input  logic [24:0]        job_rows_i,

  input  logic               in_valid_i,
  output logic               in_ready_o,
  input  logic [31:0]        in_data_i,   // row sum (int32)

  output logic               out_valid_o,
  input  logic               out_ready_i,
  output logic [31:0]        out_data_o   // Q16
);

  typedef enum logic [1:0] {
    StIdle,
    StCombine,  // one cycle: the multiplier
    StRun
  } state_e;

  state_e      state_q, state_d;
  logic [79:0] token_q, token_d, const_q, const_d, scale_q, scale_d;
  logic [24:0] rows_q, rows_d;
  logic        out_valid_q, out_valid_d;
  logic [31:0] out_q, out_d;
  logic        in_fire;

  assign in_fire = in_valid_i && in_ready_o;
  assign job_ready_o = state_q == StIdle;
  assign in_ready_o = state_q == StRun && (!out_valid_q || out_ready_i);

  always_comb begin
    state_d = state_q;
    token_d = token_q;
    const_d = const_q;
    scale_d = scale_q;
    rows_d = rows_q;
    out_valid_d = out_valid_q && !out_ready_i;
    out_d = out_q;
    unique case (state_q)
      StIdle: begin
        if (job_valid_i) begin
          token_d = mmf_numerics_pkg::scaled(64'(job_token_mant_i), job_token_exp_i);
          const_d = mmf_numerics_pkg::scaled(64'(job_const_mant_i), job_const_exp_i);
          rows_d = job_rows_i;
          state_d = StCombine;
        end
      end
      StCombine: begin
        scale_d = mmf_numerics_pkg::combine_scales(token_q, const_q);
        state_d = rows_q == '0 ? StIdle : StRun;
      end
      StRun: begin
        if (in_fire) begin
          out_d = mmf_numerics_pkg::apply_scale(in_data_i, scale_q);
          out_valid_d = 1'b1;
          rows_d = rows_q - 1'b1;
          if (rows_q == 1) state_d = StIdle;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      token_q <= '0;
      const_q <= '0;
      scale_q <= '0;
      rows_q <= '0;
      out_valid_q <= 1'b0;
      out_q <= '0;
    end else begin
      state_q <= state_d;
      token_q <= token_d;
      const_q <= const_d;
      scale_q <= scale_d;
      rows_q <= rows_d;
      out_valid_q <= out_valid_d;
      out_q <= out_d;
    end
  end

  assign out_valid_o = out_valid_q;
  assign out_data_o = out_q;

endmodule

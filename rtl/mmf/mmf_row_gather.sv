// SPDX-License-Identifier: Apache-2.0
// The channels' results back in row order, Channels rows per beat: beat j carries row
// j*Channels + c from channel c (rows are dealt to channel r mod Channels), ceil(rows /
// Channels) beats, lanes past the last row zero. The wide counterpart of mmf_row_merge: a
// beat per cycle keeps up with every channel finishing a row at once.
module mmf_row_gather #(
  parameter int unsigned Channels = 2,
  localparam int unsigned RowCountW = $clog2(mmf_format_pkg::MaxRows + 1)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   job_valid_i,
  output logic                   job_ready_o,
  input  logic [RowCountW-1:0]   job_rows_i,

  input  logic [Channels-1:0]    in_valid_i,
  output logic [Channels-1:0]    in_ready_o,
  input  logic [32*Channels-1:0] in_data_i,

  output logic                   out_valid_o,
  input  logic                   out_ready_i,
  output logic [32*Channels-1:0] out_data_o,
  output logic                   out_last_o
);

  logic [RowCountW-1:0] left_q;   // rows not yet sent
  logic [Channels-1:0]  present;  // channels with a row in this beat

  always_comb begin
    for (int unsigned c = 0; c < Channels; c++) begin
      present[c] = 32'(left_q) > c;
      out_data_o[32*c +: 32] = present[c] ? in_data_i[32*c +: 32] : '0;
    end
  end

  assign job_ready_o = left_q == '0;
  assign out_valid_o = left_q != '0 && (in_valid_i & present) == present;
  assign out_last_o = 32'(left_q) <= Channels;
  assign in_ready_o = (out_valid_o && out_ready_i) ? present : '0;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      left_q <= '0;
    end else if (job_valid_i && job_ready_o) begin
      left_q <= job_rows_i;
    end else if (out_valid_o && out_ready_i) begin
      left_q <= out_last_o ? '0 : left_q - RowCountW'(Channels);
    end
  end

endmodule

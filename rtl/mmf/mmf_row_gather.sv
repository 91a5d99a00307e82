// SPDX-License-Identifier: Apache-2.0
// The channels' results back in row order, Channels rows per beat: beat j carries row
// j*Channels + c from channel c (rows are dealt to channel r mod Channels), ceil(rows /
// Channels) beats, lanes past the last row zero. The wide counterpart of mmf_row_merge: a
// beat per cycle keeps up with every channel finishing a row at once.
module mmf_row_gather #(
  parameter int unsigned Channels = 2,  // weight channels (memory ports)
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

  // The channels with a row in this beat and whether it is the last are registered with the
  // count, from its next value: decoded from left_q they were a compare after the register
  // and 7 LUT levels into the datapath's gearbox (ci-tiny's flattened top). present_q[0] is
  // left_q != 0.
  logic [RowCountW-1:0] left_q, left_d;  // rows not yet sent
  logic [Channels-1:0]  present_q, present_d;
  logic                 last_q, last_d;
  logic                 take_job, fire;

  assign job_ready_o = !present_q[0];
  assign take_job = job_valid_i && job_ready_o;
  assign out_valid_o = present_q[0] && (in_valid_i & present_q) == present_q;
  assign fire = out_valid_o && out_ready_i;
  assign out_last_o = last_q;
  assign in_ready_o = fire ? present_q : '0;

  always_comb begin
    left_d = left_q;
    if (take_job) left_d = job_rows_i;
    else if (fire) left_d = last_q ? '0 : left_q - RowCountW'(Channels);
    for (int unsigned c = 0; c < Channels; c++) present_d[c] = 32'(left_d) > c;
    last_d = 32'(left_d) <= Channels;
    for (int unsigned c = 0; c < Channels; c++) begin
      out_data_o[32*c +: 32] = present_q[c] ? in_data_i[32*c +: 32] : '0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      left_q <= '0;
      present_q <= '0;
      last_q <= 1'b1;  // left_q = 0 <= Channels, as decoded before
    end else begin
      left_q <= left_d;
      present_q <= present_d;
      last_q <= last_d;
    end
  end

endmodule

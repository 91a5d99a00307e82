// SPDX-License-Identifier: Apache-2.0
// Puts the row sums of the weight channels back in row order (mirrors merge_rows of
// hls/include/mmf_hls/ternary_accumulate.hpp): row r comes from channel r mod Channels. A
// multiplexer with a row counter; no storage.
module mmf_row_merge #(
  parameter int unsigned Channels = 2,  // weight channels (memory ports)
  localparam int unsigned SelW = (Channels > 1) ? $clog2(Channels) : 1,
  localparam int unsigned RowCountW = $clog2(mmf_format_pkg::MaxRows + 1)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  // Job: the rows of one BitLinear (may be 0).
  input  logic                   job_valid_i,
  output logic                   job_ready_o,
  input  logic [RowCountW-1:0]   job_rows_i,

  // One sum stream per channel: channel c in bit c / bits [32c+31:32c].
  input  logic [Channels-1:0]    in_valid_i,
  output logic [Channels-1:0]    in_ready_o,
  input  logic [32*Channels-1:0] in_data_i,

  output logic                   out_valid_o,
  input  logic                   out_ready_i,
  output logic [31:0]            out_data_o
);

  logic                 busy_q;
  logic [RowCountW-1:0] rows_q;
  logic [SelW-1:0]      sel_q;
  logic                 fire;

  assign job_ready_o = !busy_q;
  assign out_valid_o = busy_q && in_valid_i[sel_q];
  assign out_data_o = in_data_i[32*sel_q +: 32];
  assign fire = out_valid_o && out_ready_i;
  always_comb begin
    in_ready_o = '0;
    in_ready_o[sel_q] = busy_q && out_ready_i;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      rows_q <= '0;
      sel_q <= '0;
    end else if (!busy_q) begin
      if (job_valid_i && job_rows_i != '0) begin
        busy_q <= 1'b1;
        rows_q <= job_rows_i;
        sel_q <= '0;
      end
    end else if (fire) begin
      sel_q <= (32'(sel_q) == Channels - 1) ? '0 : sel_q + 1'b1;
      rows_q <= rows_q - 1'b1;
      if (rows_q == 1) busy_q <= 1'b0;
    end
  end

endmodule

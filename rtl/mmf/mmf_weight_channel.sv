// SPDX-License-Identifier: Apache-2.0
// One weight channel of the accelerator (mirrors channel_matvec of
// hls/include/mmf_hls/ternary_accumulate.hpp): an AXI4 streaming read master feeding a ternary
// accumulate unit. A job names the channel's rows of one BitLinear (the host compiler lays them
// out contiguously per channel); the read starts as soon as the job is taken, while the codes
// may still be on their way, so memory latency overlaps code loading.
module mmf_weight_channel #(
  parameter int unsigned Lanes = 16,
  parameter int unsigned MaxRowWords = 1024,
  parameter int unsigned AddrWidth = 64,
  parameter int unsigned MaxBurst = 64,
  parameter int unsigned FifoDepth = 256,
  localparam int unsigned DataWidth = 2 * Lanes,
  localparam int unsigned WordIdxW = $clog2(MaxRowWords + 1),
  localparam int unsigned RowCountW = $clog2(mmf_format_pkg::MaxRows + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // Job: the channel's rows (may be 0), words per row, and the byte address of its first word.
  input  logic                 job_valid_i,
  output logic                 job_ready_o,
  input  logic [AddrWidth-1:0] job_addr_i,
  input  logic [RowCountW-1:0] job_rows_i,
  input  logic [WordIdxW-1:0]  job_row_words_i,

  input  logic                 code_valid_i,
  output logic                 code_ready_o,
  input  logic [8*Lanes-1:0]   code_data_i,

  output logic                 sum_valid_o,
  input  logic                 sum_ready_i,
  output logic [31:0]          sum_data_o,

  output logic                 ar_valid_o,
  input  logic                 ar_ready_i,
  output logic [AddrWidth-1:0] ar_addr_o,
  output logic [7:0]           ar_len_o,
  output logic [2:0]           ar_size_o,
  output logic [1:0]           ar_burst_o,
  input  logic                 r_valid_i,
  output logic                 r_ready_o,
  input  logic [DataWidth-1:0] r_data_i,
  input  logic                 r_last_i,
  input  logic [1:0]           r_resp_i,

  output logic [63:0]          bytes_o,
  output logic                 error_o
);

  logic                 cmd_valid, cmd_ready, acc_job_ready;
  logic [31:0]          beats;
  logic                 weight_valid, weight_ready;
  logic [DataWidth-1:0] weight_data;

  // The job goes to both the reader and the accumulator; a job without rows reads nothing.
  assign beats = 32'(job_rows_i) * 32'(job_row_words_i);
  assign cmd_valid = job_valid_i && acc_job_ready && beats != 0;
  assign job_ready_o = acc_job_ready && (cmd_ready || beats == 0);

  mmf_axi_read_master #(
    .DataWidth(DataWidth),
    .AddrWidth(AddrWidth),
    .MaxBurst (MaxBurst),
    .FifoDepth(FifoDepth)
  ) u_reader (
    .clk_i,
    .rst_ni,
    .cmd_valid_i(cmd_valid),
    .cmd_ready_o(cmd_ready),
    .cmd_addr_i (job_addr_i),
    .cmd_beats_i(beats),
    .out_valid_o(weight_valid),
    .out_ready_i(weight_ready),
    .out_data_o (weight_data),
    .ar_valid_o,
    .ar_ready_i,
    .ar_addr_o,
    .ar_len_o,
    .ar_size_o,
    .ar_burst_o,
    .r_valid_i,
    .r_ready_o,
    .r_data_i,
    .r_last_i,
    .r_resp_i,
    .bytes_o,
    .error_o
  );

  mmf_ternary_acc #(
    .Lanes      (Lanes),
    .MaxRowWords(MaxRowWords)
  ) u_acc (
    .clk_i,
    .rst_ni,
    .job_valid_i    (job_valid_i && (cmd_ready || beats == 0)),
    .job_ready_o    (acc_job_ready),
    .job_rows_i,
    .job_row_words_i,
    .code_valid_i,
    .code_ready_o,
    .code_data_i,
    .weight_valid_i (weight_valid),
    .weight_ready_o (weight_ready),
    .weight_data_i  (weight_data),
    .sum_valid_o,
    .sum_ready_i,
    .sum_data_o
  );

endmodule

// SPDX-License-Identifier: Apache-2.0
// Vector-bank reader: a command names `n` 32-bit words at word index `addr` of the bank (any
// alignment); the words come out VectorLanes per beat from lane 0, ceil(n / VectorLanes) beats,
// tail lanes of the last beat unspecified. Reads whole aligned beats in bursts
// (mmf_axi_read_master) and realigns them (mmf_stream_align). One command at a time.
module mmf_vec_reader #(
  parameter int unsigned VectorLanes = 4,  // 32-bit words per AXI beat
  parameter int unsigned AddrWidth = 64,   // AXI address bits
  parameter int unsigned MaxBurst = 16,    // beats per burst, at most
  parameter int unsigned FifoDepth = 64,   // beats of read buffering
  localparam int unsigned DataWidth = 32 * VectorLanes,
  localparam int unsigned OffW = (VectorLanes > 1) ? $clog2(VectorLanes) : 1
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  input  logic [AddrWidth-1:0] base_i,      // byte address of word 0 (the `vec` pointer)

  input  logic                 cmd_valid_i,
  output logic                 cmd_ready_o,
  input  logic [31:0]          cmd_addr_i,  // word index
  input  logic [31:0]          cmd_n_i,     // >= 1

  output logic                 out_valid_o,
  input  logic                 out_ready_i,
  output logic [DataWidth-1:0] out_data_o,

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

  localparam int unsigned BeatBytesU = DataWidth / 8;
  localparam logic [AddrWidth-1:0] BeatBytes = AddrWidth'(BeatBytesU);

  logic [OffW-1:0]      off;
  logic [31:0]          first_beat, beats;
  logic                 read_ready, align_ready;
  logic                 beat_valid, beat_ready;
  logic [DataWidth-1:0] beat_data;

  assign off = OffW'(cmd_addr_i % VectorLanes);
  assign first_beat = cmd_addr_i / VectorLanes;
  assign beats = (32'(off) + cmd_n_i + VectorLanes - 1) / VectorLanes;
  assign cmd_ready_o = read_ready && align_ready;

  mmf_axi_read_master #(
    .DataWidth(DataWidth),
    .AddrWidth(AddrWidth),
    .MaxBurst (MaxBurst),
    .FifoDepth(FifoDepth)
  ) u_read (
    .clk_i,
    .rst_ni,
    .cmd_valid_i(cmd_valid_i && align_ready),
    .cmd_ready_o(read_ready),
    .cmd_addr_i (base_i + AddrWidth'(first_beat) * BeatBytes),
    .cmd_beats_i(beats),
    .cmd_packed_i     (1'b0),  // vectors are never packed
    .cmd_block_words_i('0),
    .cmd_block_beats_i('0),
    .out_valid_o(beat_valid),
    .out_ready_i(beat_ready),
    .out_data_o (beat_data),
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

  mmf_stream_align #(
    .Width(32),
    .VectorLanes(VectorLanes)
  ) u_align (
    .clk_i,
    .rst_ni,
    .job_valid_i(cmd_valid_i && read_ready),
    .job_ready_o(align_ready),
    .job_off_i  (off),
    .job_n_i    (cmd_n_i),
    .in_valid_i (beat_valid),
    .in_ready_o (beat_ready),
    .in_data_i  (beat_data),
    .out_valid_o,
    .out_ready_i,
    .out_data_o
  );

endmodule

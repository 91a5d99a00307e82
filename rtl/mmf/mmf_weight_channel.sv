// SPDX-License-Identifier: Apache-2.0
// One weight channel of the accelerator (mirrors channel_matvec of
// hls/include/mmf_hls/ternary_accumulate.hpp): an AXI4 streaming read master feeding a ternary
// accumulate unit. Reading and accumulating are decoupled: a read command (the channel's words
// of one BitLinear, laid out contiguously by the host compiler) may be given long before the
// matching accumulate job, so the weights stream into the read FIFO while the vector units
// still work on the codes. The FIFO is the only buffer between memory and the accumulator.
// Built with FiveTrit, the channel also reads 1.6-bit tensors: an unpacker (mmf_weight_unpack)
// at the memory port, inside the read master, decodes a packed command's row blocks into the
// 2-bit words the FIFO holds, so the accumulator takes a word a cycle from the FIFO whatever the
// packing, and the vector work between BitLinears is covered by words, not beats.
module mmf_weight_channel #(
  parameter int unsigned Lanes = 16,          // trits per weight word (accelerator.lanes)
  parameter int unsigned TileRows = 1,        // a weight word is TileRows rows x Lanes / TileRows
  parameter int unsigned MaxRowWords = 1024,  // weight words of a row block, at most
  parameter int unsigned AddrWidth = 64,      // AXI address bits
  parameter int unsigned MaxBurst = 64,       // beats per burst, at most
  parameter int unsigned FifoDepth = 256,     // weight words of FIFO
  parameter logic FifoUltraRam = 1'b0,        // the FIFO in UltraRAM (prim_ram_1r1w)
  // 1: the channel decodes 1.6-bit jobs too (mmf_build_pkg::FiveTrit).
  parameter bit FiveTrit = 1'b0,
  localparam int unsigned DataWidth = 2 * Lanes,
  localparam int unsigned Cols = Lanes / TileRows,
  localparam int unsigned WordIdxW = $clog2(MaxRowWords + 1),
  localparam int unsigned RowCountW = $clog2(mmf_format_pkg::MaxRows + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // Read command: `beats` (>= 1) beats of a weight word's width from byte address `addr` (the
  // job's words, or its 1.6-bit beats: WeightTile::read_units). With FiveTrit, its packing and
  // for 1.6-bit its row blocks' words and beats (ceil(4 words / 5)).
  input  logic                 cmd_valid_i,
  output logic                 cmd_ready_o,
  input  logic [AddrWidth-1:0] cmd_addr_i,
  input  logic [31:0]          cmd_beats_i,
  input  logic                 cmd_packed_i,
  input  logic [WordIdxW-1:0]  cmd_block_words_i,
  input  logic [WordIdxW-1:0]  cmd_block_beats_i,

  // Accumulate job: the channel's rows of one BitLinear (may be 0), words per row block and
  // packing (1: 1.6-bit, only with FiveTrit); it takes ceil(rows / TileRows) * words weight
  // words of the commands' data (decoded already when packed), in command order.
  input  logic                 job_valid_i,
  output logic                 job_ready_o,
  input  logic [RowCountW-1:0] job_rows_i,
  input  logic [WordIdxW-1:0]  job_row_words_i,
  input  logic                 job_packed_i,

  input  logic                 code_valid_i,
  output logic                 code_ready_o,
  input  logic [8*Cols-1:0]    code_data_i,

  output logic                 sum_valid_o,
  input  logic                 sum_ready_i,
  output logic [31:0]          sum_data_o,

  // Raw words (raw_i, held for a whole command's words): the FIFO's words go out here instead
  // of into the accumulator (an Embed's bf16 row from the weight channels). The controller
  // sets it only between BitLinears, when the accumulator has taken all its words.
  input  logic                 raw_i,
  output logic                 raw_valid_o,
  input  logic                 raw_ready_i,
  output logic [DataWidth-1:0] raw_data_o,

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
  output logic                 error_o,
  // The accumulator waits for a weight word that has not come (memory-bound cycle): its FIFO
  // has none for it.
  output logic                 starved_o
);

  // The words of the read master's FIFO, to the accumulator or (raw_i) out as they are.
  logic                 acc_valid, acc_ready, fifo_valid, fifo_ready;
  logic [DataWidth-1:0] acc_data;
  assign acc_valid = fifo_valid && !raw_i;
  assign raw_valid_o = fifo_valid && raw_i;
  assign raw_data_o = acc_data;
  assign fifo_ready = raw_i ? raw_ready_i : acc_ready;

  mmf_axi_read_master #(
    .DataWidth(DataWidth),
    .AddrWidth(AddrWidth),
    .MaxBurst    (MaxBurst),
    .FifoDepth   (FifoDepth),
    .FifoUltraRam(FifoUltraRam),
    .FiveTrit    (FiveTrit),
    .MaxRowWords (MaxRowWords)
  ) u_reader (
    .clk_i,
    .rst_ni,
    .cmd_valid_i,
    .cmd_ready_o,
    .cmd_addr_i,
    .cmd_beats_i,
    .cmd_packed_i,
    .cmd_block_words_i,
    .cmd_block_beats_i,
    .out_valid_o(fifo_valid),
    .out_ready_i(fifo_ready),
    .out_data_o (acc_data),
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

  // One class for every channel in the Verilated model (31 identical channels on u280): keeps
  // the generated C++ small enough to compile in minutes.
  /* verilator no_inline_module */

  assign starved_o = acc_ready && !acc_valid;

  logic unused_packed;  // the job's packing: only the assertion below reads it
  assign unused_packed = job_packed_i;

  mmf_ternary_acc #(
    .Lanes      (Lanes),
    .TileRows   (TileRows),
    .MaxRowWords(MaxRowWords)
  ) u_acc (
    .clk_i,
    .rst_ni,
    .job_valid_i,
    .job_ready_o,
    .job_rows_i,
    .job_row_words_i,
    .code_valid_i,
    .code_ready_o,
    .code_data_i,
    .weight_valid_i (acc_valid),
    .weight_ready_o (acc_ready),
    .weight_data_i  (acc_data),
    .sum_valid_o,
    .sum_ready_i,
    .sum_data_o
  );

`ifndef SYNTHESIS
  packed_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      job_valid_i && job_ready_o && job_packed_i |-> FiveTrit)
    else $error("mmf_weight_channel: a 1.6-bit job for a channel without the decoder");
`endif

endmodule

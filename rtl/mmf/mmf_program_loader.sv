// SPDX-License-Identifier: Apache-2.0
// The kernel's program loader: during the controller's load step the reader's words are
// regrouped into descriptors, each checked (mmf_descriptor_check) on its way into the descriptor
// RAM, which the controller then reads op by op. The same writes go out to the weight
// prefetcher's copy of the program. It remembers the first bad descriptor and its status code:
// the ops before it run, nothing after it.
module mmf_program_loader #(
  parameter int unsigned Lanes = 16,         // trits per weight word (accelerator.lanes)
  parameter int unsigned TileRows = 1,       // rows of a weight word's tile
  parameter int unsigned Channels = 2,       // weight channels (memory ports)
  parameter int unsigned VectorLanes = 4,    // 32-bit words per reader beat
  parameter int unsigned MaxVector = 16384,  // longest vector, in values
  parameter int unsigned MaxOps = 512,       // descriptors of a program, at most
  // 1: the channels decode 1.6-bit weights (mmf_descriptor_check's FiveTrit).
  parameter bit          FiveTrit = 1'b0,
  // Attention units and the BitNet ops the kernel runs (mmf_descriptor_check's parameters).
  parameter int unsigned MaxContext = 0,
  parameter int unsigned MaxHeadDim = 0,
  parameter logic [4:0]  BitNetOps = '0,
  parameter bit          EmbedFromWeights = 1'b0,
  localparam int unsigned VDataW = 32 * VectorLanes,
  localparam int unsigned OpW = $clog2(MaxOps + 1),
  localparam int unsigned DescWords = mmf_format_pkg::DescriptorWords,
  localparam int unsigned DescW = 32 * DescWords,
  localparam int unsigned RowCountW = $clog2(mmf_format_pkg::MaxRows + 1),
  // A checked descriptor as the descriptor RAM holds it: {rows % Channels, rows / Channels,
  // the descriptor}, the division done once by mmf_descriptor_check.
  localparam int unsigned ChkW = DescW + 2 * RowCountW
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // A launch: the launch scalars, sampled when launch_i is set.
  input  logic                 launch_i,
  input  logic [31:0]          num_ops_i,
  input  logic [31:0]          vec_words_i,
  input  logic [31:0]          weight_words_i,

  // Program words from the vector-bank reader, taken during the controller's load step
  // (load_i: its kind is KindProgram); in_last_i marks the step's last beat.
  input  logic                 load_i,
  input  logic                 in_valid_i,
  output logic                 in_ready_o,
  input  logic [VDataW-1:0]    in_data_i,
  input  logic                 in_last_i,

  // Each checked descriptor (8 cycles after its words) is one beat of the load step; those the
  // step keeps (keep_i: the first num_ops, not the padding of the last read beat) are written.
  output logic                 chk_valid_o,
  input  logic                 keep_i,

  // The writes into the descriptor RAM, for the prefetcher's copy.
  output logic                 prog_we_o,
  output logic [OpW-1:0]       prog_waddr_o,
  output logic [ChkW-1:0]      prog_wdata_o,

  // The descriptor RAM's read port: rdata_o holds op raddr_i one cycle later.
  input  logic [OpW-1:0]       raddr_i,
  output logic [ChkW-1:0]      rdata_o,

  // The first bad op (num_ops while there is none) and its status code.
  output logic [OpW-1:0]       first_bad_o,
  output logic [7:0]           bad_code_o
);

  logic [OpW-1:0] num_ops_q, load_idx_q, first_bad_q;
  logic [7:0]     bad_code_q;
  logic [31:0]    vec_words_q, weight_words_q;

  // Program load: reader beats regrouped into descriptors.
  logic             desc_valid;
  logic [DescW-1:0] desc_data;
  mmf_gearbox #(
    .Width   (32),
    .InLanes (VectorLanes),
    .OutLanes(DescWords)
  ) u_desc_box (
    .clk_i,
    .rst_ni,
    .in_valid_i (load_i && in_valid_i),
    .in_ready_o,
    .in_data_i,
    .in_last_i,
    .out_valid_o(desc_valid),
    .out_ready_i(1'b1),
    .out_data_o (desc_data)
  );

  // Each descriptor is checked on its way to the descriptor RAM and the prefetcher: the RAM,
  // the prefetcher and the first bad op all take the checker's output, 8 cycles after the
  // gearbox's (mmf_hls::kDescriptorCheckLatency).
  logic [DescW-1:0]     chk_desc;
  logic [7:0]           chk_status;
  logic [RowCountW-1:0] chk_rows_q, chk_rows_m;
  mmf_descriptor_check #(
    .MaxVector       (MaxVector),
    .Lanes           (Lanes),
    .TileRows        (TileRows),
    .WeightChannels  (Channels),
    .FiveTrit        (FiveTrit),
    .MaxContext      (MaxContext),
    .MaxHeadDim      (MaxHeadDim),
    .VectorLanes     (VectorLanes),
    .BitNetOps       (BitNetOps),
    .EmbedFromWeights(EmbedFromWeights)
  ) u_check (
    .clk_i,
    .rst_ni,
    .in_valid_i    (desc_valid),
    .in_desc_i     (desc_data),
    .vec_words_i   (vec_words_q),
    .weight_words_i(weight_words_q),
    .out_valid_o   (chk_valid_o),
    .out_desc_o    (chk_desc),
    .out_status_o  (chk_status),
    .out_rows_q_o  (chk_rows_q),
    .out_rows_m_o  (chk_rows_m)
  );

  assign prog_we_o = load_i && chk_valid_o && keep_i;
  assign prog_waddr_o = load_idx_q;
  assign prog_wdata_o = {chk_rows_m, chk_rows_q, chk_desc};

  prim_ram_1r1w #(
    .Width(ChkW),
    .Depth(MaxOps)
  ) u_desc (
    .clk_i,
    .we_i   (prog_we_o),
    .waddr_i(load_idx_q[$clog2(MaxOps)-1:0]),
    .wdata_i(prog_wdata_o),
    .raddr_i(raddr_i[$clog2(MaxOps)-1:0]),
    .rdata_o
  );

  // The launch's limits for the check, and its op count: first_bad == num_ops means that no
  // descriptor was bad so far.
  always_ff @(posedge clk_i) begin : launch_reg
    if (!rst_ni) begin
      num_ops_q <= '0;
      vec_words_q <= '0;
      weight_words_q <= '0;
    end else if (launch_i) begin
      num_ops_q <= OpW'(num_ops_i);
      vec_words_q <= vec_words_i;
      weight_words_q <= weight_words_i;
    end
  end

  always_ff @(posedge clk_i) begin : load_reg
    if (!rst_ni) begin
      load_idx_q <= '0;
      first_bad_q <= '0;
      bad_code_q <= '0;
    end else if (launch_i) begin
      load_idx_q <= '0;
      first_bad_q <= OpW'(num_ops_i);
      bad_code_q <= '0;
    end else if (prog_we_o) begin
      load_idx_q <= load_idx_q + 1'b1;
      if (chk_status != mmf_format_pkg::StatusOk && first_bad_q == num_ops_q) begin
        first_bad_q <= load_idx_q;
        bad_code_q <= chk_status;
      end
    end
  end

  assign first_bad_o = first_bad_q;
  assign bad_code_o = bad_code_q;

  logic unused;
  // A launch holds at most MaxOps ops (the controller checks); the RAM is MaxOps deep.
  assign unused = ^{num_ops_i[31:OpW], raddr_i};

endmodule

// SPDX-License-Identifier: Apache-2.0
// AXI4 read master that streams memory: each command reads `beats` data beats from a
// beat-aligned byte address, split into INCR bursts of at most MaxBurst beats that never cross
// a 4 KiB boundary. A burst is issued only when the FIFO has room for all its beats (counting
// beats still in flight), so several bursts are outstanding while R never needs back-pressure:
// a credit counter, free_q, starts at the FIFO's capacity, loses a burst's beats when the burst
// is issued and gets one back when a beat leaves the FIFO, so the decision is one compare of
// two registers.
// It sustains the channel's rate when FifoDepth covers the bandwidth-delay product: FifoDepth >=
// latency x beats per cycle + MaxBurst. The weight streamer of one channel is one of these.
// The FIFO is a synchronous-read RAM (mmf_fifo_ram), so a deep one maps to block RAM or
// UltraRAM, not to LUTs.
// With FiveTrit (a weight channel that reads 1.6-bit weights), mmf_weight_unpack sits between
// R and the FIFO and each command says its packing: the FIFO holds 2-bit words, and the
// credits count quarter words, 4 a 2-bit beat and 5 a 1.6-bit one (the most words a beat
// gives); the unpacker gives back what a row block's padding leaves unused. A 1.6-bit burst is
// let go when MaxBurst such beats would fit (a constant compare, not a product of the burst's
// length in the issue path). R may then wait: the unpacker takes half a beat a cycle.
module mmf_axi_read_master #(
  parameter int unsigned DataWidth = 32,      // AXI data bits (a power of two, 8 .. 1024)
  parameter int unsigned AddrWidth = 64,      // AXI address bits
  parameter int unsigned MaxBurst = 64,       // beats per burst, 1 .. 256
  parameter int unsigned FifoDepth = 256,     // beats of buffering, at least MaxBurst
  parameter logic FifoUltraRam = 1'b0,        // the FIFO in UltraRAM (prim_ram_1r1w)
  parameter bit FiveTrit = 1'b0,              // 1.6-bit commands too (an unpacker before the FIFO)
  parameter int unsigned MaxRowWords = 1024,  // with FiveTrit: words of a row block, at most
  localparam int unsigned WordIdxW = $clog2(MaxRowWords + 1),
  localparam int unsigned BeatBytes = DataWidth / 8,
  // The FIFO's output buffer (mmf_fifo_ram); the FIFO holds FifoDepth + OutDepth beats.
  localparam int unsigned OutDepth = 3,
  localparam int unsigned Capacity = FifoDepth + OutDepth,
  localparam int unsigned Unit = FiveTrit ? 4 : 1,  // credits a FIFO entry
  localparam int unsigned CountW = $clog2(Unit * Capacity + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // Commands: read `beats` (>= 1) beats from byte address `addr` (a multiple of BeatBytes).
  input  logic                 cmd_valid_i,
  output logic                 cmd_ready_o,
  input  logic [AddrWidth-1:0] cmd_addr_i,
  input  logic [31:0]          cmd_beats_i,
  // With FiveTrit: 1 for 1.6-bit weights, then row blocks of block_words words in block_beats.
  input  logic                 cmd_packed_i,
  input  logic [WordIdxW-1:0]  cmd_block_words_i,
  input  logic [WordIdxW-1:0]  cmd_block_beats_i,

  // The data, in address order.
  output logic                 out_valid_o,
  input  logic                 out_ready_i,
  output logic [DataWidth-1:0] out_data_o,

  // AXI4 read address channel (INCR bursts, full-width beats).
  output logic                 ar_valid_o,
  input  logic                 ar_ready_i,
  output logic [AddrWidth-1:0] ar_addr_o,
  output logic [7:0]           ar_len_o,
  output logic [2:0]           ar_size_o,
  output logic [1:0]           ar_burst_o,

  // AXI4 read data channel.
  input  logic                 r_valid_i,
  output logic                 r_ready_o,
  input  logic [DataWidth-1:0] r_data_i,
  input  logic                 r_last_i,
  input  logic [1:0]           r_resp_i,

  // Counters: bytes received since reset; a read response other than OKAY was seen.
  output logic [63:0]          bytes_o,
  output logic                 error_o
);

  logic [CountW-1:0] free_q;  // FIFO room (Unit a beat) besides what was requested
  logic [63:0]       bytes_q;
  logic              error_q;
  logic [$clog2(Capacity + 1)-1:0] usage;  // FIFO entries
  logic [8:0]        burst;
  logic              r_fire, out_fire, room, issue, gen_ready;
  // What the FIFO takes: R's beats, or with FiveTrit the unpacker's words.
  logic                 fifo_valid, fifo_ready;
  logic [DataWidth-1:0] fifo_data;
  logic [CountW-1:0]    spent, returned;  // credits a burst takes; credits back this cycle

  assign r_fire = r_valid_i && r_ready_o;
  assign out_fire = out_valid_o && out_ready_i;

  mmf_axi_burst_gen #(
    .BeatBytes(BeatBytes),
    .AddrWidth(AddrWidth),
    .MaxBurst (MaxBurst)
  ) u_bursts (
    .clk_i,
    .rst_ni,
    .cmd_valid_i,
    .cmd_ready_o  (gen_ready),
    .cmd_addr_i,
    .cmd_beats_i,
    .allow_i      (room),
    .burst_beats_o(burst),
    .issue_o      (issue),
    .a_valid_o    (ar_valid_o),
    .a_ready_i    (ar_ready_i),
    .a_addr_o     (ar_addr_o),
    .a_len_o      (ar_len_o),
    .a_size_o     (ar_size_o),
    .a_burst_o    (ar_burst_o)
  );

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      free_q <= CountW'(Unit * Capacity);
      bytes_q <= '0;
      error_q <= 1'b0;
    end else begin
      free_q <= free_q - (issue ? spent : '0) + returned;
      if (r_fire) bytes_q <= bytes_q + 64'(BeatBytes);
      if (r_fire && r_resp_i != 2'b00) error_q <= 1'b1;
    end
  end

  assign bytes_o = bytes_q;
  assign error_o = error_q;

  if (FiveTrit) begin : gen_unpack
    logic             cmd_full, pad_valid, packed_q;
    logic [2:0]       pad;
    // The packing of the command whose bursts are being issued.
    always_ff @(posedge clk_i) begin
      if (cmd_valid_i && cmd_ready_o) packed_q <= cmd_packed_i;
    end
    assign cmd_ready_o = gen_ready && !cmd_full;
    assign room = packed_q ? 32'(free_q) >= 5 * MaxBurst : 4 * 32'(burst) <= 32'(free_q);
    assign spent = packed_q ? CountW'(5 * 32'(burst)) : CountW'(4 * 32'(burst));
    assign returned = (out_fire ? CountW'(4) : '0) + (pad_valid ? CountW'(pad) : '0);
    mmf_weight_unpack #(
      .Lanes      (DataWidth / 2),
      .MaxRowWords(MaxRowWords)
    ) u_unpack (
      .clk_i,
      .rst_ni,
      .cmd_i            (cmd_valid_i && cmd_ready_o),
      .cmd_full_o       (cmd_full),
      .cmd_packed_i,
      .cmd_beats_i,
      .cmd_block_words_i,
      .cmd_block_beats_i,
      .in_valid_i       (r_valid_i),
      .in_ready_o       (r_ready_o),
      .in_data_i        (r_data_i),
      .out_valid_o      (fifo_valid),
      .out_ready_i      (fifo_ready),
      .out_data_o       (fifo_data),
      .pad_valid_o      (pad_valid),
      .pad_o            (pad)
    );
  end else begin : gen_beats
    assign cmd_ready_o = gen_ready;
    // A burst may go when the FIFO has room for it besides the beats still in flight.
    assign room = 32'(burst) <= 32'(free_q);
    assign spent = CountW'(burst);
    assign returned = CountW'(out_fire);
    assign fifo_valid = r_valid_i;
    assign r_ready_o = fifo_ready;
    assign fifo_data = r_data_i;
    logic unused_geometry;
    assign unused_geometry = ^{cmd_packed_i, cmd_block_words_i, cmd_block_beats_i};
  end

  mmf_fifo_ram #(
    .Width   (DataWidth),
    .Depth   (FifoDepth),
    .OutDepth(OutDepth),
    .UltraRam(FifoUltraRam)
  ) u_data (
    .clk_i,
    .rst_ni,
    .in_valid_i (fifo_valid),
    .in_ready_o (fifo_ready),
    .in_data_i  (fifo_data),
    .out_valid_o,
    .out_ready_i,
    .out_data_o,
    .usage_o    (usage)
  );

  logic unused_r_last;
  assign unused_r_last = r_last_i;  // bursts are counted by beats; rlast is not needed

`ifndef SYNTHESIS
  // Room is reserved for every beat: the FIFO never refuses what comes (without FiveTrit, R
  // never waits).
  fifo_room_a: assert property (@(posedge clk_i) disable iff (!rst_ni) fifo_valid |-> fifo_ready)
    else $error("mmf_axi_read_master: data arrived with no room reserved for it");
  credits_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      Unit * 32'(usage) + 32'(free_q) <= Unit * Capacity)
    else $error("mmf_axi_read_master: more credits than room in the FIFO");
`endif

endmodule

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
module mmf_axi_read_master #(
  parameter int unsigned DataWidth = 32,  // AXI data bits (a power of two, 8 .. 1024)
  parameter int unsigned AddrWidth = 64,
  parameter int unsigned MaxBurst = 64,   // beats per burst, 1 .. 256
  parameter int unsigned FifoDepth = 256, // beats of buffering, at least MaxBurst
  parameter logic FifoUltraRam = 1'b0,    // the FIFO in UltraRAM (prim_ram_1r1w)
  localparam int unsigned BeatBytes = DataWidth / 8,
  // The FIFO's output buffer (mmf_fifo_ram); the FIFO holds FifoDepth + OutDepth beats.
  localparam int unsigned OutDepth = 3,
  localparam int unsigned Capacity = FifoDepth + OutDepth,
  localparam int unsigned CountW = $clog2(Capacity + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // Commands: read `beats` (>= 1) beats from byte address `addr` (a multiple of BeatBytes).
  input  logic                 cmd_valid_i,
  output logic                 cmd_ready_o,
  input  logic [AddrWidth-1:0] cmd_addr_i,
  input  logic [31:0]          cmd_beats_i,

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

  logic [CountW-1:0] free_q;  // beats the FIFO can take besides those requested
  logic [63:0]       bytes_q;
  logic              error_q;
  logic [CountW-1:0] usage;
  logic [8:0]        burst;
  logic              r_fire, out_fire, room, issue;

  assign r_fire = r_valid_i && r_ready_o;
  assign out_fire = out_valid_o && out_ready_i;
  // A burst may go when the FIFO has room for it besides the beats still in flight.
  assign room = 32'(burst) <= 32'(free_q);

  mmf_axi_burst_gen #(
    .BeatBytes(BeatBytes),
    .AddrWidth(AddrWidth),
    .MaxBurst (MaxBurst)
  ) u_bursts (
    .clk_i,
    .rst_ni,
    .cmd_valid_i,
    .cmd_ready_o,
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
      free_q <= CountW'(Capacity);
      bytes_q <= '0;
      error_q <= 1'b0;
    end else begin
      free_q <= free_q - (issue ? CountW'(burst) : '0) + CountW'(out_fire);
      if (r_fire) bytes_q <= bytes_q + 64'(BeatBytes);
      if (r_fire && r_resp_i != 2'b00) error_q <= 1'b1;
    end
  end

  assign bytes_o = bytes_q;
  assign error_o = error_q;

  mmf_fifo_ram #(
    .Width   (DataWidth),
    .Depth   (FifoDepth),
    .OutDepth(OutDepth),
    .UltraRam(FifoUltraRam)
  ) u_data (
    .clk_i,
    .rst_ni,
    .in_valid_i (r_valid_i),
    .in_ready_o (r_ready_o),
    .in_data_i  (r_data_i),
    .out_valid_o,
    .out_ready_i,
    .out_data_o,
    .usage_o    (usage)
  );

  logic unused_r_last;
  assign unused_r_last = r_last_i;  // bursts are counted by beats; rlast is not needed

`ifndef SYNTHESIS
  r_room_a: assert property (@(posedge clk_i) disable iff (!rst_ni) r_valid_i |-> r_ready_o)
    else $error("mmf_axi_read_master: a read beat arrived with no room reserved for it");
  credits_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(usage) + 32'(free_q) <= Capacity)
    else $error("mmf_axi_read_master: more credits than room in the FIFO");
`endif

endmodule

// SPDX-License-Identifier: Apache-2.0
// The kernel's on-chip vectors (the HLS controller's buf[], state, lower bound, scratch and
// norm weights): NumSlots RAMs of Rows rows, each row VectorLanes 32-bit values. A pass job streams
// rows start .. start + rows - 1 of up to four slots side by side (ports a..d), `passes` times,
// one beat per cycle; a port in half mode reads an int16 vector packed two per word, beat b
// taking the low or high half of row start + b/2, from row Rows/2 on when the job's hi is set
// (a half-mode slot holds two vectors: mmf_norm_fetch). Three write ports, each with a lane
// mask so a short last row leaves the lanes past the vector untouched.
//
// Every slot is a RAM with one write port and one read port, so that it maps to block RAM:
// port 0 writes any slot but those of Port2Slots, port 1 only slot Port1Slot (the kernel's
// scratch slot, where the MLGRU gate puts its second output), port 2 only the slots of
// Port2Slots (the norm weights, written while a pass runs). When ports 0 and 1 both write
// Port1Slot in a cycle they name the same row and port 1 wins, so one write port serves that
// slot too (asserted below).
//
// A read port chooses among the slots PortSlots gives it, not all NumSlots: the choice is a
// BeatW-wide multiplexer per port, the bank's largest logic (four 13-way choices of 1,024 bits
// were 50,215 LUT on u280, docs/resources.md). A port the job does not read names slot 0,
// whatever its set; only ports in HalfPorts take half mode.
module mmf_buffer_bank #(
  parameter int unsigned VectorLanes = 4,     // 32-bit values per beat (a row of a slot)
  parameter int unsigned Rows = 4096,         // MaxVector / VectorLanes
  parameter int unsigned NumSlots = 13,       // on-chip vectors (mmf_kernel_pkg::NumSlots)
  parameter int unsigned Port1Slot = 9,       // the one slot write port 1 writes
  // Port 2 writes slot s iff bit s is set; port 0 never does.
  parameter logic [NumSlots-1:0] Port2Slots = '0,
  // Port p may read slot s iff bit NumSlots * p + s is set.
  parameter logic [4*NumSlots-1:0] PortSlots = '1,
  parameter logic [3:0] HalfPorts = 4'b1111,  // bit p: read port p may read int16 halves
  localparam int unsigned RowW = $clog2(Rows + 1),
  localparam int unsigned IdxW = (Rows > 1) ? $clog2(Rows) : 1,
  localparam int unsigned SlotW = $clog2(NumSlots),
  localparam int unsigned BeatW = 32 * VectorLanes
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,

  // Pass job: slots of ports a..d in [4*SlotW-1:0] (port p at [SlotW*p +: SlotW]), half-mode
  // flags one bit per port, rows per pass (>= 1), passes (>= 1), start row, and whether the
  // half-mode ports read the upper half of their slots.
  input  logic                     job_valid_i,
  output logic                     job_ready_o,
  input  logic [4*SlotW-1:0]       job_slots_i,
  input  logic [3:0]               job_half_i,
  input  logic [RowW-1:0]          job_rows_i,
  input  logic [1:0]               job_passes_i,
  input  logic [RowW-1:0]          job_start_i,
  input  logic                     job_hi_i,

  output logic                     out_valid_o,
  input  logic                     out_ready_i,
  output logic [4*BeatW-1:0]       out_data_o,   // port p in [BeatW*p +: BeatW]

  // Write ports 0 and 1; port 1's slot must be Port1Slot.
  input  logic [1:0]               we_i,
  input  logic [2*SlotW-1:0]       wslot_i,
  input  logic [2*RowW-1:0]        wrow_i,
  input  logic [2*BeatW-1:0]       wdata_i,
  input  logic [2*VectorLanes-1:0] wmask_i,
  // Write port 2: a slot of Port2Slots.
  input  logic                     we2_i,
  input  logic [SlotW-1:0]         wslot2_i,
  input  logic [IdxW-1:0]          wrow2_i,
  input  logic [BeatW-1:0]         wdata2_i,
  input  logic [VectorLanes-1:0]   wmask2_i
);

  localparam int unsigned FifoDepth = 4;

  // ---- Pass sequencing: reads issue while the output FIFO has room for their data.
  logic [4*SlotW-1:0] slots_q;
  logic [3:0]         half_q;
  logic [RowW-1:0]    rows_q, start_q, beat_q;
  logic [RowW-1:0]    half_start_q;  // the half-mode ports' first row
  logic [1:0]         passes_left_q;
  logic               issue, read_valid_q;
  logic [3:0]         read_odd_q;  // the half each port takes from the row being read
  logic [$clog2(FifoDepth+1)-1:0] usage;
  logic               fifo_ready;

  assign job_ready_o = passes_left_q == '0 && !read_valid_q && usage == '0;
  assign issue = passes_left_q != '0 && 32'(usage) + 32'(read_valid_q) < FifoDepth;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      slots_q <= '0;
      half_q <= '0;
      rows_q <= '0;
      start_q <= '0;
      half_start_q <= '0;
      beat_q <= '0;
      passes_left_q <= '0;
      read_valid_q <= 1'b0;
      read_odd_q <= '0;
    end else begin
      read_valid_q <= issue;
      read_odd_q <= {4{beat_q[0]}} & half_q;
      if (job_valid_i && job_ready_o) begin
        slots_q <= job_slots_i;
        half_q <= job_half_i;
        rows_q <= job_rows_i;
        start_q <= job_start_i;
        half_start_q <= job_start_i + (job_hi_i ? RowW'(Rows / 2) : '0);
        beat_q <= '0;
        passes_left_q <= job_passes_i;
      end else if (issue) begin
        if (beat_q == rows_q - 1'b1) begin
          beat_q <= '0;
          passes_left_q <= passes_left_q - 1'b1;
        end else begin
          beat_q <= beat_q + 1'b1;
        end
      end
    end
  end

  // ---- The RAMs: one synchronous read per slot per cycle at the pass's row. A slot is one
  // memory per lane, each with one write port and its lane's enable: lane-masked writes into
  // one wide memory became VectorLanes write ports of BeatW-bit enables in Yosys (32 a slot on
  // u280, too slow to elaborate).
  logic [BeatW-1:0] rdata [NumSlots];
  for (genvar s = 0; s < NumSlots; s++) begin : g_slot
    logic [IdxW-1:0]  raddr;
    logic             half_reader;

    always_comb begin
      half_reader = 1'b0;
      for (int unsigned p = 0; p < 4; p++) begin
        if (32'(slots_q[SlotW*p +: SlotW]) == s && half_q[p]) half_reader = 1'b1;
      end
      raddr = IdxW'(half_reader ? half_start_q + (beat_q >> 1) : start_q + beat_q);
    end

    // This slot's one write: port 2's for the slots of Port2Slots; else port 1's when it
    // writes here (only Port1Slot), else port 0's.
    logic                   we;
    logic [IdxW-1:0]        waddr;
    logic [BeatW-1:0]       wdata;
    logic [VectorLanes-1:0] wmask;
    if (Port2Slots[s]) begin : g_port2
      assign we = we2_i && 32'(wslot2_i) == s;
      assign waddr = wrow2_i;
      assign wdata = wdata2_i;
      assign wmask = wmask2_i;
    end else begin : g_port01
      logic from1;
      assign from1 = s == Port1Slot && we_i[1];
      assign we = from1 || (we_i[0] && 32'(wslot_i[SlotW-1:0]) == s);
      assign waddr = from1 ? wrow_i[RowW +: IdxW] : wrow_i[IdxW-1:0];
      assign wdata = from1 ? wdata_i[BeatW +: BeatW] : wdata_i[BeatW-1:0];
      assign wmask = from1 ? wmask_i[VectorLanes +: VectorLanes] : wmask_i[VectorLanes-1:0];
    end

    logic [BeatW-1:0] rdata_q;
    for (genvar k = 0; k < VectorLanes; k++) begin : g_lane
      logic [31:0] mem [Rows];
      always_ff @(posedge clk_i) begin
        if (we && wmask[k]) mem[waddr] <= wdata[32*k +: 32];
        if (issue) rdata_q[32*k +: 32] <= mem[raddr];
      end
    end
    assign rdata[s] = rdata_q;
  end

  // ---- Port selection (and int16 half selection) on the data read last cycle. Port p's
  // choice is a multiplexer of its own slots, selected by the slot's rank among them (taken with
  // the job, off the data path).
  function automatic int unsigned rank_of(input int unsigned p, input int unsigned slot);
    rank_of = 0;
    for (int unsigned s = 0; s < NumSlots; s++) begin
      if (s < slot && PortSlots[NumSlots*p + s]) rank_of++;
    end
  endfunction
  // Every slot's rank on port p, entry s at [SlotW*s +: SlotW] (0 past NumSlots): a constant,
  // so the rank of the job's slot is one table read. rank_of on a signal unrolled into a chain
  // of 13 compares and adds, 10 LUT levels (docs/resources.md).
  localparam int unsigned NumEntries = 1 << SlotW;
  function automatic logic [NumEntries*SlotW-1:0] ranks_of(input int unsigned p);
    ranks_of = '0;
    for (int unsigned s = 0; s < NumSlots; s++) ranks_of[SlotW*s +: SlotW] = SlotW'(rank_of(p, s));
  endfunction

  logic [4*BeatW-1:0] read_beat;
  for (genvar p = 0; p < 4; p++) begin : g_port
    localparam int unsigned K = rank_of(p, NumSlots);
    localparam int unsigned KW = K > 1 ? $clog2(K) : 1;

    logic [BeatW-1:0] beat;
    localparam logic [NumEntries*SlotW-1:0] Ranks = ranks_of(p);
    if (K == 0) begin : g_none
      assign beat = '0;
    end else begin : g_mux
      logic [K*BeatW-1:0] choices;
      for (genvar s = 0; s < NumSlots; s++) begin : g_choice
        if (PortSlots[NumSlots*p + s]) begin : g_readable
          assign choices[BeatW*rank_of(p, s) +: BeatW] = rdata[s];
        end
      end
      if (K == 1) begin : g_one
        assign beat = choices;
      end else begin : g_many
        logic [KW-1:0] sel_q;
        always_ff @(posedge clk_i) begin
          if (!rst_ni) begin
            sel_q <= '0;
          end else if (job_valid_i && job_ready_o) begin
            sel_q <= KW'(Ranks[SlotW*job_slots_i[SlotW*p +: SlotW] +: SlotW]);
          end
        end
        assign beat = choices[BeatW*sel_q +: BeatW];
      end
    end

    if (HalfPorts[p]) begin : g_half
      assign read_beat[BeatW*p +: BeatW] =
          !half_q[p]     ? beat :
          read_odd_q[p]  ? BeatW'(beat[BeatW-1:BeatW/2]) : BeatW'(beat[BeatW/2-1:0]);
    end else begin : g_whole
      assign read_beat[BeatW*p +: BeatW] = beat;
    end
  end

  if (Port2Slots == '0) begin : g_no_port2
    logic unused_port2;
    assign unused_port2 = ^{we2_i, wslot2_i, wrow2_i, wdata2_i, wmask2_i};
  end

  logic unused_fifo_ready, unused_odd;
  assign unused_fifo_ready = fifo_ready;
  assign unused_odd = ^(read_odd_q & ~HalfPorts);  // ports without half mode

  mmf_fifo #(
    .Width(4 * BeatW),
    .Depth(FifoDepth)
  ) u_out (
    .clk_i,
    .rst_ni,
    .in_valid_i (read_valid_q),
    .in_ready_o (fifo_ready),
    .in_data_i  (read_beat),
    .out_valid_o,
    .out_ready_i,
    .out_data_o,
    .usage_o    (usage)
  );

`ifndef SYNTHESIS
  port1_slot_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      we_i[1] |-> 32'(wslot_i[SlotW +: SlotW]) == Port1Slot)
    else $error("mmf_buffer_bank: write port 1 names a slot other than Port1Slot");
  for (genvar p = 0; p < 4; p++) begin : g_port_a
    slot_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
        job_valid_i && job_ready_o |-> job_slots_i[SlotW*p +: SlotW] == '0 ||
        PortSlots[NumSlots*p + 32'(job_slots_i[SlotW*p +: SlotW])])
      else $error("mmf_buffer_bank: port %0d names a slot outside PortSlots", p);
    half_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
        job_valid_i && job_ready_o && job_half_i[p] |-> HalfPorts[p])
      else $error("mmf_buffer_bank: half mode on port %0d, not in HalfPorts", p);
  end
  port0_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      we_i[0] |-> !Port2Slots[32'(wslot_i[SlotW-1:0])])
    else $error("mmf_buffer_bank: write port 0 names a slot of Port2Slots");
  port2_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      we2_i |-> Port2Slots[32'(wslot2_i)])
    else $error("mmf_buffer_bank: write port 2 names a slot outside Port2Slots");
  one_write_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      we_i == 2'b11 && 32'(wslot_i[SlotW-1:0]) == Port1Slot |->
      wrow_i[RowW-1:0] == wrow_i[RowW +: RowW])
    else $error("mmf_buffer_bank: both ports write Port1Slot at different rows");
`endif

endmodule

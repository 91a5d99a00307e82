// SPDX-License-Identifier: Apache-2.0
// The accelerator kernel (mirrors run_program of hls/include/mmf_hls/controller.hpp): the
// s_axi_control slave, the controller walking the token program, the on-chip vectors, the
// vector units, one weight channel per memory channel and the vector-bank port. Each build's
// generated top (bitstreams/generated/<build>/mmf_kernel_top.sv) flattens these ports into the
// Vitis names and sets the parameters from the build.
//
// A launch: the program is read once into descriptor RAM and checked (mmf_descriptor_check);
// the prefetcher then streams every BitLinear's weights into the channels' FIFOs ahead of the
// controller, which runs the ops in order, each as a few steps (vector-bank reads into on-chip
// slots, passes of the slots through a unit, writes back). Status and counters follow the HLS
// controller: the ops before a bad one run, nothing after it.
module mmf_kernel #(
  parameter int unsigned Lanes = 16,
  // A weight word is a tile of TileRows rows x Lanes / TileRows columns (WeightTile in
  // hls/include/mmf_hls/program_format.hpp).
  parameter int unsigned TileRows = 1,
  parameter int unsigned Channels = 2,
  parameter int unsigned VectorLanes = 4,
  parameter int unsigned MaxVector = 16384,
  parameter int unsigned MaxOps = 512,
  parameter int unsigned WeightFifoDepth = 256,
  // The weight FIFOs in UltraRAM: 31 x 1 Mbit of FIFO were 92 % of the U280's block RAM.
  parameter logic WeightFifoUltraRam = 1'b0,
  localparam int unsigned AddrWidth = 64,
  localparam int unsigned WDataW = 2 * Lanes,
  localparam int unsigned VDataW = 32 * VectorLanes,
  localparam int unsigned NumCounters = 13 + Channels
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,

  // s_axi_control (AXI4-Lite, 12-bit addresses)
  input  logic                          ctl_aw_valid_i,
  output logic                          ctl_aw_ready_o,
  input  logic [11:0]                   ctl_aw_addr_i,
  input  logic                          ctl_w_valid_i,
  output logic                          ctl_w_ready_o,
  input  logic [31:0]                   ctl_w_data_i,
  input  logic [3:0]                    ctl_w_strb_i,
  output logic                          ctl_b_valid_o,
  input  logic                          ctl_b_ready_i,
  output logic [1:0]                    ctl_b_resp_o,
  input  logic                          ctl_ar_valid_i,
  output logic                          ctl_ar_ready_o,
  input  logic [11:0]                   ctl_ar_addr_i,
  output logic                          ctl_r_valid_o,
  input  logic                          ctl_r_ready_i,
  output logic [31:0]                   ctl_r_data_o,
  output logic [1:0]                    ctl_r_resp_o,
  output logic                          interrupt_o,

  // Weight channels (read only), channel c in slice c of each bus.
  output logic [Channels-1:0]           w_ar_valid_o,
  input  logic [Channels-1:0]           w_ar_ready_i,
  output logic [AddrWidth*Channels-1:0] w_ar_addr_o,
  output logic [8*Channels-1:0]         w_ar_len_o,
  output logic [3*Channels-1:0]         w_ar_size_o,
  output logic [2*Channels-1:0]         w_ar_burst_o,
  input  logic [Channels-1:0]           w_r_valid_i,
  output logic [Channels-1:0]           w_r_ready_o,
  input  logic [WDataW*Channels-1:0]    w_r_data_i,
  input  logic [Channels-1:0]           w_r_last_i,
  input  logic [2*Channels-1:0]         w_r_resp_i,

  // Vector bank
  output logic                          v_ar_valid_o,
  input  logic                          v_ar_ready_i,
  output logic [AddrWidth-1:0]          v_ar_addr_o,
  output logic [7:0]                    v_ar_len_o,
  output logic [2:0]                    v_ar_size_o,
  output logic [1:0]                    v_ar_burst_o,
  input  logic                          v_r_valid_i,
  output logic                          v_r_ready_o,
  input  logic [VDataW-1:0]             v_r_data_i,
  input  logic                          v_r_last_i,
  input  logic [1:0]                    v_r_resp_i,
  output logic                          v_aw_valid_o,
  input  logic                          v_aw_ready_i,
  output logic [AddrWidth-1:0]          v_aw_addr_o,
  output logic [7:0]                    v_aw_len_o,
  output logic [2:0]                    v_aw_size_o,
  output logic [1:0]                    v_aw_burst_o,
  output logic                          v_w_valid_o,
  input  logic                          v_w_ready_i,
  output logic [VDataW-1:0]             v_w_data_o,
  output logic [VDataW/8-1:0]           v_w_strb_o,
  output logic                          v_w_last_o,
  input  logic                          v_b_valid_i,
  output logic                          v_b_ready_o,
  input  logic [1:0]                    v_b_resp_i,

  // Controller state for the harness's watchdog (not a kernel port on the board).
  output logic [5:0]                    dbg_state_o
);

  localparam int unsigned VL = VectorLanes;
  localparam int unsigned Rows = MaxVector / VL;
  localparam int unsigned RowW = $clog2(Rows + 1);
  localparam int unsigned OpW = $clog2(MaxOps + 1);
  localparam int unsigned DescWords = mmf_format_pkg::DescriptorWords;
  localparam int unsigned DescW = 32 * DescWords;
  localparam int unsigned RowCountW = $clog2(mmf_format_pkg::MaxRows + 1);
  localparam int unsigned Cols = Lanes / TileRows;
  localparam int unsigned TileRowsLog2 = $clog2(TileRows);
  localparam int unsigned MaxRowWords = (MaxVector + Cols - 1) / Cols;
  localparam int unsigned WordIdxW = $clog2(MaxRowWords + 1);
  localparam int unsigned NCountW = $clog2(MaxVector + 1);
  localparam int unsigned SlotW = 4;
  localparam int unsigned WeightWordBytes = Lanes / 4;
  // On-chip slots: the seven buffers of the program format, then the kernel's own vectors.
  localparam logic [3:0] SlotState = 4'd7, SlotLowerBound = 4'd8, SlotScratch = 4'd9,
                         SlotUp = 4'd10, SlotWRms = 4'd11, SlotWCode = 4'd12;
  localparam int unsigned NumSlots = 13;
  // The slots each bank port reads (the pass_step calls below): a, the buffers, the state (its
  // store) and scratch; b, the buffers, scratch, up and w_rms (half mode); c, the state and
  // w_code (half mode); d, the lower bound. Each port's multiplexer is only that wide.
  localparam logic [NumSlots-1:0] BufferSlots = NumSlots'((1 << mmf_format_pkg::NumBuffers) - 1);
  localparam logic [NumSlots-1:0] PortASlots =
      BufferSlots | NumSlots'(1 << SlotState) | NumSlots'(1 << SlotScratch);
  localparam logic [NumSlots-1:0] PortBSlots = BufferSlots | NumSlots'(1 << SlotScratch) |
                                               NumSlots'(1 << SlotUp) | NumSlots'(1 << SlotWRms);
  localparam logic [NumSlots-1:0] PortCSlots = NumSlots'(1 << SlotState) | NumSlots'(1 << SlotWCode);
  localparam logic [NumSlots-1:0] PortDSlots = NumSlots'(1 << SlotLowerBound);

`ifndef SYNTHESIS
  initial begin
    assert (VL >= 2 && VL % 2 == 0 && Cols % VL == 0 && MaxVector % VL == 0)
      else $fatal(1, "mmf_kernel: vector lanes must be even, divide max_vector and the tile");
    assert (TileRows == (1 << TileRowsLog2) && Cols * TileRows == Lanes)
      else $fatal(1, "mmf_kernel: TileRows must be a power of two dividing Lanes");
  end
`endif

  // ---------------------------------------------------------------- control slave
  logic              start, done;
  logic [127:0]      scalars;
  logic [64*(Channels+1)-1:0] pointers;
  logic [64*NumCounters-1:0]  counters;

  mmf_axil_control #(
    .NumScalars (4),
    .NumPointers(Channels + 1),
    .NumCounters(NumCounters)
  ) u_control (
    .clk_i,
    .rst_ni,
    .aw_valid_i (ctl_aw_valid_i),
    .aw_ready_o (ctl_aw_ready_o),
    .aw_addr_i  (ctl_aw_addr_i),
    .w_valid_i  (ctl_w_valid_i),
    .w_ready_o  (ctl_w_ready_o),
    .w_data_i   (ctl_w_data_i),
    .w_strb_i   (ctl_w_strb_i),
    .b_valid_o  (ctl_b_valid_o),
    .b_ready_i  (ctl_b_ready_i),
    .b_resp_o   (ctl_b_resp_o),
    .ar_valid_i (ctl_ar_valid_i),
    .ar_ready_o (ctl_ar_ready_o),
    .ar_addr_i  (ctl_ar_addr_i),
    .r_valid_o  (ctl_r_valid_o),
    .r_ready_i  (ctl_r_ready_i),
    .r_data_o   (ctl_r_data_o),
    .r_resp_o   (ctl_r_resp_o),
    .start_o    (start),
    .done_i     (done),
    .scalars_o  (scalars),
    .pointers_o (pointers),
    .counters_i (counters),
    .interrupt_o
  );

  // Launch registers, held for the run (the host may rewrite the slave's during it).
  logic [31:0]          program_q, num_ops_q, vec_words_q, weight_words_q;
  logic [AddrWidth-1:0] vec_base_q;
  logic [AddrWidth*Channels-1:0] weight_base_q;

  // ---------------------------------------------------------------- controller state
  typedef enum logic [5:0] {
    StIdle, StLoad, StFetch, StDecode, StDone,
    StEmbToken, StEmbCheck, StEmbRow,
    StBlRms, StBlCode, StBlRun,
    StMgState, StMgLb, StMgGate, StMgStore, StMgProd,
    StGlSilu, StGlUp, StGlProd,
    StAdd, StStore, StNext
  } state_e;

  // What the current step moves: selects the reader's destination, the bank's consumer and
  // the source of the bank's write ports.
  typedef enum logic [3:0] {
    KNone, KDesc, KToken, KSlotLoad, KEmbed, KNorm, KGate, KSilu, KAlign, KProd, KAdd,
    KSlotStore
  } kind_e;

  state_e         state_q;
  kind_e          kind_q;
  logic           entry_q;     // first cycle of a state: set the step up
  logic [OpW-1:0] op_q, load_idx_q, first_bad_q;
  logic [7:0]     bad_code_q;
  logic           limit_valid_q;
  logic [31:0]    status_q, token_q;
  logic [63:0]    ternary_ops_q, weight_bytes_q, vector_bytes_q;
  logic [DescW-1:0] d_q;
  // A checked descriptor as the descriptor RAM holds it: {rows % Channels, rows / Channels,
  // the descriptor}, the division done once by mmf_descriptor_check.
  localparam int unsigned ChkW = DescW + 2 * RowCountW;
  logic [ChkW-1:0]  desc;
  logic [RowCountW-1:0] rows_q_ch, rows_m_ch;  // of the op being run

  // Step bookkeeping: jobs still to hand over, beats the write side takes, writes, lanes.
  logic           rd_pend_q, wr_pend_q, bank_pend_q, unit_pend_q, gather_pend_q;
  logic [Channels-1:0] acc_pend_q, rescale_pend_q;
  logic [31:0]    rd_addr_q, rd_n_q, wr_addr_q, wr_n_q;
  logic [31:0]    wexpect_q, wsrc_q, wcount_q, wn_q;
  logic [SlotW-1:0] wslot0_q;
  logic [4*SlotW-1:0] bank_slots_q;
  logic [3:0]     bank_half_q;
  logic [RowW-1:0] bank_rows_q, bank_start_q;
  logic [1:0]     bank_passes_q;
  logic [31:0]    code_beats_q, code_count_q;
  logic           to_memory_q;

  // Descriptor fields of the op being run.
  logic [31:0] f_n, f_rows, f_src0, f_src1, f_src2, f_dst, f_addr0, f_addr1, f_addr2;
  logic [31:0] f_mant, f_exp, f_opcode;
  assign f_opcode = d_q[32*mmf_format_pkg::FieldOpcode +: 32];
  assign f_n = d_q[32*mmf_format_pkg::FieldN +: 32];
  assign f_rows = d_q[32*mmf_format_pkg::FieldRows +: 32];
  assign f_src0 = d_q[32*mmf_format_pkg::FieldSrc0 +: 32];
  assign f_src1 = d_q[32*mmf_format_pkg::FieldSrc1 +: 32];
  assign f_src2 = d_q[32*mmf_format_pkg::FieldSrc2 +: 32];
  assign f_dst = d_q[32*mmf_format_pkg::FieldDst +: 32];
  assign f_addr0 = d_q[32*mmf_format_pkg::FieldAddr0 +: 32];
  assign f_addr1 = d_q[32*mmf_format_pkg::FieldAddr1 +: 32];
  assign f_addr2 = d_q[32*mmf_format_pkg::FieldAddr2 +: 32];
  assign f_mant = d_q[32*mmf_format_pkg::FieldMant +: 32];
  assign f_exp = d_q[32*mmf_format_pkg::FieldExp +: 32];

  // Sizes derived from n.
  function automatic logic [31:0] ceil_div(input logic [31:0] a, input int unsigned b);
    ceil_div = (a + 32'(b) - 1) / 32'(b);
  endfunction
  logic [31:0] half_words, n_beats, row_words;
  assign half_words = ceil_div(f_n, 2);   // words of an int16 vector (two per word)
  assign n_beats = ceil_div(f_n, VL);
  assign row_words = ceil_div(f_n, Cols);  // words of a row block
  // In slot rows: the vector, and the up half of [gate | up] (rows it touches, first row).
  logic [RowW-1:0] n_rows, up_rows, up_start;
  assign n_rows = RowW'(n_beats);
  assign up_rows = RowW'(ceil_div(f_n % VL + f_n, VL));
  assign up_start = RowW'(f_n / VL);

  // Performance counter increments of the current op, from its descriptor fields (stable from
  // StDecode to the end of its last step, which is more than 4 cycles later), registered so that
  // no counter's 64-bit add follows a product or another add (the kernel top's deepest carry
  // path, 18 levels, before). The products take mmf_mul_pipe's 3 cycles; a checked descriptor
  // has rows <= MaxRows and n <= MaxVector.
  localparam int unsigned IncRowsW = RowCountW + 1;  // rows as a signed operand
  localparam int unsigned IncNW = NCountW;
  logic signed [IncRowsW+IncNW-1:0] ops_p, words_p;
  logic [63:0] inc_half_q, inc_n_q, inc_rows_q, inc_mlgru_q, inc_wbytes_q;
  // Row blocks all channels read (WeightTile::total_read_words / row_words): with q = rows /
  // Channels and m = rows % Channels, m channels hold q + 1 rows and the rest q, so the blocks
  // are Channels * ceil(q / TileRows), plus m when q is a whole number of blocks.
  logic [RowCountW-1:0] blocks_q;
  always_ff @(posedge clk_i) begin
    blocks_q <= RowCountW'(Channels) * ((rows_q_ch + RowCountW'(TileRows - 1)) >> TileRowsLog2) +
                ((rows_q_ch & RowCountW'(TileRows - 1)) == '0 ? rows_m_ch : '0);
  end
  logic        unused_row_words;  // row_words < 2^IncNW
  assign unused_row_words = ^row_words[31:IncNW];
  mmf_mul_pipe #(
    .AWidth(IncRowsW),
    .BWidth(IncNW)
  ) u_ops_mul (
    .clk_i,
    .en_i (1'b1),
    .a_i  (IncRowsW'(f_rows)),
    .b_i  (IncNW'(f_n)),
    .p_o  (ops_p)
  );
  mmf_mul_pipe #(
    .AWidth(IncRowsW),
    .BWidth(IncNW)
  ) u_words_mul (
    .clk_i,
    .en_i (1'b1),
    .a_i  (IncRowsW'(blocks_q)),
    .b_i  (IncNW'(row_words)),
    .p_o  (words_p)
  );
  always_ff @(posedge clk_i) begin
    inc_half_q <= 64'(half_words) << 2;
    inc_n_q <= 64'(f_n) << 2;
    inc_rows_q <= 64'(f_rows) << 2;
    // The MLGRU's vector bytes: the state read, the lower bound's when there is one, the store.
    inc_mlgru_q <= (64'(f_n) << 3) + ((f_addr1 != mmf_format_pkg::NoAddress) ? 64'(f_n) << 2 : '0);
    inc_wbytes_q <= 64'($unsigned(words_p)) * 64'(WeightWordBytes);
  end

  // ---------------------------------------------------------------- vector-bank reader
  logic              rd_valid, rd_ready;
  logic [VDataW-1:0] rd_data;
  logic              rd_cmd_ready;
  logic [63:0]       vec_read_bytes, vec_write_bytes;
  logic              vec_read_error, vec_write_error;

  mmf_vec_reader #(
    .Lanes    (VL),
    .AddrWidth(AddrWidth)
  ) u_reader (
    .clk_i,
    .rst_ni,
    .base_i     (vec_base_q),
    .cmd_valid_i(rd_pend_q),
    .cmd_ready_o(rd_cmd_ready),
    .cmd_addr_i (rd_addr_q),
    .cmd_n_i    (rd_n_q),
    .out_valid_o(rd_valid),
    .out_ready_i(rd_ready),
    .out_data_o (rd_data),
    .ar_valid_o (v_ar_valid_o),
    .ar_ready_i (v_ar_ready_i),
    .ar_addr_o  (v_ar_addr_o),
    .ar_len_o   (v_ar_len_o),
    .ar_size_o  (v_ar_size_o),
    .ar_burst_o (v_ar_burst_o),
    .r_valid_i  (v_r_valid_i),
    .r_ready_o  (v_r_ready_o),
    .r_data_i   (v_r_data_i),
    .r_last_i   (v_r_last_i),
    .r_resp_i   (v_r_resp_i),
    .bytes_o    (vec_read_bytes),
    .error_o    (vec_read_error)
  );

  // Reader beats counted per step, to close the gearboxes' streams on the last one.
  logic [31:0] rd_beats_q, rd_expect_q;
  logic        rd_last;
  assign rd_last = rd_beats_q == rd_expect_q - 1;

  // Program load: reader beats regrouped into descriptors.
  logic              desc_valid, desc_ready;
  logic [DescW-1:0]  desc_data;
  logic [7:0]        desc_status;
  mmf_gearbox #(
    .Width   (32),
    .InLanes (VL),
    .OutLanes(DescWords)
  ) u_desc_box (
    .clk_i,
    .rst_ni,
    .in_valid_i (kind_q == KDesc && rd_valid),
    .in_ready_o (desc_ready),
    .in_data_i  (rd_data),
    .in_last_i  (rd_last),
    .out_valid_o(desc_valid),
    .out_ready_i(1'b1),
    .out_data_o (desc_data)
  );

  // Each descriptor is checked on its way to the descriptor RAM and the prefetcher: the RAM,
  // the prefetcher and the first bad op all take the checker's output, 8 cycles after the
  // gearbox's (mmf_hls::kDescriptorCheckLatency).
  logic             chk_valid;
  logic [DescW-1:0] chk_desc;
  logic [RowCountW-1:0] chk_rows_q, chk_rows_m;
  mmf_descriptor_check #(
    .MaxVector     (MaxVector),
    .Lanes         (Lanes),
    .TileRows      (TileRows),
    .WeightChannels(Channels)
  ) u_check (
    .clk_i,
    .rst_ni,
    .in_valid_i    (desc_valid),
    .in_desc_i     (desc_data),
    .vec_words_i   (vec_words_q),
    .weight_words_i(weight_words_q),
    .out_valid_o   (chk_valid),
    .out_desc_o    (chk_desc),
    .out_status_o  (desc_status),
    .out_rows_q_o  (chk_rows_q),
    .out_rows_m_o  (chk_rows_m)
  );

  logic desc_we;
  assign desc_we = kind_q == KDesc && chk_valid && wcount_q < wexpect_q;

  prim_ram_1r1w #(
    .Width(ChkW),
    .Depth(MaxOps)
  ) u_desc (
    .clk_i,
    .we_i   (desc_we),
    .waddr_i(load_idx_q[$clog2(MaxOps)-1:0]),
    .wdata_i({chk_rows_m, chk_rows_q, chk_desc}),
    .raddr_i(op_q[$clog2(MaxOps)-1:0]),
    .rdata_o(desc)
  );

  // Embedding rows: a reader beat holds 2*VL bf16 values, the converter takes VL a beat.
  logic              emb_half_valid, emb_half_ready, emb_valid;
  logic [16*VL-1:0]  emb_half;
  logic [VDataW-1:0] emb_data;
  logic              emb_in_ready;
  mmf_gearbox #(
    .Width   (16),
    .InLanes (2 * VL),
    .OutLanes(VL)
  ) u_emb_box (
    .clk_i,
    .rst_ni,
    .in_valid_i (kind_q == KEmbed && rd_valid),
    .in_ready_o (emb_in_ready),
    .in_data_i  (rd_data),
    .in_last_i  (rd_last),
    .out_valid_o(emb_half_valid),
    .out_ready_i(emb_half_ready),
    .out_data_o (emb_half)
  );
  mmf_bf16_to_q16 #(
    .Lanes(VL)
  ) u_bf16 (
    .clk_i,
    .rst_ni,
    .in_valid_i (emb_half_valid),
    .in_ready_o (emb_half_ready),
    .in_data_i  (emb_half),
    .out_valid_o(emb_valid),
    .out_ready_i(1'b1),
    .out_data_o (emb_data)
  );

  always_comb begin
    unique case (kind_q)
      KDesc:     rd_ready = desc_ready;
      KEmbed:    rd_ready = emb_in_ready;
      KToken, KSlotLoad: rd_ready = 1'b1;
      default:   rd_ready = 1'b0;
    endcase
  end

  // ---------------------------------------------------------------- on-chip slots
  logic                 bank_job_ready, bank_valid, bank_ready;
  logic [4*VDataW-1:0]  bank_data;
  logic [VDataW-1:0]    bank_a, bank_b, bank_c, bank_d;
  logic [1:0]           bank_we;
  logic [2*SlotW-1:0]   bank_wslot;
  logic [2*RowW-1:0]    bank_wrow;
  logic [2*VDataW-1:0]  bank_wdata;
  logic [2*VL-1:0]      bank_wmask;

  mmf_buffer_bank #(
    .Lanes    (VL),
    .Rows     (Rows),
    .NumSlots (NumSlots),
    .Port1Slot(32'(SlotScratch)),
    .PortSlots({PortDSlots, PortCSlots, PortBSlots, PortASlots}),
    .HalfPorts(4'b0110)
  ) u_bank (
    .clk_i,
    .rst_ni,
    .job_valid_i (bank_pend_q),
    .job_ready_o (bank_job_ready),
    .job_slots_i (bank_slots_q),
    .job_half_i  (bank_half_q),
    .job_rows_i  (bank_rows_q),
    .job_passes_i(bank_passes_q),
    .job_start_i (bank_start_q),
    .out_valid_o (bank_valid),
    .out_ready_i (bank_ready),
    .out_data_o  (bank_data),
    .we_i        (bank_we),
    .wslot_i     (bank_wslot),
    .wrow_i      (bank_wrow),
    .wdata_i     (bank_wdata),
    .wmask_i     (bank_wmask)
  );
  assign {bank_d, bank_c, bank_b, bank_a} = bank_data;

  // ---------------------------------------------------------------- vector units
  // norm + quantize
  logic              nq_job_ready, nq_in_ready, nq_code_valid, nq_code_ready;
  logic [8*VL-1:0]   nq_code;
  logic              nq_scale_valid, nq_scale_ready;
  logic [31:0]       nq_scale_mant;
  logic signed [15:0] nq_scale_exp;
  mmf_norm_quantize #(
    .Lanes(VL),
    .MaxN (MaxVector)
  ) u_norm (
    .clk_i,
    .rst_ni,
    .job_valid_i  (kind_q == KNorm && unit_pend_q),
    .job_ready_o  (nq_job_ready),
    .job_n_i      (NCountW'(f_n)),
    .job_has_rms_i(f_addr0 != mmf_format_pkg::NoAddress),
    .in_valid_i   (kind_q == KNorm && bank_valid),
    .in_ready_o   (nq_in_ready),
    .in_p_i       (bank_a),
    .in_w_rms_i   (bank_b[16*VL-1:0]),
    .in_w_code_i  (bank_c[16*VL-1:0]),
    .code_valid_o (nq_code_valid),
    .code_ready_i (nq_code_ready),
    .code_data_o  (nq_code),
    .scale_valid_o(nq_scale_valid),
    .scale_ready_i(nq_scale_ready),
    .scale_mant_o (nq_scale_mant),
    .scale_exp_o  (nq_scale_exp)
  );

  // MLGRU gate
  logic              gate_in_ready, gate_valid;
  logic [VDataW-1:0] gate_state, gate_silu;
  mmf_mlgru_gate #(
    .Lanes(VL)
  ) u_gate (
    .clk_i,
    .rst_ni,
    .in_valid_i (kind_q == KGate && bank_valid),
    .in_ready_o (gate_in_ready),
    .in_i_i     (bank_a),
    .in_f_i     (bank_b),
    .in_state_i (bank_c),
    .in_lb_i    (bank_d),
    .in_has_lb_i(f_addr1 != mmf_format_pkg::NoAddress),
    .out_valid_o(gate_valid),
    .out_ready_i(1'b1),
    .out_state_o(gate_state),
    .out_silu_o (gate_silu)
  );

  // SiLU of the gate half (GLU)
  logic              silu_in_ready, silu_valid;
  logic [VDataW-1:0] silu_data;
  logic [17*VL-1:0]  silu_sigmoid;
  mmf_silu #(
    .Lanes(VL)
  ) u_silu (
    .clk_i,
    .rst_ni,
    .in_valid_i   (kind_q == KSilu && bank_valid),
    .in_ready_o   (silu_in_ready),
    .in_data_i    (bank_a),
    .out_valid_o  (silu_valid),
    .out_ready_i  (1'b1),
    .out_silu_o   (silu_data),
    .out_sigmoid_o(silu_sigmoid)
  );

  // Realignment of the up half of [gate | up]
  logic              align_job_ready, align_in_ready, align_valid;
  logic [VDataW-1:0] align_data;
  mmf_stream_align #(
    .Width(32),
    .Lanes(VL)
  ) u_align (
    .clk_i,
    .rst_ni,
    .job_valid_i(kind_q == KAlign && unit_pend_q),
    .job_ready_o(align_job_ready),
    .job_off_i  ($clog2(VL)'(f_n % VL)),
    .job_n_i    (f_n),
    .in_valid_i (kind_q == KAlign && bank_valid),
    .in_ready_o (align_in_ready),
    .in_data_i  (bank_a),
    .out_valid_o(align_valid),
    .out_ready_i(1'b1),
    .out_data_o (align_data)
  );

  // Block-scaled products (o_proj and down_proj inputs)
  logic              prod_job_ready, prod_in_ready, prod_valid;
  logic [VDataW-1:0] prod_data;
  mmf_scaled_products #(
    .Lanes(VL),
    .MaxN (MaxVector)
  ) u_prod (
    .clk_i,
    .rst_ni,
    .job_valid_i(kind_q == KProd && unit_pend_q),
    .job_ready_o(prod_job_ready),
    .job_n_i    (NCountW'(f_n)),
    .in_valid_i (kind_q == KProd && bank_valid),
    .in_ready_o (prod_in_ready),
    .in_a_i     (bank_a),
    .in_b_i     (bank_b),
    .out_valid_o(prod_valid),
    .out_ready_i(1'b1),
    .out_data_o (prod_data)
  );

  // Residual add
  logic              add_in_ready, add_valid;
  logic [VDataW-1:0] add_data;
  mmf_residual_add #(
    .Lanes(VL)
  ) u_add (
    .clk_i,
    .rst_ni,
    .in_valid_i (kind_q == KAdd && bank_valid),
    .in_ready_o (add_in_ready),
    .in_x_i     (bank_a),
    .in_a_i     (bank_b),
    .out_valid_o(add_valid),
    .out_ready_i(1'b1),
    .out_data_o (add_data)
  );

  // ---------------------------------------------------------------- weight side
  // Codes: VL per norm beat, regrouped into code words of Cols (a tile's columns) for the
  // channels.
  logic              code_valid, code_ready;
  logic [8*Cols-1:0] code_word;
  mmf_stream_upsize #(
    .InWidth(8 * VL),
    .Ratio  (Cols / VL)
  ) u_codes (
    .clk_i,
    .rst_ni,
    .in_valid_i (nq_code_valid),
    .in_ready_o (nq_code_ready),
    .in_data_i  (nq_code),
    .in_last_i  (code_count_q == code_beats_q - 1),
    .out_valid_o(code_valid),
    .out_ready_i(code_ready),
    .out_data_o (code_word)
  );

  // The code word goes to every channel; each takes it once.
  logic [Channels-1:0] code_taken_q, ch_code_ready;
  assign code_ready = &(code_taken_q | ch_code_ready);

  logic [Channels-1:0]           pf_cmd_valid, pf_cmd_ready;
  logic [AddrWidth*Channels-1:0] pf_cmd_addr;
  logic [32*Channels-1:0]        pf_cmd_beats;
  mmf_weight_prefetch #(
    .Lanes    (Lanes),
    .TileRows (TileRows),
    .Channels (Channels),
    .MaxOps   (MaxOps),
    .AddrWidth(AddrWidth)
  ) u_prefetch (
    .clk_i,
    .rst_ni,
    .we_i         (desc_we),
    .waddr_i      (load_idx_q),
    .wdata_i      ({chk_rows_m, chk_rows_q, chk_desc}),
    .start_i      (start),
    .limit_valid_i(limit_valid_q),
    .limit_i      (first_bad_q),
    .ops_done_i   (op_q),
    .bases_i      (weight_base_q),
    .cmd_valid_o  (pf_cmd_valid),
    .cmd_ready_i  (pf_cmd_ready),
    .cmd_addr_o   (pf_cmd_addr),
    .cmd_beats_o  (pf_cmd_beats)
  );

  logic [Channels-1:0]    ch_job_ready, ch_sum_valid, ch_sum_ready, ch_starved, ch_error;
  logic [32*Channels-1:0] ch_sum;
  logic [64*Channels-1:0] ch_bytes;
  logic [Channels-1:0]    rs_job_ready, rs_in_ready, rs_valid, rs_ready;
  logic [32*Channels-1:0] rs_data;
  logic [32*Channels-1:0] ch_rows;

  for (genvar c = 0; c < Channels; c++) begin : g_channel
    assign ch_rows[32*c +: 32] = 32'(rows_q_ch) + 32'(RowCountW'(c) < rows_m_ch);

    mmf_weight_channel #(
      .Lanes       (Lanes),
      .TileRows    (TileRows),
      .MaxRowWords (MaxRowWords),
      .AddrWidth   (AddrWidth),
      .FifoDepth   (WeightFifoDepth),
      .FifoUltraRam(WeightFifoUltraRam)
    ) u_channel (
      .clk_i,
      .rst_ni,
      .cmd_valid_i    (pf_cmd_valid[c]),
      .cmd_ready_o    (pf_cmd_ready[c]),
      .cmd_addr_i     (pf_cmd_addr[AddrWidth*c +: AddrWidth]),
      .cmd_beats_i    (pf_cmd_beats[32*c +: 32]),
      .job_valid_i    (acc_pend_q[c]),
      .job_ready_o    (ch_job_ready[c]),
      .job_rows_i     (RowCountW'(ch_rows[32*c +: 32])),
      .job_row_words_i(WordIdxW'(row_words)),
      .code_valid_i   (code_valid && !code_taken_q[c]),
      .code_ready_o   (ch_code_ready[c]),
      .code_data_i    (code_word),
      .sum_valid_o    (ch_sum_valid[c]),
      .sum_ready_i    (ch_sum_ready[c]),
      .sum_data_o     (ch_sum[32*c +: 32]),
      .ar_valid_o     (w_ar_valid_o[c]),
      .ar_ready_i     (w_ar_ready_i[c]),
      .ar_addr_o      (w_ar_addr_o[AddrWidth*c +: AddrWidth]),
      .ar_len_o       (w_ar_len_o[8*c +: 8]),
      .ar_size_o      (w_ar_size_o[3*c +: 3]),
      .ar_burst_o     (w_ar_burst_o[2*c +: 2]),
      .r_valid_i      (w_r_valid_i[c]),
      .r_ready_o      (w_r_ready_o[c]),
      .r_data_i       (w_r_data_i[WDataW*c +: WDataW]),
      .r_last_i       (w_r_last_i[c]),
      .r_resp_i       (w_r_resp_i[2*c +: 2]),
      .bytes_o        (ch_bytes[64*c +: 64]),
      .error_o        (ch_error[c]),
      .starved_o      (ch_starved[c])
    );

    // Each channel's row sums rescaled to Q16 on their own (one multiplier per channel).
    mmf_rescale u_rescale (
      .clk_i,
      .rst_ni,
      .job_valid_i     (nq_scale_valid && rescale_pend_q[c]),
      .job_ready_o     (rs_job_ready[c]),
      .job_token_mant_i(nq_scale_mant),
      .job_token_exp_i (nq_scale_exp),
      .job_const_mant_i(f_mant),
      .job_const_exp_i (16'(f_exp)),
      .job_rows_i      (25'(ch_rows[32*c +: 32])),
      .in_valid_i      (ch_sum_valid[c]),
      .in_ready_o      (ch_sum_ready[c]),
      .in_data_i       (ch_sum[32*c +: 32]),
      .out_valid_o     (rs_valid[c]),
      .out_ready_i     (rs_ready[c]),
      .out_data_o      (rs_data[32*c +: 32])
    );
    assign unused_rs_in_ready[c] = rs_in_ready[c];
  end
  logic [Channels-1:0] unused_rs_in_ready;
  assign rs_in_ready = ch_sum_ready;
  assign nq_scale_ready = &(~rescale_pend_q | rs_job_ready);

  // Rows back in order, Channels a beat, then VL a beat for the slots or the vector bank.
  logic                   gather_job_ready, gather_valid, gather_ready, gather_last;
  logic [32*Channels-1:0] gather_data;
  mmf_row_gather #(
    .Channels(Channels)
  ) u_gather (
    .clk_i,
    .rst_ni,
    .job_valid_i(gather_pend_q),
    .job_ready_o(gather_job_ready),
    .job_rows_i (RowCountW'(f_rows)),
    .in_valid_i (rs_valid),
    .in_ready_o (rs_ready),
    .in_data_i  (rs_data),
    .out_valid_o(gather_valid),
    .out_ready_i(gather_ready),
    .out_data_o (gather_data),
    .out_last_o (gather_last)
  );

  logic              res_valid, res_ready;
  logic [VDataW-1:0] res_data;
  mmf_gearbox #(
    .Width   (32),
    .InLanes (Channels),
    .OutLanes(VL)
  ) u_result_box (
    .clk_i,
    .rst_ni,
    .in_valid_i (gather_valid),
    .in_ready_o (gather_ready),
    .in_data_i  (gather_data),
    .in_last_i  (gather_last),
    .out_valid_o(res_valid),
    .out_ready_i(res_ready),
    .out_data_o (res_data)
  );

  // ---------------------------------------------------------------- vector-bank writer
  logic              wr_cmd_ready, wr_in_valid, wr_in_ready, wr_idle;
  logic [VDataW-1:0] wr_in_data;
  mmf_vec_writer #(
    .Lanes    (VL),
    .AddrWidth(AddrWidth)
  ) u_writer (
    .clk_i,
    .rst_ni,
    .base_i     (vec_base_q),
    .cmd_valid_i(wr_pend_q),
    .cmd_ready_o(wr_cmd_ready),
    .cmd_addr_i (wr_addr_q),
    .cmd_n_i    (wr_n_q),
    .in_valid_i (wr_in_valid),
    .in_ready_o (wr_in_ready),
    .in_data_i  (wr_in_data),
    .aw_valid_o (v_aw_valid_o),
    .aw_ready_i (v_aw_ready_i),
    .aw_addr_o  (v_aw_addr_o),
    .aw_len_o   (v_aw_len_o),
    .aw_size_o  (v_aw_size_o),
    .aw_burst_o (v_aw_burst_o),
    .w_valid_o  (v_w_valid_o),
    .w_ready_i  (v_w_ready_i),
    .w_data_o   (v_w_data_o),
    .w_strb_o   (v_w_strb_o),
    .w_last_o   (v_w_last_o),
    .b_valid_i  (v_b_valid_i),
    .b_ready_o  (v_b_ready_o),
    .b_resp_i   (v_b_resp_i),
    .idle_o     (wr_idle),
    .bytes_o    (vec_write_bytes),
    .error_o    (vec_write_error)
  );

  // ---------------------------------------------------------------- the write side of a step
  // One beat a cycle lands in the slots (or goes to the writer): `wsrc` beats arrive from the
  // step's source, the first `wexpect` of them are kept, lanes past `wn` values are masked.
  logic              src_valid, src_ready, keep;
  logic [VDataW-1:0] src_data;
  always_comb begin
    src_valid = 1'b0;
    src_data = rd_data;
    unique case (kind_q)
      KDesc:     begin src_valid = chk_valid;   src_data = rd_data;    end
      KSlotLoad: begin src_valid = rd_valid;    src_data = rd_data;    end
      KEmbed:    begin src_valid = emb_valid;   src_data = emb_data;   end
      KGate:     begin src_valid = gate_valid;  src_data = gate_state; end
      KSilu:     begin src_valid = silu_valid;  src_data = silu_data;  end
      KAlign:    begin src_valid = align_valid; src_data = align_data; end
      KProd:     begin src_valid = prod_valid;  src_data = prod_data;  end
      KAdd:      begin src_valid = add_valid;   src_data = add_data;   end
      KNorm:     begin src_valid = res_valid;   src_data = res_data;   end
      default: ;
    endcase
  end
  assign keep = wcount_q < wexpect_q;
  // The bank never stalls; the writer may (results to the vector bank).
  assign src_ready = !(kind_q == KNorm && to_memory_q && keep) || wr_in_ready;
  assign res_ready = kind_q == KNorm && src_ready;

  logic src_fire;
  assign src_fire = src_valid && src_ready;

  always_comb begin
    bank_we = 2'b00;
    bank_wslot = {SlotScratch, wslot0_q};
    bank_wrow = {2{RowW'(wcount_q)}};
    bank_wdata = {gate_silu, src_data};
    for (int unsigned k = 0; k < VL; k++) begin
      bank_wmask[k] = wcount_q * VL + k < wn_q;
      bank_wmask[VL + k] = bank_wmask[k];
    end
    if (src_fire && keep && kind_q != KDesc && !(kind_q == KNorm && to_memory_q)) begin
      bank_we[0] = 1'b1;
      bank_we[1] = kind_q == KGate;
    end
  end

  // The bank's stream goes to the step's unit (or to the writer).
  always_comb begin
    unique case (kind_q)
      KNorm:      bank_ready = nq_in_ready;
      KGate:      bank_ready = gate_in_ready;
      KSilu:      bank_ready = silu_in_ready;
      KAlign:     bank_ready = align_in_ready;
      KProd:      bank_ready = prod_in_ready;
      KAdd:       bank_ready = add_in_ready;
      KSlotStore: bank_ready = wr_in_ready;
      default:    bank_ready = 1'b0;
    endcase
  end
  assign wr_in_valid = (kind_q == KSlotStore) ? bank_valid :
                       (kind_q == KNorm && to_memory_q && keep && res_valid);
  assign wr_in_data = (kind_q == KSlotStore) ? bank_a : res_data;

  // ---------------------------------------------------------------- step completion
  logic jobs_handed, step_done;
  assign jobs_handed = !rd_pend_q && !wr_pend_q && !bank_pend_q && !unit_pend_q &&
                       !gather_pend_q && acc_pend_q == '0 && rescale_pend_q == '0;
  assign step_done = jobs_handed && wcount_q == wsrc_q && wr_idle && bank_job_ready;

  // Helpers to set up a step (called in a state's entry cycle).
  task automatic read_step(input kind_e kind, input logic [31:0] addr, input logic [31:0] words,
                           input logic [SlotW-1:0] slot, input logic [31:0] beats_kept,
                           input logic [31:0] beats_src, input logic [31:0] lanes_kept);
    kind_q <= kind;
    rd_pend_q <= 1'b1;
    rd_addr_q <= addr;
    rd_n_q <= words;
    rd_beats_q <= '0;
    rd_expect_q <= ceil_div(words, VL);
    wslot0_q <= slot;
    wexpect_q <= beats_kept;
    wsrc_q <= beats_src;
    wcount_q <= '0;
    wn_q <= lanes_kept;
  endtask

  task automatic pass_step(input kind_e kind, input logic [4*SlotW-1:0] slots,
                           input logic [3:0] half, input logic [RowW-1:0] rows,
                           input logic [1:0] passes, input logic [RowW-1:0] start_row,
                           input logic [SlotW-1:0] dst, input logic [31:0] beats_out,
                           input logic [31:0] lanes_out, input logic unit_job);
    kind_q <= kind;
    bank_pend_q <= 1'b1;
    bank_slots_q <= slots;
    bank_half_q <= half;
    bank_rows_q <= rows;
    bank_passes_q <= passes;
    bank_start_q <= start_row;
    unit_pend_q <= unit_job;
    wslot0_q <= dst;
    wexpect_q <= beats_out;
    wsrc_q <= beats_out;
    wcount_q <= '0;
    wn_q <= lanes_out;
  endtask

  // Slot pass that writes `n` values from `slot` to the vector bank at `addr`.
  task automatic store_step(input logic [SlotW-1:0] slot, input logic [31:0] addr);
    pass_step(KSlotStore, {{3{SlotW'(0)}}, slot}, 4'b0, n_rows, 2'd1, '0, '0, '0, '0, 1'b0);
    wr_pend_q <= 1'b1;
    wr_addr_q <= addr;
    wr_n_q <= f_n;
  endtask

  // ---------------------------------------------------------------- the controller
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      kind_q <= KNone;
      entry_q <= 1'b0;
      op_q <= '0;
      load_idx_q <= '0;
      first_bad_q <= '0;
      bad_code_q <= '0;
      limit_valid_q <= 1'b0;
      status_q <= '0;
      token_q <= '0;
      ternary_ops_q <= '0;
      weight_bytes_q <= '0;
      vector_bytes_q <= '0;
      d_q <= '0;
      rd_pend_q <= 1'b0;
      wr_pend_q <= 1'b0;
      bank_pend_q <= 1'b0;
      unit_pend_q <= 1'b0;
      gather_pend_q <= 1'b0;
      acc_pend_q <= '0;
      rescale_pend_q <= '0;
      rd_addr_q <= '0;
      rd_n_q <= '0;
      wr_addr_q <= '0;
      wr_n_q <= '0;
      wexpect_q <= '0;
      wsrc_q <= '0;
      wcount_q <= '0;
      wn_q <= '0;
      wslot0_q <= '0;
      bank_slots_q <= '0;
      bank_half_q <= '0;
      bank_rows_q <= '0;
      bank_start_q <= '0;
      bank_passes_q <= '0;
      code_beats_q <= '0;
      code_count_q <= '0;
      code_taken_q <= '0;
      to_memory_q <= 1'b0;
      rd_beats_q <= '0;
      rd_expect_q <= '0;
      program_q <= '0;
      num_ops_q <= '0;
      vec_words_q <= '0;
      weight_words_q <= '0;
      vec_base_q <= '0;
      weight_base_q <= '0;
    end else begin
      // ---- handshakes of the step's jobs
      if (rd_pend_q && rd_cmd_ready) rd_pend_q <= 1'b0;
      if (wr_pend_q && wr_cmd_ready) wr_pend_q <= 1'b0;
      if (bank_pend_q && bank_job_ready) bank_pend_q <= 1'b0;
      if (unit_pend_q && ((kind_q == KNorm && nq_job_ready) ||
                          (kind_q == KProd && prod_job_ready) ||
                          (kind_q == KAlign && align_job_ready))) begin
        unit_pend_q <= 1'b0;
      end
      if (gather_pend_q && gather_job_ready) gather_pend_q <= 1'b0;
      acc_pend_q <= acc_pend_q & ~ch_job_ready;
      rescale_pend_q <= rescale_pend_q & ~(rs_job_ready & {Channels{nq_scale_valid}});
      if (rd_valid && rd_ready) rd_beats_q <= rd_beats_q + 1;
      if (src_fire) wcount_q <= wcount_q + 1;
      if (kind_q == KToken && rd_valid) token_q <= rd_data[31:0];
      if (nq_code_valid && nq_code_ready) code_count_q <= code_count_q + 1;
      if (code_valid) begin
        code_taken_q <= code_ready ? '0 : (code_taken_q | ch_code_ready);
      end
      if (desc_we) begin
        load_idx_q <= load_idx_q + 1'b1;
        if (desc_status != mmf_format_pkg::StatusOk && first_bad_q == OpW'(num_ops_q)) begin
          first_bad_q <= load_idx_q;
          bad_code_q <= desc_status;
        end
      end

      entry_q <= 1'b0;
      unique case (state_q)
        StIdle: begin
          kind_q <= KNone;
          if (start) begin
            program_q <= scalars[31:0];
            num_ops_q <= scalars[63:32];
            vec_words_q <= scalars[95:64];
            weight_words_q <= scalars[127:96];
            vec_base_q <= pointers[64*Channels +: 64];
            weight_base_q <= pointers[64*Channels-1:0];
            op_q <= '0;
            load_idx_q <= '0;
            first_bad_q <= OpW'(scalars[63:32]);
            bad_code_q <= '0;
            limit_valid_q <= 1'b0;
            status_q <= '0;
            ternary_ops_q <= '0;
            weight_bytes_q <= '0;
            vector_bytes_q <= '0;
            // The program must lie in the bank and hold 1 .. MaxOps ops (program_fits()).
            if (scalars[63:32] == 0 || scalars[63:32] > MaxOps ||
                64'(scalars[31:0]) + 64'(scalars[63:32]) * DescWords > 64'(scalars[95:64])) begin
              status_q <= 32'(mmf_format_pkg::StatusBadProgram);
              state_q <= StDone;
            end else begin
              state_q <= StLoad;
              entry_q <= 1'b1;
            end
          end
        end

        StLoad: begin
          if (entry_q) begin
            // Descriptors land in RAM as they come; lanes past the program are dropped.
            read_step(KDesc, program_q, num_ops_q * DescWords, '0, num_ops_q,
                      ceil_div(ceil_div(num_ops_q * DescWords, VL) * VL, DescWords), '0);
          end else if (step_done) begin
            limit_valid_q <= 1'b1;
            kind_q <= KNone;
            state_q <= StFetch;
          end
        end

        StFetch: begin  // the descriptor RAM answers in StDecode
          if (32'(op_q) == num_ops_q) begin
            state_q <= StDone;
          end else if (op_q == first_bad_q) begin
            vector_bytes_q <= vector_bytes_q + DescWords * 4;
            status_q <= 32'(bad_code_q) | (32'(op_q) << mmf_format_pkg::StatusOpShift);
            state_q <= StDone;
          end else begin
            state_q <= StDecode;
          end
        end

        StDecode: begin
          d_q <= desc[DescW-1:0];
          rows_q_ch <= desc[DescW +: RowCountW];
          rows_m_ch <= desc[DescW+RowCountW +: RowCountW];
          vector_bytes_q <= vector_bytes_q + DescWords * 4;
          entry_q <= 1'b1;
          unique case (desc[31:0])
            mmf_format_pkg::OpEmbed:     state_q <= StEmbToken;
            mmf_format_pkg::OpBitLinear: state_q <= StBlRms;
            mmf_format_pkg::OpMlgru:     state_q <= StMgState;
            mmf_format_pkg::OpGlu:       state_q <= StGlSilu;
            mmf_format_pkg::OpAdd:       state_q <= StAdd;
            default:                     state_q <= StStore;
          endcase
        end

        // ---- Embed: token word, then the bf16 row converted to Q16
        StEmbToken: begin
          if (entry_q) begin
            read_step(KToken, f_addr1, 32'd1, '0, 32'd0, 32'd0, '0);
          end else if (jobs_handed && rd_beats_q == 1) begin
            vector_bytes_q <= vector_bytes_q + 4;
            state_q <= StEmbCheck;
          end
        end
        StEmbCheck: begin
          if (token_q >= f_rows) begin
            status_q <= 32'(mmf_format_pkg::StatusBadToken) |
                        (32'(op_q) << mmf_format_pkg::StatusOpShift);
            state_q <= StDone;
          end else begin
            state_q <= StEmbRow;
            entry_q <= 1'b1;
          end
        end
        StEmbRow: begin
          if (entry_q) begin
            read_step(KEmbed, f_addr0 + token_q * half_words, half_words, SlotW'(f_dst),
                      n_beats, 2 * ceil_div(half_words, VL), f_n);
          end else if (step_done) begin
            vector_bytes_q <= vector_bytes_q + inc_half_q;
            state_q <= StNext;
          end
        end

        // ---- BitLinear: norm weights into slots, then norm/quantize -> channels -> results
        StBlRms: begin
          if (entry_q) begin
            if (f_addr0 != mmf_format_pkg::NoAddress) begin
              read_step(KSlotLoad, f_addr0, half_words, SlotWRms, ceil_div(half_words, VL),
                        ceil_div(half_words, VL), half_words);
            end else begin
              kind_q <= KNone;
              wsrc_q <= '0;
              wcount_q <= '0;
            end
          end else if (step_done) begin
            if (f_addr0 != mmf_format_pkg::NoAddress) begin
              vector_bytes_q <= vector_bytes_q + inc_half_q;
            end
            state_q <= StBlCode;
            entry_q <= 1'b1;
          end
        end
        StBlCode: begin
          if (entry_q) begin
            read_step(KSlotLoad, f_addr1, half_words, SlotWCode, ceil_div(half_words, VL),
                      ceil_div(half_words, VL), half_words);
          end else if (step_done) begin
            vector_bytes_q <= vector_bytes_q + inc_half_q;
            state_q <= StBlRun;
            entry_q <= 1'b1;
          end
        end
        StBlRun: begin
          if (entry_q) begin
            to_memory_q <= f_dst == mmf_format_pkg::DstMemory;
            pass_step(KNorm, {4'd0, SlotWCode, SlotWRms, SlotW'(f_src0)}, 4'b0110, n_rows,
                      2'd3, '0, SlotW'(f_dst), ceil_div(f_rows, VL),
                      f_rows, 1'b1);
            // Result beats out of the C -> VL regrouping: ceil(rows / C) * C lanes.
            wsrc_q <= ceil_div((32'(rows_q_ch) + 32'(rows_m_ch != '0)) * Channels, VL);
            acc_pend_q <= '1;
            rescale_pend_q <= '1;
            gather_pend_q <= 1'b1;
            code_beats_q <= n_beats;
            code_count_q <= '0;
            code_taken_q <= '0;
            if (f_dst == mmf_format_pkg::DstMemory) begin
              wr_pend_q <= 1'b1;
              wr_addr_q <= f_addr2;
              wr_n_q <= f_rows;
            end
          end else if (step_done) begin
            ternary_ops_q <= ternary_ops_q + 64'($unsigned(ops_p));
            weight_bytes_q <= weight_bytes_q + inc_wbytes_q;
            if (to_memory_q) vector_bytes_q <= vector_bytes_q + inc_rows_q;
            state_q <= StNext;
          end
        end

        // ---- MLGRU: state and lower bound in, gate pass, state out, products for o_proj
        StMgState: begin
          if (entry_q) begin
            read_step(KSlotLoad, f_addr0, f_n, SlotState, n_beats, n_beats, f_n);
          end else if (step_done) begin
            state_q <= StMgLb;
            entry_q <= 1'b1;
          end
        end
        StMgLb: begin
          if (entry_q) begin
            if (f_addr1 != mmf_format_pkg::NoAddress) begin
              read_step(KSlotLoad, f_addr1, f_n, SlotLowerBound, n_beats, n_beats, f_n);
            end else begin
              kind_q <= KNone;
              wsrc_q <= '0;
              wcount_q <= '0;
            end
          end else if (step_done) begin
            state_q <= StMgGate;
            entry_q <= 1'b1;
          end
        end
        StMgGate: begin
          if (entry_q) begin
            pass_step(KGate, {SlotLowerBound, SlotState, SlotW'(f_src1), SlotW'(f_src0)},
                      4'b0, n_rows, 2'd1, '0, SlotState, n_beats, f_n, 1'b0);
          end else if (step_done) begin
            state_q <= StMgStore;
            entry_q <= 1'b1;
          end
        end
        StMgStore: begin
          if (entry_q) begin
            store_step(SlotState, f_addr0);
          end else if (step_done) begin
            state_q <= StMgProd;
            entry_q <= 1'b1;
          end
        end
        StMgProd: begin
          if (entry_q) begin
            pass_step(KProd, {{2{SlotW'(0)}}, SlotScratch, SlotW'(f_src2)}, 4'b0, n_rows, 2'd2,
                      '0, SlotW'(f_dst), n_beats, f_n, 1'b1);
          end else if (step_done) begin
            vector_bytes_q <= vector_bytes_q + inc_mlgru_q;
            state_q <= StNext;
          end
        end

        // ---- GLU: silu(gate) to scratch, up half realigned, products
        StGlSilu: begin
          if (entry_q) begin
            pass_step(KSilu, {{3{SlotW'(0)}}, SlotW'(f_src0)}, 4'b0, n_rows, 2'd1, '0,
                      SlotScratch, n_beats, f_n, 1'b0);
          end else if (step_done) begin
            state_q <= StGlUp;
            entry_q <= 1'b1;
          end
        end
        StGlUp: begin
          if (entry_q) begin
            pass_step(KAlign, {{3{SlotW'(0)}}, SlotW'(f_src0)}, 4'b0,
                      up_rows, 2'd1, up_start, SlotUp, n_beats, f_n, 1'b1);
          end else if (step_done) begin
            state_q <= StGlProd;
            entry_q <= 1'b1;
          end
        end
        StGlProd: begin
          if (entry_q) begin
            pass_step(KProd, {{2{SlotW'(0)}}, SlotUp, SlotScratch}, 4'b0, n_rows, 2'd2, '0,
                      SlotW'(f_dst), n_beats, f_n, 1'b1);
          end else if (step_done) begin
            state_q <= StNext;
          end
        end

        // ---- Add: dst += src0
        StAdd: begin
          if (entry_q) begin
            pass_step(KAdd, {{2{SlotW'(0)}}, SlotW'(f_src0), SlotW'(f_dst)}, 4'b0, n_rows,
                      2'd1, '0, SlotW'(f_dst), n_beats, f_n, 1'b0);
          end else if (step_done) begin
            state_q <= StNext;
          end
        end

        // ---- Store: src0 to the vector bank
        StStore: begin
          if (entry_q) begin
            store_step(SlotW'(f_src0), f_addr0);
          end else if (step_done) begin
            vector_bytes_q <= vector_bytes_q + inc_n_q;
            state_q <= StNext;
          end
        end

        StNext: begin
          kind_q <= KNone;
          op_q <= op_q + 1'b1;
          state_q <= StFetch;
        end

        default: begin  // StDone: one cycle of done to the control slave
          kind_q <= KNone;
          limit_valid_q <= 1'b0;
          state_q <= StIdle;
        end
      endcase
    end
  end

  assign done = state_q == StDone;
  assign dbg_state_o = 6'(state_q);

  // ---------------------------------------------------------------- counters (0x400 + 8k)
  mmf_perf_counters #(
    .Channels(Channels),
    .MaxOps  (MaxOps)
  ) u_counters (
    .clk_i,
    .rst_ni,
    .clear_i          (state_q == StIdle && start),
    .busy_i           (state_q != StIdle),
    .pass_i           (bank_valid || !bank_job_ready),
    .vec_wait_i       (rd_pend_q || ((kind_q == KDesc || kind_q == KToken ||
                                      kind_q == KSlotLoad || kind_q == KEmbed) && !step_done) ||
                       (!wr_idle && kind_q != KNorm)),
    .starved_i        (ch_starved),
    .acc_i            (kind_q == KNorm && state_q == StBlRun && !step_done),
    .status_i         (status_q),
    .ops_i            (op_q),
    .ternary_ops_i    (ternary_ops_q),
    .weight_bytes_i   (weight_bytes_q),
    .vector_bytes_i   (vector_bytes_q),
    .vec_read_bytes_i (vec_read_bytes),
    .vec_write_bytes_i(vec_write_bytes),
    .vec_read_error_i (vec_read_error),
    .vec_write_error_i(vec_write_error),
    .ch_error_i       (ch_error),
    .ch_bytes_i       (ch_bytes),
    .counters_o       (counters)
  );

  logic unused;
  // Not needed here: the sigmoid output (GLU uses SiLU only), fields the check already vetted,
  // the weight field (the prefetcher's), the exponent's high bits (|exp| < 2^15 for any
  // BitLinear constant the host compiler writes), buffer ids past the slot index (checked).
  assign unused = ^{silu_sigmoid, f_opcode, d_q[DescW-1:32*mmf_format_pkg::FieldReservedBegin],
                    d_q[32*mmf_format_pkg::FieldWeight +: 32], f_exp[31:16],
                    f_src0[31:SlotW], f_src1[31:SlotW], f_src2[31:SlotW]};

endmodule

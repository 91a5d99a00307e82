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

  localparam int unsigned OpW = $clog2(MaxOps + 1);
  localparam int unsigned RowCountW = $clog2(mmf_format_pkg::MaxRows + 1);
  localparam int unsigned Cols = Lanes / TileRows;
  localparam int unsigned TileRowsLog2 = $clog2(TileRows);
  localparam int unsigned MaxRowWords = (MaxVector + Cols - 1) / Cols;
  localparam int unsigned WordIdxW = $clog2(MaxRowWords + 1);
  localparam int unsigned RowW = $clog2(MaxVector / VectorLanes + 1);
  localparam int unsigned SlotW = mmf_kernel_pkg::SlotW;
  localparam int unsigned ChkW = 32 * mmf_format_pkg::DescriptorWords + 2 * RowCountW;
  localparam int unsigned VL = VectorLanes;
  localparam int unsigned Rows = MaxVector / VectorLanes;
  localparam int unsigned NCountW = $clog2(MaxVector + 1);

`ifndef SYNTHESIS
  initial begin
    assert (VectorLanes >= 2 && VectorLanes % 2 == 0 && Cols % VectorLanes == 0 &&
            MaxVector % VectorLanes == 0)
      else $fatal(1, "mmf_kernel: vector lanes must be even, divide max_vector and the tile");
    assert (TileRows == (1 << TileRowsLog2) && Cols * TileRows == Lanes)
      else $fatal(1, "mmf_kernel: TileRows must be a power of two dividing Lanes");
    assert (mmf_kernel_pkg::NumBuffers == mmf_format_pkg::NumBuffers)
      else $fatal(1, "mmf_kernel: mmf_kernel_pkg's slots must follow the format's buffers");
  end
`endif

  // ---------------------------------------------------------------- control slave
  logic                       start, done;
  logic [127:0]               scalars;
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

  // The launch arguments (kernel_regs.hpp): scalars program, num_ops, vec_words, weight_words;
  // pointers w0 .. w(Channels-1), then vec. Each module samples the ones it needs at launch, as
  // the host may rewrite the slave's registers during the run.
  logic [31:0]                   arg_program, arg_num_ops, arg_vec_words, arg_weight_words;
  logic [AddrWidth-1:0]          arg_vec_base;
  logic [AddrWidth*Channels-1:0] arg_weight_bases;
  assign {arg_weight_words, arg_vec_words, arg_num_ops, arg_program} = scalars;
  assign {arg_vec_base, arg_weight_bases} = pointers;

  // ---------------------------------------------------------------- controller
  logic                  launch;
  mmf_kernel_pkg::kind_e kind;
  logic                  load_done;
  logic [OpW-1:0]        op, first_bad;
  logic [7:0]            bad_code;
  logic [ChkW-1:0]       desc;
  // reader and writer
  logic                  rd_cmd_valid, rd_cmd_ready, rd_valid, rd_ready, rd_last;
  logic [31:0]           rd_cmd_addr, rd_cmd_n;
  logic [VDataW-1:0]     rd_data;
  logic                  wr_cmd_valid, wr_cmd_ready, wr_idle;
  logic [31:0]           wr_cmd_addr, wr_cmd_n;
  // bank, unit and weight-array jobs
  logic                  bank_job_valid, bank_job_ready;
  logic [4*SlotW-1:0]    bank_job_slots;
  logic [3:0]            bank_job_half;
  logic [RowW-1:0]       bank_job_rows, bank_job_start;
  logic [1:0]            bank_job_passes;
  logic                  unit_job_valid, unit_job_ready;
  logic                  wa_job_start, wa_job_pending;
  // the write side
  logic                  out_fire, out_keep, out_to_memory;
  logic [31:0]           out_beat, out_lanes;
  logic [SlotW-1:0]      out_slot;
  // the op's fields
  logic [31:0]           op_n, op_code_beats, op_mant;
  logic                  op_has_rms, op_has_lb;
  logic [RowCountW-1:0]  op_rows, op_rows_q, op_rows_m;
  logic [WordIdxW-1:0]   op_row_words;
  logic [15:0]           op_exp;
  // counters
  logic [31:0]           status;
  logic [63:0]           ternary_ops, weight_bytes, vector_bytes;
  logic                  busy, vec_wait, acc, pass;

  mmf_controller #(
    .Lanes      (Lanes),
    .TileRows   (TileRows),
    .Channels   (Channels),
    .VectorLanes(VectorLanes),
    .MaxVector  (MaxVector),
    .MaxOps     (MaxOps)
  ) u_controller (
    .clk_i,
    .rst_ni,
    .start_i          (start),
    .program_i        (arg_program),
    .num_ops_i        (arg_num_ops),
    .vec_words_i      (arg_vec_words),
    .launch_o         (launch),
    .done_o           (done),
    .dbg_state_o,
    .load_done_o      (load_done),
    .first_bad_i      (first_bad),
    .bad_code_i       (bad_code),
    .op_o             (op),
    .desc_i           (desc),
    .kind_o           (kind),
    .rd_cmd_valid_o   (rd_cmd_valid),
    .rd_cmd_ready_i   (rd_cmd_ready),
    .rd_cmd_addr_o    (rd_cmd_addr),
    .rd_cmd_n_o       (rd_cmd_n),
    .rd_valid_i       (rd_valid),
    .rd_ready_i       (rd_ready),
    .rd_word_i        (rd_data[31:0]),
    .rd_last_o        (rd_last),
    .wr_cmd_valid_o   (wr_cmd_valid),
    .wr_cmd_ready_i   (wr_cmd_ready),
    .wr_cmd_addr_o    (wr_cmd_addr),
    .wr_cmd_n_o       (wr_cmd_n),
    .wr_idle_i        (wr_idle),
    .bank_job_valid_o (bank_job_valid),
    .bank_job_ready_i (bank_job_ready),
    .bank_job_slots_o (bank_job_slots),
    .bank_job_half_o  (bank_job_half),
    .bank_job_rows_o  (bank_job_rows),
    .bank_job_passes_o(bank_job_passes),
    .bank_job_start_o (bank_job_start),
    .unit_job_valid_o (unit_job_valid),
    .unit_job_ready_i (unit_job_ready),
    .wa_job_start_o   (wa_job_start),
    .wa_job_pending_i (wa_job_pending),
    .out_fire_i       (out_fire),
    .out_keep_o       (out_keep),
    .out_beat_o       (out_beat),
    .out_lanes_o      (out_lanes),
    .out_slot_o       (out_slot),
    .out_to_memory_o  (out_to_memory),
    .op_n_o           (op_n),
    .op_has_rms_o     (op_has_rms),
    .op_has_lb_o      (op_has_lb),
    .op_rows_o        (op_rows),
    .op_rows_q_o      (op_rows_q),
    .op_rows_m_o      (op_rows_m),
    .op_row_words_o   (op_row_words),
    .op_code_beats_o  (op_code_beats),
    .op_mant_o        (op_mant),
    .op_exp_o         (op_exp),
    .status_o         (status),
    .ternary_ops_o    (ternary_ops),
    .weight_bytes_o   (weight_bytes),
    .vector_bytes_o   (vector_bytes),
    .busy_o           (busy),
    .vec_wait_o       (vec_wait),
    .acc_o            (acc)
  );

  // ---------------------------------------------------------------- program loader
  logic            prog_ready, prog_valid, prog_we;
  logic [OpW-1:0]  prog_waddr;
  logic [ChkW-1:0] prog_wdata;

  mmf_program_loader #(
    .Lanes      (Lanes),
    .TileRows   (TileRows),
    .Channels   (Channels),
    .VectorLanes(VectorLanes),
    .MaxVector  (MaxVector),
    .MaxOps     (MaxOps)
  ) u_loader (
    .clk_i,
    .rst_ni,
    .launch_i      (launch),
    .num_ops_i     (arg_num_ops),
    .vec_words_i   (arg_vec_words),
    .weight_words_i(arg_weight_words),
    .kind_i        (kind),
    .in_valid_i    (rd_valid),
    .in_ready_o    (prog_ready),
    .in_data_i     (rd_data),
    .in_last_i     (rd_last),
    .chk_valid_o   (prog_valid),
    .keep_i        (out_keep),
    .prog_we_o     (prog_we),
    .prog_waddr_o  (prog_waddr),
    .prog_wdata_o  (prog_wdata),
    .raddr_i       (op),
    .rdata_o       (desc),
    .first_bad_o   (first_bad),
    .bad_code_o    (bad_code)
  );

  // ---------------------------------------------------------------- vector datapath
  logic               code_valid, code_ready, scale_valid, scale_ready, res_valid, res_ready;
  logic [8*VectorLanes-1:0] code_data;
  logic [31:0]        scale_mant;
  logic signed [15:0] scale_exp;
  logic [VDataW-1:0]  res_data;
  logic [63:0]        vec_read_bytes, vec_write_bytes;
  logic               vec_read_error, vec_write_error;

  logic [AddrWidth-1:0] vec_base_q;
  always_ff @(posedge clk_i) begin : vec_base_reg
    if (!rst_ni) begin
      vec_base_q <= '0;
    end else if (launch) begin
      vec_base_q <= arg_vec_base;
    end
  end

  // ---------------------------------------------------------------- vector-bank reader
  mmf_vec_reader #(
    .Lanes    (VL),
    .AddrWidth(AddrWidth)
  ) u_reader (
    .clk_i,
    .rst_ni,
    .base_i     (vec_base_q),
    .cmd_valid_i(rd_cmd_valid),
    .cmd_ready_o(rd_cmd_ready),
    .cmd_addr_i (rd_cmd_addr),
    .cmd_n_i    (rd_cmd_n),
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
    .in_valid_i (kind == mmf_kernel_pkg::KEmbed && rd_valid),
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

  // The reader's beats go to the step's sink; the token and slot loads never stall.
  always_comb begin
    unique case (kind)
      mmf_kernel_pkg::KDesc:     rd_ready = prog_ready;
      mmf_kernel_pkg::KEmbed:    rd_ready = emb_in_ready;
      mmf_kernel_pkg::KToken:    rd_ready = 1'b1;
      mmf_kernel_pkg::KSlotLoad: rd_ready = 1'b1;
      default:                   rd_ready = 1'b0;
    endcase
  end

  // ---------------------------------------------------------------- on-chip slots
  logic                 bank_valid, bank_ready;
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
    .NumSlots (mmf_kernel_pkg::NumSlots),
    .Port1Slot(32'(mmf_kernel_pkg::SlotScratch)),
    .PortSlots({mmf_kernel_pkg::PortDSlots, mmf_kernel_pkg::PortCSlots,
                mmf_kernel_pkg::PortBSlots, mmf_kernel_pkg::PortASlots}),
    .HalfPorts(mmf_kernel_pkg::HalfPorts)
  ) u_bank (
    .clk_i,
    .rst_ni,
    .job_valid_i (bank_job_valid),
    .job_ready_o (bank_job_ready),
    .job_slots_i (bank_job_slots),
    .job_half_i  (bank_job_half),
    .job_rows_i  (bank_job_rows),
    .job_passes_i(bank_job_passes),
    .job_start_i (bank_job_start),
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
  assign pass = bank_valid || !bank_job_ready;

  // ---------------------------------------------------------------- vector units
  // norm + quantize
  logic nq_job_ready, nq_in_ready;
  mmf_norm_quantize #(
    .Lanes(VL),
    .MaxN (MaxVector)
  ) u_norm (
    .clk_i,
    .rst_ni,
    .job_valid_i  (kind == mmf_kernel_pkg::KNorm && unit_job_valid),
    .job_ready_o  (nq_job_ready),
    .job_n_i      (NCountW'(op_n)),
    .job_has_rms_i(op_has_rms),
    .in_valid_i   (kind == mmf_kernel_pkg::KNorm && bank_valid),
    .in_ready_o   (nq_in_ready),
    .in_p_i       (bank_a),
    .in_w_rms_i   (bank_b[16*VL-1:0]),
    .in_w_code_i  (bank_c[16*VL-1:0]),
    .code_valid_o(code_valid),
    .code_ready_i(code_ready),
    .code_data_o(code_data),
    .scale_valid_o(scale_valid),
    .scale_ready_i(scale_ready),
    .scale_mant_o(scale_mant),
    .scale_exp_o(scale_exp)
  );

  // MLGRU gate
  logic              gate_in_ready, gate_valid;
  logic [VDataW-1:0] gate_state, gate_silu;
  mmf_mlgru_gate #(
    .Lanes(VL)
  ) u_gate (
    .clk_i,
    .rst_ni,
    .in_valid_i (kind == mmf_kernel_pkg::KGate && bank_valid),
    .in_ready_o (gate_in_ready),
    .in_i_i     (bank_a),
    .in_f_i     (bank_b),
    .in_state_i (bank_c),
    .in_lb_i    (bank_d),
    .in_has_lb_i(op_has_lb),
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
    .in_valid_i   (kind == mmf_kernel_pkg::KSilu && bank_valid),
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
    .job_valid_i(kind == mmf_kernel_pkg::KAlign && unit_job_valid),
    .job_ready_o(align_job_ready),
    .job_off_i  ($clog2(VL)'(op_n % VL)),
    .job_n_i    (op_n),
    .in_valid_i (kind == mmf_kernel_pkg::KAlign && bank_valid),
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
    .job_valid_i(kind == mmf_kernel_pkg::KProd && unit_job_valid),
    .job_ready_o(prod_job_ready),
    .job_n_i    (NCountW'(op_n)),
    .in_valid_i (kind == mmf_kernel_pkg::KProd && bank_valid),
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
    .in_valid_i (kind == mmf_kernel_pkg::KAdd && bank_valid),
    .in_ready_o (add_in_ready),
    .in_x_i     (bank_a),
    .in_a_i     (bank_b),
    .out_valid_o(add_valid),
    .out_ready_i(1'b1),
    .out_data_o (add_data)
  );

  assign unit_job_ready = (kind == mmf_kernel_pkg::KNorm && nq_job_ready) ||
                            (kind == mmf_kernel_pkg::KProd && prod_job_ready) ||
                            (kind == mmf_kernel_pkg::KAlign && align_job_ready);

  // ---------------------------------------------------------------- vector-bank writer
  logic              wr_in_valid, wr_in_ready;
  logic [VDataW-1:0] wr_in_data;
  mmf_vec_writer #(
    .Lanes    (VL),
    .AddrWidth(AddrWidth)
  ) u_writer (
    .clk_i,
    .rst_ni,
    .base_i     (vec_base_q),
    .cmd_valid_i(wr_cmd_valid),
    .cmd_ready_o(wr_cmd_ready),
    .cmd_addr_i (wr_cmd_addr),
    .cmd_n_i    (wr_cmd_n),
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
  // One beat a cycle lands in the slots (or goes to the writer): the step's source by kind. A
  // load step's beats are the loader's checked descriptors, which land in its RAM, not here.
  logic              src_valid, src_ready;
  logic [VDataW-1:0] src_data;
  always_comb begin
    src_valid = 1'b0;
    src_data = rd_data;
    unique case (kind)
      mmf_kernel_pkg::KDesc:     begin src_valid = prog_valid; src_data = rd_data;  end
      mmf_kernel_pkg::KSlotLoad: begin src_valid = rd_valid;   src_data = rd_data;  end
      mmf_kernel_pkg::KEmbed:    begin src_valid = emb_valid;    src_data = emb_data;   end
      mmf_kernel_pkg::KGate:     begin src_valid = gate_valid;   src_data = gate_state; end
      mmf_kernel_pkg::KSilu:     begin src_valid = silu_valid;   src_data = silu_data;  end
      mmf_kernel_pkg::KAlign:    begin src_valid = align_valid;  src_data = align_data; end
      mmf_kernel_pkg::KProd:     begin src_valid = prod_valid;   src_data = prod_data;  end
      mmf_kernel_pkg::KAdd:      begin src_valid = add_valid;    src_data = add_data;   end
      mmf_kernel_pkg::KNorm:     begin src_valid = res_valid;  src_data = res_data; end
      default: ;
    endcase
  end
  // A BitLinear's results go to the vector bank instead of a slot.
  logic res_to_memory;
  assign res_to_memory = kind == mmf_kernel_pkg::KNorm && out_to_memory;
  // The bank never stalls; the writer may (results to the vector bank).
  assign src_ready = !(res_to_memory && out_keep) || wr_in_ready;
  assign res_ready = kind == mmf_kernel_pkg::KNorm && src_ready;
  assign out_fire = src_valid && src_ready;

  // Write port 0 takes the source into the step's slot; port 1 only the MLGRU gate's second
  // output, silu(state), into scratch.
  always_comb begin
    bank_we = 2'b00;
    bank_wslot = {mmf_kernel_pkg::SlotScratch, out_slot};
    bank_wrow = {2{RowW'(out_beat)}};
    bank_wdata = {gate_silu, src_data};
    for (int unsigned k = 0; k < VL; k++) begin
      bank_wmask[k] = out_beat * VL + k < out_lanes;
      bank_wmask[VL + k] = bank_wmask[k];
    end
    if (out_fire && out_keep && kind != mmf_kernel_pkg::KDesc && !res_to_memory) begin
      bank_we[0] = 1'b1;
      bank_we[1] = kind == mmf_kernel_pkg::KGate;
    end
  end

  // The bank's stream goes to the step's unit (or to the writer).
  always_comb begin
    unique case (kind)
      mmf_kernel_pkg::KNorm:      bank_ready = nq_in_ready;
      mmf_kernel_pkg::KGate:      bank_ready = gate_in_ready;
      mmf_kernel_pkg::KSilu:      bank_ready = silu_in_ready;
      mmf_kernel_pkg::KAlign:     bank_ready = align_in_ready;
      mmf_kernel_pkg::KProd:      bank_ready = prod_in_ready;
      mmf_kernel_pkg::KAdd:       bank_ready = add_in_ready;
      mmf_kernel_pkg::KSlotStore: bank_ready = wr_in_ready;
      default:                    bank_ready = 1'b0;
    endcase
  end
  assign wr_in_valid = (kind == mmf_kernel_pkg::KSlotStore) ? bank_valid :
                       (res_to_memory && out_keep && res_valid);
  assign wr_in_data = (kind == mmf_kernel_pkg::KSlotStore) ? bank_a : res_data;

  logic unused_vector_datapath;
  // The sigmoid output: GLU uses SiLU only.
  assign unused_vector_datapath = ^silu_sigmoid;

  // ---------------------------------------------------------------- weight array
  logic [64*Channels-1:0] ch_bytes;
  logic [Channels-1:0]    ch_error, ch_starved;

  mmf_weight_array #(
    .Lanes             (Lanes),
    .TileRows          (TileRows),
    .Channels          (Channels),
    .VectorLanes       (VectorLanes),
    .MaxVector         (MaxVector),
    .MaxOps            (MaxOps),
    .AddrWidth         (AddrWidth),
    .WeightFifoDepth   (WeightFifoDepth),
    .WeightFifoUltraRam(WeightFifoUltraRam)
  ) u_weights (
    .clk_i,
    .rst_ni,
    .start_i        (start),
    .launch_i       (launch),
    .bases_i        (arg_weight_bases),
    .prog_we_i      (prog_we),
    .prog_waddr_i   (prog_waddr),
    .prog_wdata_i   (prog_wdata),
    .limit_valid_i  (load_done),
    .limit_i        (first_bad),
    .ops_done_i     (op),
    .job_start_i    (wa_job_start),
    .job_pending_o  (wa_job_pending),
    .op_rows_i      (op_rows),
    .op_rows_q_i    (op_rows_q),
    .op_rows_m_i    (op_rows_m),
    .op_row_words_i (op_row_words),
    .op_code_beats_i(op_code_beats),
    .op_mant_i      (op_mant),
    .op_exp_i       (op_exp),
    .code_valid_i   (code_valid),
    .code_ready_o   (code_ready),
    .code_data_i    (code_data),
    .scale_valid_i  (scale_valid),
    .scale_ready_o  (scale_ready),
    .scale_mant_i   (scale_mant),
    .scale_exp_i    (scale_exp),
    .res_valid_o    (res_valid),
    .res_ready_i    (res_ready),
    .res_data_o     (res_data),
    .w_ar_valid_o,
    .w_ar_ready_i,
    .w_ar_addr_o,
    .w_ar_len_o,
    .w_ar_size_o,
    .w_ar_burst_o,
    .w_r_valid_i,
    .w_r_ready_o,
    .w_r_data_i,
    .w_r_last_i,
    .w_r_resp_i,
    .bytes_o        (ch_bytes),
    .error_o        (ch_error),
    .starved_o      (ch_starved)
  );

  // ---------------------------------------------------------------- counters (0x400 + 8k)
  mmf_perf_counters #(
    .Channels(Channels),
    .MaxOps  (MaxOps)
  ) u_counters (
    .clk_i,
    .rst_ni,
    .clear_i          (launch),
    .busy_i           (busy),
    .pass_i           (pass),
    .vec_wait_i       (vec_wait),
    .starved_i        (ch_starved),
    .acc_i            (acc),
    .status_i         (status),
    .ops_i            (op),
    .ternary_ops_i    (ternary_ops),
    .weight_bytes_i   (weight_bytes),
    .vector_bytes_i   (vector_bytes),
    .vec_read_bytes_i (vec_read_bytes),
    .vec_write_bytes_i(vec_write_bytes),
    .vec_read_error_i (vec_read_error),
    .vec_write_error_i(vec_write_error),
    .ch_error_i       (ch_error),
    .ch_bytes_i       (ch_bytes),
    .counters_o       (counters)
  );

endmodule

// SPDX-License-Identifier: Apache-2.0
// The accelerator kernel (mirrors run_program of hls/include/mmf_hls/controller.hpp): the
// s_axi_control slave and the kernel's parts, wired. Each build's generated top
// (bitstreams/generated/<build>/mmf_kernel_top.sv) flattens these ports into the Vitis names and
// sets the parameters from the build.
//
// A launch: the program is read once into descriptor RAM and checked (mmf_program_loader); the
// weight array's prefetcher then streams every BitLinear's weights into the channels' FIFOs
// ahead of the controller (mmf_controller), which runs the ops in order, each as a few steps
// through the vector datapath (mmf_vector_datapath: vector-bank reads into on-chip slots, passes
// of the slots through a unit, writes back); a BitLinear's pass also runs the weight array
// (mmf_weight_array). Status and counters (mmf_perf_counters) follow the HLS controller: the ops
// before a bad one run, nothing after it.
module mmf_kernel #(
  parameter int unsigned Lanes = 16,             // trits per weight word (accelerator.lanes)
  // A weight word is a tile of TileRows rows x Lanes / TileRows columns (WeightTile in
  // hls/include/mmf_hls/program_format.hpp).
  parameter int unsigned TileRows = 1,
  parameter int unsigned Channels = 2,           // weight channels (memory ports)
  parameter int unsigned VectorLanes = 4,        // 32-bit values per vector beat
  parameter int unsigned MaxVector = 16384,      // longest vector, in values
  parameter int unsigned MaxOps = 512,           // descriptors of a program, at most
  parameter int unsigned WeightFifoDepth = 256,  // weight words of FIFO per channel
  // The weight FIFOs in UltraRAM: 31 x 1 Mbit of FIFO were 92 % of the U280's block RAM.
  parameter logic WeightFifoUltraRam = 1'b0,
  // 1: the weight channels decode 1.6-bit weights too (accelerator.packings: [2bit, 1.6bit]);
  // the descriptor check then takes a BitLinear's packing PackFiveTrit.
  parameter bit FiveTrit = 1'b0,
  // Attention units for BitNet b1.58 (accelerator.max_context, max_head_dim): positions a
  // layer's KV cache may hold, 0 for a build without them, and the widest head.
  parameter int unsigned MaxContext = 0,
  parameter int unsigned MaxHeadDim = 0,
  localparam int unsigned AddrWidth = 64,
  localparam int unsigned WDataW = 2 * Lanes,
  localparam int unsigned VDataW = 32 * VectorLanes,
  localparam int unsigned NumCounters = mmf_control_pkg::CntChannelBytes + Channels
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
  output logic [mmf_control_pkg::StateBits-1:0] dbg_state_o
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

`ifndef SYNTHESIS
  initial begin
    assert (VectorLanes >= 2 && VectorLanes % 2 == 0 && Cols % VectorLanes == 0 &&
            MaxVector % VectorLanes == 0)
      else $fatal(1, "mmf_kernel: vector lanes must be even, divide max_vector and the tile");
    assert (TileRows == (1 << TileRowsLog2) && Cols * TileRows == Lanes)
      else $fatal(1, "mmf_kernel: TileRows must be a power of two dividing Lanes");
    assert (mmf_kernel_pkg::NumBuffers == mmf_format_pkg::NumBuffers)
      else $fatal(1, "mmf_kernel: mmf_kernel_pkg's slots must follow the format's buffers");
    assert (32'(mmf_kernel_pkg::KindEmbedWeights) + 1 == mmf_kernel_pkg::NumKinds)
      else $fatal(1, "mmf_kernel: NumKinds must count the kinds of mmf_kernel_pkg::kind_e");
  end
`endif

  // ---------------------------------------------------------------- control slave
  logic                       start, done;
  logic [32*mmf_control_pkg::NumScalarArgs-1:0] scalars;
  logic [64*(Channels+1)-1:0] pointers;
  logic [64*NumCounters-1:0]  counters;

  mmf_axil_control #(
    .NumScalars (mmf_control_pkg::NumScalarArgs),
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

  // The launch arguments (kernel_regs.hpp): scalars program, num_ops, vec_words, weight_words,
  // num_tokens; pointers w0 .. w(Channels-1), then vec. Each module samples the ones it needs
  // at launch, as the host may rewrite the slave's registers during the run.
  logic [31:0]                   arg_program, arg_num_ops, arg_vec_words, arg_weight_words;
  logic [31:0]                   arg_num_tokens;
  logic [AddrWidth-1:0]          arg_vec_base;
  logic [AddrWidth*Channels-1:0] arg_weight_bases;
  assign {arg_num_tokens, arg_weight_words, arg_vec_words, arg_num_ops, arg_program} = scalars;
  assign {arg_vec_base, arg_weight_bases} = pointers;

  // ---------------------------------------------------------------- controller
  logic                  launch;
  logic [mmf_kernel_pkg::NumKinds-1:0] kind;  // one-hot
  logic                  load_done;
  logic [OpW-1:0]        desc_addr, first_bad;
  logic [31:0]           ops_done;
  logic                  am_start, pick_valid;
  logic                  rope_clear;
  logic [31:0]           rope_half_beats;
  // An Embed from the weight channels: the token to the prefetcher, the row's words out raw.
  logic                  emb_token_valid, emb_token_ready;
  logic [31:0]           emb_token, emb_words;
  logic                  wemb_valid, wemb_ready, wemb_last;
  logic [WDataW-1:0]     wemb_data;
  logic [$clog2(VectorLanes):0] am_last_lanes;
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
  logic                  bank_job_hi;
  // norm-weight fetches
  logic                  nf_job_valid, nf_job_ready, nf_job_has_rms, nf_job_hi, nf_busy;
  logic [31:0]           nf_job_rms_addr, nf_job_code_addr, nf_job_words;
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
  logic                  op_packed;
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
    .MaxOps     (MaxOps),
    .FiveTrit   (FiveTrit)
  ) u_controller (
    .clk_i,
    .rst_ni,
    .start_i          (start),
    .program_i        (arg_program),
    .num_ops_i        (arg_num_ops),
    .vec_words_i      (arg_vec_words),
    .num_tokens_i     (arg_num_tokens),
    .launch_o         (launch),
    .done_o           (done),
    .dbg_state_o,
    .load_done_o      (load_done),
    .first_bad_i      (first_bad),
    .bad_code_i       (bad_code),
    .desc_addr_o      (desc_addr),
    .desc_i           (desc),
    .ops_done_o       (ops_done),
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
    .bank_job_hi_o    (bank_job_hi),
    .nf_job_valid_o    (nf_job_valid),
    .nf_job_ready_i    (nf_job_ready),
    .nf_job_has_rms_o  (nf_job_has_rms),
    .nf_job_rms_addr_o (nf_job_rms_addr),
    .nf_job_code_addr_o(nf_job_code_addr),
    .nf_job_words_o    (nf_job_words),
    .nf_job_hi_o       (nf_job_hi),
    .nf_busy_i         (nf_busy),
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
    .am_start_o       (am_start),
    .am_last_lanes_o  (am_last_lanes),
    .pick_valid_i     (pick_valid),
    .rope_clear_o     (rope_clear),
    .rope_half_beats_o(rope_half_beats),
    .emb_token_valid_o(emb_token_valid),
    .emb_token_ready_i(emb_token_ready),
    .emb_token_o      (emb_token),
    .emb_words_o      (emb_words),
    .op_n_o           (op_n),
    .op_has_rms_o     (op_has_rms),
    .op_has_lb_o      (op_has_lb),
    .op_rows_o        (op_rows),
    .op_rows_q_o      (op_rows_q),
    .op_rows_m_o      (op_rows_m),
    .op_row_words_o   (op_row_words),
    .op_packed_o      (op_packed),
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

  // The BitNet ops the kernel runs (mmf_descriptor_check's BitNetOps, bit k for opcode 8 + k,
  // and EmbedFromWeights): Rope, Relu2Glu and the Embed from the weight channels so far; the
  // descriptor check refuses the others as a kernel without attention units would.
  localparam logic [4:0] BitNetOps = 5'b01001;
  localparam bit EmbedFromWeights = 1'b1;
  mmf_program_loader #(
    .Lanes           (Lanes),
    .TileRows        (TileRows),
    .Channels        (Channels),
    .VectorLanes     (VectorLanes),
    .MaxVector       (MaxVector),
    .MaxOps          (MaxOps),
    .FiveTrit        (FiveTrit),
    .MaxContext      (MaxContext),
    .MaxHeadDim      (MaxHeadDim),
    .BitNetOps       (BitNetOps),
    .EmbedFromWeights(EmbedFromWeights)
  ) u_loader (
    .clk_i,
    .rst_ni,
    .launch_i      (launch),
    .num_ops_i     (arg_num_ops),
    .vec_words_i   (arg_vec_words),
    .weight_words_i(arg_weight_words),
    .load_i        (kind[mmf_kernel_pkg::KindProgram]),
    .in_valid_i    (rd_valid),
    .in_ready_o    (prog_ready),
    .in_data_i     (rd_data),
    .in_last_i     (rd_last),
    .chk_valid_o   (prog_valid),
    .keep_i        (out_keep),
    .prog_we_o     (prog_we),
    .prog_waddr_o  (prog_waddr),
    .prog_wdata_o  (prog_wdata),
    .raddr_i       (desc_addr),
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

  mmf_vector_datapath #(
    .VectorLanes(VectorLanes),
    .MaxVector  (MaxVector),
    .AddrWidth  (AddrWidth),
    .MaxHeadDim (MaxHeadDim),
    .Lanes      (Lanes)
  ) u_vector (
    .clk_i,
    .rst_ni,
    .launch_i         (launch),
    .vec_base_i       (arg_vec_base),
    .kind_i           (kind),
    .rd_cmd_valid_i   (rd_cmd_valid),
    .rd_cmd_ready_o   (rd_cmd_ready),
    .rd_cmd_addr_i    (rd_cmd_addr),
    .rd_cmd_n_i       (rd_cmd_n),
    .rd_valid_o       (rd_valid),
    .rd_ready_o       (rd_ready),
    .rd_data_o        (rd_data),
    .rd_last_i        (rd_last),
    .prog_ready_i     (prog_ready),
    .prog_valid_i     (prog_valid),
    .wr_cmd_valid_i   (wr_cmd_valid),
    .wr_cmd_ready_o   (wr_cmd_ready),
    .wr_cmd_addr_i    (wr_cmd_addr),
    .wr_cmd_n_i       (wr_cmd_n),
    .wr_idle_o        (wr_idle),
    .bank_job_valid_i (bank_job_valid),
    .bank_job_ready_o (bank_job_ready),
    .bank_job_slots_i (bank_job_slots),
    .bank_job_half_i  (bank_job_half),
    .bank_job_rows_i  (bank_job_rows),
    .bank_job_passes_i(bank_job_passes),
    .bank_job_start_i (bank_job_start),
    .bank_job_hi_i    (bank_job_hi),
    .nf_job_valid_i    (nf_job_valid),
    .nf_job_ready_o    (nf_job_ready),
    .nf_job_has_rms_i  (nf_job_has_rms),
    .nf_job_rms_addr_i (nf_job_rms_addr),
    .nf_job_code_addr_i(nf_job_code_addr),
    .nf_job_words_i    (nf_job_words),
    .nf_job_hi_i       (nf_job_hi),
    .nf_busy_o         (nf_busy),
    .pass_o           (pass),
    .unit_job_valid_i (unit_job_valid),
    .unit_job_ready_o (unit_job_ready),
    .op_n_i           (op_n),
    .op_has_rms_i     (op_has_rms),
    .op_has_lb_i      (op_has_lb),
    .out_fire_o       (out_fire),
    .out_keep_i       (out_keep),
    .out_beat_i       (out_beat),
    .out_lanes_i      (out_lanes),
    .out_slot_i       (out_slot),
    .out_to_memory_i  (out_to_memory),
    .am_start_i       (am_start),
    .am_last_lanes_i  (am_last_lanes),
    .pick_valid_o     (pick_valid),
    .rope_clear_i     (rope_clear),
    .rope_half_beats_i(rope_half_beats),
    .wemb_valid_i     (wemb_valid),
    .wemb_ready_o     (wemb_ready),
    .wemb_data_i      (wemb_data),
    .wemb_last_i      (wemb_last),
    .code_valid_o     (code_valid),
    .code_ready_i     (code_ready),
    .code_data_o      (code_data),
    .scale_valid_o    (scale_valid),
    .scale_ready_i    (scale_ready),
    .scale_mant_o     (scale_mant),
    .scale_exp_o      (scale_exp),
    .res_valid_i      (res_valid),
    .res_ready_o      (res_ready),
    .res_data_i       (res_data),
    .v_ar_valid_o,
    .v_ar_ready_i,
    .v_ar_addr_o,
    .v_ar_len_o,
    .v_ar_size_o,
    .v_ar_burst_o,
    .v_r_valid_i,
    .v_r_ready_o,
    .v_r_data_i,
    .v_r_last_i,
    .v_r_resp_i,
    .v_aw_valid_o,
    .v_aw_ready_i,
    .v_aw_addr_o,
    .v_aw_len_o,
    .v_aw_size_o,
    .v_aw_burst_o,
    .v_w_valid_o,
    .v_w_ready_i,
    .v_w_data_o,
    .v_w_strb_o,
    .v_w_last_o,
    .v_b_valid_i,
    .v_b_ready_o,
    .v_b_resp_i,
    .read_bytes_o     (vec_read_bytes),
    .write_bytes_o    (vec_write_bytes),
    .read_error_o     (vec_read_error),
    .write_error_o    (vec_write_error)
  );

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
    .WeightFifoUltraRam(WeightFifoUltraRam),
    .FiveTrit          (FiveTrit)
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
    .ops_done_i     (ops_done),
    .num_ops_i      (arg_num_ops),
    .num_tokens_i   (arg_num_tokens),
    .job_start_i    (wa_job_start),
    .job_pending_o  (wa_job_pending),
    .op_rows_i      (op_rows),
    .op_rows_q_i    (op_rows_q),
    .op_rows_m_i    (op_rows_m),
    .op_row_words_i (op_row_words),
    .op_packed_i    (op_packed),
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
    .emb_token_valid_i(emb_token_valid),
    .emb_token_ready_o(emb_token_ready),
    .emb_token_i      (emb_token),
    .raw_mode_i       (kind[mmf_kernel_pkg::KindEmbedWeights]),
    .raw_words_i      (emb_words),
    .raw_valid_o      (wemb_valid),
    .raw_ready_i      (wemb_ready),
    .raw_data_o       (wemb_data),
    .raw_last_o       (wemb_last),
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
    .Channels(Channels)
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
    .ops_i            (ops_done),
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

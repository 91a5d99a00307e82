// SPDX-License-Identifier: Apache-2.0
// The kernel's vector datapath: the vector-bank reader and writer, the on-chip slots
// (mmf_buffer_bank), the embedding converter and the vector units, and the step's write side.
// The step kind (mmf_kernel_pkg::kind_e, from the controller) picks who takes the reader's
// beats, which unit the bank's pass streams through, and what lands in the slots or goes to the
// writer. The controller hands out the step's jobs (reader and writer commands, the bank's pass,
// the unit's job) and counts the write side's beats; this module only routes the streams.
module mmf_vector_datapath #(
  parameter int unsigned VectorLanes = 4,    // 32-bit values per vector beat
  parameter int unsigned MaxVector = 16384,  // longest vector, in values
  parameter int unsigned AddrWidth = 64,     // AXI address bits
  // The widest attention head (accelerator.max_head_dim: a power of two of at least 2 VL; 0:
  // no attention units, and no RoPE unit).
  parameter int unsigned MaxHeadDim = 0,
  parameter int unsigned Lanes = 16,         // trits per weight word (accelerator.lanes)
  localparam int unsigned VL = VectorLanes,
  localparam int unsigned WDataW = 2 * Lanes,
  localparam int unsigned VDataW = 32 * VectorLanes,
  localparam int unsigned Rows = MaxVector / VectorLanes,
  localparam int unsigned RowW = $clog2(Rows + 1),
  localparam int unsigned NCountW = $clog2(MaxVector + 1),
  localparam int unsigned SlotW = mmf_kernel_pkg::SlotW
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,

  // A launch: the vector bank's base address, sampled when launch_i is set.
  input  logic                    launch_i,
  input  logic [AddrWidth-1:0]    vec_base_i,

  // The step's kind, one-hot (bit k for mmf_kernel_pkg::kind_e value k).
  input  logic [mmf_kernel_pkg::NumKinds-1:0] kind_i,

  // Reader commands (n words at word index addr) and its beats, which the step's sink takes:
  // the program loader (prog_ready_i), the controller (the token), an embedding row or a slot.
  input  logic                    rd_cmd_valid_i,
  output logic                    rd_cmd_ready_o,
  input  logic [31:0]             rd_cmd_addr_i,
  input  logic [31:0]             rd_cmd_n_i,
  output logic                    rd_valid_o,
  output logic                    rd_ready_o,
  output logic [VDataW-1:0]       rd_data_o,
  input  logic                    rd_last_i,   // the step's last reader beat
  input  logic                    prog_ready_i,
  // The load step's beats on the write side are the loader's checked descriptors.
  input  logic                    prog_valid_i,

  // Writer commands; idle once every write of the last one is acknowledged.
  input  logic                    wr_cmd_valid_i,
  output logic                    wr_cmd_ready_o,
  input  logic [31:0]             wr_cmd_addr_i,
  input  logic [31:0]             wr_cmd_n_i,
  output logic                    wr_idle_o,

  // A norm-weight fetch (mmf_norm_fetch): a BitLinear's w_rms (when it has them) and w_code
  // into the half `hi` of their slots. While it runs (nf_busy_o) it owns the reader: no
  // reader command may come then, and none may be pending when a fetch is handed over.
  input  logic                    nf_job_valid_i,
  output logic                    nf_job_ready_o,
  input  logic                    nf_job_has_rms_i,
  input  logic [31:0]             nf_job_rms_addr_i,
  input  logic [31:0]             nf_job_code_addr_i,
  input  logic [31:0]             nf_job_words_i,
  input  logic                    nf_job_hi_i,
  output logic                    nf_busy_o,

  // Pass job of the slots (mmf_buffer_bank): the slots of ports a..d, half-mode ports, rows,
  // passes, first row, the norm weights' half. pass_o: a pass is running (for the performance
  // counters).
  input  logic                    bank_job_valid_i,
  output logic                    bank_job_ready_o,
  input  logic [4*SlotW-1:0]      bank_job_slots_i,
  input  logic [3:0]              bank_job_half_i,
  input  logic [RowW-1:0]         bank_job_rows_i,
  input  logic [1:0]              bank_job_passes_i,
  input  logic [RowW-1:0]         bank_job_start_i,
  input  logic                    bank_job_hi_i,
  output logic                    pass_o,

  // The job of the step's unit (norm/quantize, products or realignment; other kinds have none).
  input  logic                    unit_job_valid_i,
  output logic                    unit_job_ready_o,

  // Fields of the op being run, stable from its decode to the end of its last step.
  input  logic [31:0]             op_n_i,
  input  logic                    op_has_rms_i,  // a BitLinear with norm weights
  input  logic                    op_has_lb_i,   // an MLGRU with a lower bound

  // The write side: each beat of the step's source is one step beat (out_fire_o); a kept beat
  // (out_keep_i) lands in row out_beat_i of slot out_slot_i, lanes past out_lanes_i values
  // masked, or, for a BitLinear's results with out_to_memory_i, goes to the writer.
  output logic                    out_fire_o,
  input  logic                    out_keep_i,
  input  logic [31:0]             out_beat_i,
  input  logic [31:0]             out_lanes_i,
  input  logic [SlotW-1:0]        out_slot_i,
  input  logic                    out_to_memory_i,

  // An Argmax: am_start_i clears mmf_argmax before its values (kind KindArgmaxRead) stream in
  // from the reader, the last beat with am_last_lanes_i values; pick_valid_o for one cycle when
  // the pick is in, which kind KindArgmaxPick then writes (one word) through the writer.
  input  logic                    am_start_i,
  input  logic [$clog2(VL):0]     am_last_lanes_i,
  output logic                    pick_valid_o,

  // A Rope (kinds KindRopeTable, KindRopeRotate): mmf_rope restarts (one cycle, before its
  // table rows); a half head's beats, stable through the op.
  input  logic                    rope_clear_i,
  input  logic [31:0]             rope_half_beats_i,

  // An Embed's row from a weight channel (kind KindEmbedWeights): its words as they come,
  // Lanes / 8 bf16 values each, the last one marked (mmf_weight_array counts them).
  input  logic                    wemb_valid_i,
  output logic                    wemb_ready_o,
  input  logic [WDataW-1:0]       wemb_data_i,
  input  logic                    wemb_last_i,

  // To and from the weight array: the norm's codes and token scale, the BitLinear's results.
  output logic                    code_valid_o,
  input  logic                    code_ready_i,
  output logic [8*VL-1:0]         code_data_o,
  output logic                    scale_valid_o,
  input  logic                    scale_ready_i,
  output logic [31:0]             scale_mant_o,
  output logic signed [15:0]      scale_exp_o,
  input  logic                    res_valid_i,
  output logic                    res_ready_o,
  input  logic [VDataW-1:0]       res_data_i,

  // Vector bank
  output logic                    v_ar_valid_o,
  input  logic                    v_ar_ready_i,
  output logic [AddrWidth-1:0]    v_ar_addr_o,
  output logic [7:0]              v_ar_len_o,
  output logic [2:0]              v_ar_size_o,
  output logic [1:0]              v_ar_burst_o,
  input  logic                    v_r_valid_i,
  output logic                    v_r_ready_o,
  input  logic [VDataW-1:0]       v_r_data_i,
  input  logic                    v_r_last_i,
  input  logic [1:0]              v_r_resp_i,
  output logic                    v_aw_valid_o,
  input  logic                    v_aw_ready_i,
  output logic [AddrWidth-1:0]    v_aw_addr_o,
  output logic [7:0]              v_aw_len_o,
  output logic [2:0]              v_aw_size_o,
  output logic [1:0]              v_aw_burst_o,
  output logic                    v_w_valid_o,
  input  logic                    v_w_ready_i,
  output logic [VDataW-1:0]       v_w_data_o,
  output logic [VDataW/8-1:0]     v_w_strb_o,
  output logic                    v_w_last_o,
  input  logic                    v_b_valid_i,
  output logic                    v_b_ready_o,
  input  logic [1:0]              v_b_resp_i,

  // Bytes moved and AXI error responses seen, for the counters.
  output logic [63:0]             read_bytes_o,
  output logic [63:0]             write_bytes_o,
  output logic                    read_error_o,
  output logic                    write_error_o
);

  logic [AddrWidth-1:0] vec_base_q;
  always_ff @(posedge clk_i) begin : vec_base_reg
    if (!rst_ni) begin
      vec_base_q <= '0;
    end else if (launch_i) begin
      vec_base_q <= vec_base_i;
    end
  end

  // ---------------------------------------------------------------- vector-bank reader
  // Shared by the steps and the norm-weight fetcher, which has it while nf_busy_o. The chosen
  // command goes through a register (taken when it is empty: a command every other cycle at
  // most, against one a vector read): the choice in front of the reader's own command logic
  // was 8 LUT levels in the u280 top.
  logic              reader_cmd_valid, reader_cmd_ready, reader_valid, reader_ready;
  logic [31:0]       reader_cmd_addr, reader_cmd_n;
  logic              cmd_valid_q;
  logic [31:0]       cmd_addr_q, cmd_n_q;
  logic              nf_cmd_valid;
  logic [31:0]       nf_cmd_addr, nf_cmd_n;
  logic              nf_we, nf_we_code;
  logic [$clog2(Rows)-1:0] nf_wrow;
  logic [VDataW-1:0] nf_wdata;
  logic [VL-1:0]     nf_wmask;
  always_ff @(posedge clk_i) begin : reader_cmd_reg
    if (!rst_ni) begin
      cmd_valid_q <= 1'b0;
      cmd_addr_q <= '0;
      cmd_n_q <= '0;
    end else if (!cmd_valid_q) begin
      cmd_valid_q <= nf_busy_o ? nf_cmd_valid : rd_cmd_valid_i;
      cmd_addr_q <= nf_busy_o ? nf_cmd_addr : rd_cmd_addr_i;
      cmd_n_q <= nf_busy_o ? nf_cmd_n : rd_cmd_n_i;
    end else if (reader_cmd_ready) begin
      cmd_valid_q <= 1'b0;
    end
  end
  assign reader_cmd_valid = cmd_valid_q;
  assign reader_cmd_addr = cmd_addr_q;
  assign reader_cmd_n = cmd_n_q;
  assign rd_cmd_ready_o = !cmd_valid_q && !nf_busy_o;
  assign rd_valid_o = reader_valid && !nf_busy_o;
  assign reader_ready = nf_busy_o || rd_ready_o;

  mmf_vec_reader #(
    .VectorLanes(VL),
    .AddrWidth  (AddrWidth)
  ) u_reader (
    .clk_i,
    .rst_ni,
    .base_i     (vec_base_q),
    .cmd_valid_i(reader_cmd_valid),
    .cmd_ready_o(reader_cmd_ready),
    .cmd_addr_i (reader_cmd_addr),
    .cmd_n_i    (reader_cmd_n),
    .out_valid_o(reader_valid),
    .out_ready_i(reader_ready),
    .out_data_o (rd_data_o),
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
    .bytes_o    (read_bytes_o),
    .error_o    (read_error_o)
  );

  mmf_norm_fetch #(
    .VectorLanes(VL),
    .Rows       (Rows)
  ) u_norm_fetch (
    .clk_i,
    .rst_ni,
    .job_valid_i    (nf_job_valid_i),
    .job_ready_o    (nf_job_ready_o),
    .job_has_rms_i  (nf_job_has_rms_i),
    .job_rms_addr_i (nf_job_rms_addr_i),
    .job_code_addr_i(nf_job_code_addr_i),
    .job_words_i    (nf_job_words_i),
    .job_hi_i       (nf_job_hi_i),
    .busy_o         (nf_busy_o),
    .rd_cmd_valid_o (nf_cmd_valid),
    .rd_cmd_ready_i (!cmd_valid_q),
    .rd_cmd_addr_o  (nf_cmd_addr),
    .rd_cmd_n_o     (nf_cmd_n),
    .rd_valid_i     (reader_valid && nf_busy_o),
    .rd_data_i      (rd_data_o),
    .we_o           (nf_we),
    .we_code_o      (nf_we_code),
    .wrow_o         (nf_wrow),
    .wdata_o        (nf_wdata),
    .wmask_o        (nf_wmask)
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
    .in_valid_i (kind_i[mmf_kernel_pkg::KindEmbedRow] && rd_valid_o),
    .in_ready_o (emb_in_ready),
    .in_data_i  (rd_data_o),
    .in_last_i  (rd_last_i),
    .out_valid_o(emb_half_valid),
    .out_ready_i(emb_half_ready),
    .out_data_o (emb_half)
  );
  // An embedding row from a weight channel: Lanes / 8 bf16 values a word, VL a beat for the
  // converter, which the two embedding paths share (one runs at a time: the step's kind).
  logic              wemb_half_valid, wemb_half_ready, conv_valid, conv_ready;
  logic [16*VL-1:0]  wemb_half, conv_data;
  mmf_gearbox #(
    .Width   (16),
    .InLanes (Lanes / 8),
    .OutLanes(VL)
  ) u_wemb_box (
    .clk_i,
    .rst_ni,
    .in_valid_i (kind_i[mmf_kernel_pkg::KindEmbedWeights] && wemb_valid_i),
    .in_ready_o (wemb_ready_o),
    .in_data_i  (wemb_data_i),
    .in_last_i  (wemb_last_i),
    .out_valid_o(wemb_half_valid),
    .out_ready_i(wemb_half_ready),
    .out_data_o (wemb_half)
  );
  assign conv_valid = kind_i[mmf_kernel_pkg::KindEmbedWeights] ? wemb_half_valid : emb_half_valid;
  assign conv_data = kind_i[mmf_kernel_pkg::KindEmbedWeights] ? wemb_half : emb_half;
  assign emb_half_ready = conv_ready && !kind_i[mmf_kernel_pkg::KindEmbedWeights];
  assign wemb_half_ready = conv_ready && kind_i[mmf_kernel_pkg::KindEmbedWeights];

  mmf_bf16_to_q16 #(
    .VectorLanes(VL)
  ) u_bf16 (
    .clk_i,
    .rst_ni,
    .in_valid_i (conv_valid),
    .in_ready_o (conv_ready),
    .in_data_i  (conv_data),
    .out_valid_o(emb_valid),
    .out_ready_i(1'b1),
    .out_data_o (emb_data)
  );

  // The reader's beats go to the step's sink; the token and slot loads and the Argmax never
  // stall.
  assign rd_ready_o = (kind_i[mmf_kernel_pkg::KindProgram] && prog_ready_i) ||
                      (kind_i[mmf_kernel_pkg::KindEmbedRow] && emb_in_ready) ||
                      kind_i[mmf_kernel_pkg::KindToken] || kind_i[mmf_kernel_pkg::KindSlotLoad] ||
                      kind_i[mmf_kernel_pkg::KindArgmaxRead] ||
                      (kind_i[mmf_kernel_pkg::KindRopeTable] && rope_tab_ready);

  // ---------------------------------------------------------------- greedy sampling
  logic        am_valid;
  logic [31:0] am_index, pick_q;
  mmf_argmax #(
    .VectorLanes(VL),
    .IndexW     (32)
  ) u_argmax (
    .clk_i,
    .rst_ni,
    .start_i    (am_start_i),
    .in_valid_i (kind_i[mmf_kernel_pkg::KindArgmaxRead] && rd_valid_o),
    .in_data_i  (rd_data_o),
    .in_lanes_i (rd_last_i ? am_last_lanes_i : ($clog2(VL) + 1)'(VL)),
    .in_last_i  (rd_last_i),
    .out_valid_o(am_valid),
    .out_index_o(am_index)
  );
  always_ff @(posedge clk_i) begin : pick_reg
    if (am_valid) pick_q <= am_index;
  end
  assign pick_valid_o = am_valid;

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
    .VectorLanes(VL),
    .Rows       (Rows),
    .NumSlots   (mmf_kernel_pkg::NumSlots),
    .Port1Slot  (32'(mmf_kernel_pkg::SlotScratch)),
    .Port2Slots (mmf_kernel_pkg::NormSlots),
    .PortSlots  ({mmf_kernel_pkg::PortDSlots, mmf_kernel_pkg::PortCSlots,
                  mmf_kernel_pkg::PortBSlots, mmf_kernel_pkg::PortASlots}),
    .HalfPorts  (mmf_kernel_pkg::HalfPorts)
  ) u_bank (
    .clk_i,
    .rst_ni,
    .job_valid_i (bank_job_valid_i),
    .job_ready_o (bank_job_ready_o),
    .job_slots_i (bank_job_slots_i),
    .job_half_i  (bank_job_half_i),
    .job_rows_i  (bank_job_rows_i),
    .job_passes_i(bank_job_passes_i),
    .job_start_i (bank_job_start_i),
    .job_hi_i    (bank_job_hi_i),
    .out_valid_o (bank_valid),
    .out_ready_i (bank_ready),
    .out_data_o  (bank_data),
    .we_i        (bank_we),
    .wslot_i     (bank_wslot),
    .wrow_i      (bank_wrow),
    .wdata_i     (bank_wdata),
    .wmask_i     (bank_wmask),
    .we2_i       (nf_we),
    .wslot2_i    (nf_we_code ? mmf_kernel_pkg::SlotWCode : mmf_kernel_pkg::SlotWRms),
    .wrow2_i     (nf_wrow),
    .wdata2_i    (nf_wdata),
    .wmask2_i    (nf_wmask)
  );
  assign {bank_d, bank_c, bank_b, bank_a} = bank_data;
  assign pass_o = bank_valid || !bank_job_ready_o;

  // ---------------------------------------------------------------- vector units
  // norm + quantize
  logic nq_job_ready, nq_in_ready;
  mmf_norm_quantize #(
    .VectorLanes(VL),
    .MaxN       (MaxVector)
  ) u_norm (
    .clk_i,
    .rst_ni,
    .job_valid_i  (kind_i[mmf_kernel_pkg::KindBitLinear] && unit_job_valid_i),
    .job_ready_o  (nq_job_ready),
    .job_n_i      (NCountW'(op_n_i)),
    .job_has_rms_i(op_has_rms_i),
    .in_valid_i   (kind_i[mmf_kernel_pkg::KindBitLinear] && bank_valid),
    .in_ready_o   (nq_in_ready),
    .in_p_i       (bank_a),
    .in_w_rms_i   (bank_b[16*VL-1:0]),
    .in_w_code_i  (bank_c[16*VL-1:0]),
    .code_valid_o,
    .code_ready_i,
    .code_data_o,
    .scale_valid_o,
    .scale_ready_i,
    .scale_mant_o,
    .scale_exp_o
  );

  // MLGRU gate
  logic              gate_in_ready, gate_valid;
  logic [VDataW-1:0] gate_state, gate_silu;
  mmf_mlgru_gate #(
    .VectorLanes(VL)
  ) u_gate (
    .clk_i,
    .rst_ni,
    .in_valid_i (kind_i[mmf_kernel_pkg::KindMlgruGate] && bank_valid),
    .in_ready_o (gate_in_ready),
    .in_i_i     (bank_a),
    .in_f_i     (bank_b),
    .in_state_i (bank_c),
    .in_lb_i    (bank_d),
    .in_has_lb_i(op_has_lb_i),
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
    .VectorLanes(VL)
  ) u_silu (
    .clk_i,
    .rst_ni,
    .in_valid_i   (kind_i[mmf_kernel_pkg::KindGluSilu] && bank_valid),
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
    .Width      (32),
    .VectorLanes(VL)
  ) u_align (
    .clk_i,
    .rst_ni,
    .job_valid_i(kind_i[mmf_kernel_pkg::KindGluAlign] && unit_job_valid_i),
    .job_ready_o(align_job_ready),
    .job_off_i  ($clog2(VL)'(op_n_i % VL)),
    .job_n_i    (op_n_i),
    .in_valid_i (kind_i[mmf_kernel_pkg::KindGluAlign] && bank_valid),
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
    .VectorLanes(VL),
    .MaxN       (MaxVector)
  ) u_prod (
    .clk_i,
    .rst_ni,
    .job_valid_i(kind_i[mmf_kernel_pkg::KindProducts] && unit_job_valid_i),
    .job_ready_o(prod_job_ready),
    .job_n_i    (NCountW'(op_n_i)),
    .in_valid_i (kind_i[mmf_kernel_pkg::KindProducts] && bank_valid),
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
    .VectorLanes(VL)
  ) u_add (
    .clk_i,
    .rst_ni,
    .in_valid_i (kind_i[mmf_kernel_pkg::KindResidualAdd] && bank_valid),
    .in_ready_o (add_in_ready),
    .in_x_i     (bank_a),
    .in_a_i     (bank_b),
    .out_valid_o(add_valid),
    .out_ready_i(1'b1),
    .out_data_o (add_data)
  );

  // ReLU of Relu2Glu's gate: one register, no stall (the bank's writes never stall).
  logic              relu_valid_q;
  logic [VDataW-1:0] relu_data_q;
  always_ff @(posedge clk_i) begin : relu_reg
    if (!rst_ni) begin
      relu_valid_q <= 1'b0;
    end else begin
      relu_valid_q <= kind_i[mmf_kernel_pkg::KindRelu] && bank_valid;
    end
    for (int unsigned k = 0; k < VL; k++) begin
      relu_data_q[32*k +: 32] <= bank_a[32*k+31] ? '0 : bank_a[32*k +: 32];
    end
  end

  // RoPE: the table rows from the reader, then the heads of a slot (builds with attention
  // units; without them nothing is routed to it, and it is not built).
  logic              rope_tab_ready, rope_in_ready, rope_valid;
  logic [VDataW-1:0] rope_data;
  if (MaxHeadDim != 0) begin : gen_rope
    localparam int unsigned HalfW = $clog2(MaxHeadDim / (2 * VL) + 1);
    logic unused_half;  // a checked head_dim gives at most MaxHeadDim / (2 VL) beats
    assign unused_half = ^rope_half_beats_i[31:HalfW];
    mmf_rope #(
      .VectorLanes(VL),
      .MaxHeadDim (MaxHeadDim)
    ) u_rope (
      .clk_i,
      .rst_ni,
      .clear_i     (rope_clear_i),
      .half_beats_i(HalfW'(rope_half_beats_i)),
      .tab_valid_i (kind_i[mmf_kernel_pkg::KindRopeTable] && rd_valid_o),
      .tab_ready_o (rope_tab_ready),
      .tab_data_i  (rd_data_o),
      .in_valid_i  (kind_i[mmf_kernel_pkg::KindRopeRotate] && bank_valid),
      .in_ready_o  (rope_in_ready),
      .in_data_i   (bank_a),
      .out_valid_o (rope_valid),
      .out_ready_i (1'b1),
      .out_data_o  (rope_data)
    );
  end else begin : gen_no_rope
    assign rope_tab_ready = 1'b0;
    assign rope_in_ready = 1'b0;
    assign rope_valid = 1'b0;
    assign rope_data = '0;
    logic unused_rope;
    assign unused_rope = ^{rope_clear_i, rope_half_beats_i};
  end

  assign unit_job_ready_o = (kind_i[mmf_kernel_pkg::KindBitLinear] && nq_job_ready) ||
                            (kind_i[mmf_kernel_pkg::KindProducts] && prod_job_ready) ||
                            (kind_i[mmf_kernel_pkg::KindGluAlign] && align_job_ready);

  // ---------------------------------------------------------------- vector-bank writer
  logic              wr_in_valid, wr_in_ready;
  logic [VDataW-1:0] wr_in_data;
  mmf_vec_writer #(
    .VectorLanes(VL),
    .AddrWidth  (AddrWidth)
  ) u_writer (
    .clk_i,
    .rst_ni,
    .base_i     (vec_base_q),
    .cmd_valid_i(wr_cmd_valid_i),
    .cmd_ready_o(wr_cmd_ready_o),
    .cmd_addr_i (wr_cmd_addr_i),
    .cmd_n_i    (wr_cmd_n_i),
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
    .idle_o     (wr_idle_o),
    .bytes_o    (write_bytes_o),
    .error_o    (write_error_o)
  );

  // ---------------------------------------------------------------- the write side of a step
  // One beat a cycle lands in the slots (or goes to the writer): the step's source by kind. A
  // load step's beats are the loader's checked descriptors, which land in its RAM, not here.
  logic              src_valid, src_ready;
  logic [VDataW-1:0] src_data;
  // An AND-OR of the sources under the one-hot kind (0 for the kinds without a source).
  always_comb begin
    src_valid = (kind_i[mmf_kernel_pkg::KindProgram] && prog_valid_i) ||
                (kind_i[mmf_kernel_pkg::KindSlotLoad] && rd_valid_o) ||
                ((kind_i[mmf_kernel_pkg::KindEmbedRow] ||
                  kind_i[mmf_kernel_pkg::KindEmbedWeights]) && emb_valid) ||
                (kind_i[mmf_kernel_pkg::KindMlgruGate] && gate_valid) ||
                (kind_i[mmf_kernel_pkg::KindGluSilu] && silu_valid) ||
                (kind_i[mmf_kernel_pkg::KindGluAlign] && align_valid) ||
                (kind_i[mmf_kernel_pkg::KindProducts] && prod_valid) ||
                (kind_i[mmf_kernel_pkg::KindResidualAdd] && add_valid) ||
                (kind_i[mmf_kernel_pkg::KindRelu] && relu_valid_q) ||
                (kind_i[mmf_kernel_pkg::KindRopeRotate] && rope_valid) ||
                (kind_i[mmf_kernel_pkg::KindBitLinear] && res_valid_i) ||
                (kind_i[mmf_kernel_pkg::KindArgmaxPick] && out_keep_i);
    src_data = ({VDataW{kind_i[mmf_kernel_pkg::KindProgram] ||
                        kind_i[mmf_kernel_pkg::KindSlotLoad]}} & rd_data_o) |
               ({VDataW{kind_i[mmf_kernel_pkg::KindEmbedRow] ||
                        kind_i[mmf_kernel_pkg::KindEmbedWeights]}} & emb_data) |
               ({VDataW{kind_i[mmf_kernel_pkg::KindMlgruGate]}} & gate_state) |
               ({VDataW{kind_i[mmf_kernel_pkg::KindGluSilu]}} & silu_data) |
               ({VDataW{kind_i[mmf_kernel_pkg::KindGluAlign]}} & align_data) |
               ({VDataW{kind_i[mmf_kernel_pkg::KindProducts]}} & prod_data) |
               ({VDataW{kind_i[mmf_kernel_pkg::KindResidualAdd]}} & add_data) |
               ({VDataW{kind_i[mmf_kernel_pkg::KindRelu]}} & relu_data_q) |
               ({VDataW{kind_i[mmf_kernel_pkg::KindRopeRotate]}} & rope_data) |
               ({VDataW{kind_i[mmf_kernel_pkg::KindBitLinear]}} & res_data_i) |
               ({VDataW{kind_i[mmf_kernel_pkg::KindArgmaxPick]}} & VDataW'(pick_q));
  end
  // A BitLinear's results go to the vector bank instead of a slot, as does an Argmax's pick.
  logic res_to_memory, to_writer;
  assign res_to_memory = kind_i[mmf_kernel_pkg::KindBitLinear] && out_to_memory_i;
  assign to_writer = res_to_memory || kind_i[mmf_kernel_pkg::KindArgmaxPick];
  // The bank never stalls; the writer may (results to the vector bank).
  assign src_ready = !(to_writer && out_keep_i) || wr_in_ready;
  assign res_ready_o = kind_i[mmf_kernel_pkg::KindBitLinear] && src_ready;
  assign out_fire_o = src_valid && src_ready;

  // Write port 0 takes the source into the step's slot; port 1 only the MLGRU gate's second
  // output, silu(state), into scratch.
  always_comb begin
    bank_we = 2'b00;
    bank_wslot = {mmf_kernel_pkg::SlotScratch, out_slot_i};
    bank_wrow = {2{RowW'(out_beat_i)}};
    bank_wdata = {gate_silu, src_data};
    for (int unsigned k = 0; k < VL; k++) begin
      bank_wmask[k] = out_beat_i * VL + k < out_lanes_i;
      bank_wmask[VL + k] = bank_wmask[k];
    end
    if (out_fire_o && out_keep_i && !kind_i[mmf_kernel_pkg::KindProgram] && !to_writer) begin
      bank_we[0] = 1'b1;
      bank_we[1] = kind_i[mmf_kernel_pkg::KindMlgruGate];
    end
  end

  // The bank's stream goes to the step's unit (or to the writer).
  assign bank_ready = (kind_i[mmf_kernel_pkg::KindBitLinear] && nq_in_ready) ||
                      (kind_i[mmf_kernel_pkg::KindMlgruGate] && gate_in_ready) ||
                      (kind_i[mmf_kernel_pkg::KindGluSilu] && silu_in_ready) ||
                      (kind_i[mmf_kernel_pkg::KindGluAlign] && align_in_ready) ||
                      (kind_i[mmf_kernel_pkg::KindProducts] && prod_in_ready) ||
                      (kind_i[mmf_kernel_pkg::KindResidualAdd] && add_in_ready) ||
                      kind_i[mmf_kernel_pkg::KindRelu] ||
                      (kind_i[mmf_kernel_pkg::KindRopeRotate] && rope_in_ready) ||
                      (kind_i[mmf_kernel_pkg::KindSlotStore] && wr_in_ready);
  // The writer's input: a slot being stored, else the kept beats (out_keep_i) of a BitLinear's
  // results to memory or of an Argmax's pick.
  assign wr_in_valid = kind_i[mmf_kernel_pkg::KindSlotStore] ? bank_valid :
                       out_keep_i && ((res_to_memory && res_valid_i) ||
                                      kind_i[mmf_kernel_pkg::KindArgmaxPick]);
  assign wr_in_data = kind_i[mmf_kernel_pkg::KindSlotStore] ? bank_a :
                      kind_i[mmf_kernel_pkg::KindArgmaxPick]      ? VDataW'(pick_q) : res_data_i;

  logic unused;
  // The sigmoid output: GLU uses SiLU only. Between steps (KindIdle) nothing is routed.
  assign unused = ^{silu_sigmoid, kind_i[mmf_kernel_pkg::KindIdle]};

`ifndef SYNTHESIS
  // A fetch is handed over only with no step read pending (its beats would go to the fetch).
  nf_alone_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                               nf_job_valid_i |-> !rd_cmd_valid_i)
    else $error("mmf_vector_datapath: a norm-weight fetch beside a step's read");
`endif

endmodule

// SPDX-License-Identifier: Apache-2.0
// The kernel's weight side: the prefetcher, one weight channel per memory channel (read master,
// FIFO, ternary accumulate) with its own rescale, and the row gather. The prefetcher streams
// every BitLinear's weights into the channels' FIFOs ahead of the controller; a BitLinear's job
// then takes the norm's codes (regrouped into code words of a tile's columns, each taken by
// every channel) and its token scale (one rescale job per channel), and gives the results back
// in row order, VectorLanes a beat. Built with FiveTrit, a BitLinear's weights may be 1.6-bit
// (its descriptor's packing): the prefetcher reads their beats and each channel decodes them.
module mmf_weight_array #(
  parameter int unsigned Lanes = 16,  // trits per weight word (accelerator.lanes)
  parameter int unsigned TileRows = 1,  // a weight word is TileRows rows x Lanes / TileRows
  parameter int unsigned Channels = 2,  // weight channels (memory ports)
  parameter int unsigned VectorLanes = 4,  // 32-bit values per vector beat
  parameter int unsigned MaxVector = 16384,  // longest vector, in values
  parameter int unsigned MaxOps = 512,  // descriptors of a program, at most
  parameter int unsigned AddrWidth = 64,  // AXI address bits
  parameter int unsigned WeightFifoDepth = 256,  // weight words of FIFO per channel
  parameter logic WeightFifoUltraRam = 1'b0,  // the weight FIFOs in UltraRAM
  // 1: the channels decode 1.6-bit weights too (mmf_build_pkg::FiveTrit).
  parameter bit FiveTrit = 1'b0,
  localparam int unsigned VL = VectorLanes,
  localparam int unsigned VDataW = 32 * VectorLanes,
  localparam int unsigned WDataW = 2 * Lanes,
  localparam int unsigned Cols = Lanes / TileRows,
  localparam int unsigned MaxRowWords = (MaxVector + Cols - 1) / Cols,
  localparam int unsigned WordIdxW = $clog2(MaxRowWords + 1),
  localparam int unsigned OpW = $clog2(MaxOps + 1),
  localparam int unsigned RowCountW = $clog2(mmf_format_pkg::MaxRows + 1),
  // A checked descriptor: {rows % Channels, rows / Channels, descriptor} (mmf_descriptor_check)
  localparam int unsigned ChkW = 32 * mmf_format_pkg::DescriptorWords + 2 * RowCountW
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,

  // A launch: start_i restarts the prefetcher; the weight pointers (channel c in slice c) are
  // sampled when launch_i is set.
  input  logic                          start_i,
  input  logic                          launch_i,
  input  logic [AddrWidth*Channels-1:0] bases_i,

  // The program as the loader writes it (the prefetcher's copy), how far the prefetcher may go
  // (the ops before the first bad one, once the load is over) and the controller's progress.
  input  logic                          prog_we_i,
  input  logic [OpW-1:0]                prog_waddr_i,
  input  logic [ChkW-1:0]               prog_wdata_i,
  input  logic                          limit_valid_i,
  input  logic [OpW-1:0]                limit_i,
  // The controller's ops done over the launch's passes; the program's length and the passes
  // (sampled at the launch), for the prefetcher's walk from one pass into the next.
  input  logic [31:0]                   ops_done_i,
  input  logic [31:0]                   num_ops_i,
  input  logic [31:0]                   num_tokens_i,

  // A BitLinear's job, started in one cycle (job_start_i) and pending until every channel,
  // rescale and the gather took their part. The op's fields are stable from its decode to the
  // end of its last step: rows, rows / Channels and rows % Channels, words per row block, the
  // weights' packing (1: 1.6-bit), norm beats (code beats), the tensor constant.
  input  logic                          job_start_i,
  output logic                          job_pending_o,
  input  logic [RowCountW-1:0]          op_rows_i,
  input  logic [RowCountW-1:0]          op_rows_q_i,
  input  logic [RowCountW-1:0]          op_rows_m_i,
  input  logic [WordIdxW-1:0]           op_row_words_i,
  input  logic                          op_packed_i,
  input  logic [31:0]                   op_code_beats_i,
  input  logic [31:0]                   op_mant_i,
  input  logic [15:0]                   op_exp_i,

  // The norm's codes (VectorLanes a beat) and token scale; the results, VectorLanes rows a beat.
  input  logic                          code_valid_i,
  output logic                          code_ready_o,
  input  logic [8*VL-1:0]               code_data_i,
  input  logic                          scale_valid_i,
  output logic                          scale_ready_o,
  input  logic [31:0]                   scale_mant_i,
  input  logic signed [15:0]            scale_exp_i,
  output logic                          res_valid_o,
  input  logic                          res_ready_i,
  output logic [VDataW-1:0]             res_data_o,

  // An Embed from the weight channels: the controller's checked token to the prefetcher, which
  // reads the row into channel token % Channels; with raw_mode_i (the Embed's row step) the
  // row's raw_words_i words (stable through the step) of that channel come out raw,
  // registered, and no more: the next BitLinear's words follow them in the FIFO.
  input  logic                          emb_token_valid_i,
  output logic                          emb_token_ready_o,
  input  logic [31:0]                   emb_token_i,
  input  logic                          raw_mode_i,
  input  logic [31:0]                   raw_words_i,
  output logic                          raw_valid_o,
  input  logic                          raw_ready_i,
  output logic [WDataW-1:0]             raw_data_o,
  output logic                          raw_last_o,   // the row's last word

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

  // Per channel: bytes read, an AXI error response seen, starved this cycle (memory-bound).
  output logic [64*Channels-1:0]        bytes_o,
  output logic [Channels-1:0]           error_o,
  output logic [Channels-1:0]           starved_o
);

  logic [AddrWidth*Channels-1:0] bases_q;
  always_ff @(posedge clk_i) begin : bases_reg
    if (!rst_ni) begin
      bases_q <= '0;
    end else if (launch_i) begin
      bases_q <= bases_i;
    end
  end

  // ---- The job: the parts still to hand over, the codes counted to close the last code word.
  logic [Channels-1:0] ch_pend_q, rs_pend_q;  // accumulate and rescale jobs, per channel
  logic                gather_pend_q;
  logic [31:0]         code_beats_q, code_count_q;
  // code_count_q == code_beats_q - 1 as a register (the next code beat is the job's last): the
  // 32-bit subtract and compare sat between the norm's code handshake and the upsizer's flags.
  logic                code_last_q;
  logic [Channels-1:0] code_taken_q;  // channels that took the current code word
  logic                code_word_valid, code_word_ready;
  logic [8*Cols-1:0]   code_word;
  logic [Channels-1:0] ch_job_ready, ch_code_ready, rs_job_ready;
  logic                gather_job_ready;

  // Pending as a register of its own, from the next values of the three: the OR of 2 x
  // Channels flags is then not in the controller's step-done logic.
  logic                job_pending_q;
  logic [Channels-1:0] ch_pend_d, rs_pend_d;
  logic                gather_pend_d;
  assign job_pending_o = job_pending_q;
  always_comb begin
    if (job_start_i) begin
      ch_pend_d = '1;
      rs_pend_d = '1;
      gather_pend_d = 1'b1;
    end else begin
      ch_pend_d = ch_pend_q & ~ch_job_ready;
      rs_pend_d = rs_pend_q & ~(rs_job_ready & {Channels{scale_valid_i}});
      gather_pend_d = gather_pend_q && !gather_job_ready;
    end
  end

  always_ff @(posedge clk_i) begin : job_reg
    if (!rst_ni) begin
      ch_pend_q <= '0;
      rs_pend_q <= '0;
      gather_pend_q <= 1'b0;
      job_pending_q <= 1'b0;
    end else begin
      ch_pend_q <= ch_pend_d;
      rs_pend_q <= rs_pend_d;
      gather_pend_q <= gather_pend_d;
      job_pending_q <= gather_pend_d || ch_pend_d != '0 || rs_pend_d != '0;
    end
  end

  always_ff @(posedge clk_i) begin : code_reg
    if (!rst_ni) begin
      code_beats_q <= '0;
      code_count_q <= '0;
      code_last_q <= 1'b0;
      code_taken_q <= '0;
    end else if (job_start_i) begin
      code_beats_q <= op_code_beats_i;
      code_count_q <= '0;
      code_last_q <= op_code_beats_i == 32'd1;
      code_taken_q <= '0;
    end else begin
      if (code_valid_i && code_ready_o) begin
        code_count_q <= code_count_q + 1;
        code_last_q <= code_count_q + 32'd2 == code_beats_q;
      end
      if (code_word_valid) begin
        code_taken_q <= code_word_ready ? '0 : (code_taken_q | ch_code_ready);
      end
    end
  end

  // Codes: VL per norm beat, regrouped into code words of Cols (a tile's columns) for the
  // channels.
  mmf_stream_upsize #(
    .InWidth(8 * VL),
    .Ratio  (Cols / VL)
  ) u_codes (
    .clk_i,
    .rst_ni,
    .in_valid_i (code_valid_i),
    .in_ready_o (code_ready_o),
    .in_data_i  (code_data_i),
    .in_last_i  (code_last_q),
    .out_valid_o(code_word_valid),
    .out_ready_i(code_word_ready),
    .out_data_o (code_word)
  );

  // The code word goes to every channel; each takes it once.
  assign code_word_ready = &(code_taken_q | ch_code_ready);

  // ---- Prefetch, channels, rescale
  logic [Channels-1:0]           pf_cmd_valid, pf_cmd_ready;
  logic [AddrWidth*Channels-1:0] pf_cmd_addr;
  logic [32*Channels-1:0]        pf_cmd_beats;
  logic                          pf_cmd_packed;
  logic [WordIdxW-1:0]           pf_cmd_block_words, pf_cmd_block_beats;
  mmf_weight_prefetch #(
    .Lanes    (Lanes),
    .TileRows (TileRows),
    .Channels (Channels),
    .MaxOps   (MaxOps),
    .MaxVector(MaxVector),
    .AddrWidth(AddrWidth),
    .FiveTrit (FiveTrit)
  ) u_prefetch (
    .clk_i,
    .rst_ni,
    .we_i         (prog_we_i),
    .waddr_i      (prog_waddr_i),
    .wdata_i      (prog_wdata_i),
    .start_i,
    .limit_valid_i,
    .limit_i,
    .ops_done_i,
    .num_ops_i,
    .num_tokens_i,
    .bases_i      (bases_q),
    .cmd_valid_o  (pf_cmd_valid),
    .cmd_ready_i  (pf_cmd_ready),
    .cmd_addr_o   (pf_cmd_addr),
    .cmd_beats_o  (pf_cmd_beats),
    .cmd_packed_o     (pf_cmd_packed),
    .cmd_block_words_o(pf_cmd_block_words),
    .cmd_block_beats_o(pf_cmd_block_beats),
    .emb_token_valid_i,
    .emb_token_ready_o,
    .emb_token_i,
    .emb_ch_o         (emb_ch)
  );

  // The raw words of the channel that holds the Embed's row (emb_ch, one-hot), AND-OR merged,
  // then a register: the merge of 31 channels' words is 3 LUT levels on u280.
  logic [Channels-1:0]        emb_ch, ch_raw_valid;
  logic [WDataW*Channels-1:0] ch_raw_data;
  logic                       merged_valid, merged_ready;
  logic [WDataW-1:0]          merged_data;
  always_comb begin
    merged_data = '0;
    for (int unsigned c = 0; c < Channels; c++) begin
      merged_data |= ch_raw_data[WDataW*c +: WDataW] & {WDataW{emb_ch[c]}};
    end
  end
  assign merged_valid = |(ch_raw_valid & emb_ch);
  // The row's words still to take from the FIFO (loaded between steps).
  logic [31:0] raw_left_q;
  logic        raw_on;
  always_ff @(posedge clk_i) begin : raw_count
    if (!raw_mode_i) begin
      raw_left_q <= raw_words_i;
    end else if (merged_valid && merged_ready) begin
      raw_left_q <= raw_left_q - 32'd1;
    end
  end
  assign raw_on = raw_mode_i && raw_left_q != '0;
  mmf_pipe_reg #(
    .Width(WDataW + 1)
  ) u_raw_reg (
    .clk_i,
    .rst_ni,
    .in_valid_i (merged_valid),
    .in_ready_o (merged_ready),
    .in_data_i  ({raw_left_q == 32'd1, merged_data}),
    .out_valid_o(raw_valid_o),
    .out_ready_i(raw_ready_i),
    .out_data_o ({raw_last_o, raw_data_o})
  );

  logic [Channels-1:0]    ch_sum_valid, ch_sum_ready;
  logic [32*Channels-1:0] ch_sum;
  logic [Channels-1:0]    rs_valid, rs_ready;
  logic [32*Channels-1:0] rs_data;
  // Each channel's rows, registered: the compare and add were 7 LUT levels into the channels'
  // job ports in the u280 top. The op's rows are stable from its decode, several cycles before
  // a BitLinear's job starts (ch_rows_a).
  logic [RowCountW*Channels-1:0] ch_rows_d, ch_rows_q;

  for (genvar c = 0; c < Channels; c++) begin : gen_channel
    // Channel c holds rows c, c + Channels, ...: rows / Channels, one more below the remainder.
    assign ch_rows_d[RowCountW*c +: RowCountW] =
        op_rows_q_i + RowCountW'(RowCountW'(c) < op_rows_m_i);

    mmf_weight_channel #(
      .Lanes       (Lanes),
      .TileRows    (TileRows),
      .MaxRowWords (MaxRowWords),
      .AddrWidth   (AddrWidth),
      .FifoDepth   (WeightFifoDepth),
      .FifoUltraRam(WeightFifoUltraRam),
      .FiveTrit    (FiveTrit)
    ) u_channel (
      .clk_i,
      .rst_ni,
      .cmd_valid_i    (pf_cmd_valid[c]),
      .cmd_ready_o    (pf_cmd_ready[c]),
      .cmd_addr_i     (pf_cmd_addr[AddrWidth*c +: AddrWidth]),
      .cmd_beats_i    (pf_cmd_beats[32*c +: 32]),
      .cmd_packed_i     (pf_cmd_packed),
      .cmd_block_words_i(pf_cmd_block_words),
      .cmd_block_beats_i(pf_cmd_block_beats),
      .job_valid_i    (ch_pend_q[c]),
      .job_ready_o    (ch_job_ready[c]),
      .job_rows_i     (ch_rows_q[RowCountW*c +: RowCountW]),
      .job_row_words_i(op_row_words_i),
      .job_packed_i   (op_packed_i),
      .code_valid_i   (code_word_valid && !code_taken_q[c]),
      .code_ready_o   (ch_code_ready[c]),
      .code_data_i    (code_word),
      .sum_valid_o    (ch_sum_valid[c]),
      .sum_ready_i    (ch_sum_ready[c]),
      .sum_data_o     (ch_sum[32*c +: 32]),
      .raw_i          (raw_on && emb_ch[c]),
      .raw_valid_o    (ch_raw_valid[c]),
      .raw_ready_i    (merged_ready),
      .raw_data_o     (ch_raw_data[WDataW*c +: WDataW]),
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
      .bytes_o        (bytes_o[64*c +: 64]),
      .error_o        (error_o[c]),
      .starved_o      (starved_o[c])
    );

    // Each channel's row sums rescaled to Q16 on their own (one multiplier per channel).
    mmf_rescale u_rescale (
      .clk_i,
      .rst_ni,
      .job_valid_i     (scale_valid_i && rs_pend_q[c]),
      .job_ready_o     (rs_job_ready[c]),
      .job_token_mant_i(scale_mant_i),
      .job_token_exp_i (scale_exp_i),
      .job_const_mant_i(op_mant_i),
      .job_const_exp_i (op_exp_i),
      .job_rows_i      (ch_rows_q[RowCountW*c +: RowCountW]),
      .in_valid_i      (ch_sum_valid[c]),
      .in_ready_o      (ch_sum_ready[c]),
      .in_data_i       (ch_sum[32*c +: 32]),
      .out_valid_o     (rs_valid[c]),
      .out_ready_i     (rs_ready[c]),
      .out_data_o      (rs_data[32*c +: 32])
    );
  end
  always_ff @(posedge clk_i) begin : ch_rows_reg
    ch_rows_q <= ch_rows_d;
  end
  // The token scale goes to every rescale; each takes it once.
  assign scale_ready_o = &(~rs_pend_q | rs_job_ready);

  // ---- Rows back in order, Channels a beat, then VL a beat for the slots or the vector bank.
  logic                   gather_valid, gather_ready, gather_last;
  logic [32*Channels-1:0] gather_data;
  mmf_row_gather #(
    .Channels(Channels)
  ) u_gather (
    .clk_i,
    .rst_ni,
    .job_valid_i(gather_pend_q),
    .job_ready_o(gather_job_ready),
    .job_rows_i (op_rows_i),
    .in_valid_i (rs_valid),
    .in_ready_o (rs_ready),
    .in_data_i  (rs_data),
    .out_valid_o(gather_valid),
    .out_ready_i(gather_ready),
    .out_data_o (gather_data),
    .out_last_o (gather_last)
  );

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
    .out_valid_o(res_valid_o),
    .out_ready_i(res_ready_i),
    .out_data_o (res_data_o)
  );

`ifndef SYNTHESIS
  ch_rows_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      job_start_i || ch_pend_q != '0 || rs_pend_q != '0 |-> ch_rows_q == ch_rows_d)
    else $error("mmf_weight_array: the channels' rows changed during a job");
  job_pending_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      job_pending_q == (gather_pend_q || ch_pend_q != '0 || rs_pend_q != '0))
    else $error("mmf_weight_array: job_pending_q disagrees with the pending flags");
  code_last_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      code_last_q == (code_count_q == code_beats_q - 32'd1))
    else $error("mmf_weight_array: code_last_q disagrees with the code count");
`endif

endmodule

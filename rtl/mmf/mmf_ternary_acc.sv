// SPDX-License-Identifier: Apache-2.0
// Ternary accumulate unit of one weight channel; mirrors load_codes + accumulate_rows of
// hls/include/mmf_hls/ternary_accumulate.hpp. For each job of `rows` rows of `row_words` weight
// words it first takes row_words code words (Lanes int8 codes each) into a local RAM, then one
// weight word (Lanes 2-bit trits) per cycle into a pipelined dot product (mmf_ternary_dot: each
// lane adds, subtracts or skips its code, no multiplier). A narrow accumulator after the dot adds
// a row's word sums; one int32 sum per row leaves on the sum stream, through a small FIFO.
//
// Back pressure without stalling the pipeline: a word that ends a row is taken only while the
// sums in flight (in the dot, the accumulator and the FIFO) leave a FIFO entry for it, so the
// pipeline never has to hold. A row sum holds its credit from its last word to its handshake,
// dot latency + 3 cycles; with that many FIFO entries a sink that is
// always ready never slows the stream, even at one word per row.
// Package names are written out (no header import): Yosys 0.23 reads only that form.
module mmf_ternary_acc #(
  parameter int unsigned Lanes = 16,
  // Longest row in weight words: ceil(max_vector / Lanes).
  parameter int unsigned MaxRowWords = 1024,
  localparam int unsigned WordIdxW = $clog2(MaxRowWords + 1),
  localparam int unsigned RowCountW = $clog2(mmf_format_pkg::MaxRows + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // Job: rows (may be 0: codes are still taken) and words per row (1 .. MaxRowWords).
  input  logic                 job_valid_i,
  output logic                 job_ready_o,
  input  logic [RowCountW-1:0] job_rows_i,
  input  logic [WordIdxW-1:0]  job_row_words_i,

  // Code words: lane k in bits [8k+7:8k], two's complement.
  input  logic                 code_valid_i,
  output logic                 code_ready_o,
  input  logic [8*Lanes-1:0]   code_data_i,

  // Weight words: lane k in bits [2k+1:2k] (two_bit trit codes).
  input  logic                 weight_valid_i,
  output logic                 weight_ready_o,
  input  logic [2*Lanes-1:0]   weight_data_i,

  // Row sums, in row order.
  output logic                 sum_valid_o,
  input  logic                 sum_ready_i,
  output logic [31:0]          sum_data_o
);

  localparam int unsigned DotLatency = mmf_format_pkg::ternary_dot_latency(Lanes);
  localparam int unsigned DotSumW = mmf_format_pkg::ternary_dot_sum_width(Lanes);
  // Row sums are at most 128 * Lanes * MaxRowWords in magnitude (int8 codes).
  localparam int unsigned AccW = DotSumW + $clog2(MaxRowWords + 1);
  localparam int unsigned SumFifoDepth = DotLatency + 3;
  localparam int unsigned PendW = $clog2(SumFifoDepth + 1);

  typedef enum logic [1:0] {
    StIdle,
    StLoad,   // taking code words
    StPrime,  // one cycle: the code RAM reads word 0
    StRun     // taking weight words
  } state_e;

  state_e                state_q, state_d;
  logic [RowCountW-1:0]  rows_q, rows_d;        // rows still to take
  logic [WordIdxW-1:0]   row_words_q, row_words_d;
  logic [WordIdxW-1:0]   word_q, word_d;        // word index within the row (or code word)
  logic [PendW-1:0]      pending_q;             // row sums taken in, not yet out of the FIFO

  logic [8*Lanes-1:0]    code_word;             // codes of word_q (RAM read one cycle earlier)
  logic                  code_fire, weight_fire, last_word, sum_fire;

  assign code_fire = code_valid_i && code_ready_o;
  assign weight_fire = weight_valid_i && weight_ready_o;
  assign last_word = word_q == row_words_q - 1'b1;
  assign sum_fire = sum_valid_o && sum_ready_i;

  assign job_ready_o = state_q == StIdle;
  assign code_ready_o = state_q == StLoad;
  // A word that ends a row needs a FIFO entry reserved for its sum.
  assign weight_ready_o = state_q == StRun && (!last_word || pending_q != PendW'(SumFifoDepth));

  always_comb begin
    state_d = state_q;
    rows_d = rows_q;
    row_words_d = row_words_q;
    word_d = word_q;
    unique case (state_q)
      StIdle: begin
        if (job_valid_i) begin
          rows_d = job_rows_i;
          row_words_d = job_row_words_i;
          word_d = '0;
          state_d = StLoad;
        end
      end
      StLoad: begin
        if (code_fire) begin
          word_d = last_word ? '0 : word_q + 1'b1;
          if (last_word) state_d = StPrime;
        end
      end
      StPrime: state_d = rows_q == '0 ? StIdle : StRun;
      StRun: begin
        if (weight_fire) begin
          word_d = last_word ? '0 : word_q + 1'b1;
          if (last_word) begin
            rows_d = rows_q - 1'b1;
            if (rows_q == 1) state_d = StIdle;
          end
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      rows_q <= '0;
      row_words_q <= '0;
      word_q <= '0;
      pending_q <= '0;
    end else begin
      state_q <= state_d;
      rows_q <= rows_d;
      row_words_q <= row_words_d;
      word_q <= word_d;
      pending_q <= pending_q + PendW'(weight_fire && last_word) - PendW'(sum_fire);
    end
  end

  // The code RAM is read at the next word index, so its output holds the codes of word_q.
  prim_ram_1r1w #(
    .Width(8 * Lanes),
    .Depth(MaxRowWords)
  ) u_codes (
    .clk_i,
    .we_i   (code_fire),
    .waddr_i(word_q[$clog2(MaxRowWords)-1:0]),
    .wdata_i(code_data_i),
    .raddr_i(word_d[$clog2(MaxRowWords)-1:0]),
    .rdata_o(code_word)
  );

  // ---- Datapath: dot product of each word, then the row accumulator ------------------------
  logic                       dot_valid, dot_last;
  logic signed [DotSumW-1:0]  dot_sum;

  mmf_ternary_dot #(
    .Lanes(Lanes),
    .TagW (1)
  ) u_dot (
    .clk_i,
    .rst_ni,
    .in_valid_i (weight_fire),
    .in_tag_i   (last_word),
    .weight_i   (weight_data_i),
    .code_i     (code_word),
    .out_valid_o(dot_valid),
    .out_tag_o  (dot_last),
    .out_sum_o  (dot_sum)
  );

  // The accumulator holds the sum of the row's words before this one; a row's last word sends
  // acc + its sum on and clears it (no reset: it is cleared before its first use by reset of
  // acc_clear_q, which marks it empty).
  logic signed [AccW-1:0] acc_q, row_sum;
  logic                   acc_clear_q, row_valid_q;
  logic signed [AccW-1:0] row_sum_q;
  assign row_sum = (acc_clear_q ? '0 : acc_q) + AccW'(dot_sum);

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      acc_clear_q <= 1'b1;
      row_valid_q <= 1'b0;
    end else begin
      if (dot_valid) acc_clear_q <= dot_last;
      row_valid_q <= dot_valid && dot_last;
    end
  end
  always_ff @(posedge clk_i) begin
    if (dot_valid) acc_q <= row_sum;
    row_sum_q <= row_sum;
  end

  logic sum_fifo_ready;
  logic [$clog2(SumFifoDepth + 1)-1:0] sum_fifo_usage;  // checked against the credits only
  mmf_fifo #(
    .Width(32),
    .Depth(SumFifoDepth)
  ) u_sums (
    .clk_i,
    .rst_ni,
    .in_valid_i (row_valid_q),
    .in_ready_o (sum_fifo_ready),
    .in_data_i  (32'(row_sum_q)),
    .out_valid_o(sum_valid_o),
    .out_ready_i(sum_ready_i),
    .out_data_o (sum_data_o),
    .usage_o    (sum_fifo_usage)
  );

`ifndef SYNTHESIS
  // The credit rule reserves a FIFO entry for every row sum in flight.
  sum_room_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      row_valid_q |-> sum_fifo_ready)
    else $error("mmf_ternary_acc: a row sum found the sum FIFO full");
  sum_credits_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(sum_fifo_usage) <= 32'(pending_q))
    else $error("mmf_ternary_acc: more sums in the FIFO than taken in");
  // Handshake contract of the sum stream: data holds while valid waits for ready.
  sum_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      sum_valid_o && !sum_ready_i |=> sum_valid_o && $stable(sum_data_o))
    else $error("mmf_ternary_acc: sum stream changed while stalled");
  job_words_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      job_valid_i && job_ready_o |-> job_row_words_i != '0 &&
                                     32'(job_row_words_i) <= MaxRowWords)
    else $error("mmf_ternary_acc: row_words out of range");
`endif

endmodule

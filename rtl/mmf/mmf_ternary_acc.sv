// SPDX-License-Identifier: Apache-2.0
// Ternary accumulate unit of one weight channel; mirrors load_codes + accumulate_rows of
// hls/include/mmf_hls/ternary_accumulate.hpp. For each job of `rows` rows of `row_words` weight
// words it first takes row_words code words (Lanes int8 codes each) into a local RAM, then one
// weight word (Lanes 2-bit trits) per cycle: each lane adds, subtracts or skips its code, no
// multiplier. One int32 sum per row leaves on the sum stream.
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

  typedef enum logic [1:0] {
    StIdle,
    StLoad,   // taking code words
    StPrime,  // one cycle: the code RAM reads word 0
    StRun     // taking weight words
  } state_e;

  state_e                state_q, state_d;
  logic [RowCountW-1:0]  rows_q, rows_d;        // rows still to finish
  logic [WordIdxW-1:0]   row_words_q, row_words_d;
  logic [WordIdxW-1:0]   word_q, word_d;        // word index within the row (or code word)
  logic signed [31:0]    acc_q, acc_d;
  logic                  sum_valid_q, sum_valid_d;
  logic [31:0]           sum_q, sum_d;

  logic [8*Lanes-1:0]    code_word;             // codes of word_q (RAM read one cycle earlier)
  logic                  code_fire, weight_fire, last_word;
  logic signed [31:0]    partial;

  assign code_fire = code_valid_i && code_ready_o;
  assign weight_fire = weight_valid_i && weight_ready_o;
  assign last_word = word_q == row_words_q - 1'b1;

  assign job_ready_o = state_q == StIdle;
  assign code_ready_o = state_q == StLoad;
  // A word may end a row, so take one only when the sum register is free or draining.
  assign weight_ready_o = state_q == StRun && (!sum_valid_q || sum_ready_i);

  // Sum of the lanes of one weight word: +code, -code or nothing per trit.
  always_comb begin
    partial = '0;
    for (int unsigned k = 0; k < Lanes; k++) begin
      unique case (weight_data_i[2*k +: 2])
        mmf_format_pkg::TritPlus:  partial = partial + 32'(signed'(code_word[8*k +: 8]));
        mmf_format_pkg::TritMinus: partial = partial - 32'(signed'(code_word[8*k +: 8]));
        default:   partial = partial;  // TritZero; 2'b10 never occurs in an image
      endcase
    end
  end

  always_comb begin
    state_d = state_q;
    rows_d = rows_q;
    row_words_d = row_words_q;
    word_d = word_q;
    acc_d = acc_q;
    sum_valid_d = sum_valid_q && !sum_ready_i;
    sum_d = sum_q;
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
      StPrime: begin
        acc_d = '0;
        state_d = rows_q == '0 ? StIdle : StRun;
      end
      StRun: begin
        if (weight_fire) begin
          if (last_word) begin
            sum_valid_d = 1'b1;
            sum_d = 32'(acc_q + partial);
            acc_d = '0;
            word_d = '0;
            rows_d = rows_q - 1'b1;
            if (rows_q == 1) state_d = StIdle;
          end else begin
            acc_d = acc_q + partial;
            word_d = word_q + 1'b1;
          end
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      rows_q <= '0;
      row_words_q <= '0;
      word_q <= '0;
      acc_q <= '0;
      sum_valid_q <= 1'b0;
      sum_q <= '0;
    end else begin
      state_q <= state_d;
      rows_q <= rows_d;
      row_words_q <= row_words_d;
      word_q <= word_d;
      acc_q <= acc_d;
      sum_valid_q <= sum_valid_d;
      sum_q <= sum_d;
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

  assign sum_valid_o = sum_valid_q;
  assign sum_data_o = sum_q;

`ifndef SYNTHESIS
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

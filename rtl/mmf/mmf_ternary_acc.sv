// SPDX-License-Identifier: Apache-2.0
// Ternary accumulate unit of one weight channel; mirrors load_codes + accumulate_rows of
// hls/include/mmf_hls/ternary_accumulate.hpp. A weight word is a tile of TileRows rows x Cols
// columns (WeightTile in hls/include/mmf_hls/program_format.hpp, FINN's PE x SIMD). For each job
// of `rows` rows in blocks of TileRows, `row_words` words a block, it first takes row_words code
// words (Cols int8 codes each) into a local RAM, then one weight word per cycle: each tile row
// goes into its own pipelined dot product (mmf_ternary_dot: each lane adds, subtracts or skips
// its code, no multiplier) against the same Cols codes, so a channel needs Cols codes a cycle,
// not Lanes. Narrow accumulators after the dots add a block's word sums; a block's sums go into
// a small FIFO whole, and leave one int32 row sum a cycle on the sum stream (a last block's
// padding rows are dropped).
//
// Back pressure without stalling the pipeline: a word that ends a block is taken only while the
// blocks in flight (in the dots, the accumulators and the FIFO) leave a FIFO entry for it, so the
// pipeline never has to hold. A block holds its credit from its last word until its last row
// sum's handshake, dot latency + 3 + TileRows cycles; BlockFifoDepth entries cover that at one
// block per TileRows words, so a sink that is always ready never slows the stream unless blocks
// are shorter than TileRows words (then the sum stream, one row a cycle, is the bound).
// Package names are written out (no header import): Yosys 0.23 reads only that form.
module mmf_ternary_acc #(
  parameter int unsigned Lanes = 16,    // trits per weight word (accelerator.lanes)
  parameter int unsigned TileRows = 1,  // rows of a weight word's tile
  // Longest row block in weight words: ceil(max_vector / Cols).
  parameter int unsigned MaxRowWords = 1024,
  localparam int unsigned Cols = Lanes / TileRows,
  localparam int unsigned WordIdxW = $clog2(MaxRowWords + 1),
  localparam int unsigned RowCountW = $clog2(mmf_format_pkg::MaxRows + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // Job: rows (may be 0: codes are still taken) and words per row block (1 .. MaxRowWords).
  input  logic                 job_valid_i,
  output logic                 job_ready_o,
  input  logic [RowCountW-1:0] job_rows_i,
  input  logic [WordIdxW-1:0]  job_row_words_i,

  // Code words: column k in bits [8k+7:8k], two's complement.
  input  logic                 code_valid_i,
  output logic                 code_ready_o,
  input  logic [8*Cols-1:0]    code_data_i,

  // Weight words: lane r * Cols + k (tile row r, column k) in bits [2l+1:2l] (two_bit codes).
  input  logic                 weight_valid_i,
  output logic                 weight_ready_o,
  input  logic [2*Lanes-1:0]   weight_data_i,

  // Row sums, in row order.
  output logic                 sum_valid_o,
  input  logic                 sum_ready_i,
  output logic [31:0]          sum_data_o
);

  localparam int unsigned DotLatency = mmf_format_pkg::ternary_dot_latency(Cols);
  localparam int unsigned DotSumW = mmf_format_pkg::ternary_dot_sum_width(Cols);
  // Row sums are at most 128 * Cols * MaxRowWords in magnitude (int8 codes).
  localparam int unsigned AccW = DotSumW + $clog2(MaxRowWords + 1);
  localparam int unsigned BlockFifoDepth = (DotLatency + 3 + TileRows - 1) / TileRows + 1;
  localparam int unsigned PendW = $clog2(BlockFifoDepth + 1);
  // Rows of a block: 1 .. TileRows.
  localparam int unsigned CountW = $clog2(TileRows + 1);
  localparam int unsigned IdxW = (TileRows > 1) ? $clog2(TileRows) : 1;

  if (TileRows == 0 || (TileRows & (TileRows - 1)) != 0 || Cols < 4 || Cols * TileRows != Lanes)
  begin : g_bad_tile
    $error("mmf_ternary_acc: TileRows must be a power of two leaving at least 4 columns");
  end

  typedef enum logic [1:0] {
    StIdle,
    StLoad,   // taking code words
    StPrime,  // one cycle: the code RAM reads word 0
    StRun     // taking weight words
  } state_e;

  state_e                state_q, state_d;
  logic [RowCountW-1:0]  rows_q, rows_d;        // rows still to take (blocks of TileRows)
  logic [WordIdxW-1:0]   row_words_q, row_words_d;
  logic [WordIdxW-1:0]   word_q, word_d;        // word index within the row (or code word)
  logic [PendW-1:0]      pending_q;             // row sums taken in, not yet out of the FIFO

  logic [8*Cols-1:0]     code_word;             // codes of word_q (RAM read one cycle earlier)
  logic                  code_fire, weight_fire, last_word, block_pop;
  logic                  last_block;            // the block being taken is the job's last
  logic [CountW-1:0]     block_rows;            // rows of the block being taken

  assign code_fire = code_valid_i && code_ready_o;
  assign weight_fire = weight_valid_i && weight_ready_o;
  assign last_word = word_q == row_words_q - 1'b1;
  assign last_block = rows_q <= RowCountW'(TileRows);
  assign block_rows = last_block ? CountW'(rows_q) : CountW'(TileRows);

  assign job_ready_o = state_q == StIdle;
  assign code_ready_o = state_q == StLoad;
  // A word that ends a block needs a FIFO entry reserved for its sums.
  assign weight_ready_o = state_q == StRun &&
                          (!last_word || pending_q != PendW'(BlockFifoDepth));

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
            rows_d = rows_q - RowCountW'(block_rows);
            if (last_block) state_d = StIdle;
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
      pending_q <= pending_q + PendW'(weight_fire && last_word) - PendW'(block_pop);
    end
  end

  // The code RAM is read at the next word index, so its output holds the codes of word_q.
  prim_ram_1r1w #(
    .Width(8 * Cols),
    .Depth(MaxRowWords)
  ) u_codes (
    .clk_i,
    .we_i   (code_fire),
    .waddr_i(word_q[$clog2(MaxRowWords)-1:0]),
    .wdata_i(code_data_i),
    .raddr_i(word_d[$clog2(MaxRowWords)-1:0]),
    .rdata_o(code_word)
  );

  // ---- Datapath: a dot product per tile row, then the row accumulators -------------------
  // Tile row 0's dot carries the tag: the block's last word and its row count.
  localparam int unsigned TagW = 1 + CountW;
  logic                               dot_valid;
  logic [TagW-1:0]                    dot_tag;
  logic [TileRows*DotSumW-1:0]        dot_sum;  // row r in [DotSumW*r +: DotSumW]

  for (genvar r = 0; r < TileRows; r++) begin : g_row
    logic              row_valid;
    logic [TagW-1:0]   row_tag;
    mmf_ternary_dot #(
      .Lanes(Cols),
      .TagW (TagW)
    ) u_dot (
      .clk_i,
      .rst_ni,
      .in_valid_i (weight_fire),
      .in_tag_i   ({last_word, block_rows}),
      .weight_i   (weight_data_i[2*Cols*r +: 2*Cols]),
      .code_i     (code_word),
      .out_valid_o(row_valid),
      .out_tag_o  (row_tag),
      .out_sum_o  (dot_sum[DotSumW*r +: DotSumW])
    );
    if (r == 0) begin : g_tag
      assign dot_valid = row_valid;
      assign dot_tag = row_tag;
    end else begin : g_no_tag
      logic unused_row;
      assign unused_row = row_valid ^ (^row_tag);
    end
  end

  logic              dot_last;
  logic [CountW-1:0] dot_rows;
  assign {dot_last, dot_rows} = dot_tag;

  // Each accumulator holds the sum of its row's words of the block before this one; a block's
  // last word sends acc + its sum on and clears them (no reset: acc_clear_q, reset to 1, marks
  // them empty before their first use).
  // Row r of a block in [AccW*r +: AccW] (packed vectors: Yosys 0.23 reads one packed range).
  logic [TileRows*AccW-1:0]      acc_q, row_sum, block_q;
  logic                          acc_clear_q, block_valid_q;
  logic [CountW-1:0]             block_rows_q;
  for (genvar r = 0; r < TileRows; r++) begin : g_acc
    assign row_sum[AccW*r +: AccW] = (acc_clear_q ? '0 : acc_q[AccW*r +: AccW]) +
                                     AccW'($signed(dot_sum[DotSumW*r +: DotSumW]));
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      acc_clear_q <= 1'b1;
      block_valid_q <= 1'b0;
    end else begin
      if (dot_valid) acc_clear_q <= dot_last;
      block_valid_q <= dot_valid && dot_last;
    end
  end
  // A block's sums are captured once, at its last word (no toggling of R x AccW flops a cycle).
  always_ff @(posedge clk_i) begin
    if (dot_valid) acc_q <= row_sum;
    if (dot_valid && dot_last) begin
      block_q <= row_sum;
      block_rows_q <= dot_rows;
    end
  end

  // ---- Blocks in a FIFO, then one row sum a cycle ----------------------------------------
  localparam int unsigned BlockW = TileRows * AccW + CountW;
  logic                       fifo_ready, head_valid;
  logic [BlockW-1:0]          head;
  logic [PendW-1:0]           fifo_usage;  // checked against the credits only
  mmf_fifo #(
    .Width(BlockW),
    .Depth(BlockFifoDepth)
  ) u_blocks (
    .clk_i,
    .rst_ni,
    .in_valid_i (block_valid_q),
    .in_ready_o (fifo_ready),
    .in_data_i  ({block_rows_q, block_q}),
    .out_valid_o(head_valid),
    .out_ready_i(block_pop),
    .out_data_o (head),
    .usage_o    (fifo_usage)
  );

  logic [TileRows*AccW-1:0]      head_sums;
  logic [CountW-1:0]             head_rows;
  logic [IdxW-1:0]               idx_q;  // row of the head block on the sum stream
  logic                          head_last;
  assign {head_rows, head_sums} = head;
  assign head_last = 32'(idx_q) + 1 == 32'(head_rows);
  assign sum_valid_o = head_valid;
  assign sum_data_o = 32'($signed(head_sums[AccW*idx_q +: AccW]));
  assign block_pop = sum_valid_o && sum_ready_i && head_last;

  if (TileRows > 1) begin : g_idx
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        idx_q <= '0;
      end else if (sum_valid_o && sum_ready_i) begin
        idx_q <= head_last ? '0 : idx_q + 1'b1;
      end
    end
  end else begin : g_no_idx
    assign idx_q = '0;
  end

`ifndef SYNTHESIS
  // The credit rule reserves a FIFO entry for every block in flight.
  block_room_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      block_valid_q |-> fifo_ready)
    else $error("mmf_ternary_acc: a block found the block FIFO full");
  block_credits_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(fifo_usage) <= 32'(pending_q))
    else $error("mmf_ternary_acc: more blocks in the FIFO than taken in");
  block_rows_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      head_valid |-> head_rows != '0 && 32'(head_rows) <= TileRows)
    else $error("mmf_ternary_acc: a block of no rows or too many");
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

// SPDX-License-Identifier: Apache-2.0
// Weight prefetcher: walks the token program ahead of the controller and gives every weight
// channel the read command of each BitLinear as soon as the channel takes it, so the weight
// streams never wait for vector work (the weights do not depend on data). It keeps its own copy
// of the checked descriptors, written during the controller's program load, and goes no
// further than `limit` (the ops before the first bad descriptor). It does not pass an Embed
// op before the controller has done it: an Embed can still stop the run (bad token), and
// weights read for ops that never run would be left in the FIFOs. A launch of several passes
// (num_tokens) is walked pass after pass: at the program's end the walk starts again at op 0,
// whose Embed then waits for the controller as any Embed does, as long as no op is bad.
// A BitLinear's command is the channel's blocks x the units of a block (WeightTile::read_units):
// its words, or for 1.6-bit weights (FiveTrit builds) ceil(4 words / 5) beats.
module mmf_weight_prefetch #(
  parameter int unsigned Lanes = 16,         // trits per weight word (accelerator.lanes)
  parameter int unsigned TileRows = 1,       // a weight word is TileRows rows x Lanes / TileRows
  parameter int unsigned Channels = 2,       // weight channels (memory ports)
  parameter int unsigned MaxOps = 512,       // descriptors of a program, at most
  parameter int unsigned MaxVector = 16384,  // longest vector, in values
  parameter int unsigned AddrWidth = 64,     // AXI address bits
  // 1: a BitLinear's weights may be 1.6-bit (its packing field; mmf_build_pkg::FiveTrit).
  parameter bit          FiveTrit = 1'b0,
  localparam int unsigned OpW = $clog2(MaxOps + 1),
  localparam int unsigned DescW = 32 * mmf_format_pkg::DescriptorWords,
  localparam int unsigned RowsW = $clog2(mmf_format_pkg::MaxRows + 1),
  // A checked descriptor: {rows % Channels, rows / Channels, descriptor} (mmf_descriptor_check)
  localparam int unsigned ChkW = DescW + 2 * RowsW,
  localparam int unsigned WordIdxW = $clog2((MaxVector + Lanes / TileRows - 1) /
                                            (Lanes / TileRows) + 1)
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,

  // Program load (from the controller): descriptor `waddr` arrives.
  input  logic                          we_i,
  input  logic [OpW-1:0]                waddr_i,
  input  logic [ChkW-1:0]               wdata_i,

  // A launch: starts walking once `limit_valid` (the load is over); `ops_done` is the
  // controller's progress over all passes. `start` clears the walk and samples the program's
  // length and the passes.
  input  logic                          start_i,
  input  logic                          limit_valid_i,
  input  logic [OpW-1:0]                limit_i,
  input  logic [31:0]                   ops_done_i,
  input  logic [31:0]                   num_ops_i,
  input  logic [31:0]                   num_tokens_i,
  input  logic [AddrWidth*Channels-1:0] bases_i,   // weight pointer of channel c

  output logic [Channels-1:0]           cmd_valid_o,
  input  logic [Channels-1:0]           cmd_ready_i,
  output logic [AddrWidth*Channels-1:0] cmd_addr_o,
  output logic [32*Channels-1:0]        cmd_beats_o,
  // The commands' packing and, when 1.6-bit, their row blocks' words and beats (the same for
  // every channel of an op).
  output logic                          cmd_packed_o,
  output logic [WordIdxW-1:0]           cmd_block_words_o,
  output logic [WordIdxW-1:0]           cmd_block_beats_o,

  // An Embed from the weight channels (addr0 = NoAddress): the walk waits at it for the
  // controller's checked token, then reads row `token` of the bf16 table, ceil(2n / word bytes)
  // words in channel token % Channels at slot token / Channels (Int8Tile rows), and goes on.
  // emb_ch_o: that channel, one-hot, until the next such Embed.
  input  logic                          emb_token_valid_i,
  output logic                          emb_token_ready_o,
  input  logic [31:0]                   emb_token_i,
  output logic [Channels-1:0]           emb_ch_o
);

  localparam int unsigned WordBytesU = Lanes / 4;
  localparam int unsigned Cols = Lanes / TileRows;
  localparam int unsigned TileRowsLog2 = $clog2(TileRows);
  localparam logic [AddrWidth-1:0] WordBytes = AddrWidth'(WordBytesU);  // 2 bits a trit

  // StRead: the descriptor RAM is read; StLatch: what the decision needs is registered from its
  // answer (compares and counts 7 LUT levels deep into the commands when made in one cycle, in
  // the u280 top); StDecide: the op is skipped, waited on or issued. Two cycles an op more
  // than the controller's fetch, which the prefetcher's lead absorbs. A 1.6-bit BitLinear takes
  // two more: StUnits divides its block's words by 5 (ceil(4 words / 5), a multiply by a
  // constant reciprocal), StBeats multiplies that by its blocks.
  // An Embed from the weight channels takes StEmbCalc (cycles counted by emb_step_q): the
  // token's channel and slot by the reciprocal of Channels, then the row's first word.
  typedef enum logic [2:0] {
    StIdle, StRead, StLatch, StUnits, StBeats, StDecide, StIssue, StEmbCalc
  } state_e;
  state_e               state_q;
  logic [OpW-1:0]       op_q;
  // The op's place in the launch (pass x num_ops + op_q), against the controller's ops done;
  // the passes after this one; whether the program may wrap (no bad op).
  logic [31:0]          pos_q, passes_left_q;
  logic [OpW-1:0]       num_ops_q;
  logic                 more_passes_q, whole_q;
  logic [ChkW-1:0]      desc;
  logic [Channels-1:0]  pending_q;   // channels still to take the current command
  logic [31:0]          row_words, weight;
  logic [RowsW-1:0]     base_rows;
  logic [Channels-1:0]  extra_row;  // channel c reads one row more than base_rows
  logic                 unused;
  // The RAM is MaxOps deep; other fields are not needed; num_ops <= MaxOps (the launch check).
  assign unused = ^{waddr_i, desc, num_ops_i[31:OpW]};

  prim_ram_1r1w #(
    .Width(ChkW),
    .Depth(MaxOps)
  ) u_desc (
    .clk_i,
    .we_i,
    .waddr_i(waddr_i[$clog2(MaxOps)-1:0]),
    .wdata_i,
    .raddr_i(op_q[$clog2(MaxOps)-1:0]),
    .rdata_o(desc)
  );

  assign weight = desc[32*mmf_format_pkg::FieldWeight +: 32];
  assign row_words = (desc[32*mmf_format_pkg::FieldN +: 32] + Cols - 1) / Cols;  // per block
  assign base_rows = desc[DescW +: RowsW];
  // The first rows % Channels channels read one row more; with one channel there is no
  // remainder (and no comparison to make: a constant one is a lint error).
  if (Channels == 1) begin : gen_one_channel
    assign extra_row = 1'b0;
  end else begin : gen_channels
    logic [RowsW-1:0] extra_rows;
    assign extra_rows = desc[DescW+RowsW +: RowsW];
    for (genvar c = 0; c < Channels; c++) begin : gen_extra
      assign extra_row[c] = RowsW'(c) < extra_rows;
    end
  end
  // A channel reads base_rows or base_rows + 1 rows, so there are two beat counts to compute,
  // not one per channel.
  logic [RowsW-1:0] blocks_base, blocks_extra;
  logic [31:0]      beats_base, beats_extra;
  assign blocks_base = (base_rows + RowsW'(TileRows - 1)) >> TileRowsLog2;
  assign blocks_extra = (base_rows + RowsW'(TileRows)) >> TileRowsLog2;
  assign beats_base = 32'(blocks_base) * row_words;
  assign beats_extra = 32'(blocks_extra) * row_words;

  // A 1.6-bit BitLinear's beats (FiveTrit): its blocks' beats (StBeats) from a block's beats
  // (StUnits), ceil(4 bw / 5) = floor(4 (bw + 1) / 5) for bw = ceil(n / Cols) words, by the
  // reciprocal multiply of mmf_format_pkg::five_trit_mul, exact for bw + 1 < 2^YW5: a checked op
  // has n <= MaxVector.
  localparam int unsigned NW = $clog2(MaxVector + 1);
  localparam int unsigned ColsLog2 = $clog2(Cols);
  localparam int unsigned MaxRowWords = (MaxVector + Cols - 1) / Cols;
  localparam int unsigned YW5 = $clog2(MaxRowWords + 2);
  localparam int unsigned Shift5 = mmf_format_pkg::five_trit_shift(YW5);
  localparam logic [63:0] M5 = mmf_format_pkg::five_trit_mul(YW5);
  localparam int unsigned M5Bits = $clog2(M5 + 1);
  logic        five_trit_op;  // the descriptor's packing is PackFiveTrit (only with FiveTrit)
  logic [31:0] beats5_base, beats5_extra;
  if (FiveTrit) begin : gen_five_trit
    logic [YW5-1:0]       words_inc_q;  // bw + 1, from n's low bits: (n + 2 Cols - 1) / Cols
    logic [YW5-1:0]       units_q;      // a block's beats
    logic [RowsW-1:0]     blocks_base_q, blocks_extra_q;
    logic [YW5+M5Bits-1:0] units_p;
    assign five_trit_op =
        desc[32*mmf_format_pkg::FieldPacking +: 32] == mmf_format_pkg::PackFiveTrit;
    assign units_p = (YW5 + M5Bits)'(words_inc_q) * (YW5 + M5Bits)'(M5);
    always_ff @(posedge clk_i) begin : five_reg
      if (state_q == StLatch) begin
        words_inc_q <= YW5'(((NW + 1)'(desc[32*mmf_format_pkg::FieldN +: NW]) +
                             (NW + 1)'(2 * Cols - 1)) >> ColsLog2);
        blocks_base_q <= blocks_base;
        blocks_extra_q <= blocks_extra;
      end
      if (state_q == StUnits) units_q <= YW5'(units_p >> Shift5);
    end
    assign beats5_base = 32'(blocks_base_q) * 32'(units_q);
    assign beats5_extra = 32'(blocks_extra_q) * 32'(units_q);
    logic unused_five;  // the product's fraction bits and its (zero) top
    assign unused_five = ^units_p;
    // The commands' geometry, for the channels' unpackers: set while the op is decided.
    logic                packed_q;
    logic [WordIdxW-1:0] block_words_q;
    always_ff @(posedge clk_i) begin : geometry_reg
      if (state_q == StLatch) begin
        packed_q <= five_trit_op;
        block_words_q <= WordIdxW'(row_words);
      end
    end
    assign cmd_packed_o = packed_q;
    assign cmd_block_words_o = block_words_q;
    assign cmd_block_beats_o = WordIdxW'(units_q);
  end else begin : gen_two_bit
    assign five_trit_op = 1'b0;
    assign beats5_base = '0;
    assign beats5_extra = '0;
    assign cmd_packed_o = 1'b0;
    assign cmd_block_words_o = '0;
    assign cmd_block_beats_o = '0;
  end

  // The descriptor's decision inputs, registered in StLatch (a 1.6-bit BitLinear's beats in
  // StBeats).
  logic                 embed_q, embed_w_q, bitlinear_q, has_rows_q;
  logic [31:0]          emb_words_q;  // an embedding row's words, ceil(2n / word bytes)
  logic [Channels-1:0]  extra_row_q;
  logic [31:0]          beats_base_q, beats_extra_q;
  logic [AddrWidth-1:0] weight_off_q;  // bytes from a channel's base to the op's first word
  always_ff @(posedge clk_i) begin : latch_reg
    if (state_q == StLatch) begin
      embed_q <= desc[31:0] == mmf_format_pkg::OpEmbed;
      embed_w_q <= desc[31:0] == mmf_format_pkg::OpEmbed &&
                   desc[32*mmf_format_pkg::FieldAddr0 +: 32] == mmf_format_pkg::NoAddress;
      emb_words_q <= (2 * desc[32*mmf_format_pkg::FieldN +: 32] + WordBytesU - 1) / WordBytesU;
      bitlinear_q <= desc[31:0] == mmf_format_pkg::OpBitLinear;
      has_rows_q <= base_rows != '0;
      extra_row_q <= extra_row;
      beats_base_q <= beats_base;
      beats_extra_q <= beats_extra;
      weight_off_q <= AddrWidth'(weight) * WordBytes;
    end else if (state_q == StBeats) begin
      beats_base_q <= beats5_base;
      beats_extra_q <= beats5_extra;
    end
  end

  // ---- The Embed row's place: token / Channels and token % Channels by the constant
  // reciprocal (exact for every 32-bit token: S = 32 + ceil(log2 C), M = ceil(2^S / C), as
  // mmf_descriptor_check divides rows), then (weight + slot x words) x word bytes. In
  // StEmbCalc's steps: 0-2 token x M, 3 the slot (its top bits), 4 slot x Channels, with the
  // slot also into slot x words (out at 7), 5 the remainder, the channel, 9 the offset, 10 the
  // command. A row's words fit the 18-bit operand: 2 MaxVector / word bytes < 2^17.
  localparam int unsigned EmbS = 32 + $clog2(Channels);
  localparam logic [63:0] EmbM = ((64'd1 << EmbS) + 64'(Channels) - 64'd1) / 64'(Channels);
  localparam int unsigned EmbMW = $clog2(EmbM + 1);
  localparam int unsigned EmbSteps = 11;
  if (2 * MaxVector / WordBytesU >= (1 << 17)) begin : g_bad_row_words
    $error("mmf_weight_prefetch: an embedding row's words do not fit the 18-bit operand");
  end
  logic [3:0]              emb_step_q;
  logic [31:0]             emb_token_q, emb_slot_q, emb_rem_q;
  logic [31:0]             emb_qc_q;  // slot x Channels <= token < 2^32
  logic [AddrWidth-1:0]    emb_off_q;
  logic [Channels-1:0]     emb_onehot, emb_ch_q;
  logic signed [33+EmbMW-1:0] emb_quot_p;
  logic signed [18+32-1:0]    emb_row_p;
  mmf_mul_pipe #(
    .AWidth(33),
    .BWidth(EmbMW)
  ) u_emb_quot (
    .clk_i,
    .en_i (1'b1),
    .a_i  ({1'b0, emb_token_q}),
    .b_i  (EmbMW'(EmbM)),
    .p_o  (emb_quot_p)
  );
  mmf_mul_pipe #(
    .AWidth(18),
    .BWidth(32)
  ) u_emb_row (
    .clk_i,
    .en_i (1'b1),
    .a_i  (18'(emb_words_q)),
    .b_i  (emb_slot_q),
    .p_o  (emb_row_p)
  );
  always_ff @(posedge clk_i) begin : emb_regs
    if (state_q == StEmbCalc) begin
      if (emb_step_q == 4'd3) emb_slot_q <= 32'(emb_quot_p >>> EmbS);
      if (emb_step_q == 4'd4) emb_qc_q <= emb_slot_q * 32'(Channels);
      if (emb_step_q == 4'd5) emb_rem_q <= emb_token_q - emb_qc_q;
      if (emb_step_q == 4'd9) begin
        emb_off_q <= weight_off_q + AddrWidth'($unsigned(emb_row_p)) * WordBytes;
      end
    end
  end
  always_comb begin
    emb_onehot = '0;
    for (int unsigned c = 0; c < Channels; c++) emb_onehot[c] = emb_rem_q == 32'(c);
  end
  always_ff @(posedge clk_i) begin : emb_ch_reg
    if (!rst_ni) begin
      emb_ch_q <= '0;
    end else if (state_q == StEmbCalc && emb_step_q == 4'(EmbSteps - 1)) begin
      emb_ch_q <= emb_onehot;
    end
  end
  assign emb_ch_o = emb_ch_q;
  assign emb_token_ready_o = state_q == StDecide && embed_w_q;

  // The wrap's conditions, a cycle late: they change at a launch or a wrap, and are read at
  // the program's end, many cycles later.
  always_ff @(posedge clk_i) begin : wrap_reg
    more_passes_q <= passes_left_q != '0;
    whole_q <= limit_i == num_ops_q;
  end

  // Channel c reads rows c, c + Channels, ...: rows / Channels of them, one more below the
  // remainder, in blocks of TileRows rows (WeightTile::read_words); a channel without rows gets
  // no command.
  logic [AddrWidth*Channels-1:0] addr_q;
  logic [32*Channels-1:0]        beats_q;
  assign cmd_valid_o = (state_q == StIssue) ? pending_q : '0;
  assign cmd_addr_o = addr_q;
  assign cmd_beats_o = beats_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      op_q <= '0;
      pending_q <= '0;
      addr_q <= '0;
      beats_q <= '0;
      pos_q <= '0;
      passes_left_q <= '0;
      num_ops_q <= '0;
    end else if (start_i) begin
      state_q <= StIdle;
      op_q <= '0;
      pending_q <= '0;
      pos_q <= '0;
      passes_left_q <= num_tokens_i - 32'd1;
      num_ops_q <= OpW'(num_ops_i);
    end else begin
      unique case (state_q)
        StIdle: begin
          if (limit_valid_i && op_q < limit_i) begin
            state_q <= StRead;
          end else if (limit_valid_i && whole_q && more_passes_q && op_q == num_ops_q) begin
            op_q <= '0;  // the next pass
            passes_left_q <= passes_left_q - 32'd1;
          end
        end
        StRead: state_q <= StLatch;  // the descriptor RAM answers next cycle
        StLatch: state_q <= five_trit_op ? StUnits : StDecide;
        StUnits: state_q <= StBeats;
        StBeats: state_q <= StDecide;
        StDecide: begin
          if (embed_w_q) begin
            if (emb_token_valid_i) begin  // taken (emb_token_ready_o): its row's read next
              emb_token_q <= emb_token_i;
              emb_step_q <= '0;
              state_q <= StEmbCalc;
            end
          end else if (embed_q && ops_done_i <= pos_q) begin
            state_q <= StDecide;       // wait for the controller to get past the Embed
          end else if (bitlinear_q) begin
            for (int unsigned c = 0; c < Channels; c++) begin
              beats_q[32*c +: 32] <= extra_row_q[c] ? beats_extra_q : beats_base_q;
              addr_q[AddrWidth*c +: AddrWidth] <= bases_i[AddrWidth*c +: AddrWidth] +
                                                  weight_off_q;
              pending_q[c] <= has_rows_q || extra_row_q[c];
            end
            state_q <= StIssue;
          end else begin
            op_q <= op_q + 1'b1;
            pos_q <= pos_q + 32'd1;
            state_q <= StIdle;
          end
        end
        StEmbCalc: begin
          emb_step_q <= emb_step_q + 1'b1;
          if (emb_step_q == 4'(EmbSteps - 1)) begin
            for (int unsigned c = 0; c < Channels; c++) begin
              beats_q[32*c +: 32] <= emb_words_q;
              addr_q[AddrWidth*c +: AddrWidth] <= bases_i[AddrWidth*c +: AddrWidth] + emb_off_q;
            end
            pending_q <= emb_onehot;
            state_q <= StIssue;
          end
        end
        default: begin  // StIssue
          pending_q <= pending_q & ~cmd_ready_i;
          if ((pending_q & ~cmd_ready_i) == '0) begin
            op_q <= op_q + 1'b1;
            pos_q <= pos_q + 32'd1;
            state_q <= StIdle;
          end
        end
      endcase
    end
  end

endmodule

// SPDX-License-Identifier: Apache-2.0
// Legality of op descriptors for this build; mirrors check_descriptor() of
// hls/include/mmf_hls/program_format.hpp case for case, so that the controller stops on a bad
// descriptor with the same status code as the HLS kernel and the host.
//
// A pipeline of Latency = 8 stages (mmf_hls::kDescriptorCheckLatency), one descriptor a cycle,
// no stall (the program loader never holds it): each descriptor leaves with its status.
//   1. the fields' own tests (opcode, reserved words, packing, lengths, buffers, mantissa,
//      exponent), n / 2 and n / Cols rounded up (Cols = Lanes / TileRows, a tile's columns),
//      rows + Channels - 1
//   2. addr + words for the five vector-bank ranges   | 2-4. ceil(rows / Channels) as
//   3. each sum against the bank's size               |      (rows + C - 1) * M >> S, and
//                                                     |      rows * ceil(n / 2) (mmf_mul_pipe);
//                                                     |      with FiveTrit the 1.6-bit beats of
//                                                     |      a row block (below)
//   5. the weight units the op needs per channel: ceil(ceil(rows / C) / TileRows) row blocks
//      times a block's units (one DSP), addr0 + rows * ceil(n / 2)
//   6. the first weight word + that; the embedding range against the bank's size
//   7. against the weight channel's size
//   8. the status: the first failing test in check_descriptor's order
// A block's units (WeightTile::block_units) are its words, bw = ceil(n / Cols), or for a 1.6-bit
// BitLinear its beats, ceil(4 bw / 5) = floor(4 (bw + 1) / 5): a multiply by a constant
// reciprocal of 5 too (mmf_format_pkg::five_trit_mul, exact for bw + 1 < 2^YW5). bw + 1 comes
// from stage 1 as (n + 2 Cols - 1) / Cols, so no add sits before the multiplier; bw only matters
// for n <= MaxVector (larger n fail first), so YW5 follows MaxRowWords.
// tests/rtl/descriptor_check_test.cpp checks the RTL for every n of a MaxVector = 65536 instance.
// Beside the status it gives floor(rows / C) and rows % C (stages 5-6, from the quotient), which
// the controller and the prefetcher keep with the descriptor: they then divide by nothing.
// Dividing by a channel count that is not a power of two (31 on u280) is a multiply by a
// constant reciprocal: with x < 2^XBits, S = XBits + ceil(log2 C) and M = ceil(2^S / C),
// floor(x * M / 2^S) = floor(x / C) exactly, since M * C - 2^S < C <= 2^(S - XBits)
// (Granlund and Montgomery, 1994). x only matters for rows <= MaxRows: larger rows fail first.
module mmf_descriptor_check #(
  parameter int unsigned MaxVector = 16384,   // longest vector, in values
  parameter int unsigned Lanes = 16,          // trits per weight word (accelerator.lanes)
  parameter int unsigned TileRows = 1,        // a weight word is TileRows rows x Lanes / TileRows
  parameter int unsigned WeightChannels = 2,  // weight channels (memory ports)
  // 1: the channels decode 1.6-bit weights (DeviceLimits::five_trit), so a BitLinear may have
  // packing PackFiveTrit; 0: any packing but PackTwoBit is a bad field.
  parameter bit          FiveTrit = 1'b0,
  localparam int unsigned DescW = 32 * mmf_format_pkg::DescriptorWords,
  localparam int unsigned RowsW = $clog2(mmf_format_pkg::MaxRows + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  input  logic             in_valid_i,
  input  logic [DescW-1:0] in_desc_i,       // word k in [32k+31:32k]
  // The bank's and the channels' sizes: constant during a program load.
  input  logic [31:0]      vec_words_i,
  input  logic [31:0]      weight_words_i,

  output logic             out_valid_o,
  output logic [DescW-1:0] out_desc_o,
  output logic [7:0]       out_status_o,    // StatusOk or the problem
  // rows / WeightChannels and rows % WeightChannels, where rows <= MaxRows (else undefined)
  output logic [RowsW-1:0] out_rows_q_o,
  output logic [RowsW-1:0] out_rows_m_o
);

  localparam int unsigned Latency = 8;
  localparam int unsigned LanesLog2 = $clog2(Lanes);
  localparam int unsigned TileRowsLog2 = $clog2(TileRows);
  localparam int unsigned ColsLog2 = LanesLog2 - TileRowsLog2;
  localparam int unsigned XBits = $clog2(mmf_format_pkg::MaxRows + WeightChannels) + 1;
  localparam int unsigned S = XBits + $clog2(WeightChannels);
  localparam logic [63:0] M = ((64'd1 << S) + 64'(WeightChannels) - 64'd1) / 64'(WeightChannels);
  localparam int unsigned MBits = $clog2(M + 1) < 17 ? 17 : $clog2(M + 1);
  localparam logic [31:0] NoAddress = mmf_format_pkg::NoAddress;
  // The 1.6-bit beats of a row block (above): bw + 1 <= MaxRowWords + 1 < 2^YW5.
  localparam int unsigned NW = $clog2(MaxVector + 1);
  localparam int unsigned MaxRowWords = (MaxVector + (1 << ColsLog2) - 1) >> ColsLog2;
  localparam int unsigned YW5 = $clog2(MaxRowWords + 2);
  localparam int unsigned Shift5 = mmf_format_pkg::five_trit_shift(YW5);
  localparam logic [63:0] M5 = mmf_format_pkg::five_trit_mul(YW5);
  localparam int unsigned M5Bits = $clog2(M5 + 1);
  localparam int unsigned A5W = YW5 + 1 < 18 ? 18 : YW5 + 1;  // signed operand, >= 18 bits

  if (Lanes != (1 << LanesLog2) || TileRows != (1 << TileRowsLog2) || TileRows > Lanes)
  begin : g_bad_lanes
    $error("mmf_descriptor_check: Lanes and TileRows must be powers of two, TileRows <= Lanes");
  end
  if (MaxVector >= (1 << 17)) begin : g_bad_max_vector
    $error("mmf_descriptor_check: MaxVector must be below 2^17 (the products' widths)");
  end
  if (XBits + 1 > 34 || MBits > 33) begin : g_bad_width
    $error("mmf_descriptor_check: the reciprocal does not fit mmf_mul_pipe");
  end
  if (A5W > 35 || M5Bits > 26) begin : g_bad_five
    $error("mmf_descriptor_check: the reciprocal of 5 does not fit mmf_mul_pipe");
  end

  function automatic logic [31:0] word(input logic [DescW-1:0] d, input int unsigned k);
    word = d[32*k +: 32];
  endfunction

  function automatic logic buffer_ok(input logic [31:0] id);
    buffer_ok = id < mmf_format_pkg::NumBuffers;
  endfunction

  // ---- The descriptor and the valid bits, carried along -----------------------------------
  logic [Latency-1:0] valid_q;
  logic [DescW-1:0]   desc_q [Latency];
  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= '0;
    else valid_q <= {valid_q[Latency-2:0], in_valid_i};
  end
  always_ff @(posedge clk_i) begin
    desc_q[0] <= in_desc_i;
    for (int unsigned s = 1; s < Latency; s++) desc_q[s] <= desc_q[s-1];
  end

  // ---- Stage 1: the fields' own tests ----------------------------------------------------
  // The stage-1 tests, one bit each (a plain vector: Yosys 0.23 drops writes to members of a
  // packed struct register).
  localparam int unsigned FOpBad = 0;
  localparam int unsigned FReservedBad = 1;
  localparam int unsigned FNBad = 2;
  localparam int unsigned FSrc0Ok = 3;
  localparam int unsigned FSrc1Ok = 4;
  localparam int unsigned FSrc2Ok = 5;
  localparam int unsigned FDstOk = 6;
  localparam int unsigned FToMemory = 7;
  localparam int unsigned FRowsZero = 8;
  localparam int unsigned FRowsOverMax = 9;
  localparam int unsigned FRowsOverVector = 10;
  localparam int unsigned FFieldBad = 11;
  localparam int unsigned FAddr0None = 12;
  localparam int unsigned FAddr1None = 13;
  localparam int unsigned FGluBad = 14;
  localparam int unsigned FPackingBad = 15;  // packing != 0 where not allowed
  localparam int unsigned FPacked = 16;      // packing == PackFiveTrit (used when allowed)
  localparam int unsigned NumFlags = 17;

  logic [31:0] in_op, in_n, in_rows, in_dst, in_exp, in_packing;
  assign in_op = word(in_desc_i, mmf_format_pkg::FieldOpcode);
  assign in_packing = word(in_desc_i, mmf_format_pkg::FieldPacking);
  assign in_n = word(in_desc_i, mmf_format_pkg::FieldN);
  assign in_rows = word(in_desc_i, mmf_format_pkg::FieldRows);
  assign in_dst = word(in_desc_i, mmf_format_pkg::FieldDst);
  assign in_exp = word(in_desc_i, mmf_format_pkg::FieldExp);

  logic [NumFlags-1:0] flags1_q;
  // The stage-1 flags, delayed to stage 7 (FPacked is read at stage 4, the rest at 8).
  logic [NumFlags-1:0] flags_q [2:7];
  always_ff @(posedge clk_i) begin
    flags_q[2] <= flags1_q;
    for (int unsigned s = 3; s <= 7; s++) flags_q[s] <= flags_q[s-1];
  end
  logic [32:0]         norm_words1_q;  // ceil(n / 2)
  logic [32:0]         row_words1_q;   // ceil(n / Cols)
  logic [XBits-1:0]    rows_c1_q;      // rows + C - 1 (rows <= MaxRows)
  always_ff @(posedge clk_i) begin
    // The BitNet opcodes need attention units, which this kernel does not have.
    flags1_q[FOpBad] <= in_op < mmf_format_pkg::OpcodeMin || in_op > mmf_format_pkg::OpcodeMax ||
                        in_op >= mmf_format_pkg::OpcodeBitNetMin;
    flags1_q[FReservedBad] <= in_desc_i[DescW-1:32*mmf_format_pkg::FieldReservedBegin] != '0;
    flags1_q[FNBad] <= in_n == 0 || in_n > MaxVector;
    flags1_q[FSrc0Ok] <= buffer_ok(word(in_desc_i, mmf_format_pkg::FieldSrc0));
    flags1_q[FSrc1Ok] <= buffer_ok(word(in_desc_i, mmf_format_pkg::FieldSrc1));
    flags1_q[FSrc2Ok] <= buffer_ok(word(in_desc_i, mmf_format_pkg::FieldSrc2));
    flags1_q[FDstOk] <= buffer_ok(in_dst);
    flags1_q[FToMemory] <= in_dst == mmf_format_pkg::DstMemory;
    flags1_q[FRowsZero] <= in_rows == 0;
    flags1_q[FRowsOverMax] <= in_rows > mmf_format_pkg::MaxRows;
    flags1_q[FRowsOverVector] <= in_rows > MaxVector;
    flags1_q[FFieldBad] <=
        word(in_desc_i, mmf_format_pkg::FieldMant) >= mmf_format_pkg::MantLimit ||
        $signed(in_exp) < -mmf_format_pkg::ExpLimit || $signed(in_exp) > mmf_format_pkg::ExpLimit;
    flags1_q[FAddr0None] <= word(in_desc_i, mmf_format_pkg::FieldAddr0) == NoAddress;
    flags1_q[FAddr1None] <= word(in_desc_i, mmf_format_pkg::FieldAddr1) == NoAddress;
    flags1_q[FGluBad] <= in_n > MaxVector / 2;  // 2 n > MaxVector
    // 0 outside a BitLinear; in one, a packing the channels decode.
    flags1_q[FPackingBad] <= in_packing != mmf_format_pkg::PackTwoBit &&
                             (in_op != mmf_format_pkg::OpBitLinear ||
                              in_packing != mmf_format_pkg::PackFiveTrit || !FiveTrit);
    flags1_q[FPacked] <= in_packing == mmf_format_pkg::PackFiveTrit;
    norm_words1_q <= (33'(in_n) + 33'd1) >> 1;
    row_words1_q <= (33'(in_n) + 33'((1 << ColsLog2) - 1)) >> ColsLog2;
    rows_c1_q <= XBits'(in_rows) + XBits'(WeightChannels - 1);
  end

  // ---- Stages 2-3: the vector-bank ranges ------------------------------------------------
  // addr + words <= vec_words for: 0 addr0 + n/2 (BitLinear), 1 addr1 + n/2 (BitLinear),
  // 2 addr2 + rows (BitLinear to memory, Argmax's values), 3 addr0 + n (MLGRU, store, Argmax's
  // ring), 4 addr1 + n (MLGRU), 5 addr1 + 1 (embedding's token, Argmax's pick)
  localparam int unsigned Ranges = 6;
  logic [33:0]       range_sum2_q [Ranges];
  logic [Ranges-1:0] range_bad3_q;
  always_ff @(posedge clk_i) begin
    range_sum2_q[0] <= 34'(word(desc_q[0], mmf_format_pkg::FieldAddr0)) + 34'(norm_words1_q);
    range_sum2_q[1] <= 34'(word(desc_q[0], mmf_format_pkg::FieldAddr1)) + 34'(norm_words1_q);
    range_sum2_q[2] <= 34'(word(desc_q[0], mmf_format_pkg::FieldAddr2)) +
                       34'(word(desc_q[0], mmf_format_pkg::FieldRows));
    range_sum2_q[3] <= 34'(word(desc_q[0], mmf_format_pkg::FieldAddr0)) +
                       34'(word(desc_q[0], mmf_format_pkg::FieldN));
    range_sum2_q[4] <= 34'(word(desc_q[0], mmf_format_pkg::FieldAddr1)) +
                       34'(word(desc_q[0], mmf_format_pkg::FieldN));
    range_sum2_q[5] <= 34'(word(desc_q[0], mmf_format_pkg::FieldAddr1)) + 34'd1;
    for (int unsigned r = 0; r < Ranges; r++) range_bad3_q[r] <= range_sum2_q[r] > 34'(vec_words_i);
  end

  // ---- Stages 2-4: ceil(rows / C) and rows * ceil(n / 2) ---------------------------------
  logic signed [XBits+MBits:0] per_channel_p;   // (rows + C - 1) * M
  logic signed [49:0]          embed_p;         // rows * ceil(n / 2), n <= MaxVector
  mmf_mul_pipe #(
    .AWidth(XBits + 1),
    .BWidth(MBits)
  ) u_div (
    .clk_i,
    .en_i (1'b1),
    .a_i  ((XBits + 1)'(rows_c1_q)),
    .b_i  (MBits'(M)),
    .p_o  (per_channel_p)
  );
  mmf_mul_pipe #(
    .AWidth(33),
    .BWidth(17)
  ) u_embed (
    .clk_i,
    .en_i (1'b1),
    .a_i  (33'(word(desc_q[0], mmf_format_pkg::FieldRows))),
    .b_i  (norm_words1_q[16:0]),
    .p_o  (embed_p)
  );

  // row_words, delayed to stage 4 beside the quotient.
  logic [32:0] row_words_q [2:4];
  always_ff @(posedge clk_i) begin
    row_words_q[2] <= row_words1_q;
    row_words_q[3] <= row_words_q[2];
    row_words_q[4] <= row_words_q[3];
  end

  // ---- Stages 2-4: a row block's units -----------------------------------------------------
  // n <= MaxVector < 2^17 when they matter, so a block's words fit 17 bits, and so do its beats.
  logic [16:0] block_units;
  if (FiveTrit) begin : gen_five_trit
    // bw + 1 = ceil(n / Cols) + 1 from n's low bits (n <= MaxVector when it matters).
    logic [YW5-1:0] words_inc1_q;
    logic signed [A5W+M5Bits-1:0] beats_p;  // (bw + 1) * M5
    logic [YW5-1:0] beats;
    always_ff @(posedge clk_i) begin
      words_inc1_q <= YW5'(((NW + 1)'(in_n[NW-1:0]) + (NW + 1)'(2 * (1 << ColsLog2) - 1)) >>
                           ColsLog2);
    end
    mmf_mul_pipe #(
      .AWidth(A5W),
      .BWidth(M5Bits)
    ) u_div5 (
      .clk_i,
      .en_i (1'b1),
      .a_i  (A5W'(words_inc1_q)),
      .b_i  (M5Bits'(M5)),
      .p_o  (beats_p)
    );
    assign beats = YW5'(beats_p >>> Shift5);
    // A mux in front of the stage-5 DSP: the quotient and the words are both registers.
    assign block_units = flags_q[4][FPacked] ? 17'(beats) : row_words_q[4][16:0];
    // The product's fraction bits and its top (zero: the quotient is below bw + 1).
    logic unused_five;
    assign unused_five = ^beats_p;
  end else begin : gen_two_bit
    assign block_units = row_words_q[4][16:0];
    logic unused_two;
    assign unused_two = ^flags_q[4][FPacked];
  end

  // ---- Stages 5-7: the weight range and the embedding range ------------------------------
  logic [XBits-1:0] rows_per_channel, blocks_per_channel;
  assign rows_per_channel = XBits'(per_channel_p >>> S);
  assign blocks_per_channel = (rows_per_channel + XBits'(TileRows - 1)) >> TileRowsLog2;

  logic [47:0] weight_need5_q;
  logic [49:0] embed_sum5_q;
  logic [48:0] weight_end6_q;
  logic        embed_bad6_q, embed_bad7_q, weight_bad7_q;
  always_ff @(posedge clk_i) begin
    // n <= MaxVector < 2^17 when this matters, so block_units fits 17 bits: one DSP48E2.
    weight_need5_q <= 48'(blocks_per_channel) * 48'(block_units);
    embed_sum5_q <= 50'(word(desc_q[3], mmf_format_pkg::FieldAddr0)) + 50'(embed_p);
    weight_end6_q <= 49'(word(desc_q[4], mmf_format_pkg::FieldWeight)) + 49'(weight_need5_q);
    embed_bad6_q <= embed_sum5_q > 50'(vec_words_i);
    embed_bad7_q <= embed_bad6_q;
    weight_bad7_q <= weight_end6_q > 49'(weight_words_i);
  end

  // floor(rows / C) and rows % C from c = ceil(rows / C): with e = c * C - rows (< C), the
  // quotient is c and the remainder 0 when e = 0, else c - 1 and C - e.
  logic [XBits-1:0] ceil5_q, excess5_q;
  logic [RowsW-1:0] rows_q_q [6:8], rows_m_q [6:8];
  always_ff @(posedge clk_i) begin
    ceil5_q <= rows_per_channel;
    excess5_q <= rows_per_channel * XBits'(WeightChannels) -
                 XBits'(word(desc_q[3], mmf_format_pkg::FieldRows));
    rows_q_q[6] <= RowsW'(excess5_q == '0 ? ceil5_q : ceil5_q - 1'b1);
    rows_m_q[6] <= excess5_q == '0 ? '0 : RowsW'(XBits'(WeightChannels) - excess5_q);
    rows_q_q[7] <= rows_q_q[6];
    rows_m_q[7] <= rows_m_q[6];
    rows_q_q[8] <= rows_q_q[7];
    rows_m_q[8] <= rows_m_q[7];
  end

  // The stage-3 range tests, delayed to stage 7.
  logic [Ranges-1:0] range_bad_q [4:7];
  always_ff @(posedge clk_i) begin
    range_bad_q[4] <= range_bad3_q;
    for (int unsigned s = 5; s <= 7; s++) range_bad_q[s] <= range_bad_q[s-1];
  end

  // ---- Stage 8: the status, in check_descriptor's order ----------------------------------
  logic [NumFlags-1:0] f;
  logic [Ranges-1:0] rb;
  logic [31:0]       op7;
  logic [7:0]        status_d, status_q;
  assign f = flags_q[7];
  assign rb = range_bad_q[7];
  assign op7 = word(desc_q[6], mmf_format_pkg::FieldOpcode);

  always_comb begin
    status_d = mmf_format_pkg::StatusOk;
    if (f[FOpBad]) begin
      status_d = mmf_format_pkg::StatusBadOpcode;
    end else if (f[FReservedBad] || f[FPackingBad]) begin
      status_d = mmf_format_pkg::StatusBadField;
    end else if (f[FNBad]) begin
      status_d = mmf_format_pkg::StatusBadLength;
    end else begin
      unique case (op7)
        mmf_format_pkg::OpEmbed: begin
          if (!f[FDstOk]) status_d = mmf_format_pkg::StatusBadBuffer;
          else if (f[FRowsZero]) status_d = mmf_format_pkg::StatusBadLength;
          else if (embed_bad7_q || rb[5]) status_d = mmf_format_pkg::StatusBadVecAddress;
        end
        mmf_format_pkg::OpBitLinear: begin
          if (!f[FSrc0Ok] || (!f[FToMemory] && !f[FDstOk])) begin
            status_d = mmf_format_pkg::StatusBadBuffer;
          end else if (f[FRowsZero] || f[FRowsOverMax] ||
                       (!f[FToMemory] && f[FRowsOverVector])) begin
            status_d = mmf_format_pkg::StatusBadLength;
          end else if (f[FFieldBad]) begin
            status_d = mmf_format_pkg::StatusBadField;
          end else if ((!f[FAddr0None] && rb[0]) || rb[1] || (f[FToMemory] && rb[2])) begin
            status_d = mmf_format_pkg::StatusBadVecAddress;
          end else if (weight_bad7_q) begin
            status_d = mmf_format_pkg::StatusBadWeightRange;
          end
        end
        mmf_format_pkg::OpMlgru: begin
          if (!f[FSrc0Ok] || !f[FSrc1Ok] || !f[FSrc2Ok] || !f[FDstOk]) begin
            status_d = mmf_format_pkg::StatusBadBuffer;
          end else if (rb[3] || (!f[FAddr1None] && rb[4])) begin
            status_d = mmf_format_pkg::StatusBadVecAddress;
          end
        end
        mmf_format_pkg::OpGlu: begin
          if (!f[FSrc0Ok] || !f[FDstOk]) status_d = mmf_format_pkg::StatusBadBuffer;
          else if (f[FGluBad]) status_d = mmf_format_pkg::StatusBadLength;
        end
        mmf_format_pkg::OpAdd: begin
          if (!f[FSrc0Ok] || !f[FDstOk]) status_d = mmf_format_pkg::StatusBadBuffer;
        end
        mmf_format_pkg::OpArgmax: begin
          if (f[FRowsZero] || f[FRowsOverMax]) status_d = mmf_format_pkg::StatusBadLength;
          else if (rb[2] || rb[5] || rb[3]) status_d = mmf_format_pkg::StatusBadVecAddress;
        end
        default: begin  // OpStore
          if (!f[FSrc0Ok]) status_d = mmf_format_pkg::StatusBadBuffer;
          else if (rb[3]) status_d = mmf_format_pkg::StatusBadVecAddress;
        end
      endcase
    end
  end

  always_ff @(posedge clk_i) status_q <= status_d;

  assign out_valid_o = valid_q[Latency-1];
  assign out_desc_o = desc_q[Latency-1];
  assign out_status_o = status_q;
  assign out_rows_q_o = rows_q_q[8];
  assign out_rows_m_o = rows_m_q[8];

  // FPacked matters at stage 4 only.
  logic unused_packed;
  assign unused_packed = f[FPacked];

endmodule

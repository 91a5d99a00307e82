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
//
// BitNet b1.58 (docs/device-format.md, "BitNet"; builds with attention units, MaxContext > 0):
// Rope, KvAppend, Attention, Relu2Glu, Head and the Embed whose row comes from the weight
// channels (addr0 == NoAddress) go through the same stages. A head_dim is legal only as a power
// of two 2^k with 2 VectorLanes <= 2^k <= MaxHeadDim, so stage 1 compares it with each legal
// value (a one-hot over k) and tests n's and rows' low k bits; every division by head_dim after
// that is a shift by k: no divider, and no multiply by a variable.
//   1. head_dim's one-hot, context in [1, MaxContext], 3, 5 and 7 x rows, context + C - 1,
//      ceil(context / 64) (the RoPE high table's rows), an int8 row's words for n and 2 n
//   2. n % head_dim and rows % head_dim from the low bits; n / rows <= kMaxQueryGroup with
//      n % rows == 0 as n == g rows for some g in 1 .. 8 (compares, no divider); the cache's
//      heads (kv / head_dim) and a slot's row words per head (kv / max(head_dim, word_bytes));
//      addr0 + 64 head_dim, head_dim ceil(context / 64) (a shift), addr0 + 2 rows
//   3-4. those ranges against the bank's size; ceil(context / C), the cache's slots, by a
//      constant reciprocal as rows (stages 2-4, mmf_mul_pipe)
//   5. heads x slots and row words x slots (a DSP each); ceil(rows / C) x an int8 row's words
//      (a DSP for each 17-bit half of the quotient)
//   6. KvLayout::words() = 2 (row words x slots + ceil(heads x slots / (word_bytes / 4))) (the
//      scales' ceil as a carry in), Int8Tile::channel_words(); weight_words - weight
//   7. that need against the slack (one compare of 32 bits, no add after the products)
// The Embed from the weight channels bounds its rows by nothing but its table's size, so with
// EmbedFromWeights the reciprocal of C takes every 32-bit rows (XBits = 34 instead of 26; the
// BitLinear's product and the quotient's outputs keep the 26 bits that rows <= MaxRows need).
// The RTL kernel gets the BitNet ops one at a time: BitNetOps and EmbedFromWeights say which
// it has, and an op it lacks fails as on a build without attention units (below). That is a
// TEMPORARY limit of this kernel, not of the format: the host compiles the same program for
// every build with attention units.
module mmf_descriptor_check #(
  parameter int unsigned MaxVector = 16384,   // longest vector, in values
  parameter int unsigned Lanes = 16,          // trits per weight word (accelerator.lanes)
  parameter int unsigned TileRows = 1,        // a weight word is TileRows rows x Lanes / TileRows
  parameter int unsigned WeightChannels = 2,  // weight channels (memory ports)
  // 1: the channels decode 1.6-bit weights (DeviceLimits::five_trit), so a BitLinear may have
  // packing PackFiveTrit; 0: any packing but PackTwoBit is a bad field.
  parameter bit          FiveTrit = 1'b0,
  // Attention units (DeviceLimits::max_context, max_head_dim): the positions a layer's cache
  // may hold, 0 for a build without them (every opcode from OpcodeBitNetMin is then a bad
  // opcode, and an Embed always reads its row from the vector bank), and the widest head (a
  // power of two of at least 2 VectorLanes when MaxContext > 0).
  parameter int unsigned MaxContext = 0,
  parameter int unsigned MaxHeadDim = 0,
  // Values per vector beat (DeviceLimits::vector_lanes): a head has at least 2 VectorLanes.
  parameter int unsigned VectorLanes = 1,
  // The BitNet ops this kernel runs, bit k for opcode OpcodeBitNetMin + k (Rope, KvAppend,
  // Attention, Relu2Glu, Head); with MaxContext > 0 only. An op whose bit is clear is a bad
  // opcode even with MaxContext > 0. TEMPORARY: the RTL kernel gets these ops one at a time;
  // the format has them all on every build with attention units.
  parameter logic [4:0]  BitNetOps = '0,
  // 1: an Embed with addr0 == NoAddress reads its row from the weight channels (with
  // MaxContext > 0). 0: it fails as on a build without attention units (BadVecAddress: the
  // row's range from NoAddress runs past the bank). TEMPORARY, as BitNetOps.
  parameter bit          EmbedFromWeights = 1'b0,
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

  // ---- The BitNet ops this build takes ----------------------------------------------------
  localparam bit Attn = MaxContext > 0;
  localparam bit RopeOn = Attn && BitNetOps[0];
  localparam bit KvAppendOn = Attn && BitNetOps[1];
  localparam bit AttentionOn = Attn && BitNetOps[2];
  localparam bit Relu2GluOn = Attn && BitNetOps[3];
  localparam bit HeadOn = Attn && BitNetOps[4];
  localparam bit EmbedWeightsOn = Attn && EmbedFromWeights;
  localparam bit BitNetOn = RopeOn || KvAppendOn || AttentionOn || Relu2GluOn || HeadOn;
  localparam bit HeadsOn = RopeOn || KvAppendOn || AttentionOn;  // head_dim and context
  localparam bit KvOn = KvAppendOn || AttentionOn;                // the cache's weight range
  localparam bit Int8On = HeadOn || EmbedWeightsOn;               // Int8Tile's weight range
  // Opcodes this build takes, bit k for opcode k: 1 .. 7 always, 8 .. 12 as above.
  localparam logic [15:0] OpcodeOn = {3'b000, HeadOn, Relu2GluOn, AttentionOn, KvAppendOn, RopeOn,
                                      7'b111_1111, 1'b0};

  // ---- Rows / C -----------------------------------------------------------------------------
  // x = rows + C - 1 < 2^XBits: rows <= MaxRows where it matters, or any 32-bit rows with the
  // Embed from the weight channels. RXBits: the quotient where rows <= MaxRows.
  localparam logic [63:0] MaxX = EmbedWeightsOn ? 64'hFFFF_FFFF + 64'(WeightChannels) - 64'd1 :
                                 64'(mmf_format_pkg::MaxRows) + 64'(WeightChannels) - 64'd1;
  localparam int unsigned XBits = $clog2(MaxX + 1) + 1;
  localparam int unsigned RXBits = $clog2(mmf_format_pkg::MaxRows + WeightChannels) + 1;
  localparam int unsigned S = XBits + $clog2(WeightChannels);
  localparam logic [63:0] M = ((64'd1 << S) + 64'(WeightChannels) - 64'd1) / 64'(WeightChannels);
  localparam logic [63:0] CMinus1 = 64'(WeightChannels) - 64'd1;
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

  // ---- BitNet sizes (used with MaxContext > 0) -----------------------------------------------
  // head_dim = 2^k, HdLo <= k <= HdHi; n and rows of whole heads (<= MaxVector where they
  // matter) fit NW bits, and so do the cache's heads and row words.
  localparam int unsigned HdLo = $clog2(2 * VectorLanes);
  localparam int unsigned HdHi = MaxHeadDim > 1 ? $clog2(MaxHeadDim + 1) - 1 : 0;
  localparam int unsigned NumHd = HdHi >= HdLo ? HdHi - HdLo + 1 : 1;
  localparam int unsigned GW = NW + 3;  // 8 rows, rows <= MaxVector
  // Bytes (int8 values) of a weight word and KV scales a word holds, as log2 (Lanes >= 16).
  localparam int unsigned WordBytesLog2 = Lanes >= 16 ? LanesLog2 - 2 : 2;
  localparam int unsigned ScalesLog2 = WordBytesLog2 - 2;
  // The context where it matters (<= MaxContext): CtxW bits, + C - 1 below 2^CXBits; the
  // cache's slots ceil(context / C) by the reciprocal of C as for rows (SC, MC).
  localparam int unsigned CtxW = $clog2(MaxContext + 1) < 1 ? 1 : $clog2(MaxContext + 1);
  localparam int unsigned CXBits = $clog2(MaxContext + WeightChannels) < 1 ? 1 :
                                   $clog2(MaxContext + WeightChannels);
  localparam int unsigned SC = CXBits + $clog2(WeightChannels);
  localparam logic [63:0] MC = ((64'd1 << SC) + 64'(WeightChannels) - 64'd1) /
                               64'(WeightChannels);
  localparam int unsigned MCBits = $clog2(MC + 1) < 2 ? 2 : $clog2(MC + 1);
  localparam int unsigned ACW = CXBits + 1 < 18 ? 18 : CXBits + 1;  // signed operand
  localparam int unsigned SlotsW =
      $clog2((MaxContext + WeightChannels - 1) / WeightChannels + 1) < 1 ? 1 :
      $clog2((MaxContext + WeightChannels - 1) / WeightChannels + 1);
  // The RoPE high table's rows ceil(context / RopeLoRows), and its words (rows << k).
  localparam int unsigned HiRows = (MaxContext + mmf_format_pkg::RopeLoRows - 1) /
                                   mmf_format_pkg::RopeLoRows;
  localparam int unsigned HiRowsW = HiRows > 0 ? $clog2(HiRows + 1) : 1;
  localparam int unsigned HiWordsW = HiRowsW + HdHi;
  // KvLayout::words() <= 2 (2 heads x slots) with heads < 2^NW; an int8 table's channel words
  // are ceil(rows / C) (XBits) x a row's words (I8W, for 2 n bytes at most).
  localparam int unsigned KvNeedW = NW + SlotsW + 2;
  localparam int unsigned I8W = $clog2(((2 * MaxVector + (1 << WordBytesLog2) - 1) >>
                                        WordBytesLog2) + 1);
  localparam int unsigned Int8NeedW = XBits + I8W;
  localparam int unsigned NeedW = KvNeedW > Int8NeedW ? KvNeedW : Int8NeedW;
  localparam int unsigned QSplit = 17;  // the quotient's halves for the int8 products

  if (Lanes != (1 << LanesLog2) || TileRows != (1 << TileRowsLog2) || TileRows > Lanes)
  begin : g_bad_lanes
    $error("mmf_descriptor_check: Lanes and TileRows must be powers of two, TileRows <= Lanes");
  end
  if (MaxVector >= (1 << 17)) begin : g_bad_max_vector
    $error("mmf_descriptor_check: MaxVector must be below 2^17 (the products' widths)");
  end
  // mmf_mul_pipe's operands: a of at most 35 bits, b of at most 52.
  if (XBits + 1 > 35 || MBits > 52) begin : g_bad_width
    $error("mmf_descriptor_check: the reciprocal does not fit mmf_mul_pipe");
  end
  if (A5W > 35 || M5Bits > 26) begin : g_bad_five
    $error("mmf_descriptor_check: the reciprocal of 5 does not fit mmf_mul_pipe");
  end
  // OpcodeOn and the BitNet ops' index op[2:0] follow the format's numbering.
  if (mmf_format_pkg::OpcodeMin != 1 || mmf_format_pkg::OpcodeBitNetMin != 8 ||
      mmf_format_pkg::OpcodeMax != 12) begin : g_bad_opcodes
    $error("mmf_descriptor_check: OpcodeOn assumes opcodes 1 .. 7 and BitNet's 8 .. 12");
  end
  // The build descriptor's rules for attention units (accelerator.max_context).
  if (Attn && (MaxHeadDim != (1 << HdHi) || MaxHeadDim < 2 * VectorLanes || Lanes < 16 ||
               VectorLanes < 1)) begin : g_bad_attention
    $error("mmf_descriptor_check: attention units need Lanes >= 16, MaxHeadDim = 2^k >= 2 VL");
  end
  if (Attn && (ACW > 35 || MCBits > 52)) begin : g_bad_context
    $error("mmf_descriptor_check: the reciprocal for the slots does not fit mmf_mul_pipe");
  end
  // The n == g rows tests below are written out for g = 1 .. 8.
  if (mmf_format_pkg::MaxQueryGroup != 8) begin : g_bad_group
    $error("mmf_descriptor_check: the group tests assume kMaxQueryGroup = 8");
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

  // Rope, KvAppend and Attention use the reserved words as head_dim and context.
  logic in_heads_op;
  assign in_heads_op = HeadsOn && (in_op == mmf_format_pkg::OpRope ||
                                   in_op == mmf_format_pkg::OpKvAppend ||
                                   in_op == mmf_format_pkg::OpAttention);

  logic [NumFlags-1:0] flags1_q;
  // The stage-1 flags, delayed to stage 7 (FPacked is read at stage 4, the rest at 8).
  logic [NumFlags-1:0] flags_q [2:7];
  always_ff @(posedge clk_i) begin
    flags_q[2] <= flags1_q;
    for (int unsigned s = 3; s <= 7; s++) flags_q[s] <= flags_q[s-1];
  end
  logic [32:0]         norm_words1_q;  // ceil(n / 2)
  logic [32:0]         row_words1_q;   // ceil(n / Cols)
  logic [XBits-1:0]    rows_c1_q;      // rows + C - 1 (rows <= MaxRows, or any with Embed)
  always_ff @(posedge clk_i) begin
    // The BitNet opcodes need attention units, and this kernel's units for each (OpcodeOn).
    flags1_q[FOpBad] <= in_op[31:4] != '0 || !OpcodeOn[in_op[3:0]];
    flags1_q[FReservedBad] <= in_desc_i[DescW-1:32*mmf_format_pkg::FieldReservedBegin] != '0 &&
                              !in_heads_op;
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
    rows_c1_q <= XBits'(in_rows) + XBits'(CMinus1);
  end

  // ---- Stages 2-3: the vector-bank ranges ------------------------------------------------
  // addr + words <= vec_words for: 0 addr0 + n/2 (BitLinear), 1 addr1 + n/2 (BitLinear, Head),
  // 2 addr2 + rows (BitLinear and Head to memory, Argmax's values), 3 addr0 + n (MLGRU, store,
  // Argmax's ring), 4 addr1 + n (MLGRU), 5 addr1 + 1 (embedding's token, Argmax's pick, the
  // BitNet position word)
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
  // The quotient; a BitLinear's rows (<= MaxRows where they matter) need RXBits of it.
  logic [XBits-1:0]  rows_per_channel;
  logic [RXBits-1:0] blocks_per_channel;
  assign rows_per_channel = XBits'(per_channel_p >>> S);
  assign blocks_per_channel = (RXBits'(rows_per_channel) + RXBits'(TileRows - 1)) >> TileRowsLog2;

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
  logic [RXBits-1:0] ceil5_q, excess5_q;
  logic [RowsW-1:0]  rows_q_q [6:8], rows_m_q [6:8];
  always_ff @(posedge clk_i) begin
    ceil5_q <= RXBits'(rows_per_channel);
    excess5_q <= RXBits'(rows_per_channel) * RXBits'(WeightChannels) -
                 RXBits'(word(desc_q[3], mmf_format_pkg::FieldRows));
    rows_q_q[6] <= RowsW'(excess5_q == '0 ? ceil5_q : ceil5_q - 1'b1);
    rows_m_q[6] <= excess5_q == '0 ? '0 : RowsW'(RXBits'(WeightChannels) - excess5_q);
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

  // ---- BitNet: head geometry, RoPE tables, the KV cache (stages 1-7) ----------------------
  // At stage 7 for the status: heads_bad (head_dim, n % head_dim, context: BadLength of the
  // three), groups_bad (an Attention's rows: BadLength), rope_bad (a table past the bank).
  logic                heads_bad7, groups_bad7, rope_bad7;
  logic [KvNeedW-1:0]  kv_need6;    // KvLayout::words() of a KvAppend or an Attention
  if (HeadsOn) begin : gen_heads
    logic [31:0] in_hd, in_ctx;
    logic [CtxW-1:0] in_ctx_lo;
    assign in_hd = word(in_desc_i, mmf_format_pkg::FieldHeadDim);
    assign in_ctx = word(in_desc_i, mmf_format_pkg::FieldContext);
    assign in_ctx_lo = in_ctx[CtxW-1:0];

    // Stage 1: head_dim == 2^(HdLo + j), n and rows multiples of it, the context's range,
    // the Attention flag, 3, 5 and 7 rows, ceil(context / RopeLoRows).
    logic [NumHd-1:0] hd_oh1_q, n_low1_q, rows_low1_q;
    logic             ctx_bad1_q, attention1_q;
    logic [GW-1:0]    rows3_1_q, rows5_1_q, rows7_1_q;
    logic [HiRowsW-1:0] hi_rows1_q;
    always_ff @(posedge clk_i) begin
      for (int unsigned j = 0; j < NumHd; j++) begin
        hd_oh1_q[j] <= in_hd == 32'd1 << (HdLo + j);
        n_low1_q[j] <= (in_n & ((32'd1 << (HdLo + j)) - 32'd1)) == '0;
        rows_low1_q[j] <= (in_rows & ((32'd1 << (HdLo + j)) - 32'd1)) == '0;
      end
      ctx_bad1_q <= in_ctx == '0 || in_ctx > MaxContext;
      attention1_q <= in_op == mmf_format_pkg::OpAttention;
      rows3_1_q <= GW'(in_rows[NW-1:0]) + (GW'(in_rows[NW-1:0]) << 1);
      rows5_1_q <= GW'(in_rows[NW-1:0]) + (GW'(in_rows[NW-1:0]) << 2);
      rows7_1_q <= (GW'(in_rows[NW-1:0]) << 3) - GW'(in_rows[NW-1:0]);
      hi_rows1_q <= HiRowsW'((32'(in_ctx_lo) + 32'(mmf_format_pkg::RopeLoRows - 1)) >>
                             $clog2(mmf_format_pkg::RopeLoRows));
    end

    // Stage 2: the head tests from the one-hot; n == g rows for each g; the RoPE tables'
    // words from addr0 and (shifted by k) their high rows.
    logic [NW-1:0] n2, rows2;
    logic [GW-1:0] n2_ext;
    assign n2 = desc_q[0][32*mmf_format_pkg::FieldN +: NW];
    assign rows2 = desc_q[0][32*mmf_format_pkg::FieldRows +: NW];
    assign n2_ext = GW'(n2);
    logic [HiWordsW-1:0] hi_words;
    always_comb begin
      hi_words = '0;
      for (int unsigned j = 0; j < NumHd; j++) begin
        if (hd_oh1_q[j]) hi_words = hi_words | (HiWordsW'(hi_rows1_q) << (HdLo + j));
      end
    end
    logic                heads_bad2_q, rows_low2_q, attention2_q;
    logic [7:0]          group2_q;  // n == (g + 1) rows
    logic [33:0]         rope_lo_sum2_q;
    logic [HiWordsW-1:0] hi_words2_q;
    always_ff @(posedge clk_i) begin
      heads_bad2_q <= !(|hd_oh1_q) || !(|(hd_oh1_q & n_low1_q)) || ctx_bad1_q;
      rows_low2_q <= |(hd_oh1_q & rows_low1_q);
      attention2_q <= attention1_q;
      group2_q[0] <= n2_ext == GW'(rows2);
      group2_q[1] <= n2_ext == GW'(rows2) << 1;
      group2_q[2] <= n2_ext == rows3_1_q;
      group2_q[3] <= n2_ext == GW'(rows2) << 2;
      group2_q[4] <= n2_ext == rows5_1_q;
      group2_q[5] <= n2_ext == rows3_1_q << 1;
      group2_q[6] <= n2_ext == rows7_1_q;
      group2_q[7] <= n2_ext == GW'(rows2) << 3;
      // head_dim <= MaxHeadDim where it matters: 64 head_dim words of the low table.
      rope_lo_sum2_q <= 34'(word(desc_q[0], mmf_format_pkg::FieldAddr0)) +
                        (34'(desc_q[0][32*mmf_format_pkg::FieldHeadDim +: HdHi + 1]) <<
                         $clog2(mmf_format_pkg::RopeLoRows));
      hi_words2_q <= hi_words;
    end

    // Stage 3: an Attention's rows: not 0, whole heads, n = g rows for g in 1 .. 8 (rows above
    // MaxVector exceed n, so n % rows != 0); the tables against the bank.
    logic        heads_bad3_q, groups_bad3_q, rope_lo_bad3_q;
    logic [33:0] rope_hi_sum3_q;
    always_ff @(posedge clk_i) begin
      heads_bad3_q <= heads_bad2_q;
      groups_bad3_q <= attention2_q && (flags_q[2][FRowsZero] || flags_q[2][FRowsOverVector] ||
                                        !rows_low2_q || group2_q == '0);
      rope_lo_bad3_q <= rope_lo_sum2_q > 34'(vec_words_i);
      rope_hi_sum3_q <= 34'(word(desc_q[1], mmf_format_pkg::FieldAddr2)) + 34'(hi_words2_q);
    end

    // Stages 4-7: the tests, delayed to the status.
    logic heads_bad_q [4:7], groups_bad_q [4:7], rope_bad_q [4:7];
    always_ff @(posedge clk_i) begin
      heads_bad_q[4] <= heads_bad3_q;
      groups_bad_q[4] <= groups_bad3_q;
      rope_bad_q[4] <= rope_lo_bad3_q || rope_hi_sum3_q > 34'(vec_words_i);
      for (int unsigned s = 5; s <= 7; s++) begin
        heads_bad_q[s] <= heads_bad_q[s-1];
        groups_bad_q[s] <= groups_bad_q[s-1];
        rope_bad_q[s] <= rope_bad_q[s-1];
      end
    end
    assign heads_bad7 = heads_bad_q[7];
    assign groups_bad7 = groups_bad_q[7];
    assign rope_bad7 = rope_bad_q[7];

    if (KvOn) begin : gen_kv
      // The cache of a KvAppend (n values a position) or an Attention (rows): kv values,
      // kv / head_dim heads, each row_words = ceil(head_dim / word_bytes) = head_dim /
      // min(head_dim, word_bytes) words a slot; where it matters, kv <= MaxVector is whole
      // heads, so both are shifts of kv (by k, and by min(k, WordBytesLog2)).
      logic [CXBits-1:0] ctx_c1_q;  // context + C - 1, context <= MaxContext
      always_ff @(posedge clk_i) begin
        ctx_c1_q <= CXBits'(in_ctx_lo) + CXBits'(CMinus1);
      end
      logic [NW-1:0] kv2, kv_heads, kv_rows;
      assign kv2 = attention1_q ? rows2 : n2;
      always_comb begin
        kv_heads = '0;
        kv_rows = '0;
        for (int unsigned j = 0; j < NumHd; j++) begin
          if (hd_oh1_q[j]) begin
            kv_heads = kv_heads | (kv2 >> (HdLo + j));
            kv_rows = kv_rows | (kv2 >> (HdLo + j < WordBytesLog2 ? HdLo + j : WordBytesLog2));
          end
        end
      end
      logic [NW-1:0] kv_heads_q [2:4], kv_rows_q [2:4];
      always_ff @(posedge clk_i) begin
        kv_heads_q[2] <= kv_heads;
        kv_rows_q[2] <= kv_rows;
        for (int unsigned s = 3; s <= 4; s++) begin
          kv_heads_q[s] <= kv_heads_q[s-1];
          kv_rows_q[s] <= kv_rows_q[s-1];
        end
      end

      // Stages 2-4: the slots ceil(context / C).
      logic signed [ACW+MCBits-1:0] slots_p;  // (context + C - 1) * MC
      mmf_mul_pipe #(
        .AWidth(ACW),
        .BWidth(MCBits)
      ) u_slots (
        .clk_i,
        .en_i (1'b1),
        .a_i  (ACW'(ctx_c1_q)),
        .b_i  (MCBits'(MC)),
        .p_o  (slots_p)
      );
      logic [SlotsW-1:0] slots;
      assign slots = SlotsW'(slots_p >>> SC);

      // Stage 5: the scales (heads x slots) and the row words (row_words x heads x slots).
      logic [NW+SlotsW-1:0] scales5_q, rows5_q;
      always_ff @(posedge clk_i) begin
        scales5_q <= (NW + SlotsW)'(kv_heads_q[4]) * (NW + SlotsW)'(slots);
        rows5_q <= (NW + SlotsW)'(kv_rows_q[4]) * (NW + SlotsW)'(slots);
      end
      // Stage 6: words() = 2 (K and V) x (rows + ceil(scales / 2^ScalesLog2)), the ceil as
      // the carry in of the one add.
      logic [KvNeedW-1:0] need6_q;
      if (ScalesLog2 > 0) begin : gen_packed_scales
        always_ff @(posedge clk_i) begin
          need6_q <= (KvNeedW'(rows5_q) + (KvNeedW'(scales5_q) >> ScalesLog2) +
                      KvNeedW'(scales5_q[ScalesLog2-1:0] != '0)) << 1;
        end
      end else begin : gen_word_scales
        always_ff @(posedge clk_i) need6_q <= (KvNeedW'(rows5_q) + KvNeedW'(scales5_q)) << 1;
      end
      assign kv_need6 = need6_q;
      // The product's fraction bits and its top (zero: the quotient fits SlotsW).
      logic unused_kv;
      assign unused_kv = ^slots_p;
    end else begin : gen_no_kv
      assign kv_need6 = '0;
    end
  end else begin : gen_no_heads
    assign heads_bad7 = 1'b0;
    assign groups_bad7 = 1'b0;
    assign rope_bad7 = 1'b0;
    assign kv_need6 = '0;
  end

  // ---- BitNet: an int8 table in the weight channels (Head; Embed from weights) ------------
  // Int8Tile::channel_words(rows, m) = ceil(rows / C) x ceil(m / word_bytes), m = n (Head) or
  // 2 n (Embed's bf16 row), n <= MaxVector where it matters. head_bad7: a Head's row constants
  // (addr0 + 2 rows) past the bank.
  logic [Int8NeedW-1:0] int8_need6;
  logic                 head_bad7;
  if (Int8On) begin : gen_int8
    localparam int unsigned HiW = XBits - QSplit;
    logic [I8W-1:0] words_n1_q, words_2n1_q, words_q [2:4];
    logic           embed1_q;
    always_ff @(posedge clk_i) begin
      words_n1_q <= I8W'((32'(in_n[NW-1:0]) + 32'((1 << WordBytesLog2) - 1)) >> WordBytesLog2);
      words_2n1_q <= I8W'(((32'(in_n[NW-1:0]) << 1) + 32'((1 << WordBytesLog2) - 1)) >>
                          WordBytesLog2);
      embed1_q <= in_op == mmf_format_pkg::OpEmbed;
      words_q[2] <= embed1_q ? words_2n1_q : words_n1_q;
      words_q[3] <= words_q[2];
      words_q[4] <= words_q[3];
    end
    // Stage 5: the quotient's halves times the row's words (a DSP each); stage 6: their sum.
    logic [QSplit+I8W-1:0] lo5_q;
    logic [HiW+I8W-1:0]    hi5_q;
    logic [Int8NeedW-1:0]  need6_q;
    always_ff @(posedge clk_i) begin
      lo5_q <= (QSplit + I8W)'(rows_per_channel[QSplit-1:0]) * (QSplit + I8W)'(words_q[4]);
      hi5_q <= (HiW + I8W)'(rows_per_channel[XBits-1:QSplit]) * (HiW + I8W)'(words_q[4]);
      need6_q <= Int8NeedW'(lo5_q) + (Int8NeedW'(hi5_q) << QSplit);
    end
    assign int8_need6 = need6_q;

    // A Head's row constants: addr0 + 2 rows (stage 2), against the bank (3), to stage 7.
    logic [33:0] head_sum2_q;
    logic        head_bad_q [3:7];
    always_ff @(posedge clk_i) begin
      head_sum2_q <= 34'(word(desc_q[0], mmf_format_pkg::FieldAddr0)) +
                     (34'(word(desc_q[0], mmf_format_pkg::FieldRows)) << 1);
      head_bad_q[3] <= head_sum2_q > 34'(vec_words_i);
      for (int unsigned s = 4; s <= 7; s++) head_bad_q[s] <= head_bad_q[s-1];
    end
    assign head_bad7 = head_bad_q[7];
  end else begin : gen_no_int8
    assign int8_need6 = '0;
    assign head_bad7 = 1'b0;
  end

  // ---- BitNet: the cache's or the int8 table's weight range (stages 6-7) ------------------
  // weight + need > weight_words as need > weight_words - weight (or weight past the end):
  // the slack is ready at stage 6 beside the need, so no add follows the stage-5 products.
  logic bn_weight_bad7;
  if (KvOn || Int8On) begin : gen_bn_weight
    logic [32:0]     slack6_q;  // weight_words - weight, negative: weight past the end
    logic            kv_op6_q;  // a KvAppend or an Attention: the cache's need
    logic [NeedW-1:0] need;
    logic [63:0]     need_ext;
    logic            bad7_q;
    always_ff @(posedge clk_i) begin
      slack6_q <= {1'b0, weight_words_i} - {1'b0, word(desc_q[4], mmf_format_pkg::FieldWeight)};
      kv_op6_q <= word(desc_q[4], mmf_format_pkg::FieldOpcode) == mmf_format_pkg::OpKvAppend ||
                  word(desc_q[4], mmf_format_pkg::FieldOpcode) == mmf_format_pkg::OpAttention;
    end
    assign need = kv_op6_q ? NeedW'(kv_need6) : NeedW'(int8_need6);
    assign need_ext = 64'(need);
    always_ff @(posedge clk_i) begin
      bad7_q <= slack6_q[32] || need_ext[63:32] != '0 || need_ext[31:0] > slack6_q[31:0];
    end
    assign bn_weight_bad7 = bad7_q;
  end else begin : gen_no_bn_weight
    assign bn_weight_bad7 = 1'b0;
    logic unused_bn_weight;
    assign unused_bn_weight = ^{kv_need6, int8_need6};
  end

  // ---- Stage 8: the status, in check_descriptor's order ----------------------------------
  logic [NumFlags-1:0] f;
  logic [Ranges-1:0] rb;
  logic [31:0]       op7;
  logic [7:0]        status_d, status_q;
  assign f = flags_q[7];
  assign rb = range_bad_q[7];
  assign op7 = word(desc_q[6], mmf_format_pkg::FieldOpcode);

  // The BitNet ops' status (op7 in 8 .. 12 once its opcode passed: op7[2:0] tells them apart),
  // after the tests every op shares (opcode, reserved words, packing, n).
  logic [7:0] bn_status;
  if (BitNetOn) begin : gen_bn_status
    localparam logic [2:0] BnRope = 3'(mmf_format_pkg::OpRope - mmf_format_pkg::OpcodeBitNetMin);
    localparam logic [2:0] BnKvAppend =
        3'(mmf_format_pkg::OpKvAppend - mmf_format_pkg::OpcodeBitNetMin);
    localparam logic [2:0] BnAttention =
        3'(mmf_format_pkg::OpAttention - mmf_format_pkg::OpcodeBitNetMin);
    localparam logic [2:0] BnRelu2Glu =
        3'(mmf_format_pkg::OpRelu2Glu - mmf_format_pkg::OpcodeBitNetMin);
    always_comb begin
      bn_status = mmf_format_pkg::StatusOk;
      unique case (op7[2:0])
        BnRope: if (RopeOn) begin  // detail::check_attention_op
          if (!f[FSrc0Ok] || !f[FDstOk]) bn_status = mmf_format_pkg::StatusBadBuffer;
          else if (heads_bad7) bn_status = mmf_format_pkg::StatusBadLength;
          else if (rb[5] || rope_bad7) bn_status = mmf_format_pkg::StatusBadVecAddress;
        end
        BnKvAppend: if (KvAppendOn) begin
          if (!f[FSrc0Ok] || !f[FSrc1Ok]) bn_status = mmf_format_pkg::StatusBadBuffer;
          else if (heads_bad7) bn_status = mmf_format_pkg::StatusBadLength;
          else if (rb[5]) bn_status = mmf_format_pkg::StatusBadVecAddress;
          else if (bn_weight_bad7) bn_status = mmf_format_pkg::StatusBadWeightRange;
        end
        BnAttention: if (AttentionOn) begin
          if (!f[FSrc0Ok] || !f[FDstOk]) bn_status = mmf_format_pkg::StatusBadBuffer;
          else if (heads_bad7 || groups_bad7) bn_status = mmf_format_pkg::StatusBadLength;
          else if (f[FFieldBad]) bn_status = mmf_format_pkg::StatusBadField;
          else if (rb[5]) bn_status = mmf_format_pkg::StatusBadVecAddress;
          else if (bn_weight_bad7) bn_status = mmf_format_pkg::StatusBadWeightRange;
        end
        BnRelu2Glu: if (Relu2GluOn) begin
          if (!f[FSrc0Ok] || !f[FSrc1Ok] || !f[FDstOk]) begin
            bn_status = mmf_format_pkg::StatusBadBuffer;
          end
        end
        default: if (HeadOn) begin  // OpHead
          if (!f[FSrc0Ok] || (!f[FToMemory] && !f[FDstOk])) begin
            bn_status = mmf_format_pkg::StatusBadBuffer;
          end else if (f[FRowsZero] || f[FRowsOverMax] ||
                       (!f[FToMemory] && f[FRowsOverVector])) begin
            bn_status = mmf_format_pkg::StatusBadLength;
          end else if (head_bad7 || rb[1] || (f[FToMemory] && rb[2])) begin
            bn_status = mmf_format_pkg::StatusBadVecAddress;
          end else if (bn_weight_bad7) begin
            bn_status = mmf_format_pkg::StatusBadWeightRange;
          end
        end
      endcase
    end
  end else begin : gen_no_bn_status
    assign bn_status = mmf_format_pkg::StatusOk;
    logic unused_bn;
    assign unused_bn = ^{heads_bad7, groups_bad7, rope_bad7, head_bad7};
  end

  // An Embed with addr0 == NoAddress reads its row from the weight channels.
  logic embed_weights;
  assign embed_weights = EmbedWeightsOn && f[FAddr0None];

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
          if (!f[FDstOk]) begin
            status_d = mmf_format_pkg::StatusBadBuffer;
          end else if (f[FRowsZero]) begin
            status_d = mmf_format_pkg::StatusBadLength;
          end else if ((!embed_weights && embed_bad7_q) || rb[5]) begin
            status_d = mmf_format_pkg::StatusBadVecAddress;
          end else if (embed_weights && bn_weight_bad7) begin
            status_d = mmf_format_pkg::StatusBadWeightRange;
          end
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
        default: begin  // OpStore, or a BitNet op this build takes (op7 >= 8)
          if (BitNetOn && op7[3]) begin
            status_d = bn_status;
          end else if (!f[FSrc0Ok]) begin
            status_d = mmf_format_pkg::StatusBadBuffer;
          end else if (rb[3]) begin
            status_d = mmf_format_pkg::StatusBadVecAddress;
          end
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

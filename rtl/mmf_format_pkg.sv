// SPDX-License-Identifier: Apache-2.0
// Device formats for the RTL: the op descriptor, opcodes, on-chip buffers, status codes and the
// 2-bit trit codes. It mirrors hls/include/mmf_hls/program_format.hpp and
// models/include/mmf/ternary_pack.hpp; tests/rtl/format_pkg_test.cpp fails if the two disagree.
package mmf_format_pkg;

  // ---- Vector bank ------------------------------------------------------------------------
  localparam int unsigned VecWordBits = 32;
  localparam int unsigned DescriptorWords = 16;

  // ---- Opcodes ----------------------------------------------------------------------------
  typedef enum logic [31:0] {
    OpEmbed     = 32'd1,
    OpBitLinear = 32'd2,
    OpMlgru     = 32'd3,
    OpGlu       = 32'd4,
    OpAdd       = 32'd5,
    OpStore     = 32'd6,
    OpArgmax    = 32'd7,
    // BitNet b1.58: builds with attention units only; mmf_descriptor_check refuses each as a
    // bad opcode on a kernel without its units (its MaxContext and BitNetOps).
    OpRope      = 32'd8,
    OpKvAppend  = 32'd9,
    OpAttention = 32'd10,
    OpRelu2Glu  = 32'd11,
    OpHead      = 32'd12
  } opcode_e;
  localparam int unsigned OpcodeMin = 1;
  localparam int unsigned OpcodeMax = 12;
  localparam int unsigned OpcodeBitNetMin = 8;

  // ---- Descriptor fields (word index) -----------------------------------------------------
  localparam int unsigned FieldOpcode = 0;
  localparam int unsigned FieldN = 1;
  localparam int unsigned FieldRows = 2;
  localparam int unsigned FieldSrc0 = 3;
  localparam int unsigned FieldSrc1 = 4;
  localparam int unsigned FieldSrc2 = 5;
  localparam int unsigned FieldDst = 6;
  localparam int unsigned FieldAddr0 = 7;
  localparam int unsigned FieldAddr1 = 8;
  localparam int unsigned FieldAddr2 = 9;
  localparam int unsigned FieldWeight = 10;
  localparam int unsigned FieldMant = 11;
  localparam int unsigned FieldExp = 12;
  localparam int unsigned FieldPacking = 13;  // a BitLinear's packing; 0 in every other op
  // Words from here are zero in every op but Rope, KvAppend and Attention (the head size and
  // the context).
  localparam int unsigned FieldReservedBegin = 14;
  localparam int unsigned FieldHeadDim = 14;
  localparam int unsigned FieldContext = 15;

  // ---- How a BitLinear's weights lie in the channels (WeightPacking) ----------------------
  // 2-bit words, or 1.6-bit row blocks that a channel built with FiveTrit decodes
  // (mmf_weight_unpack) into the same words.
  localparam int unsigned PackTwoBit = 0;
  localparam int unsigned PackFiveTrit = 1;

  localparam logic [31:0] NoAddress = 32'hFFFF_FFFF;
  localparam logic [31:0] DstMemory = 32'h0000_00FF;

  // ---- On-chip buffers --------------------------------------------------------------------
  localparam int unsigned BufX = 0;
  localparam int unsigned BufI = 1;
  localparam int unsigned BufF = 2;
  localparam int unsigned BufG = 3;
  localparam int unsigned BufA = 4;
  localparam int unsigned BufGU = 5;
  localparam int unsigned BufP = 6;
  localparam int unsigned NumBuffers = 7;

  localparam int unsigned MaxRows = 32'd1 << 24;
  localparam logic [31:0] MantLimit = 32'h8000_0000;
  // A BitLinear constant's exponent lies in [-ExpLimit, ExpLimit] (program_format.hpp).
  localparam int ExpLimit = 1024;
  // BitNet: the RoPE low table's rows (rope_hi_rows: the high table has ceil(context /
  // RopeLoRows)), and the query heads one KV head serves at most (GQA).
  localparam int unsigned RopeLoRows = 64;
  localparam int unsigned MaxQueryGroup = 8;
  // A launch runs its program 1 .. MaxLaunchTokens times (tokens_fit).
  localparam int unsigned MaxLaunchTokens = 32'd1 << 16;

  // ---- Status register: code | op index << StatusOpShift ---------------------------------
  typedef enum logic [7:0] {
    StatusOk             = 8'd0,
    StatusBadOpcode      = 8'd1,
    StatusBadBuffer      = 8'd2,
    StatusBadLength      = 8'd3,
    StatusBadVecAddress  = 8'd4,
    StatusBadWeightRange = 8'd5,
    StatusBadToken       = 8'd6,
    StatusBadProgram     = 8'd7,
    StatusBadField       = 8'd8
  } status_e;
  localparam int unsigned StatusOpShift = 8;

  // ---- Trits on the weight channels (two_bit packing) -------------------------------------
  localparam logic [1:0] TritZero = 2'b00;
  localparam logic [1:0] TritPlus = 2'b01;
  localparam logic [1:0] TritMinus = 2'b11;

  // ---- The 1.6-bit beats of a row block of w words (WeightTile::five_trit_beats) ----------
  // ceil(4 w / 5) = floor(4 (w + 1) / 5), by a multiply with a constant reciprocal, exact for
  // w + 1 < 2^bits: floor((w + 1) * five_trit_mul(bits) / 2^five_trit_shift(bits)). With
  // x = 4 (w + 1) < 2^(bits + 2), S = bits + 5 and M = ceil(2^S / 5), M * 5 - 2^S <= 4 < 2^3 =
  // 2^(S - (bits + 2)), so floor(x * M / 2^S) = floor(x / 5) (Granlund and Montgomery, 1994);
  // and x * M / 2^S = (w + 1) * M / 2^(S - 2). tests/rtl/descriptor_check_test.cpp checks it for
  // every w + 1 below 2^21. Used by mmf_descriptor_check, the prefetcher and the controller.
  function automatic int unsigned five_trit_shift(input int unsigned bits);
    five_trit_shift = bits + 3;
  endfunction
  function automatic logic [63:0] five_trit_mul(input int unsigned bits);
    five_trit_mul = ((64'd1 << (bits + 5)) + 64'd4) / 64'd5;
  endfunction

  // ---- Pipeline latency of the weight path ----------------------------------------------
  // Cycles from a weight word into mmf_ternary_dot to its sum out: the leaf register, one
  // register every DotRegEvery tree levels and after the last, the root correction. The timed
  // model charges the same (sim: ternary_dot_latency); tests/rtl/ternary_acc_test.cpp measures
  // it on the RTL and fails if the two differ.
  localparam int unsigned DotRegEvery = 2;
  function automatic int unsigned ternary_dot_latency(input int unsigned lanes);
    int unsigned levels;
    levels = 0;
    while ((1 << levels) < lanes) levels++;
    ternary_dot_latency = 2 + (levels + DotRegEvery - 1) / DotRegEvery;
  endfunction
  // Width of a word's sum: int8 codes, so Lanes * 128 in magnitude at most.
  function automatic int unsigned ternary_dot_sum_width(input int unsigned lanes);
    int unsigned levels;
    levels = 0;
    while ((1 << levels) < lanes) levels++;
    ternary_dot_sum_width = 8 + levels + 1;
  endfunction

endpackage

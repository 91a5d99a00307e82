// SPDX-License-Identifier: Apache-2.0
// The token program's op descriptor format and the device memory conventions, defined once for
// the host compiler, the HLS kernel, the cpu backend and (mirrored) the RTL.
// docs/device-format.md describes the same format for readers.
//
// Plain C++17 and <cstdint> only, so that Vitis HLS can include it unchanged.
#pragma once

#include <cstdint>

namespace mmf_hls {

// ---- Memory banks ----------------------------------------------------------------------------
// The vector bank ("vec" m_axi bundle) is an array of 32-bit words: program, embedding, norm
// weights, lower bounds, recurrent state and the token I/O area. Vector addresses in descriptors
// are word offsets into it. Each weight channel ("w<c>" bundle) is an array of weight words of
// 2 * lanes bits; weight addresses are weight-word offsets, the same in every channel. A 1.6-bit
// tensor's beats are as wide as a word, so its addresses count beats in the same unit.
constexpr uint32_t kVecWordBytes = 4;

// ---- Op descriptors --------------------------------------------------------------------------
// A descriptor is kDescriptorWords 32-bit words in the vector bank; the program is an array of
// them. The compiler zeroes fields an op does not use; the reserved words must be zero, so that
// a program written for a future format is refused rather than misread.
constexpr uint32_t kDescriptorWords = 16;

enum Opcode : uint32_t {
  // x[dst][k] = bf16_to_q16(embedding[token][k]), k < n; token = vec[addr1], checked < rows;
  // embedding rows start at addr0 and are (n + 1) / 2 words apart (two bf16 per word, low first).
  // On a build with attention units, addr0 == kNoAddress reads the row from the weight channels
  // instead: a table of rows of 2n bytes (bf16, low byte first) laid out as Int8Tile rows from
  // weight offset `weight` (BitNet 2B4T's table is larger than a memory channel).
  kOpEmbed = 1,
  // BitLinear of buffer src0 (n values) with a [rows, n] ternary weight at weight offset `weight`:
  // norm + quantize (w_rms at addr0 or kNoAddress, w_code at addr1, int16 pairs), ternary
  // accumulate, rescale by (token scale x constant {mant, exp}). Output to buffer dst, or with
  // dst == kDstMemory to vec[addr2 + r].
  kOpBitLinear = 2,
  // MLGRU of buffers src0 (i), src1 (f), src2 (g) over n channels; state at vec[addr0..+n),
  // lower bound (Q0.16) at vec[addr1..+n) or kNoAddress; o_proj input to buffer dst.
  kOpMlgru = 3,
  // GLU of buffer src0 ([gate | up], 2n values) to buffer dst (n values).
  kOpGlu = 4,
  // Residual add: buffer dst += buffer src0, n values, saturating.
  kOpAdd = 5,
  // Copies buffer src0 (n values) to vec[addr0..+n).
  kOpStore = 6,
  // Greedy sampling (mmf::fx::argmax): the index of the largest of the rows int32 values at
  // vec[addr2..] (the first of equal ones) goes to vec[addr1], where the next pass's Embed
  // reads its token, and to vec[addr0 + t], word t of a ring of n words, for the launch's
  // t-th pass (LaunchRegs::num_tokens); t >= n stops the run with kStatusBadLength.
  kOpArgmax = 7,
  // ---- BitNet b1.58 (docs/device-format.md, "BitNet"): builds with attention units only
  // (DeviceLimits::max_context > 0; others refuse these with kStatusBadOpcode). A pass's
  // position p is vec[addr1] (the launch's first position, which the host writes) plus the
  // pass index t; p >= context stops the run with kStatusBadLength. head_dim (kFieldHeadDim)
  // is even; n and rows count values of whole heads.
  //
  // RoPE of buffer dst in place (fx::rope_angles, fx::rope): n values, n / head_dim heads.
  // Two tables of signed Q16 rows [cos(head_dim / 2) | sin(head_dim / 2)]: row p mod
  // kRopeLoRows (64) of the low table at addr0 (kRopeLoRows rows), row p / kRopeLoRows of the
  // high one at addr2 (rope_hi_rows(context) rows).
  kOpRope = 8,
  // KV append (fx::quantize_head per head): the n values of buffer src0 (K) and of src1 (V),
  // n / head_dim KV heads, as int8 codes and a Q16 absmax per head at position p of the
  // layer's cache at weight offset `weight` (KvLayout).
  kOpKvAppend = 9,
  // Attention (fx::attention_head per query head) of buffer src0 (n values, n / head_dim query
  // heads) over positions 0..p of the layer's cache at `weight` (rows values a position:
  // rows / head_dim KV heads, each serving n / rows query heads in order) with the score
  // constant {mant, exp}, into buffer dst.
  kOpAttention = 10,
  // ReLU² GLU (fx::relu2_glu): dst = scaled_products(r, up) with r = scaled_products(g, g),
  // g = max(src0, 0), up = src1; n values.
  kOpRelu2Glu = 11,
  // Head with int8 rows (Int8Tile): quantize buffer src0 (n values, w_code at addr1, int16
  // pairs; no w_rms), an int8 dot product per row of the [rows, n] table at weight offset
  // `weight`, each rescaled by (token scale x row constant {vec[addr0 + 2 r], vec[addr0 + 2 r +
  // 1]}) as fx::head_logits; to buffer dst or, with dst == kDstMemory, to vec[addr2 + r].
  kOpHead = 12,
};
constexpr uint32_t kOpcodeMin = kOpEmbed;
constexpr uint32_t kOpcodeMax = kOpHead;
// The first of the BitNet opcodes: those from here need attention units.
constexpr uint32_t kOpcodeBitNetMin = kOpRope;

// Word index of each descriptor field.
enum DescriptorField : uint32_t {
  kFieldOpcode = 0,
  kFieldN = 1,
  kFieldRows = 2,
  kFieldSrc0 = 3,
  kFieldSrc1 = 4,
  kFieldSrc2 = 5,
  kFieldDst = 6,
  kFieldAddr0 = 7,
  kFieldAddr1 = 8,
  kFieldAddr2 = 9,
  kFieldWeight = 10,
  kFieldMant = 11,
  kFieldExp = 12,      // int32 stored as its two's complement bits
  kFieldPacking = 13,  // a BitLinear's WeightPacking; 0 in every other op
  // Words from here are reserved (zero) in every op but Rope, KvAppend and Attention, which
  // use them as these two fields.
  kFieldReservedBegin = 14,
  kFieldHeadDim = 14,  // values of one attention head
  kFieldContext = 15,  // positions the layer's cache and the RoPE tables hold
};

// How a BitLinear's weights lie in the channels (WeightTile): 2-bit words, or 1.6-bit blocks
// that the channels decode (DeviceLimits::five_trit) into the same words.
enum WeightPacking : uint32_t {
  kPackTwoBit = 0,
  kPackFiveTrit = 1,
};

constexpr uint32_t kNoAddress = 0xFFFFFFFFu;
constexpr uint32_t kDstMemory = 0xFFu;

// On-chip vector buffers, each Cfg::max_vector int32 values. Any op may name any buffer; the
// host compiler gives them these roles.
enum Buffer : uint32_t {
  kBufX = 0,   // residual stream
  kBufI = 1,   // i_proj output
  kBufF = 2,   // f_proj output
  kBufG = 3,   // g_proj output
  kBufA = 4,   // o_proj / down_proj output (added to x)
  kBufGU = 5,  // gate_proj output [gate | up]
  kBufP = 6,   // BitLinear input products (o_proj and down_proj inputs)
  kNumBuffers = 7,
};

// Output rows of one BitLinear are bounded so that int32 accumulators cannot overflow
// (|acc| <= 127 * n) and row counters fit in 24 bits.
constexpr uint32_t kMaxRows = 1u << 24;
// The mantissa of a BitLinear constant has at most 31 bits (numerics.hpp kMantBits).
constexpr uint32_t kMantLimit = 1u << 31;
// Its exponent (kFieldExp, an int32) lies in [-kExpLimit, kExpLimit]. The RTL carries scale
// exponents in 16 bits, and the sum with a token's exponent must stay far inside them (the
// compiler's constants are within about +-64). Larger ones are refused, not wrapped.
constexpr int32_t kExpLimit = 1024;

// ---- Status register -------------------------------------------------------------------------
// status = code | (index of the offending op << 8); 0 after a clean run.
enum StatusCode : uint32_t {
  kStatusOk = 0,
  kStatusBadOpcode = 1,
  kStatusBadBuffer = 2,       // a buffer id >= kNumBuffers (or kDstMemory where not allowed)
  kStatusBadLength = 3,       // n or rows is 0 or larger than the build's buffers
  kStatusBadVecAddress = 4,   // a vector range runs past the vector bank
  kStatusBadWeightRange = 5,  // the weight range runs past a weight channel
  kStatusBadToken = 6,        // the token id in the I/O area is >= rows
  kStatusBadProgram = 7,      // the program itself does not fit the vector bank or max_ops
  kStatusBadField = 8,        // a reserved field is not zero or the mantissa is too wide
};
constexpr uint32_t kStatusOpShift = 8;

constexpr uint32_t make_status(uint32_t code, uint32_t op_index) {
  return code | (op_index << kStatusOpShift);
}

// ceil(log2 n): the levels of a binary tree over n leaves (0 for n = 1), as $clog2 in the RTL.
constexpr uint32_t tree_levels(uint32_t n) {
  uint32_t levels = 0;
  while ((uint64_t{1} << levels) < n) ++levels;
  return levels;
}
static_assert(tree_levels(1) == 0 && tree_levels(4) == 2 && tree_levels(5) == 3 &&
              tree_levels(512) == 9);

// Pipeline latency of the RTL weight path (mirrors mmf_format_pkg::ternary_dot_latency): cycles
// from a weight word into mmf_ternary_dot to its sum out, with a register every kDotRegEvery tree
// levels. The timed model charges it per BitLinear; tests/rtl/ternary_acc_test.cpp measures it.
constexpr uint32_t kDotRegEvery = 2;
constexpr uint32_t ternary_dot_latency(uint32_t lanes) {
  const uint32_t levels = tree_levels(lanes);
  return 2 + (levels + kDotRegEvery - 1) / kDotRegEvery;
}
static_assert(ternary_dot_latency(16) == 4 && ternary_dot_latency(512) == 7);
// Cycles from a weight beat's arrival at a channel's FIFO (rtl/common/mmf_fifo_ram.sv) to the
// accumulator: the RAM write, the RAM read, the output buffer. Measured by
// tests/rtl/axi_read_master_test.cpp; the timed model charges it.
constexpr uint32_t kWeightFifoLatency = 3;
// rtl/mmf/mmf_weight_unpack.sv (at a channel's memory port, before the FIFO) decodes a 1.6-bit
// beat in parts, one a cycle: two halves from 256 lanes on, else the whole beat. Its latency is
// the cycles from a beat taken to the first word it completes: the beat register, the table
// lookups of its parts, the word registers. Measured by tests/rtl/weight_unpack_test.cpp; the
// timed model charges both (the latency on top of kWeightFifoLatency).
constexpr uint32_t weight_unpack_parts(uint32_t lanes) {
  return lanes >= 256 ? 2 : 1;
}
constexpr uint32_t weight_unpack_latency(uint32_t lanes) {
  return 2 + weight_unpack_parts(lanes);
}
// Cycles from the input beat that completes an output beat of rtl/common/mmf_stream_align.sv to
// that output (its output register). Measured by tests/rtl/gearbox_test.cpp; the timed model
// charges it to every vector-bank read and to the GLU's realignment pass (the costs were read
// with a combinational output).
constexpr uint32_t kStreamAlignLatency = 1;
// Cycles from a beat into rtl/mmf/mmf_silu.sv to its result (its 5-stage pipeline). Measured
// by tests/rtl/silu_test.cpp; the timed model charges it to the GLU's SiLU pass.
constexpr uint32_t kSiluLatency = 5;
// Cycles from a beat into rtl/mmf/mmf_attention_exp.sv to its softmax numerators (its 11-stage
// pipeline: difference, 3-stage log2(e) product, rounding, table ROM, step, step product,
// interpolation, shift, rounding). Measured by tests/rtl/attention_exp_test.cpp.
constexpr uint32_t kAttentionExpLatency = 11;
// Cycles from a beat into rtl/mmf/mmf_attention_score.sv to its scores (its 20-stage pipeline:
// operands, the 3-stage absmax product, its 3-stage normalization, the 3-stage product with the
// score constant, its 3-stage normalization, the 3-stage product with qk, the 2-stage shift,
// rounding, saturation). Measured by tests/rtl/attention_units_test.cpp.
constexpr uint32_t kAttentionScoreLatency = 20;
// Cycles from a beat into rtl/mmf/mmf_attention_weight.sv to its value weights (its 7-stage
// pipeline: operands, 3-stage product, 2-stage shift, rounding). Measured by
// tests/rtl/attention_units_test.cpp.
constexpr uint32_t kAttentionWeightLatency = 7;
// Cycles from a sum taken by rtl/mmf/mmf_attention_recip.sv to its reciprocal (iterative, one
// value at a time: 127 S, 5 normalize steps, 17 division steps; the same for every max_context
// up to 2^kMaxContextLog2). Measured by tests/rtl/attention_units_test.cpp.
constexpr uint32_t kAttentionRecipLatency = 23;
// Cycles from a beat into rtl/mmf/mmf_attention_out.sv to its output values (its 8-stage
// pipeline: operands, 3-stage product, 2-stage shift, rounding, saturation). Measured by
// tests/rtl/attention_units_test.cpp.
constexpr uint32_t kAttentionOutLatency = 8;
// Cycles from a beat into rtl/mmf/mmf_rope_rotate.sv to its rotated pairs (its 7-stage
// pipeline: operands, 3-stage products, sum, rounding, saturation). Measured by
// tests/rtl/rope_rotate_test.cpp.
constexpr uint32_t kRopeRotateLatency = 7;
// Cycles from a beat into rtl/mmf/mmf_rope_angle.sv to its cos and sin (its 4-stage pipeline:
// operands, products, sum, rounding). Measured by tests/rtl/rope_rotate_test.cpp.
constexpr uint32_t kRopeAngleLatency = 4;
// Cycles from a beat into rtl/mmf/mmf_mlgru_gate.sv to its new state and silu(state): an
// mmf_silu pass for sigmoid(f_pre) and silu(i_pre), 6 arithmetic stages, an mmf_silu pass for
// silu(state). Measured by tests/rtl/mlgru_gate_test.cpp; the timed model charges it to the
// MLGRU's gate pass.
constexpr uint32_t kMlgruGateLatency = 2 * kSiluLatency + 6;
// Cycles from a row sum taken by rtl/mmf/mmf_rescale.sv to its Q16 result: the input register,
// the 3-stage multiplier, the rounding add, the shift, the saturation. Measured by
// tests/rtl/rescale_test.cpp; the timed model charges it to the end of a BitLinear.
constexpr uint32_t kRescaleLatency = 7;
// Cycles from a descriptor into rtl/mmf/mmf_descriptor_check.sv to it and its status out (the
// 8-stage check pipeline). Measured by tests/rtl/descriptor_check_test.cpp. The timed model
// charges nothing for it: the RTL's launches took as many cycles with the pipelined check as
// with the one-cycle one (tiny on ci-tiny, 949,620 cycles for 6 launches either way), so the
// program load's end is set by something else.
constexpr uint32_t kDescriptorCheckLatency = 8;
// Cycles a job of rtl/mmf/mmf_scaled_products.sv takes beyond its 2 x beats (both passes), with
// no stalls: the max tree's drain (1 + log2 lanes stages), the three shift steps, the 7 product
// stages and the handshakes. Measured by tests/rtl/scaled_products_test.cpp; the timed model
// charges it to the MLGRU and GLU ops (the one-cycle form took 2).
constexpr uint32_t scaled_products_fill(uint32_t vector_lanes) {
  const uint32_t levels = tree_levels(vector_lanes);
  return 12 + levels;
}

// Cycles from a job taken by rtl/mmf/mmf_norm_quantize.sv to its first code beat, with no
// stalls: pass 1 (n_beats), its drain through the pipeline's 7 stages and the max trees
// (log2 lanes levels), sh, pass 2 or the reciprocal's 40-cycle divider if that is longer, and a
// code beat's 12 stages. Measured by tests/rtl/norm_quantize_test.cpp (4 lanes, 1 to 250
// beats); the timed model charges it to the BitLinear.
constexpr uint32_t kNormQuantizeDividerCycles = 40;
constexpr uint32_t norm_quantize_first_code(uint32_t n_beats, uint32_t vector_lanes) {
  const uint32_t levels = tree_levels(vector_lanes);
  const uint32_t pass2 =
      n_beats > kNormQuantizeDividerCycles ? n_beats : kNormQuantizeDividerCycles;
  return n_beats + pass2 + 23 + levels;
}

// What the device offers, for descriptor checks.
struct DeviceLimits {
  uint32_t max_vector;       // values per on-chip buffer
  uint32_t lanes;            // trits per weight word
  uint32_t tile_rows;        // rows per weight word (WeightTile)
  uint32_t weight_channels;  // weight memory channels
  uint64_t vec_words;        // size of the vector bank in 32-bit words
  uint64_t weight_words;     // size of each weight channel in weight words
  bool five_trit;            // the channels decode kPackFiveTrit (accelerator.packings)
  // Attention units (the BitNet opcodes): positions a layer's cache may hold, 0 for a build
  // without them, and the widest head they take.
  uint32_t max_context = 0;
  uint32_t max_head_dim = 0;
  // Values per vector beat: an attention head is a power of two of at least two beats, so the
  // RoPE pairs (j, j + head_dim / 2) lie in whole beats and the units shift where they would
  // divide by head_dim.
  uint32_t vector_lanes = 1;
};

inline uint64_t ceil_div(uint64_t a, uint64_t b) {
  return (a + b - 1) / b;
}

// Where a BitLinear's weights lie in the weight channels: the one layout the compiler writes and
// every engine reads (the weight tile of DESIGN.md, FINN's PE x SIMD).
//   - Row r of the [rows, n] tensor goes to channel r % channels as the channel's local row
//     i = r / channels. Every channel reserves the same space: ceil(rows / channels) local rows
//     (a channel with fewer rows leaves its last one zero).
//   - A channel's local rows come in blocks of tile_rows; a block is block_words() weight words,
//     word w of block b holding columns [w * cols, (w + 1) * cols) of its tile_rows rows:
//     trit (i, k) is lane (i % tile_rows) * cols + k % cols of word
//     b * block_words() + k / cols, b = i / tile_rows, each lane 2 bits (two_bit), lane 0 lowest.
//   - Rows past the tensor and columns past n are zero trits.
//   - kPackFiveTrit: each block is its words' trits (word 0 first, lane 0 first) packed five
//     to a byte (mmf/ternary_pack.hpp, Packing::five_trit) in block_units() = ceil(4 words / 5)
//     beats of lanes / 4 bytes; the last beat's tail is zero bytes. Blocks follow each other
//     beat after beat, so a block's first trit is always a beat's first.
// With tile_rows = 1 a word is `lanes` consecutive trits of one row.
struct WeightTile {
  uint32_t lanes;      // trits per weight word: tile_rows * cols
  uint32_t tile_rows;  // rows per word
  uint32_t channels;   // weight channels the rows are dealt over

  uint32_t cols() const { return lanes / tile_rows; }
  // Local rows of channel c: r = c, c + channels, ...
  uint32_t channel_rows(uint32_t rows, uint32_t c) const {
    return rows > c ? (rows - c + channels - 1) / channels : 0;
  }
  uint64_t blocks(uint32_t local_rows) const { return ceil_div(local_rows, tile_rows); }
  uint64_t block_words(uint32_t n) const { return ceil_div(n, cols()); }
  // Beats of a 1.6-bit block of `words` words (five trits a byte, lanes / 4 bytes a beat).
  static uint64_t five_trit_beats(uint64_t words) { return (4 * words + 4) / 5; }
  // Channel units (words, or beats as wide) of one block under `packing`.
  uint64_t block_units(uint32_t n, uint32_t packing) const {
    return packing == kPackFiveTrit ? five_trit_beats(block_words(n)) : block_words(n);
  }
  // Words every channel reserves for the tensor (and the most any channel reads).
  uint64_t channel_words(uint32_t rows, uint32_t n) const {
    return blocks(static_cast<uint32_t>(ceil_div(rows, channels))) * block_words(n);
  }
  // The same in channel units under `packing`: what the tensor's weight range spans.
  uint64_t channel_units(uint32_t rows, uint32_t n, uint32_t packing) const {
    return blocks(static_cast<uint32_t>(ceil_div(rows, channels))) * block_units(n, packing);
  }
  // Words channel c reads: its own blocks only (the words its accumulator takes).
  uint64_t read_words(uint32_t rows, uint32_t n, uint32_t c) const {
    return blocks(channel_rows(rows, c)) * block_words(n);
  }
  // Beats channel c reads under `packing` (its memory traffic, in words' bytes).
  uint64_t read_units(uint32_t rows, uint32_t n, uint32_t c, uint32_t packing) const {
    return blocks(channel_rows(rows, c)) * block_units(n, packing);
  }
  // Units all channels read together under `packing` (the BitLinear's weight traffic, in
  // words' bytes).
  uint64_t total_read_units(uint32_t rows, uint32_t n, uint32_t packing) const {
    uint64_t units = 0;
  channels:
    for (uint32_t c = 0; c < channels; ++c) units += read_units(rows, n, c, packing);
    return units;
  }
  // Word (from the tensor's first) and lane of trit (local row i, column k).
  uint64_t word_of(uint32_t i, uint32_t k, uint32_t n) const {
    return uint64_t{i / tile_rows} * block_words(n) + k / cols();
  }
  uint32_t lane_of(uint32_t i, uint32_t k) const { return (i % tile_rows) * cols() + k % cols(); }
};

inline WeightTile weight_tile(const DeviceLimits& lim) {
  return WeightTile{lim.lanes, lim.tile_rows, lim.weight_channels};
}

// ---- BitNet layouts (docs/device-format.md, "BitNet") ------------------------------------------
// Bytes of a weight word: 2 bits a lane.
inline uint32_t weight_word_bytes(const DeviceLimits& lim) {
  return lim.lanes / 4;
}

// Query heads one KV head serves at most (GQA): the attention unit keeps their scores.
constexpr uint32_t kMaxQueryGroup = 8;

// RoPE tables: 2^fx::kRopeLoBits low rows (rope.hpp holds the two equal), and high rows for
// positions below `context`.
constexpr uint32_t kRopeLoRows = 64;
inline uint64_t rope_hi_rows(uint32_t context) {
  return ceil_div(context, kRopeLoRows);
}

// Int8 rows in the weight channels (the head of kOpHead): row r goes to channel r % channels as
// local row i = r / channels, every channel reserving ceil(rows / channels) local rows; a local
// row is row_words(n) words of word_bytes int8 values, column k at byte k % word_bytes of word
// i * row_words(n) + k / word_bytes, the tail zero.
struct Int8Tile {
  uint32_t word_bytes;  // int8 values a weight word holds
  uint32_t channels;

  uint64_t row_words(uint32_t n) const { return ceil_div(n, word_bytes); }
  uint32_t channel_rows(uint32_t rows, uint32_t c) const {
    return rows > c ? (rows - c + channels - 1) / channels : 0;
  }
  // Words every channel reserves for the table.
  uint64_t channel_words(uint32_t rows, uint32_t n) const {
    return ceil_div(rows, channels) * row_words(n);
  }
  // Words channel c reads: its own rows.
  uint64_t read_words(uint32_t rows, uint32_t n, uint32_t c) const {
    return uint64_t{channel_rows(rows, c)} * row_words(n);
  }
};

inline Int8Tile int8_tile(const DeviceLimits& lim) {
  return Int8Tile{weight_word_bytes(lim), lim.weight_channels};
}

// One layer's KV cache in the weight channels: position p lies in channel p % channels, in
// slot j = p / channels. From the layer's weight offset each channel holds
//   K rows: [kv_head][slot], row_words() words each (head_dim int8 codes, as Int8Tile rows),
//   V rows: the same,
//   K scales: [kv_head][slot] uint32 (the Q16 absmax), word_bytes / 4 a word, scale s at byte
//             4 (s % scales_per_word()) of word s / scales_per_word(),
//   V scales: the same.
// A channel's slots hold ceil(context / channels) positions. So every channel streams its own
// positions' rows while the others stream theirs (attention reads them all in parallel).
struct KvLayout {
  uint32_t word_bytes;  // bytes of a weight word (at least 4)
  uint32_t channels;
  uint32_t head_dim;
  uint32_t kv_heads;
  uint32_t context;

  uint64_t slots() const { return ceil_div(context, channels); }
  uint64_t row_words() const { return ceil_div(head_dim, word_bytes); }
  uint64_t scales_per_word() const { return word_bytes / 4; }
  uint64_t rows_words() const { return uint64_t{kv_heads} * slots() * row_words(); }
  uint64_t scale_words() const { return ceil_div(uint64_t{kv_heads} * slots(), scales_per_word()); }
  // Words of the layer's cache in every channel.
  uint64_t words() const { return 2 * (rows_words() + scale_words()); }
  // Word of the row of KV head g in `slot` (V: value rows), from the layer's offset.
  uint64_t row(bool value, uint32_t g, uint64_t slot) const {
    return (value ? rows_words() : 0) + (uint64_t{g} * slots() + slot) * row_words();
  }
  uint64_t scale_index(uint32_t g, uint64_t slot) const { return uint64_t{g} * slots() + slot; }
  // Word and byte of the scale of KV head g in `slot`, from the layer's offset.
  uint64_t scale_word(bool value, uint32_t g, uint64_t slot) const {
    return 2 * rows_words() + (value ? scale_words() : 0) +
           scale_index(g, slot) / scales_per_word();
  }
  uint32_t scale_byte(uint32_t g, uint64_t slot) const {
    return static_cast<uint32_t>(scale_index(g, slot) % scales_per_word()) * 4;
  }
  // Positions below `positions` that channel c holds (its slots 0 .. that - 1).
  uint32_t channel_positions(uint32_t positions, uint32_t c) const {
    return positions > c ? (positions - c + channels - 1) / channels : 0;
  }
  // Scale words that slots 0 .. slots - 1 of KV head g span (K or V), 0 for no slots.
  uint64_t scale_span(uint32_t g, uint64_t slots) const {
    if (slots == 0) return 0;
    return scale_index(g, slots - 1) / scales_per_word() - scale_index(g, 0) / scales_per_word() +
           1;
  }
  // Words channel c reads for attention over positions 0 .. positions - 1: per KV head its K
  // and V rows and the scale words those slots span.
  uint64_t read_words(uint32_t positions, uint32_t c) const {
    const uint64_t n = channel_positions(positions, c);
    uint64_t words = 0;
  kv_heads:
    for (uint32_t g = 0; g < kv_heads; ++g) words += 2 * (n * row_words() + scale_span(g, n));
    return words;
  }
};

// The KV layout of a KvAppend or Attention descriptor (kv values per position: n of a KvAppend,
// rows of an Attention).
inline KvLayout kv_layout(const uint32_t* d, const DeviceLimits& lim) {
  const uint32_t kv_values = d[kFieldOpcode] == kOpAttention ? d[kFieldRows] : d[kFieldN];
  const uint32_t head_dim = d[kFieldHeadDim];
  return KvLayout{weight_word_bytes(lim), lim.weight_channels, head_dim,
                  head_dim == 0 ? 0 : kv_values / head_dim, d[kFieldContext]};
}

// Words of an int16 vector of n values packed two per word (low half first).
inline uint64_t int16_vector_words(uint32_t n) {
  return ceil_div(n, 2);
}

// Value k of such a vector starting at word `addr` (norm weights, bf16 embedding rows).
inline uint16_t half_at(const uint32_t* vec, uint64_t addr, uint32_t k) {
  const uint32_t word = vec[addr + k / 2];
  return static_cast<uint16_t>((k & 1u) ? word >> 16 : word & 0xFFFFu);
}

namespace detail {
inline bool vec_range_ok(uint32_t addr, uint64_t words, const DeviceLimits& lim) {
  return uint64_t{addr} + words <= lim.vec_words;
}
inline bool buffer_ok(uint32_t id) {
  return id < kNumBuffers;
}

// Rope, KvAppend and Attention: the head geometry and context against the build, the buffers,
// the position word, the tables (Rope) and the cache's weight range.
inline uint32_t check_attention_op(const uint32_t* d, const DeviceLimits& lim) {
  const uint32_t op = d[kFieldOpcode];
  const uint32_t n = d[kFieldN], head_dim = d[kFieldHeadDim], context = d[kFieldContext];
  const uint32_t src1 = op == kOpKvAppend ? d[kFieldSrc1] : 0;
  const uint32_t dst = op == kOpKvAppend ? 0 : d[kFieldDst];
  if (!buffer_ok(d[kFieldSrc0]) || !buffer_ok(src1) || !buffer_ok(dst)) return kStatusBadBuffer;
  const uint64_t min_head_dim = uint64_t{2} * lim.vector_lanes;
  if (head_dim < min_head_dim || (head_dim & (head_dim - 1)) != 0 || head_dim > lim.max_head_dim ||
      n % head_dim != 0 || context == 0 || context > lim.max_context) {
    return kStatusBadLength;
  }
  if (op == kOpAttention) {
    const uint32_t rows = d[kFieldRows];
    if (rows == 0 || rows % head_dim != 0 || n % rows != 0 || n / rows > kMaxQueryGroup) {
      return kStatusBadLength;
    }
    const auto exp = static_cast<int32_t>(d[kFieldExp]);
    if (d[kFieldMant] >= kMantLimit || exp < -kExpLimit || exp > kExpLimit) {
      return kStatusBadField;
    }
  }
  if (!vec_range_ok(d[kFieldAddr1], 1, lim)) return kStatusBadVecAddress;
  if (op == kOpRope) {
    if (!vec_range_ok(d[kFieldAddr0], uint64_t{kRopeLoRows} * head_dim, lim) ||
        !vec_range_ok(d[kFieldAddr2], rope_hi_rows(context) * head_dim, lim)) {
      return kStatusBadVecAddress;
    }
    return kStatusOk;
  }
  if (uint64_t{d[kFieldWeight]} + kv_layout(d, lim).words() > lim.weight_words) {
    return kStatusBadWeightRange;
  }
  return kStatusOk;
}
}  // namespace detail

// The program of num_ops descriptors from word `program` lies inside a vector bank of
// vec_words words and has between 1 and max_ops ops (else kStatusBadProgram).
inline bool program_fits(uint32_t program, uint32_t num_ops, uint32_t max_ops, uint64_t vec_words) {
  return num_ops != 0 && num_ops <= max_ops &&
         uint64_t{program} + uint64_t{num_ops} * kDescriptorWords <= vec_words;
}

// A launch runs the program 1 .. kMaxLaunchTokens times (else kStatusBadProgram).
constexpr uint32_t kMaxLaunchTokens = 1u << 16;
inline bool tokens_fit(uint32_t num_tokens) {
  return num_tokens != 0 && num_tokens <= kMaxLaunchTokens;
}

// Checks one descriptor against the device. Returns kStatusOk or the StatusCode of the first
// problem. The kernel runs this before each op (and stops on failure); the host compiler runs
// it on the whole program before anything is launched.
inline uint32_t check_descriptor(const uint32_t* d, const DeviceLimits& lim) {
  using detail::buffer_ok;
  using detail::vec_range_ok;
  const uint32_t op = d[kFieldOpcode];
  if (op < kOpcodeMin || op > kOpcodeMax) return kStatusBadOpcode;
  if (op >= kOpcodeBitNetMin && lim.max_context == 0) return kStatusBadOpcode;
  const bool attention_fields = op == kOpRope || op == kOpKvAppend || op == kOpAttention;
reserved_fields:
  for (uint32_t k = kFieldReservedBegin; k < kDescriptorWords; ++k) {
#pragma HLS UNROLL
    if (d[k] != 0 && !attention_fields) return kStatusBadField;
  }
  // Packing: 0 outside a BitLinear; in one, a packing the channels decode.
  const uint32_t packing = d[kFieldPacking];
  if (packing != kPackTwoBit &&
      (op != kOpBitLinear || packing != kPackFiveTrit || !lim.five_trit)) {
    return kStatusBadField;
  }
  const uint32_t n = d[kFieldN];
  const uint32_t rows = d[kFieldRows];
  if (n == 0 || n > lim.max_vector) return kStatusBadLength;
  switch (op) {
    case kOpEmbed: {
      if (!buffer_ok(d[kFieldDst])) return kStatusBadBuffer;
      if (rows == 0) return kStatusBadLength;
      const bool from_weights = d[kFieldAddr0] == kNoAddress && lim.max_context > 0;
      if ((!from_weights &&
           !vec_range_ok(d[kFieldAddr0], uint64_t{rows} * int16_vector_words(n), lim)) ||
          !vec_range_ok(d[kFieldAddr1], 1, lim)) {
        return kStatusBadVecAddress;
      }
      if (from_weights && uint64_t{d[kFieldWeight]} + int8_tile(lim).channel_words(rows, 2 * n) >
                              lim.weight_words) {
        return kStatusBadWeightRange;
      }
      return kStatusOk;
    }
    case kOpBitLinear: {
      if (!buffer_ok(d[kFieldSrc0])) return kStatusBadBuffer;
      const bool to_memory = d[kFieldDst] == kDstMemory;
      if (!to_memory && !buffer_ok(d[kFieldDst])) return kStatusBadBuffer;
      if (rows == 0 || rows > kMaxRows || (!to_memory && rows > lim.max_vector)) {
        return kStatusBadLength;
      }
      const auto exp = static_cast<int32_t>(d[kFieldExp]);
      if (d[kFieldMant] >= kMantLimit || exp < -kExpLimit || exp > kExpLimit) {
        return kStatusBadField;
      }
      const uint64_t norm_words = int16_vector_words(n);
      if ((d[kFieldAddr0] != kNoAddress && !vec_range_ok(d[kFieldAddr0], norm_words, lim)) ||
          !vec_range_ok(d[kFieldAddr1], norm_words, lim) ||
          (to_memory && !vec_range_ok(d[kFieldAddr2], rows, lim))) {
        return kStatusBadVecAddress;
      }
      const uint64_t units = weight_tile(lim).channel_units(rows, n, packing);
      if (uint64_t{d[kFieldWeight]} + units > lim.weight_words) return kStatusBadWeightRange;
      return kStatusOk;
    }
    case kOpMlgru:
      if (!buffer_ok(d[kFieldSrc0]) || !buffer_ok(d[kFieldSrc1]) || !buffer_ok(d[kFieldSrc2]) ||
          !buffer_ok(d[kFieldDst])) {
        return kStatusBadBuffer;
      }
      if (!vec_range_ok(d[kFieldAddr0], n, lim) ||
          (d[kFieldAddr1] != kNoAddress && !vec_range_ok(d[kFieldAddr1], n, lim))) {
        return kStatusBadVecAddress;
      }
      return kStatusOk;
    case kOpGlu:
      if (!buffer_ok(d[kFieldSrc0]) || !buffer_ok(d[kFieldDst])) return kStatusBadBuffer;
      if (uint64_t{2} * n > lim.max_vector) return kStatusBadLength;
      return kStatusOk;
    case kOpAdd:
      if (!buffer_ok(d[kFieldSrc0]) || !buffer_ok(d[kFieldDst])) return kStatusBadBuffer;
      return kStatusOk;
    case kOpArgmax:
      if (rows == 0 || rows > kMaxRows) return kStatusBadLength;
      if (!vec_range_ok(d[kFieldAddr2], rows, lim) || !vec_range_ok(d[kFieldAddr1], 1, lim) ||
          !vec_range_ok(d[kFieldAddr0], n, lim)) {
        return kStatusBadVecAddress;
      }
      return kStatusOk;
    case kOpStore:
      if (!buffer_ok(d[kFieldSrc0])) return kStatusBadBuffer;
      if (!vec_range_ok(d[kFieldAddr0], n, lim)) return kStatusBadVecAddress;
      return kStatusOk;
    case kOpRelu2Glu:
      if (!buffer_ok(d[kFieldSrc0]) || !buffer_ok(d[kFieldSrc1]) || !buffer_ok(d[kFieldDst])) {
        return kStatusBadBuffer;
      }
      return kStatusOk;
    case kOpHead: {
      if (!buffer_ok(d[kFieldSrc0])) return kStatusBadBuffer;
      const bool to_memory = d[kFieldDst] == kDstMemory;
      if (!to_memory && !buffer_ok(d[kFieldDst])) return kStatusBadBuffer;
      if (rows == 0 || rows > kMaxRows || (!to_memory && rows > lim.max_vector)) {
        return kStatusBadLength;
      }
      if (!vec_range_ok(d[kFieldAddr0], uint64_t{2} * rows, lim) ||
          !vec_range_ok(d[kFieldAddr1], int16_vector_words(n), lim) ||
          (to_memory && !vec_range_ok(d[kFieldAddr2], rows, lim))) {
        return kStatusBadVecAddress;
      }
      if (uint64_t{d[kFieldWeight]} + int8_tile(lim).channel_words(rows, n) > lim.weight_words) {
        return kStatusBadWeightRange;
      }
      return kStatusOk;
    }
    default:
      return detail::check_attention_op(d, lim);
  }
}

}  // namespace mmf_hls

// SPDX-License-Identifier: Apache-2.0
// The BitNet b1.58 device image and token program (docs/device-format.md, "BitNet"): ternary
// projections as BitLinears without w_rms (the norm weight is the code weight), RoPE tables
// and the head's row constants in the vector bank, the int8 head and every layer's KV cache in
// the weight channels.
#include <algorithm>

#include "image_builders.hpp"
#include "mmf/bitnet_fixed_model.hpp"

namespace mmf::host::compiler_detail {
namespace {

struct BitNetShape {
  uint32_t h, inter, vocab, head_dim, q_values, kv_values, context;
};

BitNetShape bitnet_shape(const ModelConfig& c) {
  return BitNetShape{to_u32(c.hidden_size),
                     to_u32(c.intermediate_size),
                     to_u32(c.vocab_size),
                     to_u32(c.head_dim),
                     to_u32(c.num_heads * c.head_dim),
                     to_u32(c.num_kv_heads * c.head_dim),
                     to_u32(c.max_position_embeddings)};
}

KvLayout layer_kv(const BitNetShape& s, const WeightTile& tile) {
  return KvLayout{tile.lanes / 4, tile.channels, s.head_dim, s.kv_values / s.head_dim, s.context};
}

// A table of signed Q16 rows [cos(half) | sin(half)] from the golden model's two arrays.
uint32_t put_rope_table(VecBuilder& vec, uint64_t rows, uint32_t head_dim,
                        const std::vector<int32_t>* cos, const std::vector<int32_t>* sin) {
  const uint32_t half = head_dim / 2;
  const uint32_t at = vec.alloc(rows * head_dim);
  if (vec.with_data()) {
    for (uint64_t r = 0; r < rows; ++r) {
      for (uint32_t j = 0; j < half; ++j) {
        vec.words()[at + r * head_dim + j] = static_cast<uint32_t>((*cos)[r * half + j]);
        vec.words()[at + r * head_dim + half + j] = static_cast<uint32_t>((*sin)[r * half + j]);
      }
    }
  }
  return at;
}

}  // namespace

void check_bitnet_fits(const ModelConfig& c, const BuildDescriptor& b) {
  const auto fail = [&](const std::string& what, int64_t need, const std::string& key,
                        int64_t have) { fit_failure(c, b, what, need, key, have); };
  if (b.accel.max_context == 0) {
    throw Error("model '" + c.name + "' is a bitnet model, and " +
                build_where(b, "accelerator.max_context") +
                " has no attention units (a build with max_context and max_head_dim has them)");
  }
  const BitNetShape s = bitnet_shape(c);
  const int64_t max_vector = b.accel.max_vector;
  for (const auto& [what, need] : {std::pair<const char*, int64_t>{"hidden_size", s.h},
                                   {"intermediate_size", s.inter},
                                   {"num_heads x head_dim", s.q_values},
                                   {"num_kv_heads x head_dim", s.kv_values}}) {
    if (need > max_vector) fail(what, need, "accelerator.max_vector", max_vector);
  }
  if (c.max_position_embeddings > b.accel.max_context) {
    fail("max_position_embeddings", c.max_position_embeddings, "accelerator.max_context",
         b.accel.max_context);
  }
  if (c.head_dim > b.accel.max_head_dim) {
    fail("head_dim", c.head_dim, "accelerator.max_head_dim", b.accel.max_head_dim);
  }
  if ((c.head_dim & (c.head_dim - 1)) != 0 || c.head_dim < 2 * b.accel.vector_lanes) {
    throw Error("model '" + c.name + "': head_dim = " + std::to_string(c.head_dim) + " on " +
                build_where(b, "accelerator.vector_lanes") +
                ": the attention units take a power of two of at least 2 x vector_lanes (" +
                std::to_string(2 * b.accel.vector_lanes) + ")");
  }
  if (c.num_heads / c.num_kv_heads > static_cast<int64_t>(kMaxQueryGroup)) {
    fail("num_heads / num_kv_heads", c.num_heads / c.num_kv_heads,
         "query heads per KV head (kMaxQueryGroup)", kMaxQueryGroup);
  }
  const int64_t ops = program_ops(c);
  if (ops > b.accel.max_ops) fail("the token program", ops, "accelerator.max_ops", b.accel.max_ops);
  if (c.vocab_size > static_cast<int64_t>(kMaxRows)) {
    fail("vocab_size", c.vocab_size, "head rows (kMaxRows)", kMaxRows);
  }
  // Words per channel, as emit_bitnet_program lays them out (2-bit weights).
  const WeightTile tile = weight_tile(b);
  const auto words = [&](uint32_t rows, uint32_t n) { return tile.channel_words(rows, n); };
  const uint64_t layer = 2 * words(s.h, s.q_values) + 2 * words(s.kv_values, s.h) +
                         3 * words(s.inter, s.h) + layer_kv(s, tile).words();
  const Int8Tile bytes{tile.lanes / 4, tile.channels};
  // The int8 head and the bf16 embedding (rows of 2 H bytes).
  const uint64_t head = bytes.channel_words(s.vocab, s.h) + bytes.channel_words(s.vocab, 2 * s.h);
  const uint64_t per_channel =
      (static_cast<uint64_t>(c.num_layers) * layer + head) * b.weight_word_bytes();
  const uint64_t mib = 1 << 20;
  if (per_channel > channel_bytes(b)) {
    fail("weights, head and KV cache per channel (MiB)",
         static_cast<int64_t>((per_channel + mib - 1) / mib), "board.channel_mib",
         b.board.channel_mib);
  }
}

uint32_t emit_bitnet_program(const ModelConfig& c, const Model* model, VecBuilder& vec,
                             WeightBuilder& weights, ProgramPlan& plan) {
  const BitNetShape s = bitnet_shape(c);
  FixedBitNetParams params;
  if (model != nullptr) params = compile_bitnet_fixed_params(*model);
  const bool data = model != nullptr;
  ImageLayout& lay = plan.layout;
  lay.vocab = s.vocab;
  lay.context = s.context;
  const uint32_t header = vec.alloc(kHeaderWords);
  lay.token_in = vec.alloc(1);
  lay.position = vec.alloc(1);
  lay.logits = vec.alloc(lay.vocab);
  lay.token_ring = vec.alloc(kTokenRingWords);
  const auto num_ops = static_cast<uint32_t>(program_ops(c));
  lay.program = vec.alloc(uint64_t{num_ops} * kDescriptorWords);
  // The bf16 embedding in the weight channels (2B4T's, 656 MB, is larger than a channel), as
  // rows of 2 H bytes, low byte first.
  lay.embedding = kNoAddress;
  const uint32_t embedding_rows =
      weights.put_int8(lay.vocab, 2 * s.h,
                       data ? reinterpret_cast<const int8_t*>(model->embedding.data()) : nullptr);
  lay.state = vec.alloc(0);  // no recurrent state: the KV cache is in the weight channels
  lay.state_words = 0;
  const uint32_t rope_lo =
      put_rope_table(vec, kRopeLoRows, s.head_dim, data ? &params.rope_lo_cos : nullptr,
                     data ? &params.rope_lo_sin : nullptr);
  const uint32_t rope_hi =
      put_rope_table(vec, rope_hi_rows(s.context), s.head_dim, data ? &params.rope_hi_cos : nullptr,
                     data ? &params.rope_hi_sin : nullptr);

  ProgramBuilder prog(vec, weights);
  Descriptor embed = op(kOpEmbed, s.h);
  embed[kFieldRows] = lay.vocab;
  embed[kFieldDst] = kBufX;
  embed[kFieldAddr0] = kNoAddress;
  embed[kFieldWeight] = embedding_rows;
  embed[kFieldAddr1] = lay.token_in;
  prog.ops.push_back(embed);
  const KvLayout kv = layer_kv(s, weights.tile());
  // Rope, KvAppend and Attention: the head geometry, the position word, the context.
  const auto attention_op = [&](uint32_t opcode, uint32_t n) {
    Descriptor d = op(opcode, n);
    d[kFieldAddr1] = lay.position;
    d[kFieldHeadDim] = s.head_dim;
    d[kFieldContext] = s.context;
    return d;
  };
  const auto shape = [](uint32_t rows, uint32_t n, const FixedBitLinear* bl) {
    return BitLinearShape{rows, n, false, bl};
  };
  for (size_t l = 0; l < static_cast<size_t>(c.num_layers); ++l) {
    const FixedBitNetLayer* w = data ? &params.layers[l] : nullptr;
    // Query to I, key to F, value to G; the attention's output to P; gate to GU, up to I.
    prog.bitlinear(shape(s.q_values, s.h, w ? &w->q_proj : nullptr), kBufX, kBufI);
    prog.bitlinear(shape(s.kv_values, s.h, w ? &w->k_proj : nullptr), kBufX, kBufF);
    prog.bitlinear(shape(s.kv_values, s.h, w ? &w->v_proj : nullptr), kBufX, kBufG);
    for (const auto& [buffer, n] :
         {std::pair<uint32_t, uint32_t>{kBufI, s.q_values}, {kBufF, s.kv_values}}) {
      Descriptor rope = attention_op(kOpRope, n);
      rope[kFieldSrc0] = buffer;
      rope[kFieldDst] = buffer;
      rope[kFieldAddr0] = rope_lo;
      rope[kFieldAddr2] = rope_hi;
      prog.ops.push_back(rope);
    }
    const uint32_t cache = weights.reserve(kv.words());
    Descriptor append = attention_op(kOpKvAppend, s.kv_values);
    append[kFieldSrc0] = kBufF;
    append[kFieldSrc1] = kBufG;
    append[kFieldWeight] = cache;
    prog.ops.push_back(append);
    Descriptor attend = attention_op(kOpAttention, s.q_values);
    attend[kFieldRows] = s.kv_values;
    attend[kFieldSrc0] = kBufI;
    attend[kFieldDst] = kBufP;
    attend[kFieldWeight] = cache;
    if (data) {
      attend[kFieldMant] = static_cast<uint32_t>(params.score_constant.mant);
      attend[kFieldExp] = static_cast<uint32_t>(static_cast<int32_t>(params.score_constant.exp));
    }
    prog.ops.push_back(attend);
    prog.bitlinear(shape(s.h, s.q_values, w ? &w->o_proj : nullptr), kBufP, kBufA);
    prog.vector_op(kOpAdd, s.h, kBufA, kBufX);
    prog.bitlinear(shape(s.inter, s.h, w ? &w->gate_proj : nullptr), kBufX, kBufGU);
    prog.bitlinear(shape(s.inter, s.h, w ? &w->up_proj : nullptr), kBufX, kBufI);
    Descriptor glu = op(kOpRelu2Glu, s.inter);
    glu[kFieldSrc0] = kBufGU;
    glu[kFieldSrc1] = kBufI;
    glu[kFieldDst] = kBufP;
    prog.ops.push_back(glu);
    prog.bitlinear(shape(s.h, s.inter, w ? &w->down_proj : nullptr), kBufP, kBufA);
    prog.vector_op(kOpAdd, s.h, kBufA, kBufX);
  }
  // The head: the final norm's code weights, a constant a row (mantissa, exponent), int8 rows.
  Descriptor head = op(kOpHead, s.h);
  head[kFieldRows] = lay.vocab;
  head[kFieldSrc0] = kBufX;
  head[kFieldDst] = kDstMemory;
  head[kFieldAddr0] = vec.alloc(uint64_t{2} * lay.vocab);
  head[kFieldAddr1] = vec.put_int16(data ? params.head_w_code.data() : nullptr, s.h);
  head[kFieldAddr2] = lay.logits;
  head[kFieldWeight] = weights.put_int8(lay.vocab, s.h, data ? params.head_codes.data() : nullptr);
  if (data) {
    for (uint32_t r = 0; r < lay.vocab; ++r) {
      const fx::Scaled k = fx::normalize(params.head_constants[r]);
      if (k.mant >= kMantLimit || k.exp < -kExpLimit || k.exp > kExpLimit) {
        throw Error("device image: head row " + std::to_string(r) +
                    "'s constant is outside the device's range (a degenerate embedding row)");
      }
      vec.words()[head[kFieldAddr0] + 2 * r] = static_cast<uint32_t>(k.mant);
      vec.words()[head[kFieldAddr0] + 2 * r + 1] = static_cast<uint32_t>(k.exp);
    }
  }
  prog.ops.push_back(head);
  finish_program(prog, num_ops, vec, weights, plan);
  return header;
}

}  // namespace mmf::host::compiler_detail

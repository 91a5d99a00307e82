// SPDX-License-Identifier: Apache-2.0
// The model compiler's builders, shared by its two program emitters (device_image.cpp for
// hgrn_bit, bitnet_program.cpp for BitNet b1.58): the vector bank and the weight channels as
// regions are appended, and the descriptors of the token program. Internal to the compiler.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "mmf/error.hpp"
#include "mmf/fixed_params.hpp"
#include "mmf/host/compiler/device_image.hpp"

namespace mmf::host::compiler_detail {

using namespace mmf_hls;

inline uint32_t to_u32(int64_t v) {
  return static_cast<uint32_t>(v);
}

// Appends regions to the vector bank. Without data it only counts words (a plan).
class VecBuilder {
 public:
  explicit VecBuilder(bool with_data) : with_data_(with_data) {}
  uint32_t alloc(uint64_t words) {
    const uint64_t at = size_;
    if (at + words > UINT32_MAX) throw Error("device image: the vector bank exceeds 2^32 words");
    size_ += words;
    if (with_data_) words_.resize(size_, 0);
    return static_cast<uint32_t>(at);
  }
  // n int16 values, two per word, low half first; `v` null in a plan.
  uint32_t put_int16(const int16_t* v, size_t n) {
    const uint32_t at = alloc(int16_vector_words(static_cast<uint32_t>(n)));
    if (with_data_) {
      for (size_t k = 0; k < n; ++k) set_half(at, k, static_cast<uint16_t>(v[k]));
    }
    return at;
  }
  void set_half(uint32_t at, size_t k, uint16_t v) {
    uint32_t& w = words_[at + k / 2];
    w = (k & 1) ? ((w & 0xFFFFu) | (uint32_t{v} << 16)) : ((w & 0xFFFF0000u) | v);
  }
  bool with_data() const { return with_data_; }
  uint64_t size() const { return size_; }
  std::vector<uint32_t>& words() { return words_; }

 private:
  bool with_data_;
  uint64_t size_ = 0;
  std::vector<uint32_t> words_;
};

// Lays out ternary tensors in the weight channels in the order the streamers read them
// (WeightTile, program_format.hpp). Without data (a plan) it only advances the cursor.
class WeightBuilder {
 public:
  WeightBuilder(const WeightTile& tile, bool with_data, uint32_t packing)
      : tile_(tile), with_data_(with_data), packing_(packing) {
    if (with_data) images_.resize(tile_.channels);
  }
  uint32_t word_bytes() const { return tile_.lanes / 4; }
  const WeightTile& tile() const { return tile_; }
  uint32_t packing() const { return packing_; }

  // Returns the first weight word (the same in every channel) of a rows x n tensor; `t` is
  // that tensor, or null in a plan.
  uint32_t put(uint32_t rows, uint32_t n, const TernaryTensor* t) {
    const uint64_t per_channel = tile_.channel_units(rows, n, packing_);
    const uint64_t first = cursor_;
    if (first + per_channel > UINT32_MAX) throw Error("device image: weight channel too large");
    cursor_ += per_channel;
    if (with_data_) write(first, *t);
    return static_cast<uint32_t>(first);
  }
  // `words` zero words in every channel (the KV cache); returns the first.
  uint32_t reserve(uint64_t words) {
    const uint64_t first = cursor_;
    if (first + words > UINT32_MAX) throw Error("device image: weight channel too large");
    cursor_ += words;
    if (with_data_) {
      for (auto& img : images_) img.resize(cursor_ * word_bytes(), 0);
    }
    return static_cast<uint32_t>(first);
  }
  // A [rows, n] int8 table (Int8Tile, program_format.hpp); `v` null in a plan.
  uint32_t put_int8(uint32_t rows, uint32_t n, const int8_t* v) {
    const Int8Tile tile{word_bytes(), tile_.channels};
    const uint32_t first = reserve(tile.channel_words(rows, n));
    if (with_data_) {
      const uint64_t row_bytes = tile.row_words(n) * word_bytes();
      for (uint32_t r = 0; r < rows; ++r) {
        uint8_t* dst = images_[r % tile_.channels].data() + uint64_t{first} * word_bytes() +
                       uint64_t{r / tile_.channels} * row_bytes;
        std::memcpy(dst, v + uint64_t{r} * n, n);
      }
    }
    return first;
  }
  uint64_t words() const { return cursor_; }
  std::vector<std::vector<uint8_t>>& images() { return images_; }

 private:
  // Each tile row of a word is the two_bit packing of `cols` consecutive trits of one row, at
  // byte (lane / 4) of the word (cols is a multiple of 4). A 1.6-bit tensor is laid out in
  // 2-bit words first, then each row block is re-packed into its beats
  // (words_to_five_trit_block).
  void write(uint64_t first, const TernaryTensor& t) {
    const uint32_t rows = to_u32(t.rows), n = to_u32(t.cols), cols = tile_.cols();
    for (auto& img : images_) img.resize(cursor_ * word_bytes(), 0);
    const bool five = packing_ == kPackFiveTrit;
    std::vector<std::vector<uint8_t>> words;
    if (five)
      words.assign(tile_.channels,
                   std::vector<uint8_t>(tile_.channel_words(rows, n) * word_bytes(), 0));
    std::vector<int8_t> trits(n);
    for (uint32_t r = 0; r < rows; ++r) {
      if (!unpack_row(t.row(r), n, t.packing, trits.data())) {
        throw Error("device image: invalid packed byte in a weight row");
      }
      const uint32_t i = r / tile_.channels;
      uint8_t* channel = five ? words[r % tile_.channels].data()
                              : images_[r % tile_.channels].data() + first * word_bytes();
      for (uint32_t k = 0; k < n; k += cols) {
        uint8_t* dst = channel + tile_.word_of(i, k, n) * word_bytes() + tile_.lane_of(i, k) / 4;
        const uint32_t len = std::min(cols, n - k);
        std::memset(dst, 0, cols / 4);
        pack_row(trits.data() + k, len, Packing::two_bit, dst);
      }
    }
    if (!five) return;
    const uint64_t bw = tile_.block_words(n), bb = tile_.block_units(n, packing_);
    for (uint32_t c = 0; c < tile_.channels; ++c) {
      const uint64_t blocks = tile_.blocks(static_cast<uint32_t>(ceil_div(rows, tile_.channels)));
      for (uint64_t b = 0; b < blocks; ++b) {
        words_to_five_trit_block(words[c].data() + b * bw * word_bytes(), bw, tile_.lanes,
                                 images_[c].data() + (first + b * bb) * word_bytes());
      }
    }
  }

  WeightTile tile_;
  bool with_data_;
  uint32_t packing_;
  uint64_t cursor_ = 0;
  std::vector<std::vector<uint8_t>> images_;
};

inline Descriptor op(uint32_t opcode, uint32_t n) {
  Descriptor d{};
  d[kFieldOpcode] = opcode;
  d[kFieldN] = n;
  return d;
}

// A BitLinear to emit: its shape, and its compiled parameters when the image carries data.
struct BitLinearShape {
  uint32_t rows = 0, n = 0;
  bool has_rms = true;                   // a norm weight before it (all but down_proj)
  const FixedBitLinear* data = nullptr;  // null in a plan
};

class ProgramBuilder {
 public:
  ProgramBuilder(VecBuilder& vec, WeightBuilder& weights) : vec_(vec), weights_(weights) {}

  void bitlinear(const BitLinearShape& s, uint32_t src, uint32_t dst, uint32_t out_addr = 0) {
    const FixedBitLinear* bl = s.data;
    Descriptor d = op(kOpBitLinear, s.n);
    d[kFieldRows] = s.rows;
    d[kFieldSrc0] = src;
    d[kFieldDst] = dst;
    d[kFieldAddr0] = s.has_rms ? vec_.put_int16(bl ? bl->w_rms.data() : nullptr, s.n) : kNoAddress;
    d[kFieldAddr1] = vec_.put_int16(bl ? bl->w_code.data() : nullptr, s.n);
    d[kFieldAddr2] = out_addr;
    d[kFieldWeight] = weights_.put(s.rows, s.n, bl ? bl->weight : nullptr);
    d[kFieldPacking] = weights_.packing();
    if (bl) {
      d[kFieldMant] = static_cast<uint32_t>(bl->constant.mant);
      d[kFieldExp] = static_cast<uint32_t>(static_cast<int32_t>(bl->constant.exp));
    }
    ops.push_back(d);
  }
  void vector_op(uint32_t opcode, uint32_t n, uint32_t src, uint32_t dst) {
    Descriptor d = op(opcode, n);
    d[kFieldSrc0] = src;
    d[kFieldDst] = dst;
    ops.push_back(d);
  }

  std::vector<Descriptor> ops;

 private:
  VecBuilder& vec_;
  WeightBuilder& weights_;
};

inline std::string build_where(const BuildDescriptor& b, const std::string& key) {
  return "build '" + b.name + "' (" + b.path + ": " + key + ")";
}

// Bytes a bank may hold on one memory channel.
// The error of a model that does not fit the build: what it needs against the build's key.
[[noreturn]] inline void fit_failure(const ModelConfig& c, const BuildDescriptor& b,
                                     const std::string& what, int64_t need, const std::string& key,
                                     int64_t have) {
  throw Error("model '" + c.name + "' does not fit " + build_where(b, key) + ": " + what +
              " needs " + std::to_string(need) + ", the build has " + std::to_string(have));
}

inline uint64_t channel_bytes(const BuildDescriptor& b) {
  return static_cast<uint64_t>(b.board.channel_mib) << 20;
}

// Ends a program of `num_ops` ops: greedy sampling on the device (the pick is the next pass's
// token and lands in the ring), then the program and the banks' sizes into the plan.
inline void finish_program(ProgramBuilder& prog, uint32_t num_ops, const VecBuilder& vec,
                           const WeightBuilder& weights, ProgramPlan& plan) {
  ImageLayout& lay = plan.layout;
  Descriptor pick = op(kOpArgmax, kTokenRingWords);
  pick[kFieldRows] = lay.vocab;
  pick[kFieldAddr0] = lay.token_ring;
  pick[kFieldAddr1] = lay.token_in;
  pick[kFieldAddr2] = lay.logits;
  prog.ops.push_back(pick);
  if (prog.ops.size() != num_ops) throw Error("device image: program length mismatch (bug)");
  plan.program = std::move(prog.ops);
  lay.num_ops = num_ops;
  lay.vec_words = vec.size();
  lay.weight_words = std::max<uint64_t>(weights.words(), 1);
}

// ---- BitNet b1.58 (bitnet_program.cpp) ----
// Fails (naming the build's YAML and key) when a bitnet model does not fit the build.
void check_bitnet_fits(const ModelConfig& c, const BuildDescriptor& b);
// Emits the layout and token program of a bitnet model (data written when `model` is given),
// as emit_program does for hgrn_bit; returns the header's offset.
uint32_t emit_bitnet_program(const ModelConfig& c, const Model* model, VecBuilder& vec,
                             WeightBuilder& weights, ProgramPlan& plan);

}  // namespace mmf::host::compiler_detail

// SPDX-License-Identifier: Apache-2.0
// Compile-time configuration of one accelerator build. The generated header of each build
// (bitstreams/generated/<build>/mmf_config.hpp) instantiates AccelTraits from its YAML.
#pragma once

#include <ap_int.h>

#include <cstdint>
#include <type_traits>

#include "mmf/numerics.hpp"
#include "mmf/ternary_pack.hpp"
#include "mmf_hls/program_format.hpp"

namespace mmf_hls {

// Lanes: trits each weight channel consumes per cycle (2 bits each, so the channel's AXI data
//        width is 2 * Lanes bits).
// WeightChannels: memory channels streaming weights in parallel, one m_axi bundle each.
// VectorLanes: values per cycle in the vector units (norm/quantize, MLGRU, GLU, residual add).
// MaxVector: values per on-chip vector buffer (bounds hidden size and 2 x intermediate size).
// MaxOps: longest token program.
// TileRows: rows of the weight tile, so a weight word is TileRows rows x (Lanes / TileRows)
//           columns (WeightTile in program_format.hpp).
// FiveTrit: the channels also decode 1.6-bit weights (kPackFiveTrit, weight_unpack.hpp).
// MaxContext: positions a layer's KV cache may hold (the attention units' score memory); 0 for
//             a build without the BitNet units (program_format.hpp, kOpcodeBitNetMin).
// MaxHeadDim: values of the widest attention head.
template <int Lanes, int WeightChannels, int VectorLanes, int MaxVector, int MaxOps,
          int TileRows = 1, bool FiveTrit = false, int MaxContext = 0, int MaxHeadDim = 0>
struct AccelTraits {
  static constexpr int lanes = Lanes;
  static constexpr bool five_trit = FiveTrit;
  static constexpr int tile_rows = TileRows;
  static constexpr int tile_cols = Lanes / TileRows;
  static constexpr int weight_channels = WeightChannels;
  static constexpr int vector_lanes = VectorLanes;
  static constexpr int max_vector = MaxVector;
  static constexpr int max_ops = MaxOps;
  static constexpr int max_context = MaxContext;
  static constexpr int max_head_dim = MaxHeadDim;
  static constexpr bool attention = MaxContext > 0;

  using TwoBit = mmf::PackingTraits<mmf::Packing::two_bit>;
  static constexpr int weight_word_bits = Lanes * TwoBit::bits_per_trit;
  using weight_word_t = ap_uint<weight_word_bits>;
  // What a weight channel's port points at: written only by a build with attention units
  // (KvAppend), so the others' channels stay read-only AXI masters.
  using weight_port_t = std::conditional_t<MaxContext == 0, const weight_word_t, weight_word_t>;
  // Code buffers hold whole tile columns of codes; the tail past n is never weighted (padding
  // trits are 0) but must exist.
  static constexpr int code_buffer = (MaxVector + tile_cols - 1) / tile_cols * tile_cols;

  static_assert(Lanes >= TwoBit::trits_per_byte && (Lanes & (Lanes - 1)) == 0,
                "lanes: a power of two of at least 4, so a weight word is whole bytes");
  static_assert(weight_word_bits <= 1024, "lanes: AXI data is at most 1024 bits wide");
  static_assert(TileRows >= 1 && (TileRows & (TileRows - 1)) == 0 &&
                    Lanes / TileRows >= TwoBit::trits_per_byte,
                "tile_rows: a power of two leaving at least 4 columns, so a tile row is whole "
                "bytes");
  static_assert(WeightChannels >= 1 && WeightChannels <= 32,
                "weight_channels: 1 to 32 memory channels");
  static_assert(VectorLanes >= 1 && (VectorLanes & (VectorLanes - 1)) == 0,
                "vector_lanes: a power of two");
  static_assert(MaxVector >= 2 && static_cast<uint32_t>(MaxVector) <= kMaxRows,
                "max_vector: 2 to kMaxRows values");
  static_assert(MaxOps >= 1, "max_ops: at least one op");
  static_assert(MaxContext == 0 ||
                    (MaxContext <= (1 << mmf::fx::kMaxContextLog2) && Lanes >= 16 &&
                     MaxHeadDim >= 2 * VectorLanes && (MaxHeadDim & (MaxHeadDim - 1)) == 0 &&
                     MaxHeadDim <= mmf::fx::kMaxHeadDim),
                "attention: max_context up to 2^kMaxContextLog2, lanes of at least 16 (a KV "
                "scale is 4 bytes of a weight word), max_head_dim a power of two from "
                "2 x vector_lanes up to kMaxHeadDim");
};

// The limits a build's kernel checks descriptors against (program_format.hpp).
template <class Cfg>
DeviceLimits device_limits(uint64_t vec_words, uint64_t weight_words) {
  return DeviceLimits{static_cast<uint32_t>(Cfg::max_vector),
                      static_cast<uint32_t>(Cfg::lanes),
                      static_cast<uint32_t>(Cfg::tile_rows),
                      static_cast<uint32_t>(Cfg::weight_channels),
                      vec_words,
                      weight_words,
                      Cfg::five_trit,
                      static_cast<uint32_t>(Cfg::max_context),
                      static_cast<uint32_t>(Cfg::max_head_dim),
                      static_cast<uint32_t>(Cfg::vector_lanes)};
}

}  // namespace mmf_hls

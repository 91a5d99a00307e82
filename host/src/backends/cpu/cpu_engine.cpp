// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <vector>

#include "backends/cpu/cpu_engine.hpp"
#include "mmf/fixed_lanes.hpp"
#include "mmf/fixed_units.hpp"
#include "mmf/host/backends/cpu/int8_kernels.hpp"
#include "mmf/host/backends/cpu/ternary_kernels.hpp"
#include "mmf/host/backends/cpu/thread_pool.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf_hls/program_format.hpp"
#include "mmf_hls/program_walk.hpp"

namespace mmf::host {
namespace {

using namespace mmf_hls;

void load_int16(const uint32_t* vec, uint32_t addr, uint32_t n, int16_t* out) {
  for (uint32_t k = 0; k < n; ++k) out[k] = static_cast<int16_t>(half_at(vec, addr, k));
}

// Rows of one BitLinear handed to the pool: row r lives in channel r % channels, the channel's
// rows in weight tiles from its word d[kFieldWeight] (WeightTile, program_format.hpp).
struct BitLinearJob {
  const HostLaunch* launch;
  const uint32_t* d;
  const cpu::PreparedCodes* codes;
  fx::Scaled scale;
  WeightTile tile;
  uint64_t word_bytes;
  int32_t* dst_buf;  // an on-chip buffer, or null when the rows go to the vector bank
};

// Channel rows [i, i + len) of a tiled channel as plain rows of `stride` bytes at `out`: each
// row's tile rows of cols / 4 bytes, gathered from the words of its block.
void untile_rows(const uint8_t* channel, const WeightTile& tile, uint32_t n, uint64_t word_bytes,
                 int64_t i, int64_t len, size_t stride, uint8_t* out) {
  const uint64_t words = tile.block_words(n);
  const size_t row_part = tile.cols() / 4;
  for (int64_t k = 0; k < len; ++k) {
    const auto local = static_cast<uint32_t>(i + k);
    for (uint64_t w = 0; w < words; ++w) {
      const uint8_t* src =
          channel + tile.word_of(local, static_cast<uint32_t>(w * tile.cols()), n) * word_bytes +
          tile.lane_of(local, 0) / 4;
      std::memcpy(out + k * stride + w * row_part, src, row_part);
    }
  }
}

// Rows [begin, end) of the job: per channel, its rows in that range, in chunks through a small
// stack buffer, then scaled and stored. Shares write disjoint rows. Tiled rows are first
// gathered into plain rows, as many as a 64 KiB stack buffer holds (rows longer than 262,144
// trits, beyond any model the builds fit, take a heap buffer instead).
void run_rows(const BitLinearJob& j, int64_t begin, int64_t end) {
  constexpr int64_t kChunk = 64;
  constexpr size_t kPlainBytes = size_t{64} << 10;
  int32_t acc[kChunk];
  alignas(64) uint8_t plain_stack[kPlainBytes];
  const uint32_t* d = j.d;
  const int64_t rows = d[kFieldRows], n = d[kFieldN], channels = j.tile.channels;
  const WeightTile& tile = j.tile;
  // A row's words, whole tile columns; with one tile row a channel's rows are already plain.
  const size_t stride = tile.block_words(static_cast<uint32_t>(n)) * tile.cols() / 4;
  std::vector<uint8_t> plain_heap(tile.tile_rows > 1 && stride > kPlainBytes ? stride : 0);
  uint8_t* plain = plain_heap.empty() ? plain_stack : plain_heap.data();
  const int64_t chunk =
      tile.tile_rows == 1
          ? kChunk
          : std::clamp<int64_t>(static_cast<int64_t>(kPlainBytes / stride), 1, kChunk);
  // A 1.6-bit tensor (kPackFiveTrit): with one tile row a block is a row of five-trit bytes
  // the kernels take as they are; tiled blocks are decoded to 2-bit words first.
  const bool five = d[kFieldPacking] == kPackFiveTrit;
  const uint64_t block_words = tile.block_words(static_cast<uint32_t>(n));
  const uint64_t block_bytes =
      tile.block_units(static_cast<uint32_t>(n), d[kFieldPacking]) * j.word_bytes;
  std::vector<uint8_t> decoded(five && tile.tile_rows > 1
                                   ? (ceil_div(static_cast<uint64_t>(chunk), tile.tile_rows) + 1) *
                                         block_words * j.word_bytes
                                   : 0);
  for (int64_t c = 0; c < channels && c < rows; ++c) {
    const uint8_t* channel = j.launch->weights[c] + d[kFieldWeight] * j.word_bytes;
    const int64_t channel_rows =
        tile.channel_rows(static_cast<uint32_t>(rows), static_cast<uint32_t>(c));
    // Channel row i is row c + i * channels: those in [begin, end).
    const int64_t first = begin <= c ? 0 : (begin - c + channels - 1) / channels;
    const int64_t last = end <= c ? 0 : (end - c + channels - 1) / channels;
    for (int64_t i = first; i < last; i += chunk) {
      const int64_t len = std::min(chunk, last - i);
      if (tile.tile_rows == 1) {
        const cpu::TernaryRows m{channel, five ? block_bytes : stride, channel_rows, n,
                                 five ? Packing::five_trit : Packing::two_bit};
        cpu::ternary_matvec(m, *j.codes, i, i + len, acc);
      } else if (five) {
        // The blocks holding rows [i, i + len) as 2-bit words, then gathered as below.
        const int64_t b0 = i / tile.tile_rows, b1 = (i + len - 1) / tile.tile_rows;
        for (int64_t b = b0; b <= b1; ++b) {
          five_trit_block_to_words(channel + b * block_bytes, block_words, tile.lanes,
                                   decoded.data() + (b - b0) * block_words * j.word_bytes);
        }
        untile_rows(decoded.data(), tile, static_cast<uint32_t>(n), j.word_bytes,
                    i - b0 * tile.tile_rows, len, stride, plain);
        const cpu::TernaryRows m{plain, stride, len, n, Packing::two_bit};
        cpu::ternary_matvec(m, *j.codes, 0, len, acc);
      } else {
        untile_rows(channel, tile, static_cast<uint32_t>(n), j.word_bytes, i, len, stride, plain);
        const cpu::TernaryRows m{plain, stride, len, n, Packing::two_bit};
        cpu::ternary_matvec(m, *j.codes, 0, len, acc);
      }
      for (int64_t k = 0; k < len; ++k) {
        const int64_t r = c + (i + k) * channels;
        const int32_t v = fx::apply_scale(acc[k], j.scale);
        if (j.dst_buf != nullptr) {
          j.dst_buf[r] = v;
        } else {
          j.launch->vec[d[kFieldAddr2] + r] = static_cast<uint32_t>(v);
        }
      }
    }
  }
}

// max into an atomic, for the quantizer's per-share maxima.
void atomic_max(std::atomic<uint64_t>& m, uint64_t v) {
  uint64_t seen = m.load(std::memory_order_relaxed);
  while (v > seen && !m.compare_exchange_weak(seen, v, std::memory_order_relaxed)) {
  }
}

}  // namespace

CpuEngine::CpuEngine(const BuildDescriptor& build, const DeviceOptions& options)
    : build_(build),
      isa_(cpu::usable_isa(options.cpu.isa, "--isa")),
      own_pool_(options.cpu.pool ? nullptr
                                 : std::make_unique<cpu::ThreadPool>(options.cpu.threads)),
      pool_(options.cpu.pool ? options.cpu.pool : own_pool_.get()) {
  const auto max_vector = static_cast<size_t>(build_.accel.max_vector);
  buf_.assign(kNumBuffers, std::vector<int32_t>(max_vector, 0));
  codes_.assign(max_vector, 0);
  scratch_.assign(max_vector, 0);
  w_rms_.assign(max_vector, 0);
  w_code_.assign(max_vector, 0);
  lower_bound_.assign(max_vector, 0);
  program_.assign(static_cast<size_t>(build_.accel.max_ops) * kDescriptorWords, 0);
  products_a_.assign(max_vector, 0);
  products_u_.assign(max_vector, 0);
  const auto context = static_cast<size_t>(build_.accel.max_context);
  const auto head_dim = static_cast<size_t>(build_.accel.max_head_dim);
  k_rows_.assign(context * head_dim, 0);
  v_rows_.assign(context * head_dim, 0);
  q_codes_.assign(head_dim, 0);
  k_amax_.assign(context, 0);
  v_amax_.assign(context, 0);
  weights_.assign(context, 0);
  scores_.assign(context, 0);
}

fx::Quantized CpuEngine::quantize(const uint32_t* d, bool has_rms) {
  const int64_t n = d[kFieldN];
  const int32_t* p = buf_[d[kFieldSrc0]].data();
  int32_t* a = products_a_.data();
  int32_t* u = products_u_.data();
  constexpr int64_t kGrain = 256;  // elements: keeps each share's sums worth a thread
  std::atomic<uint64_t> a_max{0}, u_max{0}, sum_sq{0};
  auto products = [&](int64_t begin, int64_t end) {
    const fx::QuantizeMaxima m = fx::quantize_products(p, has_rms ? w_rms_.data() : nullptr,
                                                       w_code_.data(), begin, end, a, u);
    atomic_max(a_max, m.a_max);
    atomic_max(u_max, m.u_max);
  };
  pool_->parallel_for(n, kGrain, products);
  if (a_max == 0 || u_max == 0) {
    std::fill(codes_.begin(), codes_.begin() + n, int8_t{0});
    return fx::Quantized{fx::Scaled{0, 0}};
  }
  const int sh = fx::quantize_shift(a_max);
  auto squares = [&](int64_t begin, int64_t end) {
    sum_sq.fetch_add(fx::quantize_sum_sq(a, sh, begin, end), std::memory_order_relaxed);
  };
  pool_->parallel_for(n, kGrain, squares);
  const uint64_t recip = fx::quantize_recip(u_max);
  auto codes = [&](int64_t begin, int64_t end) {
    fx::quantize_codes(u, recip, begin, end, codes_.data());
  };
  pool_->parallel_for(n, kGrain, codes);
  return fx::Quantized{fx::quantize_scale(u_max, sum_sq, sh)};
}

void CpuEngine::bitlinear(const HostLaunch& launch, const uint32_t* d) {
  const uint32_t n = d[kFieldN], rows = d[kFieldRows];
  const auto channels = static_cast<uint32_t>(build_.accel.weight_channels);
  const uint64_t word_bytes = build_.weight_word_bytes();
  const bool has_rms = d[kFieldAddr0] != kNoAddress;
  if (has_rms) load_int16(launch.vec, d[kFieldAddr0], n, w_rms_.data());
  load_int16(launch.vec, d[kFieldAddr1], n, w_code_.data());
  const fx::Quantized q = quantize(d, has_rms);
  // One tile row and 1.6-bit weights: the kernels read the five-trit rows as they are.
  const bool five_rows = d[kFieldPacking] == kPackFiveTrit && build_.accel.tile_rows == 1;
  prepared_.prepare(isa_, five_rows ? Packing::five_trit : Packing::two_bit, codes_.data(), n);
  const bool to_memory = d[kFieldDst] == kDstMemory;
  const WeightTile tile = weight_tile(build_);
  BitLinearJob job{
      &launch,
      d,
      &prepared_,
      fx::combine_scales(q.token_scale,
                         fx::Scaled{d[kFieldMant], static_cast<int32_t>(d[kFieldExp])}),
      tile,
      word_bytes,
      to_memory ? nullptr : buf_[d[kFieldDst]].data()};
  // Shares of whole channel groups, so each channel's rows come in runs for the row blocking.
  auto share = [&job](int64_t begin, int64_t end) { run_rows(job, begin, end); };
  pool_->parallel_for(rows, int64_t{channels} * 16, share);
}

void CpuEngine::kv_append(const HostLaunch& launch, const uint32_t* d, uint32_t p) {
  const KvLayout kv = kv_layout(d, device_limits(build_, 0, 0));
  const uint32_t channels = kv.channels, slot = p / channels;
  uint8_t* channel = launch.weights[p % channels] + uint64_t{d[kFieldWeight]} * kv.word_bytes;
  for (uint32_t g = 0; g < kv.kv_heads; ++g) {
    for (const bool value : {false, true}) {
      const int32_t* src = buf_[d[value ? kFieldSrc1 : kFieldSrc0]].data() + g * kv.head_dim;
      uint8_t* row = channel + kv.row(value, g, slot) * kv.word_bytes;
      std::memset(row, 0, kv.row_words() * kv.word_bytes);
      const uint32_t amax = fx::quantize_head(src, kv.head_dim, reinterpret_cast<int8_t*>(row));
      std::memcpy(channel + kv.scale_word(value, g, slot) * kv.word_bytes + kv.scale_byte(g, slot),
                  &amax, sizeof(amax));
    }
  }
}

void CpuEngine::attention(const HostLaunch& launch, const uint32_t* d, uint32_t p) {
  const KvLayout kv = kv_layout(d, device_limits(build_, 0, 0));
  const uint32_t head_dim = kv.head_dim, group = d[kFieldN] / d[kFieldRows];
  const uint32_t positions = p + 1;
  const int32_t* q = buf_[d[kFieldSrc0]].data();
  int32_t* out = buf_[d[kFieldDst]].data();
  const fx::Scaled constant{d[kFieldMant], static_cast<int32_t>(d[kFieldExp])};
  for (uint32_t g = 0; g < kv.kv_heads; ++g) {
    // The KV head's positions from their channels into plain rows, in position order.
    for (uint32_t t = 0; t < positions; ++t) {
      const uint8_t* channel =
          launch.weights[t % kv.channels] + uint64_t{d[kFieldWeight]} * kv.word_bytes;
      const uint32_t slot = t / kv.channels;
      std::memcpy(&k_rows_[size_t{t} * head_dim], channel + kv.row(false, g, slot) * kv.word_bytes,
                  head_dim);
      std::memcpy(&v_rows_[size_t{t} * head_dim], channel + kv.row(true, g, slot) * kv.word_bytes,
                  head_dim);
      std::memcpy(&k_amax_[t],
                  channel + kv.scale_word(false, g, slot) * kv.word_bytes + kv.scale_byte(g, slot),
                  sizeof(uint32_t));
      std::memcpy(&v_amax_[t],
                  channel + kv.scale_word(true, g, slot) * kv.word_bytes + kv.scale_byte(g, slot),
                  sizeof(uint32_t));
    }
    for (uint32_t h = g * group; h < (g + 1) * group; ++h) {
      const uint32_t q_amax =
          fx::quantize_head(q + size_t{h} * head_dim, head_dim, q_codes_.data());
      fx::attention_head(q_codes_.data(), q_amax, k_rows_.data(), k_amax_.data(), v_rows_.data(),
                         v_amax_.data(), positions, head_dim, head_dim, constant, scores_.data(),
                         weights_.data(), out + size_t{h} * head_dim,
                         cpu::attention_dot_kernel(isa_), cpu::attention_row_kernel(isa_));
    }
  }
}

void CpuEngine::head(const HostLaunch& launch, const uint32_t* d) {
  const uint32_t n = d[kFieldN], rows = d[kFieldRows];
  load_int16(launch.vec, d[kFieldAddr1], n, w_code_.data());
  const fx::Scaled token_scale = quantize(d, false).token_scale;
  const Int8Tile tile = int8_tile(device_limits(build_, 0, 0));
  const uint64_t row_bytes = tile.row_words(n) * tile.word_bytes;
  int32_t* dst_buf = d[kFieldDst] == kDstMemory ? nullptr : buf_[d[kFieldDst]].data();
  auto share = [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const uint8_t* row = launch.weights[r % tile.channels] +
                           (uint64_t{d[kFieldWeight]} * tile.word_bytes) +
                           static_cast<uint64_t>(r / tile.channels) * row_bytes;
      const uint64_t at = d[kFieldAddr0] + 2 * static_cast<uint64_t>(r);
      const fx::Scaled constant{launch.vec[at], static_cast<int32_t>(launch.vec[at + 1])};
      const int32_t v = fx::apply_scale(
          cpu::int8_dot(isa_, codes_.data(), reinterpret_cast<const int8_t*>(row), n),
          fx::combine_scales(token_scale, constant));
      if (dst_buf != nullptr) {
        dst_buf[r] = v;
      } else {
        launch.vec[d[kFieldAddr2] + r] = static_cast<uint32_t>(v);
      }
    }
  };
  pool_->parallel_for(rows, 64, share);
}

struct CpuEngine::Ops {
  CpuEngine& e;
  const HostLaunch& launch;

  void embed(const uint32_t* d, uint32_t token) {
    const uint32_t n = d[kFieldN];
    if (d[kFieldAddr0] == kNoAddress) {  // the row from a weight channel (check_descriptor)
      const Int8Tile tile = int8_tile(device_limits(e.build_, 0, 0));
      const uint8_t* row =
          launch.weights[token % tile.channels] + uint64_t{d[kFieldWeight]} * tile.word_bytes +
          uint64_t{token / tile.channels} * tile.row_words(2 * n) * tile.word_bytes;
      int32_t* x = e.buf_[d[kFieldDst]].data();
      for (uint32_t k = 0; k < n; ++k) {
        x[k] = fx::bf16_to_q16(static_cast<uint16_t>(row[2 * k] | (row[2 * k + 1] << 8)));
      }
      return;
    }
    const uint64_t row = d[kFieldAddr0] + uint64_t{token} * int16_vector_words(n);
    int32_t* x = e.buf_[d[kFieldDst]].data();
    for (uint32_t k = 0; k < n; ++k) x[k] = fx::bf16_to_q16(half_at(launch.vec, row, k));
  }
  void bitlinear(const uint32_t* d) { e.bitlinear(launch, d); }
  void mlgru(const uint32_t* d) {
    // The kernel reads the state and the lower bound before it writes the state back, so a
    // lower bound that overlaps the state is the one from before the op.
    const uint32_t n = d[kFieldN];
    const bool has_lb = d[kFieldAddr1] != kNoAddress;
    if (has_lb) std::copy_n(launch.vec + d[kFieldAddr1], n, e.lower_bound_.data());
    int32_t* s = reinterpret_cast<int32_t*>(launch.vec + d[kFieldAddr0]);
    fx::mlgru(e.buf_[d[kFieldSrc0]].data(), e.buf_[d[kFieldSrc1]].data(),
              e.buf_[d[kFieldSrc2]].data(), has_lb ? e.lower_bound_.data() : nullptr, n, s,
              e.scratch_.data(), e.buf_[d[kFieldDst]].data());
  }
  void glu(const uint32_t* d) {
    fx::glu(e.buf_[d[kFieldSrc0]].data(), d[kFieldN], e.scratch_.data(),
            e.buf_[d[kFieldDst]].data());
  }
  void add(const uint32_t* d) {
    fx::residual_add(e.buf_[d[kFieldDst]].data(), e.buf_[d[kFieldSrc0]].data(), d[kFieldN]);
  }
  void argmax(const uint32_t* d, uint32_t t) {
    uint32_t* vec = launch.vec;
    const auto pick = static_cast<uint32_t>(
        fx::argmax(reinterpret_cast<const int32_t*>(vec + d[kFieldAddr2]), d[kFieldRows]));
    vec[d[kFieldAddr1]] = pick;
    vec[d[kFieldAddr0] + t] = pick;
  }
  void rope(const uint32_t* d, uint32_t p) {
    const uint32_t head_dim = d[kFieldHeadDim], half = head_dim / 2;
    const uint32_t* lo = launch.vec + d[kFieldAddr0] + uint64_t{p % kRopeLoRows} * head_dim;
    const uint32_t* hi = launch.vec + d[kFieldAddr2] + uint64_t{p / kRopeLoRows} * head_dim;
    int32_t* cos = e.scratch_.data();
    int32_t* sin = cos + half;
    for (uint32_t j = 0; j < half; ++j) {
      const fx::RopePair r =
          fx::rope_angle(static_cast<int32_t>(hi[j]), static_cast<int32_t>(hi[half + j]),
                         static_cast<int32_t>(lo[j]), static_cast<int32_t>(lo[half + j]));
      cos[j] = r.a;
      sin[j] = r.b;
    }
    fx::rope(e.buf_[d[kFieldDst]].data(), d[kFieldN] / head_dim, half, cos, sin);
  }
  void kv_append(const uint32_t* d, uint32_t p) { e.kv_append(launch, d, p); }
  void attention(const uint32_t* d, uint32_t p) { e.attention(launch, d, p); }
  void relu2_glu(const uint32_t* d) {
    fx::relu2_glu(e.buf_[d[kFieldSrc0]].data(), e.buf_[d[kFieldSrc1]].data(), d[kFieldN],
                  e.scratch_.data(), e.buf_[d[kFieldDst]].data());
  }
  void head(const uint32_t* d) { e.head(launch, d); }
  void store(const uint32_t* d) {
    const int32_t* src = e.buf_[d[kFieldSrc0]].data();
    for (uint32_t k = 0; k < d[kFieldN]; ++k) {
      launch.vec[d[kFieldAddr0] + k] = static_cast<uint32_t>(src[k]);
    }
  }
};

// The walk, its checks and its counters are the HLS controller's (program_walk.hpp); max_ops is
// a run-time value here, so no trip-count bound (0).
KernelCounters CpuEngine::run(const HostLaunch& launch) {
  const LaunchRegs& regs = launch.regs;
  Ops ops{*this, launch};
  return walk_program<0>(launch.vec, regs, static_cast<uint32_t>(build_.accel.max_ops),
                         device_limits(build_, regs.vec_words, regs.weight_words), program_.data(),
                         ops);
}

}  // namespace mmf::host

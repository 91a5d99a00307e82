// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_descriptor_check.sv against check_descriptor() of program_format.hpp on many
// descriptors near the edges of legality, with and without the 1.6-bit decoder (FiveTrit):
// every status code it can give must agree, and every one of them must occur; the packing field
// takes 0, 1, 2 and large values, and weight ranges end just before, at and just past a
// channel's end in either packing. The reciprocal of 5 behind a 1.6-bit block's beats is exact
// for every block the parameters allow, and the RTL's is checked for every n of a wide build.
// Kernels with attention units (MaxContext > 0) check the BitNet ops and the Embed from the
// weight channels the same way: every field's edges, and random descriptors biased to them.
#include <algorithm>
#include <climits>
#include <map>
#include <sstream>

#include "Vmmf_descriptor_check.h"
#include "Vmmf_descriptor_check_bn2.h"
#include "Vmmf_descriptor_check_bn31.h"
#include "Vmmf_descriptor_check_bnp.h"
#include "Vmmf_descriptor_check_bnu.h"
#include "Vmmf_descriptor_check_c31.h"
#include "Vmmf_descriptor_check_f3.h"
#include "Vmmf_descriptor_check_f65k.h"
#include "common/checks.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

using namespace mmf_hls;

constexpr uint32_t kMaxVector = 1024, kLanes = 16, kTileRows = 4;  // -G of the models
constexpr uint32_t kWideMaxVector = 65536;  // -GMaxVector of Vmmf_descriptor_check_f65k

// A value near one of the limits that matter, or anything.
uint32_t edgy(std::mt19937& rng, uint32_t limit) {
  switch (rng() % 6) {
    case 0:
      return 0;
    case 1:
      return limit;
    case 2:
      return limit + 1;
    case 3:
      return limit > 0 ? limit - 1 : 0;
    case 4:
      return static_cast<uint32_t>(rng() % (uint64_t{limit} + 2));
    default:
      return static_cast<uint32_t>(rng());
  }
}

std::array<uint32_t, kDescriptorWords> random_descriptor(std::mt19937& rng, uint32_t vec_words) {
  std::array<uint32_t, kDescriptorWords> d{};
  d[kFieldOpcode] = 1 + static_cast<uint32_t>(rng() % 6);
  d[kFieldN] = 1 + static_cast<uint32_t>(rng() % kMaxVector);
  d[kFieldRows] = 1 + static_cast<uint32_t>(rng() % kMaxVector);
  for (uint32_t f : {kFieldSrc0, kFieldSrc1, kFieldSrc2, kFieldDst}) {
    d[f] = static_cast<uint32_t>(rng() % kNumBuffers);
  }
  for (uint32_t f : {kFieldAddr0, kFieldAddr1, kFieldAddr2}) {
    d[f] = static_cast<uint32_t>(rng() % (vec_words / 4 + 1));
  }
  d[kFieldMant] = static_cast<uint32_t>(rng() % kMantLimit);
  // Packing: mostly 0 or 1 in a BitLinear, mostly 0 elsewhere; 2 and large values are never
  // allowed.
  const uint32_t other = rng() % 2 ? 2u : static_cast<uint32_t>(rng()) | 2u;
  const uint32_t pick = static_cast<uint32_t>(rng() % 10);
  if (d[kFieldOpcode] == kOpBitLinear) {
    d[kFieldPacking] = pick < 4 ? kPackTwoBit : (pick < 9 ? kPackFiveTrit : other);
  } else {
    d[kFieldPacking] = pick < 9 ? kPackTwoBit : (rng() % 2 ? kPackFiveTrit : other);
  }
  // Then one to three fields pushed to an edge.
  const int pushes = 1 + static_cast<int>(rng() % 3);
  for (int k = 0; k < pushes; ++k) {
    const uint32_t f = static_cast<uint32_t>(rng() % kDescriptorWords);
    uint32_t limit = vec_words;
    if (f == kFieldOpcode) limit = kOpcodeMax;
    if (f == kFieldN || f == kFieldRows) limit = kMaxVector;
    if (f == kFieldRows && rng() % 3 == 0) limit = kMaxRows;  // the quotient's range
    if (f >= kFieldSrc0 && f <= kFieldDst) limit = rng() % 2 ? kNumBuffers : kDstMemory;
    if (f == kFieldMant) limit = kMantLimit;
    if (f == kFieldPacking) limit = kPackFiveTrit;
    if (f == kFieldExp) limit = static_cast<uint32_t>(kExpLimit);
    d[f] = edgy(rng, limit);
    if (f == kFieldExp && rng() % 2) d[f] = static_cast<uint32_t>(-static_cast<int64_t>(d[f]));
    if ((f == kFieldAddr0 || f == kFieldAddr1) && rng() % 4 == 0) d[f] = kNoAddress;
  }
  return d;
}

// A BitLinear's weight range moved to end one unit before, at or one unit past the channel's
// end, in its own packing's units or (a quarter of the time) the other packing's, so that a
// check using the wrong units fails.
void weight_near_the_end(std::array<uint32_t, kDescriptorWords>& d, const DeviceLimits& lim,
                         std::mt19937& rng) {
  const uint32_t n = d[kFieldN], rows = d[kFieldRows];
  if (n == 0 || n > lim.max_vector || rows == 0 || rows > kMaxRows) return;
  uint32_t packing = d[kFieldPacking];
  if (rng() % 4 == 0) packing = packing == kPackFiveTrit ? kPackTwoBit : kPackFiveTrit;
  const int64_t units = static_cast<int64_t>(weight_tile(lim).channel_units(rows, n, packing));
  const int64_t weight =
      static_cast<int64_t>(lim.weight_words) - units + static_cast<int64_t>(rng() % 3) - 1;
  if (weight >= 0 && weight <= int64_t{UINT32_MAX}) d[kFieldWeight] = static_cast<uint32_t>(weight);
}

// The unit's streams: `sent` in (the unit is always ready), descriptors out (they cannot be
// stalled), `take(k)` reading the k-th.
template <class Model>
const StreamOut& descriptor_streams(StreamDriver& streams, Model& io,
                                    const std::vector<std::array<uint32_t, kDescriptorWords>>& sent,
                                    std::function<void(size_t)> take) {
  streams.in(
      "in", sent.size(),
      [&io, &sent](size_t k) {
        set_port(io.in_desc_i, std::vector<uint32_t>(sent[k].begin(), sent[k].end()));
      },
      [&io](bool v) { io.in_valid_i = v; }, {});
  return streams.out(
      "out", [&io] { return io.out_valid_o != 0; }, {}, std::move(take));
}

// Streams groups of descriptors through the pipeline, one a cycle with random gaps, each group
// under its own bank and weight sizes (constant while its descriptors are in flight, as during a
// program load), and compares every status and descriptor that leaves with the C++ check.
template <class Model>
void check_against_the_host(uint32_t channels, bool five_trit) {
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  std::mt19937 rng(9 + channels + (five_trit ? 100 : 0));
  std::map<uint32_t, int> seen;
  int disagreements = 0, quotients = 0;
  // Descriptors whose status depends on the packing: 1.6-bit BitLinears whose range check gives
  // another answer in 2-bit units (five_trit), or that the build refuses (not five_trit).
  int packing_decides = 0, bad_packings = 0;
  for (int group = 0; group < 600; ++group) {
    const uint32_t vec_words = edgy(rng, 1u << 20);
    const uint32_t weight_words = edgy(rng, 1u << 16);
    const DeviceLimits lim{kMaxVector, kLanes,       kTileRows, channels,
                           vec_words,  weight_words, five_trit};
    std::vector<std::array<uint32_t, kDescriptorWords>> sent;
    for (int k = 0; k < 50; ++k) {
      sent.push_back(random_descriptor(rng, vec_words));
      if (sent.back()[kFieldOpcode] == kOpBitLinear && rng() % 4 != 0) {
        weight_near_the_end(sent.back(), lim, rng);
      }
    }
    io.vec_words_i = vec_words;
    io.weight_words_i = weight_words;
    // Gaps on the input only: the unit is always ready and its output cannot be stalled.
    StreamDriver streams("mmf_descriptor_check", rng, 0.2);
    const StreamOut& out = descriptor_streams(streams, io, sent, [&](size_t got) {
      MMF_ASSERT_TRUE(got < sent.size()) << "more descriptors out than in";
      const auto& want_desc = sent[got];
      const uint32_t want = check_descriptor(want_desc.data(), lim);
      const uint32_t status = io.out_status_o;
      ++seen[want];
      if (want_desc[kFieldOpcode] == kOpBitLinear && want_desc[kFieldPacking] == kPackFiveTrit) {
        auto two_bit = want_desc;
        two_bit[kFieldPacking] = kPackTwoBit;
        const uint32_t want2 = check_descriptor(two_bit.data(), lim);
        packing_decides += want != want2 && want != kStatusBadField;
        bad_packings += want == kStatusBadField && want2 != kStatusBadField;
      }
      if (status != want && ++disagreements <= 3) {
        ADD_FAILURE() << "channels " << channels << " opcode " << want_desc[kFieldOpcode] << " n "
                      << want_desc[kFieldN] << " rows " << want_desc[kFieldRows] << ": rtl "
                      << status << ", c++ " << want;
      }
      for (uint32_t w = 0; w < kDescriptorWords; ++w) {
        MMF_ASSERT_EQ(io.out_desc_o[w], want_desc[w]) << "descriptor word " << w;
      }
      // The rows per channel, which the controller and prefetcher take instead of dividing.
      const uint32_t rows = want_desc[kFieldRows];
      if (rows <= kMaxRows) {
        MMF_ASSERT_EQ(io.out_rows_q_o, rows / channels) << "rows " << rows;
        MMF_ASSERT_EQ(io.out_rows_m_o, rows % channels) << "rows " << rows;
        ++quotients;
      }
    });
    MMF_ASSERT_TRUE(streams.run(
        dut, [&] { return out.taken >= sent.size(); }, 1000))
        << "descriptors lost in the pipeline";
  }
  MMF_EXPECT_EQ(disagreements, 0);
  MMF_EXPECT_GE(quotients, 20000);
  if (five_trit) {
    MMF_EXPECT_GE(packing_decides, 200) << "1.6-bit weight ranges too rarely decisive";
    MMF_EXPECT_EQ(bad_packings, 0);
  } else {
    MMF_EXPECT_GE(bad_packings, 200) << "1.6-bit BitLinears too rarely refused";
  }
  for (uint32_t code : {kStatusOk, kStatusBadOpcode, kStatusBadBuffer, kStatusBadLength,
                        kStatusBadVecAddress, kStatusBadWeightRange, kStatusBadField}) {
    MMF_EXPECT_GE(seen[code], 50) << "status " << code << " too rare to be tested";
  }
}

// 3 channels: a divide by a constant that is not a power of two; 31: the u280 build's. Without
// the 1.6-bit decoder (FiveTrit = 0, a packing of 1 is a bad field) and with it.
TEST(DescriptorCheckRtl, AgreesWithTheHostAndKernelCheckOn3Channels) {
  check_against_the_host<Vmmf_descriptor_check>(3, false);
}
TEST(DescriptorCheckRtl, AgreesWithTheHostAndKernelCheckOn31Channels) {
  check_against_the_host<Vmmf_descriptor_check_c31>(31, false);
}
TEST(DescriptorCheckRtl, AgreesWithTheHostAndKernelCheckOn3ChannelsDecoding16Bit) {
  check_against_the_host<Vmmf_descriptor_check_f3>(3, true);
}

// The reciprocal behind the 1.6-bit beats (mmf_format_pkg's five_trit_mul and five_trit_shift,
// written again): with y = bw + 1 < 2^bits, M = ceil(2^(bits + 5) / 5), floor(y * M /
// 2^(bits + 3)) = floor(4 y / 5) = WeightTile::five_trit_beats(bw) for every y, at every width
// up to 21 bits (bw up to 2^21 - 2: MaxVector < 2^20 at 4 or more columns needs 2^18).
TEST(DescriptorCheckRtl, ReciprocalOfFiveIsExactOverEveryBlock) {
  uint64_t checked = 0, wrong = 0;
  for (uint32_t bits = 1; bits <= 21; ++bits) {
    const uint64_t m = ((uint64_t{1} << (bits + 5)) + 4) / 5;
    for (uint64_t y = 0; y < (uint64_t{1} << bits); ++y) {
      const uint64_t want = y == 0 ? 0 : WeightTile::five_trit_beats(y - 1);
      wrong += ((y * m) >> (bits + 3)) != want;
      ++checked;
    }
  }
  MMF_EXPECT_EQ(wrong, 0u);
  MMF_EXPECT_EQ(checked, (uint64_t{1} << 22) - 2);
}

// Every n of a build with 65536-value buffers (every block width up to 16384 words), as a
// BitLinear in each packing whose weight range ends one before, at and one past the channel's
// end: the RTL's units are WeightTile's for every block width, not only the random ones.
TEST(DescriptorCheckRtl, WeightUnitsOfEveryBlockWidth) {
  VerilatedUnit<Vmmf_descriptor_check_f65k> dut;
  dut.reset();
  auto& io = dut.io();
  constexpr uint32_t kChannels = 3;
  const DeviceLimits lim{kWideMaxVector, kLanes, kTileRows, kChannels, 1u << 20, 1u << 30, true};
  io.vec_words_i = static_cast<uint32_t>(lim.vec_words);
  io.weight_words_i = static_cast<uint32_t>(lim.weight_words);
  std::mt19937 rng(5);
  std::vector<std::array<uint32_t, kDescriptorWords>> sent;
  for (uint32_t n = 1; n <= kWideMaxVector; ++n) {
    for (uint32_t packing : {kPackTwoBit, kPackFiveTrit}) {
      std::array<uint32_t, kDescriptorWords> d{};
      d[kFieldOpcode] = kOpBitLinear;
      d[kFieldN] = n;
      d[kFieldRows] = 1 + static_cast<uint32_t>(rng() % kWideMaxVector);
      d[kFieldAddr0] = kNoAddress;
      d[kFieldPacking] = packing;
      const uint64_t units = weight_tile(lim).channel_units(d[kFieldRows], n, packing);
      d[kFieldWeight] = static_cast<uint32_t>(lim.weight_words - units + n % 3) - 1;
      sent.push_back(d);
    }
  }
  std::map<uint32_t, int> seen;
  int disagreements = 0;
  // A descriptor every cycle.
  StreamDriver streams("mmf_descriptor_check", rng, 0.0);
  const StreamOut& out = descriptor_streams(streams, io, sent, [&](size_t got) {
    const uint32_t want = check_descriptor(sent[got].data(), lim);
    ++seen[want];
    if (io.out_status_o != want && ++disagreements <= 3) {
      ADD_FAILURE() << "n " << sent[got][kFieldN] << " rows " << sent[got][kFieldRows]
                    << " packing " << sent[got][kFieldPacking] << ": rtl " << io.out_status_o
                    << ", c++ " << want;
    }
  });
  MMF_ASSERT_TRUE(streams.run(
      dut, [&] { return out.taken >= sent.size(); }, sent.size() + 100));
  MMF_EXPECT_EQ(disagreements, 0);
  MMF_EXPECT_EQ(seen[kStatusOk] + seen[kStatusBadWeightRange], static_cast<int>(sent.size()));
  MMF_EXPECT_GE(seen[kStatusBadWeightRange], static_cast<int>(sent.size() / 4));
  MMF_EXPECT_GE(seen[kStatusOk], static_cast<int>(sent.size() / 2));
}

// ---- BitNet b1.58: kernels with attention units ----------------------------------------------

using Desc = std::array<uint32_t, kDescriptorWords>;

// A kernel with attention units as one Verilated model has it: the DeviceLimits its parameters
// give, and the BitNet ops it has (-GBitNetOps, -GEmbedFromWeights).
struct BitNetBuild {
  DeviceLimits lim;         // vec_words and weight_words: a group's own
  uint32_t bitnet_ops;      // bit k: opcode kOpcodeBitNetMin + k
  bool embed_from_weights;  // the Embed with addr0 == kNoAddress
};

// The status the kernel must give: check_descriptor's, with an op the kernel lacks (a BitNet op
// whose bit is clear, the Embed from the weight channels without EmbedFromWeights) checked as on
// a build without attention units.
uint32_t kernel_status(const Desc& d, const BitNetBuild& b) {
  DeviceLimits lim = b.lim;
  const uint32_t op = d[kFieldOpcode];
  const bool bitnet_op = op >= kOpcodeBitNetMin && op <= kOpcodeMax;
  if ((bitnet_op && ((b.bitnet_ops >> (op - kOpcodeBitNetMin)) & 1u) == 0) ||
      (op == kOpEmbed && !b.embed_from_weights)) {
    lim.max_context = 0;
  }
  return check_descriptor(d.data(), lim);
}

bool has_heads(uint32_t op) {
  return op == kOpRope || op == kOpKvAppend || op == kOpAttention;
}

// The head_dims a build takes: powers of two from 2 vector_lanes to max_head_dim.
std::vector<uint32_t> legal_head_dims(const DeviceLimits& lim) {
  std::vector<uint32_t> out;
  for (uint32_t h = 2 * lim.vector_lanes; h <= lim.max_head_dim; h *= 2) out.push_back(h);
  return out;
}

// The vector-bank ranges of a descriptor that have one at the bank's end to test: (address
// field, words), as check_descriptor sizes them.
std::vector<std::pair<uint32_t, uint64_t>> vec_ranges(const Desc& d) {
  const uint32_t n = d[kFieldN], rows = d[kFieldRows], head_dim = d[kFieldHeadDim];
  switch (d[kFieldOpcode]) {
    case kOpRope:
      return {{kFieldAddr1, 1},
              {kFieldAddr0, uint64_t{kRopeLoRows} * head_dim},
              {kFieldAddr2, rope_hi_rows(d[kFieldContext]) * head_dim}};
    case kOpKvAppend:
    case kOpAttention:
    case kOpEmbed:
      return {{kFieldAddr1, 1}};
    case kOpHead:
      return {{kFieldAddr0, uint64_t{2} * rows},
              {kFieldAddr1, int16_vector_words(n)},
              {kFieldAddr2, rows}};
    default:
      return {};
  }
}

// The weight words a descriptor's range spans in every channel (KvLayout, Int8Tile), 0 without
// one.
uint64_t weight_need(const Desc& d, const DeviceLimits& lim) {
  const uint32_t n = d[kFieldN], rows = d[kFieldRows];
  switch (d[kFieldOpcode]) {
    case kOpKvAppend:
    case kOpAttention:
      return kv_layout(d.data(), lim).words();
    case kOpHead:
      return int8_tile(lim).channel_words(rows, n);
    case kOpEmbed:
      return d[kFieldAddr0] == kNoAddress && n <= lim.max_vector
                 ? int8_tile(lim).channel_words(rows, 2 * n)
                 : 0;
    default:
      return 0;
  }
}

// Moves the address in `field` so that its range of `words` ends `delta` words past the end of
// a bank (or channel) of `end` words: -1 just inside, 0 at the end, 1 one past.
void end_at(Desc& d, uint32_t field, uint64_t words, uint64_t end, int delta) {
  const int64_t addr = static_cast<int64_t>(end) - static_cast<int64_t>(words) + delta;
  if (words <= end + 1 && addr >= 0 && addr <= int64_t{UINT32_MAX}) {
    d[field] = static_cast<uint32_t>(addr);
  }
}

int delta(std::mt19937& rng) {
  return static_cast<int>(rng() % 3) - 1;
}

// A head_dim: mostly one the build takes, else one around them.
uint32_t pick_head_dim(std::mt19937& rng, const DeviceLimits& lim) {
  const std::vector<uint32_t> legal = legal_head_dims(lim);
  const uint32_t lo = legal.front(), hi = legal.back();
  switch (rng() % 14) {
    case 0:
      return 0;
    case 1:
      return lo / 2;  // a power of two below 2 vector_lanes
    case 2:
      return 2 * hi;  // above max_head_dim
    case 3:
      return lo + 1 + 2 * static_cast<uint32_t>(rng() % hi);  // odd
    case 4:
      return legal[rng() % legal.size()] + 2;  // even, not a power of two
    case 5:
      return static_cast<uint32_t>(rng());
    default:
      return legal[rng() % legal.size()];
  }
}

// A context: mostly one the build takes, often around the RoPE high rows' and the slots' ends.
uint32_t pick_context(std::mt19937& rng, const DeviceLimits& lim) {
  const uint32_t max = lim.max_context, c = lim.weight_channels;
  switch (rng() % 10) {
    case 0:
      return 0;
    case 1:
      return max;
    case 2:
      return max + 1;
    case 3:
      return kRopeLoRows * (1 + static_cast<uint32_t>(rng() % (max / kRopeLoRows))) - 1 +
             static_cast<uint32_t>(rng() % 3);
    case 4:
      return c * (1 + static_cast<uint32_t>(rng() % (max / c))) - 1 +
             static_cast<uint32_t>(rng() % 3);
    case 5:
      return static_cast<uint32_t>(rng());
    default:
      return 1 + static_cast<uint32_t>(rng() % max);
  }
}

// One field of `d` pushed to an edge of what it means: a limit of the build, of the format, or
// any value; head_dim and context as above.
void push_field(Desc& d, std::mt19937& rng, const DeviceLimits& lim) {
  const uint32_t f = static_cast<uint32_t>(rng() % kDescriptorWords);
  if (f == kFieldHeadDim && rng() % 2) {
    d[f] = pick_head_dim(rng, lim);
    return;
  }
  if (f == kFieldContext && rng() % 2) {
    d[f] = pick_context(rng, lim);
    return;
  }
  uint64_t limit = lim.vec_words;
  if (f == kFieldOpcode) limit = kOpcodeMax;
  if (f == kFieldN || f == kFieldRows) limit = rng() % 4 == 0 ? kMaxRows : lim.max_vector;
  if (f >= kFieldSrc0 && f <= kFieldDst) limit = rng() % 2 ? kNumBuffers : kDstMemory;
  if (f == kFieldWeight) limit = lim.weight_words;
  if (f == kFieldMant) limit = kMantLimit;
  if (f == kFieldExp) limit = static_cast<uint32_t>(kExpLimit);
  if (f == kFieldPacking) limit = kPackFiveTrit;
  if (f == kFieldHeadDim) limit = lim.max_head_dim;
  if (f == kFieldContext) limit = lim.max_context;
  d[f] = edgy(rng, static_cast<uint32_t>(std::min<uint64_t>(limit, UINT32_MAX - 1)));
  if (f == kFieldExp && rng() % 2) d[f] = static_cast<uint32_t>(-static_cast<int64_t>(d[f]));
}

// A descriptor biased to the BitNet ops (and the Embed from the weight channels): mostly of a
// geometry the build takes (a legal head_dim, n and rows of whole heads, 1 to 9 query heads a
// KV head), a range put at the bank's or the channel's end, then up to two fields pushed to an
// edge.
Desc bitnet_descriptor(std::mt19937& rng, const DeviceLimits& lim) {
  Desc d{};
  const uint32_t pick = static_cast<uint32_t>(rng() % 20);
  d[kFieldOpcode] = pick < 14 ? kOpcodeBitNetMin + pick % 5
                              : (pick < 18 ? kOpEmbed : 1 + static_cast<uint32_t>(rng() % 7));
  const uint32_t op = d[kFieldOpcode];
  for (uint32_t f : {kFieldSrc0, kFieldSrc1, kFieldSrc2, kFieldDst}) {
    d[f] = static_cast<uint32_t>(rng() % kNumBuffers);
  }
  for (uint32_t f : {kFieldAddr0, kFieldAddr1, kFieldAddr2}) {
    d[f] = static_cast<uint32_t>(rng() % (lim.vec_words + 1));
  }
  d[kFieldWeight] = static_cast<uint32_t>(rng() % (lim.weight_words + 1));
  const auto upto = [&rng](uint64_t n) {
    return static_cast<uint32_t>(1 + rng() % std::max<uint64_t>(1, n));
  };
  const uint32_t head_dim = pick_head_dim(rng, lim);
  const uint32_t unit = head_dim >= 1 && head_dim <= lim.max_vector ? head_dim : upto(16);
  switch (op) {
    case kOpRope:
    case kOpKvAppend:
      d[kFieldN] = unit * upto(lim.max_vector / unit);
      break;
    case kOpAttention: {
      const uint32_t g = upto(kMaxQueryGroup + 1);  // 9: more query heads than a KV head serves
      d[kFieldRows] = unit * upto(lim.max_vector / (uint64_t{g} * unit));
      d[kFieldN] = g * d[kFieldRows];
      d[kFieldMant] = static_cast<uint32_t>(rng() % kMantLimit);
      d[kFieldExp] =
          static_cast<uint32_t>(static_cast<int32_t>(rng() % (2 * kExpLimit + 1)) - kExpLimit);
      break;
    }
    case kOpHead:
      d[kFieldN] = upto(lim.max_vector);
      if (rng() % 3 == 0) {
        d[kFieldDst] = kDstMemory;
        d[kFieldRows] = upto(uint64_t{1} << 18);
      } else {
        d[kFieldRows] = upto(lim.max_vector);
      }
      break;
    case kOpEmbed:
      d[kFieldN] = upto(lim.max_vector);
      // Any 32-bit rows now and then: the reciprocal of the channels over its whole range.
      d[kFieldRows] = rng() % 8 == 0 ? static_cast<uint32_t>(rng()) : upto(uint64_t{1} << 17);
      if (rng() % 4 != 0) d[kFieldAddr0] = kNoAddress;
      break;
    default:
      d[kFieldN] = upto(lim.max_vector);
      d[kFieldRows] = upto(lim.max_vector);
  }
  if (has_heads(op)) {
    d[kFieldHeadDim] = head_dim;
    d[kFieldContext] = pick_context(rng, lim);
  }
  // A geometry just off: n or rows not of whole heads, or n not a multiple of rows.
  if (rng() % 8 == 0) {
    d[rng() % 2 ? kFieldN : kFieldRows] += rng() % 2 ? 1 : std::max<uint32_t>(1, unit / 2);
  }
  const auto ranges = vec_ranges(d);
  if (!ranges.empty() && rng() % 2) {
    const auto& [field, words] = ranges[rng() % ranges.size()];
    end_at(d, field, words, lim.vec_words, delta(rng));
  }
  if (rng() % 4 != 0) end_at(d, kFieldWeight, weight_need(d, lim), lim.weight_words, delta(rng));
  for (uint32_t k = static_cast<uint32_t>(rng() % 3); k > 0; --k) push_field(d, rng, lim);
  return d;
}

// Descriptors under one bank size and one channel size (constant while they are in flight, as
// during a program load).
struct DescGroup {
  uint64_t vec_words = 0, weight_words = 0;
  std::vector<Desc> descs;
};

// What a run saw: statuses by op (kFieldOpcode, those past kOpcodeMax as kOpcodeMax + 1; the
// Embed from the weight channels as 0), the Embeds from the weight channels with rows past
// kMaxRows decided by their weight range.
struct BitNetTally {
  std::map<std::pair<uint32_t, uint32_t>, int> by_op;
  int checked = 0, disagreements = 0, wide_embeds = 0;
};

// Streams the groups through the unit, one descriptor a cycle with random gaps, and compares
// every status with kernel_status, every descriptor out with its input and the quotients with
// rows / channels.
template <class Model>
void stream_groups(const BitNetBuild& b, const std::vector<DescGroup>& groups, uint32_t seed,
                   BitNetTally& t) {
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  std::mt19937 rng(seed);
  const uint32_t channels = b.lim.weight_channels;
  for (const DescGroup& g : groups) {
    BitNetBuild gb = b;
    gb.lim.vec_words = g.vec_words;
    gb.lim.weight_words = g.weight_words;
    io.vec_words_i = static_cast<uint32_t>(g.vec_words);
    io.weight_words_i = static_cast<uint32_t>(g.weight_words);
    StreamDriver streams("mmf_descriptor_check", rng, 0.1);
    const StreamOut& out = descriptor_streams(streams, io, g.descs, [&](size_t got) {
      MMF_ASSERT_TRUE(got < g.descs.size()) << "more descriptors out than in";
      const Desc& d = g.descs[got];
      const uint32_t want = kernel_status(d, gb);
      const uint32_t status = io.out_status_o;
      const uint32_t op = d[kFieldOpcode];
      const bool from_weights = op == kOpEmbed && d[kFieldAddr0] == kNoAddress;
      ++t.by_op[{from_weights ? 0 : std::min(op, kOpcodeMax + 1), want}];
      ++t.checked;
      t.wide_embeds += from_weights && d[kFieldRows] > kMaxRows &&
                       (want == kStatusOk || want == kStatusBadWeightRange);
      if (status != want && ++t.disagreements <= 5) {
        std::ostringstream words;
        for (uint32_t w : d) words << ' ' << w;
        ADD_FAILURE() << "vec_words " << g.vec_words << " weight_words " << g.weight_words
                      << " descriptor" << words.str() << ": rtl " << status << ", c++ " << want;
      }
      for (uint32_t w = 0; w < kDescriptorWords; ++w) {
        MMF_ASSERT_EQ(io.out_desc_o[w], d[w]) << "descriptor word " << w;
      }
      if (d[kFieldRows] <= kMaxRows) {
        MMF_ASSERT_EQ(io.out_rows_q_o, d[kFieldRows] / channels) << "rows " << d[kFieldRows];
        MMF_ASSERT_EQ(io.out_rows_m_o, d[kFieldRows] % channels) << "rows " << d[kFieldRows];
      }
    });
    MMF_ASSERT_TRUE(streams.run(
        dut, [&] { return out.taken >= g.descs.size(); }, 2 * g.descs.size() + 100))
        << "descriptors lost in the pipeline";
  }
}

// Every status check_descriptor can give each op (the Embed from the weight channels as 0) of
// a build that has it, and BadOpcode for the BitNet ops it lacks (BadVecAddress for that
// Embed).
void expect_every_status(const BitNetBuild& b, const BitNetTally& t, int at_least) {
  const std::map<uint32_t, std::vector<uint32_t>> statuses = {
      {kOpRope,
       {kStatusOk, kStatusBadBuffer, kStatusBadLength, kStatusBadVecAddress, kStatusBadField}},
      {kOpKvAppend,
       {kStatusOk, kStatusBadBuffer, kStatusBadLength, kStatusBadVecAddress, kStatusBadWeightRange,
        kStatusBadField}},
      {kOpAttention,
       {kStatusOk, kStatusBadBuffer, kStatusBadLength, kStatusBadField, kStatusBadVecAddress,
        kStatusBadWeightRange}},
      {kOpRelu2Glu, {kStatusOk, kStatusBadBuffer, kStatusBadLength, kStatusBadField}},
      {kOpHead,
       {kStatusOk, kStatusBadBuffer, kStatusBadLength, kStatusBadVecAddress, kStatusBadWeightRange,
        kStatusBadField}},
      {0,
       {kStatusOk, kStatusBadBuffer, kStatusBadLength, kStatusBadVecAddress, kStatusBadWeightRange,
        kStatusBadField}},
  };
  for (const auto& [op, codes] : statuses) {
    const bool has =
        op == 0 ? b.embed_from_weights : ((b.bitnet_ops >> (op - kOpcodeBitNetMin)) & 1u) != 0;
    const std::vector<uint32_t> want =
        has ? codes : std::vector<uint32_t>{op == 0 ? kStatusBadVecAddress : kStatusBadOpcode};
    for (uint32_t code : want) {
      const auto it = t.by_op.find({op, code});
      MMF_EXPECT_GE(it == t.by_op.end() ? 0 : it->second, at_least)
          << "op " << op << " (0: Embed from the weight channels), status " << code;
    }
  }
}

// Legal descriptors of each op for the field edges: the attention ops at every head_dim the
// build takes and a few contexts, Relu2Glu, Head (to a buffer and to memory), the Embed from
// the weight channels. Their ranges lie well inside the groups' bank and channel.
std::vector<Desc> legal_bases(const DeviceLimits& lim) {
  std::vector<Desc> out;
  const uint32_t c = lim.weight_channels;
  for (uint32_t head_dim : legal_head_dims(lim)) {
    for (uint32_t context : {1u, kRopeLoRows + 1, c + 1, lim.max_context}) {
      Desc d{};
      d[kFieldHeadDim] = head_dim;
      d[kFieldContext] = context;
      d[kFieldAddr1] = 5;
      d[kFieldOpcode] = kOpRope;
      d[kFieldN] = 2 * head_dim;
      d[kFieldAddr0] = 1000;
      d[kFieldAddr2] = 20000;
      out.push_back(d);
      d[kFieldOpcode] = kOpKvAppend;
      d[kFieldSrc0] = 1;
      d[kFieldSrc1] = 2;
      d[kFieldWeight] = 3;
      out.push_back(d);
      d[kFieldOpcode] = kOpAttention;
      d[kFieldSrc1] = 0;
      d[kFieldDst] = 4;
      d[kFieldRows] = head_dim;
      d[kFieldN] = std::min(4u, lim.max_vector / head_dim) * head_dim;
      d[kFieldMant] = 1u << 20;
      d[kFieldExp] = static_cast<uint32_t>(-20);
      out.push_back(d);
    }
  }
  Desc d{};
  d[kFieldOpcode] = kOpRelu2Glu;
  d[kFieldN] = lim.max_vector;
  d[kFieldSrc0] = 1;
  d[kFieldSrc1] = 2;
  d[kFieldDst] = 3;
  out.push_back(d);
  d = Desc{};
  d[kFieldOpcode] = kOpHead;
  d[kFieldN] = lim.max_vector;
  d[kFieldRows] = 3 * c + 1;
  d[kFieldSrc0] = 6;
  d[kFieldAddr0] = 100;
  d[kFieldAddr1] = 50000;
  d[kFieldWeight] = 7;
  out.push_back(d);
  d[kFieldDst] = kDstMemory;
  d[kFieldRows] = 1000;
  d[kFieldAddr2] = 70000;
  out.push_back(d);
  d = Desc{};
  d[kFieldOpcode] = kOpEmbed;
  d[kFieldN] = lim.max_vector;
  d[kFieldRows] = 1000;
  d[kFieldAddr0] = kNoAddress;
  d[kFieldAddr1] = 9;
  d[kFieldWeight] = 11;
  out.push_back(d);
  return out;
}

// The values a field takes in the field-edge test: the format's and the build's limits, each
// one off, and (for the geometry) the values around the others' multiples.
std::vector<uint32_t> field_values(uint32_t f, const Desc& d, const DeviceLimits& lim) {
  std::vector<uint32_t> v = {0,    1,          2,           3,           7,          8,
                             0xFF, 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFEu, 0xFFFFFFFFu};
  v.push_back(d[f] - 1);
  v.push_back(d[f] + 1);
  const uint32_t head_dim = std::max(d[kFieldHeadDim], 2 * lim.vector_lanes);
  const uint32_t n = d[kFieldN], rows = std::max(d[kFieldRows], 1u), c = lim.weight_channels;
  const uint32_t max = lim.max_vector;
  switch (f) {
    case kFieldOpcode:
      for (uint32_t op = 0; op <= kOpcodeMax + 1; ++op) v.push_back(op);
      v.push_back(0x100 | kOpRope);  // the low bits of an opcode with more above them
      v.push_back(0x10000000 | kOpHead);
      break;
    case kFieldN:
      for (uint32_t k = 1; k <= kMaxQueryGroup + 1; ++k) {
        for (uint32_t unit : {head_dim, rows}) {
          v.push_back(k * unit - 1);
          v.push_back(k * unit);
          v.push_back(k * unit + 1);
        }
      }
      for (uint32_t x : {head_dim / 2, 3 * head_dim / 2, max / 2, max / 2 + 1, max - 1, max,
                         max + 1, max / head_dim * head_dim, max + head_dim}) {
        v.push_back(x);
      }
      break;
    case kFieldRows:
      for (uint32_t k = 1; k <= kMaxQueryGroup + 1; ++k) {
        if (n % k == 0) v.push_back(n / k);
        v.push_back(k * head_dim);
      }
      for (uint32_t x :
           {head_dim / 2, head_dim - 1, head_dim + 1, n - head_dim, n + head_dim, 2 * n, max - 1,
            max, max + 1, kMaxRows - 1, kMaxRows, kMaxRows + 1, c - 1, c, c + 1, 0u - c}) {
        v.push_back(x);
      }
      break;
    case kFieldHeadDim:
      for (uint32_t x = 1; x <= 4 * lim.max_head_dim; x *= 2) {
        for (uint32_t y : {x - 1, x, x + 1, x + x / 2}) v.push_back(y);
      }
      for (uint32_t x : {lim.vector_lanes, 2 * lim.vector_lanes - 2, 3 * lim.vector_lanes,
                         lim.max_head_dim + 2}) {
        v.push_back(x);
      }
      break;
    case kFieldContext:
      for (uint32_t x :
           {kRopeLoRows - 1, kRopeLoRows, kRopeLoRows + 1, 2 * kRopeLoRows - 1, 2 * kRopeLoRows,
            2 * kRopeLoRows + 1, c - 1, c, c + 1, 2 * c - 1, 2 * c + 1, lim.max_context - 1,
            lim.max_context, lim.max_context + 1, 2 * lim.max_context}) {
        v.push_back(x);
      }
      break;
    case kFieldMant:
      v.push_back(kMantLimit - 1);
      v.push_back(kMantLimit);
      break;
    case kFieldExp:
      for (int64_t x : {int64_t{kExpLimit}, int64_t{kExpLimit} + 1, -int64_t{kExpLimit},
                        -int64_t{kExpLimit} - 1, int64_t{INT32_MIN}, int64_t{INT32_MAX}}) {
        v.push_back(static_cast<uint32_t>(x));
      }
      break;
    case kFieldSrc0:
    case kFieldSrc1:
    case kFieldSrc2:
    case kFieldDst:
      for (uint32_t x : {uint32_t{kNumBuffers} - 1, uint32_t{kNumBuffers}, kDstMemory - 1,
                         kDstMemory, kDstMemory + 1}) {
        v.push_back(x);
      }
      break;
    default:
      break;
  }
  return v;
}

// The field-edge groups: each legal descriptor, every field of it set to each of its values
// (with the ranges of the result ended just inside, at and one past the ends where the field
// shapes them), and each range of it ended so; in a bank and channels of about 2^20 and 2^24
// words, and (for the rows of an Embed from the weight channels and of a Head to memory,
// which only the sizes bound) in ones of 2^32 - 1.
std::vector<DescGroup> field_edge_groups(const DeviceLimits& lim) {
  DescGroup g;
  g.vec_words = (1u << 20) + 3;
  g.weight_words = (1u << 24) + 11;
  DeviceLimits sized = lim;
  sized.vec_words = g.vec_words;
  sized.weight_words = g.weight_words;
  const auto with_ends = [&sized](std::vector<Desc>& out, const Desc& d) {
    out.push_back(d);
    for (int dl : {-1, 0, 1}) {
      for (const auto& [field, words] : vec_ranges(d)) {
        Desc e = d;
        end_at(e, field, words, sized.vec_words, dl);
        out.push_back(e);
      }
      if (weight_need(d, sized) > 0) {
        Desc e = d;
        end_at(e, kFieldWeight, weight_need(d, sized), sized.weight_words, dl);
        out.push_back(e);
      }
    }
  };
  for (const Desc& base : legal_bases(lim)) {
    with_ends(g.descs, base);
    for (uint32_t f = 0; f < kDescriptorWords; ++f) {
      const bool shapes = f == kFieldN || f == kFieldRows || f == kFieldHeadDim ||
                          f == kFieldContext || f == kFieldDst;
      for (uint32_t value : field_values(f, base, lim)) {
        Desc d = base;
        d[f] = value;
        if (shapes) {
          with_ends(g.descs, d);
        } else {
          g.descs.push_back(d);
        }
      }
    }
  }
  // The attention ops' geometry as a whole: every head_dim around the legal ones, against n
  // of 1 to 9 heads and an Attention's rows of 1 to 9 query heads a KV head.
  for (uint32_t head_dim : field_values(kFieldHeadDim, Desc{}, lim)) {
    if (head_dim == 0 || head_dim > lim.max_vector) continue;
    for (uint32_t heads = 1; heads <= 9 && heads * head_dim <= 2 * lim.max_vector; ++heads) {
      for (uint32_t g_heads = 1; g_heads <= kMaxQueryGroup + 1; ++g_heads) {
        for (uint32_t op : {kOpRope, kOpKvAppend, kOpAttention}) {
          if (op != kOpAttention && g_heads > 1) continue;
          Desc d = legal_bases(lim)[op - kOpRope];
          d[kFieldHeadDim] = head_dim;
          d[kFieldRows] = op == kOpAttention ? heads * head_dim : 0;
          d[kFieldN] = op == kOpAttention ? g_heads * heads * head_dim : heads * head_dim;
          with_ends(g.descs, d);
        }
      }
    }
  }
  // Rows that only the sizes bound, in a bank and channels of 2^32 - 1 words.
  DescGroup wide;
  wide.vec_words = 0xFFFFFFFFu;
  wide.weight_words = 0xFFFFFFFFu;
  sized.vec_words = wide.vec_words;
  sized.weight_words = wide.weight_words;
  const uint32_t c = lim.weight_channels;
  for (uint32_t rows : {kMaxRows - 1, kMaxRows, kMaxRows + 1, 1u << 31, (1u << 31) + c - 1, 0u - c,
                        0u - c + 1, 0xFFFFFFFEu, 0xFFFFFFFFu}) {
    for (uint32_t n : {1u, 2u, 3u, lim.max_vector}) {
      Desc d{};
      d[kFieldOpcode] = kOpEmbed;
      d[kFieldN] = n;
      d[kFieldRows] = rows;
      d[kFieldAddr0] = kNoAddress;
      with_ends(wide.descs, d);
      d[kFieldOpcode] = kOpHead;
      d[kFieldDst] = kDstMemory;
      d[kFieldAddr0] = 0;
      with_ends(wide.descs, d);
    }
  }
  return {g, wide};
}

template <class Model>
void check_field_edges(const BitNetBuild& b) {
  BitNetTally t;
  stream_groups<Model>(b, field_edge_groups(b.lim), 3, t);
  MMF_EXPECT_EQ(t.disagreements, 0) << "of " << t.checked;
  MMF_EXPECT_GE(t.checked, 10000);
  expect_every_status(b, t, 1);
  if (b.embed_from_weights) {
    MMF_EXPECT_GE(t.wide_embeds, 20);
  }
}

// Hundreds of thousands of random descriptors biased to the BitNet ops, in groups under
// bank and channel sizes near their limits (and now and then any 32-bit size).
template <class Model>
void check_random(const BitNetBuild& b) {
  std::mt19937 rng(17 + b.lim.weight_channels + b.bitnet_ops);
  std::vector<DescGroup> groups;
  for (int k = 0; k < 500; ++k) {
    DescGroup g;
    g.vec_words = edgy(rng, 1u << 20);
    g.weight_words = rng() % 8 == 0 ? 0xFFFFFFFFu : edgy(rng, 1u << 22);
    DeviceLimits lim = b.lim;
    lim.vec_words = g.vec_words;
    lim.weight_words = g.weight_words;
    for (int i = 0; i < 500; ++i) g.descs.push_back(bitnet_descriptor(rng, lim));
    groups.push_back(std::move(g));
  }
  BitNetTally t;
  stream_groups<Model>(b, groups, 23, t);
  MMF_EXPECT_EQ(t.disagreements, 0) << "of " << t.checked;
  MMF_EXPECT_EQ(t.checked, 250000);
  expect_every_status(b, t, 50);
  if (b.embed_from_weights) {
    MMF_EXPECT_GE(t.wide_embeds, 50);
  }
}

// A Verilated build: its parameters as BitNetBuild and its checks.
struct BitNetCase {
  const char* name;
  BitNetBuild build;
  void (*field_edges)(const BitNetBuild&);
  void (*random)(const BitNetBuild&);
};

// -G of the models in tests/CMakeLists.txt: MaxVector, Lanes, TileRows, WeightChannels, FiveTrit,
// MaxContext, MaxHeadDim, VectorLanes; BitNetOps; EmbedFromWeights.
// ci2: ci-tiny's attention units (16 lanes: one KV scale a word), 2 channels; c31: 31 channels
// and 64 lanes (four KV scales a word, heads from narrower than a word); u280: u280's shape
// (512 lanes, 32 vector lanes, 16384 values); some: only Rope, Attention and Head, and the
// Embed always from the vector bank, as the RTL kernel gets them one at a time.
std::vector<BitNetCase> bitnet_cases() {
  return {
      {"ci2",
       {{1024, 16, 4, 2, 0, 0, true, 512, 64, 4}, 0x1F, true},
       check_field_edges<Vmmf_descriptor_check_bn2>,
       check_random<Vmmf_descriptor_check_bn2>},
      {"c31",
       {{1024, 64, 4, 31, 0, 0, false, 4096, 128, 4}, 0x1F, true},
       check_field_edges<Vmmf_descriptor_check_bn31>,
       check_random<Vmmf_descriptor_check_bn31>},
      {"u280",
       {{16384, 512, 4, 31, 0, 0, true, 4096, 128, 32}, 0x1F, true},
       check_field_edges<Vmmf_descriptor_check_bnu>,
       check_random<Vmmf_descriptor_check_bnu>},
      {"some",
       {{1024, 32, 4, 3, 0, 0, false, 512, 64, 4}, 0x15, false},
       check_field_edges<Vmmf_descriptor_check_bnp>,
       check_random<Vmmf_descriptor_check_bnp>},
  };
}

void PrintTo(const BitNetCase& c, std::ostream* os) {
  *os << c.name;
}

class DescriptorCheckBitNetRtl : public testing::TestWithParam<BitNetCase> {};

TEST_P(DescriptorCheckBitNetRtl, FieldEdgesAgreeWithTheHost) {
  GetParam().field_edges(GetParam().build);
}

TEST_P(DescriptorCheckBitNetRtl, RandomDescriptorsAgreeWithTheHost) {
  GetParam().random(GetParam().build);
}

INSTANTIATE_TEST_SUITE_P(Builds, DescriptorCheckBitNetRtl, testing::ValuesIn(bitnet_cases()),
                         [](const auto& test_info) { return std::string(test_info.param.name); });

// One descriptor through the idle pipeline: out kDescriptorCheckLatency cycles later, what the
// timed model charges to a program load.
TEST(DescriptorCheckRtl, LatencyIsWhatTheTimedModelCharges) {
  VerilatedUnit<Vmmf_descriptor_check> dut;
  dut.reset();
  auto& io = dut.io();
  std::mt19937 rng(1);
  const auto d = random_descriptor(rng, 1000);
  io.vec_words_i = 1000;
  io.weight_words_i = 1000;
  set_port(io.in_desc_i, std::vector<uint32_t>(d.begin(), d.end()));
  io.in_valid_i = 1;
  dut.tick();
  io.in_valid_i = 0;
  const uint32_t cycles = dut.latency_of_last_beat([&] { return io.out_valid_o != 0; });
  MMF_EXPECT_EQ(cycles, kDescriptorCheckLatency);
}

}  // namespace
}  // namespace mmf::test

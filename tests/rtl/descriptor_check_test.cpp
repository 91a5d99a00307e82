// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_descriptor_check.sv against check_descriptor() of program_format.hpp on many
// descriptors near the edges of legality, with and without the 1.6-bit decoder (FiveTrit):
// every status code it can give must agree, and every one of them must occur; the packing field
// takes 0, 1, 2 and large values, and weight ranges end just before, at and just past a
// channel's end in either packing. The reciprocal of 5 behind a 1.6-bit block's beats is exact
// for every block the parameters allow, and the RTL's is checked for every n of a wide build.
#include <map>

#include "Vmmf_descriptor_check.h"
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

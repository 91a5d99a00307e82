// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_descriptor_check.sv against check_descriptor() of program_format.hpp on many
// descriptors near the edges of legality: every status code it can give must agree, and every
// one of them must occur.
#include <map>

#include "Vmmf_descriptor_check.h"
#include "Vmmf_descriptor_check_c31.h"
#include "common/checks.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/verilated_unit.hpp"

namespace mmf::test {
namespace {

using namespace mmf_hls;

constexpr uint32_t kMaxVector = 1024, kLanes = 16, kTileRows = 4;  // -G of the models

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
    if (f == kFieldExp) limit = static_cast<uint32_t>(kExpLimit);
    d[f] = edgy(rng, limit);
    if (f == kFieldExp && rng() % 2) d[f] = static_cast<uint32_t>(-static_cast<int64_t>(d[f]));
    if ((f == kFieldAddr0 || f == kFieldAddr1) && rng() % 4 == 0) d[f] = kNoAddress;
  }
  return d;
}

// Streams groups of descriptors through the pipeline, one a cycle with random gaps, each group
// under its own bank and weight sizes (constant while its descriptors are in flight, as during a
// program load), and compares every status and descriptor that leaves with the C++ check.
template <class Model>
void check_against_the_host(uint32_t channels) {
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  std::mt19937 rng(9 + channels);
  std::bernoulli_distribution gap(0.2);
  std::map<uint32_t, int> seen;
  int disagreements = 0, quotients = 0;
  for (int group = 0; group < 600; ++group) {
    const uint32_t vec_words = edgy(rng, 1u << 20);
    const uint32_t weight_words = edgy(rng, 1u << 16);
    const DeviceLimits lim{kMaxVector, kLanes, kTileRows, channels, vec_words, weight_words};
    std::vector<std::array<uint32_t, kDescriptorWords>> sent;
    for (int k = 0; k < 50; ++k) sent.push_back(random_descriptor(rng, vec_words));
    io.vec_words_i = vec_words;
    io.weight_words_i = weight_words;
    size_t next = 0, got = 0;
    for (int cycle = 0; got < sent.size(); ++cycle) {
      MMF_ASSERT_TRUE(cycle < 1000) << "watchdog: descriptors lost in the pipeline";
      io.in_valid_i = next < sent.size() && !gap(rng);
      const auto& d = sent[std::min(next, sent.size() - 1)];
      set_port(io.in_desc_i, std::vector<uint32_t>(d.begin(), d.end()));
      dut.settle();
      if (io.out_valid_o) {
        MMF_ASSERT_TRUE(got < sent.size()) << "more descriptors out than in";
        const auto& want_desc = sent[got];
        const uint32_t want = check_descriptor(want_desc.data(), lim);
        const uint32_t status = io.out_status_o;
        ++seen[want];
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
        ++got;
      }
      if (io.in_valid_i) ++next;
      dut.tick();
    }
  }
  MMF_EXPECT_EQ(disagreements, 0);
  MMF_EXPECT_GE(quotients, 20000);
  for (uint32_t code : {kStatusOk, kStatusBadOpcode, kStatusBadBuffer, kStatusBadLength,
                        kStatusBadVecAddress, kStatusBadWeightRange, kStatusBadField}) {
    MMF_EXPECT_GE(seen[code], 50) << "status " << code << " too rare to be tested";
  }
}

// 3 channels: a divide by a constant that is not a power of two; 31: the u280 build's.
TEST(DescriptorCheckRtl, AgreesWithTheHostAndKernelCheckOn3Channels) {
  check_against_the_host<Vmmf_descriptor_check>(3);
}
TEST(DescriptorCheckRtl, AgreesWithTheHostAndKernelCheckOn31Channels) {
  check_against_the_host<Vmmf_descriptor_check_c31>(31);
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

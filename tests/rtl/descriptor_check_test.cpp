// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_descriptor_check.sv against check_descriptor() of program_format.hpp on many
// descriptors near the edges of legality: every status code it can give must agree, and every
// one of them must occur.
#include <map>

#include "Vmmf_descriptor_check.h"
#include "common/checks.hpp"
#include "mmf_hls/program_format.hpp"
#include "rtl/verilated_unit.hpp"

namespace mmf::test {
namespace {

using namespace mmf_hls;

constexpr uint32_t kMaxVector = 1024, kLanes = 16, kChannels = 3;  // -G of the model

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
    if (f >= kFieldSrc0 && f <= kFieldDst) limit = rng() % 2 ? kNumBuffers : kDstMemory;
    if (f == kFieldMant) limit = kMantLimit;
    if (f == kFieldExp) limit = static_cast<uint32_t>(kExpLimit);
    d[f] = edgy(rng, limit);
    if (f == kFieldExp && rng() % 2) d[f] = static_cast<uint32_t>(-static_cast<int64_t>(d[f]));
    if ((f == kFieldAddr0 || f == kFieldAddr1) && rng() % 4 == 0) d[f] = kNoAddress;
  }
  return d;
}

TEST(DescriptorCheckRtl, AgreesWithTheHostAndKernelCheck) {
  VerilatedUnit<Vmmf_descriptor_check> dut;
  auto& io = dut.io();
  std::mt19937 rng(9);
  std::map<uint32_t, int> seen;
  int disagreements = 0;
  for (int trial = 0; trial < 30000; ++trial) {
    const uint32_t vec_words = edgy(rng, 1u << 20);
    const uint32_t weight_words = edgy(rng, 1u << 16);
    const auto d = random_descriptor(rng, vec_words);
    const DeviceLimits lim{kMaxVector, kLanes, kChannels, vec_words, weight_words};
    const uint32_t want = check_descriptor(d.data(), lim);
    std::vector<uint32_t> words(d.begin(), d.end());
    set_port(io.desc_i, words);
    io.vec_words_i = vec_words;
    io.weight_words_i = weight_words;
    io.eval();
    const uint32_t got = io.status_o;
    ++seen[want];
    if (got != want && ++disagreements <= 3) {
      ADD_FAILURE() << "opcode " << d[kFieldOpcode] << " n " << d[kFieldN] << " rows "
                    << d[kFieldRows] << ": rtl " << got << ", c++ " << want;
    }
  }
  MMF_EXPECT_EQ(disagreements, 0);
  for (uint32_t code : {kStatusOk, kStatusBadOpcode, kStatusBadBuffer, kStatusBadLength,
                        kStatusBadVecAddress, kStatusBadWeightRange, kStatusBadField}) {
    MMF_EXPECT_GE(seen[code], 50) << "status " << code << " too rare to be tested";
  }
}

}  // namespace
}  // namespace mmf::test

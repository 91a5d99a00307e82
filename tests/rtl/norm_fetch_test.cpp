// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_norm_fetch.sv against a model of the reader: a job issues one command a vector
// (w_rms first when the op has it, then w_code), each of `words` words at the job's address,
// the next only after the last beat of the one before; every beat lands in the cycle it comes,
// in its slot (w_rms or w_code) at the job's half (row 0 or Rows/2) plus its index, the lanes
// past `words` masked; busy_o holds from the job to the last beat and the unit takes the next
// job then. Random command and beat stalls; lengths around the lane count, up to a half slot.
#include <deque>

#include "Vmmf_norm_fetch.h"
#include "common/checks.hpp"
#include "rtl/verilated_unit.hpp"

namespace mmf::test {
namespace {

constexpr uint32_t kVectorLanes = 4, kRows = 64;  // the unit's parameters in tests/CMakeLists.txt

struct Write {
  bool code;
  uint32_t row, mask;
  std::vector<uint32_t> data;
};

struct Job {
  bool has_rms, hi;
  uint32_t rms_addr, code_addr, words;
};

// The writes a job must make, in order.
std::vector<Write> expected_writes(const Job& j, const std::vector<std::vector<uint32_t>>& beats) {
  std::vector<Write> w;
  const uint32_t n_beats = (j.words + kVectorLanes - 1) / kVectorLanes;
  size_t b = 0;
  for (int v = j.has_rms ? 0 : 1; v < 2; ++v) {
    for (uint32_t k = 0; k < n_beats; ++k, ++b) {
      const uint32_t left = j.words - k * kVectorLanes;
      const uint32_t mask = left >= kVectorLanes ? (1u << kVectorLanes) - 1 : (1u << left) - 1;
      w.push_back(Write{v == 1, (j.hi ? kRows / 2 : 0) + k, mask, beats[b]});
    }
  }
  return w;
}

// Runs `job` with random stalls; checks the commands, the writes and busy_o.
void run_job(VerilatedUnit<Vmmf_norm_fetch>& dut, const Job& job, std::mt19937& rng) {
  auto& io = dut.io();
  std::bernoulli_distribution stall(0.3);
  const uint32_t n_beats = (job.words + kVectorLanes - 1) / kVectorLanes;
  const int vectors = job.has_rms ? 2 : 1;
  std::vector<std::vector<uint32_t>> beats;
  for (int b = 0; b < vectors * static_cast<int>(n_beats); ++b) {
    std::vector<uint32_t> beat(kVectorLanes);
    for (uint32_t& x : beat) x = static_cast<uint32_t>(rng());
    beats.push_back(beat);
  }
  const std::vector<Write> want = expected_writes(job, beats);

  io.job_valid_i = 1;
  io.job_has_rms_i = job.has_rms;
  io.job_rms_addr_i = job.rms_addr;
  io.job_code_addr_i = job.code_addr;
  io.job_words_i = job.words;
  io.job_hi_i = job.hi;
  dut.settle();
  MMF_ASSERT_TRUE(io.job_ready_o);
  MMF_EXPECT_FALSE(io.busy_o);
  dut.tick();
  io.job_valid_i = 0;

  size_t wrote = 0, sent = 0;
  int commands = 0;
  uint32_t beats_owed = 0;  // of the command taken, still to deliver
  for (int cycle = 0; cycle < 10000 && wrote < want.size(); ++cycle) {
    io.rd_cmd_ready_i = !stall(rng);
    io.rd_valid_i = beats_owed > 0 && !stall(rng);
    if (io.rd_valid_i) set_port(io.rd_data_i, beats[sent]);
    dut.settle();
    MMF_ASSERT_TRUE(io.busy_o) << "busy until the last beat";
    MMF_ASSERT_TRUE(!io.job_ready_o);
    if (io.rd_cmd_valid_o) {
      MMF_ASSERT_EQ(beats_owed, 0u) << "a command before the last one's beats";
      const bool rms = job.has_rms && commands == 0;
      MMF_EXPECT_EQ(io.rd_cmd_addr_o, rms ? job.rms_addr : job.code_addr);
      MMF_EXPECT_EQ(io.rd_cmd_n_o, job.words);
    }
    MMF_ASSERT_EQ(static_cast<bool>(io.we_o), static_cast<bool>(io.rd_valid_i))
        << "a beat is written in the cycle it comes";
    if (io.we_o) {
      const Write& w = want[wrote];
      MMF_EXPECT_EQ(static_cast<bool>(io.we_code_o), w.code) << "beat " << wrote;
      MMF_EXPECT_EQ(io.wrow_o, w.row) << "beat " << wrote;
      MMF_EXPECT_EQ(io.wmask_o, w.mask) << "beat " << wrote;
      MMF_EXPECT_EQ(std::vector<uint32_t>(io.wdata_o.data(), io.wdata_o.data() + kVectorLanes),
                    w.data)
          << "beat " << wrote;
      ++wrote;
      ++sent;
      --beats_owed;
    }
    if (io.rd_cmd_valid_o && io.rd_cmd_ready_i) {
      ++commands;
      beats_owed = n_beats;
    }
    dut.tick();
  }
  MMF_EXPECT_EQ(wrote, want.size());
  MMF_EXPECT_EQ(commands, vectors);
  io.rd_valid_i = 0;
  dut.settle();
  MMF_EXPECT_FALSE(io.busy_o) << "idle the cycle after the last beat";
  MMF_EXPECT_TRUE(io.job_ready_o);
  MMF_EXPECT_FALSE(io.rd_cmd_valid_o);
}

TEST(NormFetchRtl, JobsLandInTheirSlotsAndHalves) {
  VerilatedUnit<Vmmf_norm_fetch> dut;
  dut.reset();
  std::mt19937 rng(5);
  for (uint32_t words : {1u, 3u, kVectorLanes, kVectorLanes + 1, 2 * kVectorLanes - 1, 37u,
                         kRows / 2 * kVectorLanes}) {
    for (int variant = 0; variant < 4; ++variant) {
      const Job job{(variant & 1) != 0, (variant & 2) != 0, static_cast<uint32_t>(rng() % 5000),
                    static_cast<uint32_t>(rng() % 5000), words};
      run_job(dut, job, rng);
    }
  }
}

}  // namespace
}  // namespace mmf::test

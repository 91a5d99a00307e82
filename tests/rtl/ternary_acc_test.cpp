// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_ternary_acc.sv under Verilator against its HLS twin (load_codes +
// accumulate_rows), bit for bit, with random stalls on every stream, and its throughput of one
// weight word per cycle when nothing stalls; a row per word (4, 16 lanes) and 4 x 16 tiles
// (64 lanes).
#include <deque>

#include "Vmmf_ternary_acc_l16.h"
#include "Vmmf_ternary_acc_l4.h"
#include "Vmmf_ternary_acc_l64.h"
#include "common/checks.hpp"
#include "hls/unit_configs.hpp"
#include "mmf_hls/ternary_accumulate.hpp"
#include "rtl/stream_driver.hpp"

namespace mmf::test {
namespace {

constexpr uint32_t kMaxRowWords = 64;  // -GMaxRowWords of the Verilated models

struct Job {
  uint32_t rows, n, row_words;                      // row_words: words of a row block
  std::vector<std::vector<uint32_t>> code_words;    // row_words words of lane-packed codes
  std::vector<std::vector<uint32_t>> weight_words;  // blocks * row_words tiled words
  std::vector<int32_t> expected;                    // from the HLS unit
};

template <class Cfg>
Job make_job(uint32_t rows, uint32_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> trit(-1, 1), code(-127, 127);
  constexpr uint32_t kCols = Cfg::tile_cols;
  Job job{rows, n, (n + kCols - 1) / kCols, {}, {}, {}};
  // Codes past n are nonzero on purpose: their trits are padding (0) and must add nothing.
  std::vector<mmf_hls::CodeWord<Cfg>> codes(job.row_words);
  for (auto& word : codes) {
    std::vector<uint32_t> lanes(kCols);
    for (uint32_t k = 0; k < kCols; ++k) {
      word.code[k] = static_cast<int8_t>(code(rng));
      lanes[k] = static_cast<uint8_t>(word.code[k]);
    }
    job.code_words.push_back(pack_lanes(lanes, 8));
  }
  std::vector<int8_t> trits(size_t{rows} * n);
  for (auto& t : trits) t = static_cast<int8_t>(trit(rng));
  hls::stream<typename Cfg::weight_word_t> weights("weights");
  for (const auto& word : tile_words<Cfg>(trits.data(), rows, n)) {
    weights.write(word);
    std::vector<uint32_t> lanes(Cfg::lanes);
    for (int k = 0; k < Cfg::lanes; ++k) {
      lanes[k] = static_cast<uint32_t>(word.range(2 * k + 1, 2 * k));
    }
    job.weight_words.push_back(pack_lanes(lanes, 2));
  }
  hls::stream<int32_t> sums("sums");
  mmf_hls::accumulate_rows<Cfg>(weights, codes.data(), rows, job.row_words, sums);
  while (!sums.empty()) job.expected.push_back(sums.read());
  return job;
}

// What a job's run gives: the sums and the cycles of the first and last weight word taken and
// of the last sum.
struct Run {
  std::vector<int32_t> sums;
  uint64_t first_weight = 0, last_weight = 0, last_sum = 0;
};

// Feeds the job through the RTL; `stall` is the probability that a valid or ready is withheld
// in a cycle.
template <class Model>
testing::AssertionResult run_rtl(VerilatedUnit<Model>& dut, const Job& job, double stall,
                                 std::mt19937& rng, Run& run) {
  Model& io = dut.io();
  StreamDriver streams("mmf_ternary_acc", rng, stall);
  const StreamIn& job_in = streams.job_ports(io, [&](size_t) {
    set_port(io.job_rows_i, {job.rows});
    set_port(io.job_row_words_i, {job.row_words});
  });
  const StreamIn& code_in = streams.in(
      "code", job.code_words.size(), [&](size_t k) { set_port(io.code_data_i, job.code_words[k]); },
      [&](bool v) { io.code_valid_i = v; }, [&] { return io.code_ready_o != 0; });
  streams
      .in(
          "weight", job.weight_words.size(),
          [&](size_t k) { set_port(io.weight_data_i, job.weight_words[k]); },
          [&](bool v) { io.weight_valid_i = v; }, [&] { return io.weight_ready_o != 0; })
      .taken = [&](size_t k) {
    if (k == 0) run.first_weight = dut.cycles();
    run.last_weight = dut.cycles();
  };
  streams.out(
      "sum", [&] { return io.sum_valid_o != 0; }, [&](bool r) { io.sum_ready_i = r; },
      [&](size_t) {
        run.sums.push_back(static_cast<int32_t>(io.sum_data_o));
        run.last_sum = dut.cycles();
      });
  return streams.run(
      dut,
      [&] {
        return run.sums.size() >= job.rows && job_in.sent == 1 &&
               code_in.sent == job.code_words.size();
      },
      20 * (job.weight_words.size() + job.row_words) + 1000);
}

class TernaryAccRtl : public testing::TestWithParam<UnitCase> {};

template <class Cfg, class Model>
void check_against_hls(const UnitCase& c) {
  std::mt19937 rng(c.n * 7u + c.rows * 131u + static_cast<uint32_t>(Cfg::lanes));
  VerilatedUnit<Model> dut;
  dut.reset();
  // Back to back on one unit: with stalls, without, and a job of no rows in between.
  for (const double stall : {0.3, 0.0}) {
    const Job job = make_job<Cfg>(c.rows, c.n, rng);
    Run run;
    MMF_ASSERT_TRUE(run_rtl(dut, job, stall, rng, run)) << "stall " << stall;
    MMF_EXPECT_EQ(run.sums, job.expected) << "stall " << stall;
    if (stall == 0.0 && !job.weight_words.empty()) {
      MMF_EXPECT_EQ(run.last_weight - run.first_weight + 1, job.weight_words.size())
          << "one weight word per cycle";
      // A block's sums are ready the dot's pipeline, the accumulators' register and the block
      // FIFO after its last word (mmf_hls::ternary_dot_latency, mirrored in mmf_format_pkg, the
      // latency the timed model charges), then leave one row a cycle, after the blocks before.
      const uint64_t ready_after = mmf_hls::ternary_dot_latency(Cfg::tile_cols) + 2;
      uint64_t free_at = 0;
      for (uint32_t b = 0, row = 0; row < c.rows; ++b, row += Cfg::tile_rows) {
        const uint64_t ready = run.first_weight + uint64_t{b + 1} * job.row_words - 1 + ready_after;
        free_at = std::max(free_at, ready) + std::min<uint32_t>(Cfg::tile_rows, c.rows - row);
      }
      MMF_EXPECT_EQ(run.last_sum, free_at - 1) << "the cycle of the last row sum";
    }
    const Job empty = make_job<Cfg>(0, c.n, rng);
    Run empty_run;
    MMF_ASSERT_TRUE(run_rtl(dut, empty, stall, rng, empty_run)) << "rows = 0";
    MMF_EXPECT_TRUE(empty_run.sums.empty()) << "rows = 0";
  }
}

TEST_P(TernaryAccRtl, MatchesTheHlsUnit) {
  const UnitCase c = GetParam();
  switch (c.lanes) {
    case 4:
      return check_against_hls<Lanes4, Vmmf_ternary_acc_l4>(c);
    case 16:
      return check_against_hls<Lanes16, Vmmf_ternary_acc_l16>(c);
    default:
      return check_against_hls<Lanes64, Vmmf_ternary_acc_l64>(c);
  }
}

std::vector<UnitCase> rtl_cases() {
  std::vector<UnitCase> out;
  for (const UnitCase& c : unit_cases()) {
    // The Verilated models hold row blocks of up to kMaxRowWords words.
    if (c.lanes > 64) continue;
    with_config(c.lanes, [&](auto cfg) {
      using Cfg = decltype(cfg);
      if ((c.n + Cfg::tile_cols - 1) / Cfg::tile_cols <= kMaxRowWords) out.push_back(c);
    });
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Shapes, TernaryAccRtl, testing::ValuesIn(rtl_cases()), unit_case_name);

}  // namespace
}  // namespace mmf::test

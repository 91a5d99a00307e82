// SPDX-License-Identifier: Apache-2.0
#include "mmf/host/cpu/microbench.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "mmf/error.hpp"
#include "mmf/host/cpu/thread_pool.hpp"

namespace mmf::cpu {
namespace {

using Clock = std::chrono::steady_clock;

// Half the physical memory: a benchmark buffer past it would swap or fail, not measure.
void check_fits(uint64_t bytes, const std::string& what) {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return;
  const uint64_t limit = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 2;
  if (bytes > limit) {
    throw Error(what + ": " + std::to_string(bytes) + " bytes is more than half of this "
                "machine's memory (" + std::to_string(limit) + " bytes)");
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs `step` (which returns the seconds of its timed part) until `min_seconds` and `min_runs`
// are both reached, after one warm-up (page faults, caches, worker wake-up).
template <class F>
std::vector<double> time_runs(double min_seconds, int min_runs, F&& step) {
  step();
  std::vector<double> runs;
  const auto start = Clock::now();
  while (static_cast<int>(runs.size()) < min_runs ||
         std::chrono::duration<double>(Clock::now() - start).count() < min_seconds) {
    runs.push_back(step());
  }
  return runs;
}

// Sums a range of words; eight independent sums so the loads are not serialised.
uint64_t sum_words(const uint64_t* p, size_t n) {
  uint64_t s[8] = {};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) s[k] += p[i + k];
  }
  for (; i < n; ++i) s[0] += p[i];
  uint64_t total = 0;
  for (uint64_t v : s) total += v;
  return total;
}

}  // namespace

// A buffer the read-bandwidth passes stream: touched page by page first, and summed in
// contiguous shares so each thread streams its own range.
class ReadPass {
 public:
  ReadPass(uint64_t bytes, ThreadPool& pool) : words_(bytes / sizeof(uint64_t)), pool_(pool) {
    buf_.resize(words_);
    for (size_t i = 0; i < words_; ++i) buf_[i] = i;
  }
  uint64_t bytes() const { return words_ * sizeof(uint64_t); }
  void run() {
    auto share = [this](int64_t begin, int64_t end) {
      total_.fetch_add(sum_words(buf_.data() + begin, static_cast<size_t>(end - begin)),
                       std::memory_order_relaxed);
    };
    pool_.parallel_for(static_cast<int64_t>(words_), 512, share);
  }
  // Read after the passes, so the sums (and the reads) cannot be optimised away.
  uint64_t checksum() const { return total_.load(); }

 private:
  size_t words_;
  ThreadPool& pool_;
  std::vector<uint64_t> buf_;
  std::atomic<uint64_t> total_{0};
};

MatvecBench bench_matvec(int64_t rows, int64_t cols, Packing packing, Isa isa, int threads,
                         double min_seconds, bool compare_bandwidth) {
  if (rows < 1 || cols < 1) throw Error("--rows and --cols must be >= 1");
  MatvecBench b;
  b.rows = rows, b.cols = cols, b.packing = packing, b.isa = isa, b.threads = threads;
  const size_t row_bytes = packed_row_bytes(static_cast<size_t>(cols), packing);
  if (static_cast<uint64_t>(rows) > (uint64_t{1} << 40) / row_bytes) {
    throw Error("--rows x --cols: the matrix is too large");
  }
  b.weight_bytes = row_bytes * static_cast<uint64_t>(rows);
  check_fits(b.weight_bytes, "--rows x --cols");
  std::mt19937 rng(1);
  std::vector<uint8_t> w(b.weight_bytes);
  std::vector<int8_t> trits(static_cast<size_t>(cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (auto& t : trits) t = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
    pack_row(trits.data(), trits.size(), packing, w.data() + static_cast<size_t>(r) * row_bytes);
  }
  std::vector<int8_t> codes(static_cast<size_t>(cols));
  for (auto& c : codes) c = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  std::vector<int32_t> acc(static_cast<size_t>(rows));
  const TernaryRows m{w.data(), row_bytes, rows, cols, packing};
  ThreadPool pool(threads);
  PreparedCodes prepared;
  auto share = [&](int64_t begin, int64_t end) {
    ternary_matvec(m, prepared, begin, end, acc.data() + begin);
  };
  std::unique_ptr<ReadPass> pass;
  if (compare_bandwidth) pass = std::make_unique<ReadPass>(uint64_t{1} << 30, pool);
  std::vector<double> pass_seconds;
  const std::vector<double> runs = time_runs(min_seconds, 5, [&] {
    if (pass) {  // between matvecs, untimed in `runs`
      const auto t0 = Clock::now();
      pass->run();
      pass_seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    const auto t0 = Clock::now();
    prepared.prepare(isa, packing, codes.data(), cols);
    pool.parallel_for(rows, 4, share);
    return std::chrono::duration<double>(Clock::now() - t0).count();
  });
  const double s = median(runs);
  if (pass) {
    if (pass->checksum() == 1) throw Error("read bandwidth: impossible checksum");
    b.bandwidth_gbps = static_cast<double>(pass->bytes()) / median(pass_seconds) / 1e9;
  }
  b.iterations = static_cast<int64_t>(runs.size());
  b.us = s * 1e6;
  b.gops = static_cast<double>(rows) * static_cast<double>(cols) / s / 1e9;
  b.gbps = static_cast<double>(b.weight_bytes) / s / 1e9;
  if (b.bandwidth_gbps > 0) b.bandwidth_fraction = b.gbps / b.bandwidth_gbps;
  return b;
}

BandwidthBench bench_read_bandwidth(uint64_t bytes, int threads, double min_seconds) {
  if (bytes < 4096) throw Error("--bytes must be >= 4096");
  check_fits(bytes, "--bytes");
  ThreadPool pool(threads);
  ReadPass pass(bytes, pool);
  const std::vector<double> runs = time_runs(min_seconds, 5, [&] {
    const auto t0 = Clock::now();
    pass.run();
    return std::chrono::duration<double>(Clock::now() - t0).count();
  });
  if (pass.checksum() == 1) throw Error("read bandwidth: impossible checksum");
  BandwidthBench b;
  b.bytes = pass.bytes();
  b.threads = threads;
  b.passes = static_cast<int64_t>(runs.size());
  b.gbps = static_cast<double>(b.bytes) / median(runs) / 1e9;
  return b;
}

}  // namespace mmf::cpu

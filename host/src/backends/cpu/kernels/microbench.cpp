// SPDX-License-Identifier: Apache-2.0
#include "mmf/host/backends/cpu/microbench.hpp"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "mmf/error.hpp"
#include "mmf/host/backends/cpu/thread_pool.hpp"

namespace mmf::cpu {
namespace {

using Clock = std::chrono::steady_clock;

// Half the physical memory: a benchmark buffer past it would swap or fail, not measure.
void check_fits(uint64_t bytes, const std::string& what) {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return;
  const uint64_t limit = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 2;
  if (bytes > limit) {
    throw Error(what + ": " + std::to_string(bytes) +
                " bytes is more than half of this "
                "machine's memory (" +
                std::to_string(limit) + " bytes)");
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

// Sums a range of words; eight independent sums so the loads are not serialised. Cloned for
// AVX2 (32-byte loads) and a baseline, chosen at load time by the CPU.
__attribute__((target_clones("avx2", "default"))) uint64_t sum_words(const uint64_t* p, size_t n) {
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

// The CPUs this process may run on, in order.
std::vector<int> allowed_cpus() {
  std::vector<int> out;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &set)) out.push_back(c);
    }
  }
  return out;
}

// The machine's sustained read rate, measured the way a simple probe does: one thread per
// share of the buffer, each pinned to its own allowed CPU (round robin), each first touching
// its own share (so its pages are local to it) before any pass is timed; a pass releases every
// thread at once and ends when the last one is done.
class ReadProbe {
 public:
  ReadProbe(uint64_t bytes, int threads)
      : words_(bytes / sizeof(uint64_t)),
        count_(static_cast<size_t>(threads)),
        cpus_(allowed_cpus()),
        buf_(static_cast<uint64_t*>(std::aligned_alloc(64, (words_ * 8 + 63) / 64 * 64))) {
    if (!buf_) throw Error("read bandwidth: cannot allocate " + std::to_string(bytes) + " bytes");
    for (int t = 0; t < threads; ++t) threads_.emplace_back([this, t] { work(t); });
    pass(true);  // first touch, untimed
  }
  ~ReadProbe() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    start_.notify_all();
    for (auto& t : threads_) t.join();
    std::free(buf_);
  }
  ReadProbe(const ReadProbe&) = delete;
  ReadProbe& operator=(const ReadProbe&) = delete;

  uint64_t bytes() const { return words_ * sizeof(uint64_t); }
  // Seconds of one timed pass over the whole buffer.
  double run() { return pass(false); }
  // Read after the passes, so the sums (and the reads) cannot be optimised away.
  uint64_t checksum() const { return total_.load(); }

 private:
  double pass(bool touch) {
    std::unique_lock<std::mutex> lock(mutex_);
    touch_ = touch;
    done_ = 0;
    const auto t0 = Clock::now();
    ++generation_;
    start_.notify_all();
    finished_.wait(lock, [this] { return done_ == count_; });
    return std::chrono::duration<double>(Clock::now() - t0).count();
  }
  void work(int t) {
    if (!cpus_.empty()) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpus_[static_cast<size_t>(t) % cpus_.size()], &set);
      ::pthread_setaffinity_np(::pthread_self(), sizeof(set), &set);  // best effort
    }
    const size_t begin = words_ * static_cast<size_t>(t) / count_;
    const size_t end = words_ * (static_cast<size_t>(t) + 1) / count_;
    uint64_t seen = 0;
    for (;;) {
      bool touch;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        touch = touch_;
      }
      if (touch) {
        for (size_t i = begin; i < end; ++i) buf_[i] = i;
      } else {
        total_.fetch_add(sum_words(buf_ + begin, end - begin), std::memory_order_relaxed);
      }
      std::lock_guard<std::mutex> lock(mutex_);
      if (++done_ == count_) finished_.notify_one();
    }
  }

  size_t words_;
  size_t count_;  // threads
  std::vector<int> cpus_;
  uint64_t* buf_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable start_, finished_;
  uint64_t generation_ = 0;
  bool touch_ = false, stop_ = false;
  size_t done_ = 0;
  std::atomic<uint64_t> total_{0};
};

// The read rate of `probe` over `trials` timed passes: best, median and worst, GB/s.
struct Rates {
  double best = 0, median = 0, worst = 0;
};
Rates rates(const ReadProbe& probe, const std::vector<double>& seconds) {
  std::vector<double> s = seconds;
  std::sort(s.begin(), s.end());
  const double b = static_cast<double>(probe.bytes()) / 1e9;
  return {b / s.front(), b / s[s.size() / 2], b / s.back()};
}

}  // namespace

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
  std::unique_ptr<ReadProbe> probe;
  if (compare_bandwidth) probe = std::make_unique<ReadProbe>(uint64_t{1} << 30, threads);
  std::vector<double> pass_seconds;
  const std::vector<double> runs = time_runs(min_seconds, 5, [&] {
    if (probe) pass_seconds.push_back(probe->run());  // between matvecs, untimed in `runs`
    const auto t0 = Clock::now();
    prepared.prepare(isa, packing, codes.data(), cols);
    pool.parallel_for(rows, 4, share);
    return std::chrono::duration<double>(Clock::now() - t0).count();
  });
  const double s = median(runs);
  if (probe) {
    if (probe->checksum() == 1) throw Error("read bandwidth: impossible checksum");
    b.bandwidth_gbps = rates(*probe, pass_seconds).best;
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
  ThreadPool::check_threads(threads);
  check_fits(bytes, "--bytes");
  ReadProbe probe(bytes, threads);
  const std::vector<double> runs = time_runs(min_seconds, 7, [&] { return probe.run(); });
  if (probe.checksum() == 1) throw Error("read bandwidth: impossible checksum");
  BandwidthBench b;
  b.bytes = probe.bytes();
  b.threads = threads;
  b.passes = static_cast<int64_t>(runs.size());
  const Rates r = rates(probe, runs);
  b.gbps = r.best;
  b.median_gbps = r.median;
  b.worst_gbps = r.worst;
  return b;
}

}  // namespace mmf::cpu

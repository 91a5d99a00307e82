// SPDX-License-Identifier: Apache-2.0
// A fixed pool of worker threads for the cpu backend's data-parallel loops. The calling thread
// takes the first share, so a pool of T threads keeps T - 1 workers. One parallel_for at a time
// (the Session's engine is single-threaded above it); no allocation per call. A token makes a
// few hundred calls of tens of microseconds each, so workers spin briefly on the next call
// before they sleep, and the caller spins for the last share: a wake-up through the kernel
// would cost as much as the work.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mmf::cpu {

class ThreadPool {
 public:
  // More threads than this is a typo, not a machine: refused before any is made.
  static constexpr int kMaxThreads = 256;
  // Throws mmf::Error unless 1 <= threads <= kMaxThreads (for other thread sets too).
  static void check_threads(int threads);
  // check_threads(threads) first.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Splits [0, n) into threads() contiguous ranges of about equal size, rounded to multiples of
  // `grain` (but the last), and runs fn(begin, end) on each, returning when all are done. An
  // exception from any share is rethrown here.
  using RangeFn = void (*)(void* ctx, int64_t begin, int64_t end);
  void parallel_for(int64_t n, int64_t grain, RangeFn fn, void* ctx);

  template <class F>
  void parallel_for(int64_t n, int64_t grain, F& f) {
    parallel_for(
        n, grain, [](void* c, int64_t b, int64_t e) { (*static_cast<F*>(c))(b, e); }, &f);
  }

 private:
  void work(int index);
  void range(int share, int64_t& begin, int64_t& end) const;

  std::vector<std::thread> workers_;
  std::mutex mutex_;  // guards sleeping workers, error_
  std::condition_variable start_;
  std::atomic<uint64_t> generation_{0};  // one per parallel_for; workers run each once
  std::atomic<int> pending_{0};          // worker shares of this generation not yet done
  std::atomic<bool> stop_{false};
  // The job of the current generation: written before generation_ is published.
  RangeFn fn_ = nullptr;
  void* ctx_ = nullptr;
  int64_t n_ = 0, grain_ = 1;
  std::exception_ptr error_;
};

}  // namespace mmf::cpu

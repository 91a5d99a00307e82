// SPDX-License-Identifier: Apache-2.0
#include "mmf/host/backends/cpu/thread_pool.hpp"

#include <algorithm>

#include "mmf/error.hpp"

namespace mmf::cpu {
namespace {

// Spin iterations before a worker sleeps: long enough to span the gap between two matvecs of a
// token (a norm, a gate), short enough not to hold a core when generation stops.
constexpr int kSpinsBeforeSleep = 1 << 16;

inline void relax() {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#endif
}

}  // namespace

void ThreadPool::check_threads(int threads) {
  if (threads < 1 || threads > kMaxThreads) {
    throw Error("--threads must be between 1 and " + std::to_string(kMaxThreads) + " (got " +
                std::to_string(threads) + ")");
  }
}

ThreadPool::ThreadPool(int threads) {
  check_threads(threads);
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { work(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
  }
  start_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::range(int share, int64_t& begin, int64_t& end) const {
  const int64_t t = threads();
  const int64_t units = (n_ + grain_ - 1) / grain_;
  begin = std::min(n_, units * share / t * grain_);
  end = std::min(n_, units * (share + 1) / t * grain_);
}

void ThreadPool::parallel_for(int64_t n, int64_t grain, RangeFn fn, void* ctx) {
  if (n <= 0) return;
  if (workers_.empty()) {
    fn(ctx, 0, n);
    return;
  }
  fn_ = fn;
  ctx_ = ctx;
  n_ = n;
  grain_ = std::max<int64_t>(grain, 1);
  error_ = nullptr;
  pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
  {
    // Under the lock, so a worker about to sleep either sees the new generation or is woken.
    std::lock_guard<std::mutex> lock(mutex_);
    generation_.fetch_add(1, std::memory_order_release);
  }
  start_.notify_all();
  int64_t begin = 0, end = 0;
  range(0, begin, end);
  std::exception_ptr mine;
  try {
    if (begin < end) fn(ctx, begin, end);
  } catch (...) {
    mine = std::current_exception();
  }
  while (pending_.load(std::memory_order_acquire) != 0) relax();
  if (mine) std::rethrow_exception(mine);
  if (error_) std::rethrow_exception(error_);
}

void ThreadPool::work(int index) {
  uint64_t seen = 0;
  for (;;) {
    int spins = 0;
    while (generation_.load(std::memory_order_acquire) == seen && !stop_.load() &&
           spins < kSpinsBeforeSleep) {
      relax();
      ++spins;
    }
    if (generation_.load(std::memory_order_acquire) == seen && !stop_.load()) {
      std::unique_lock<std::mutex> lock(mutex_);
      start_.wait(lock, [&] {
        return stop_.load() || generation_.load(std::memory_order_acquire) != seen;
      });
    }
    if (stop_.load()) return;
    seen = generation_.load(std::memory_order_acquire);
    int64_t begin = 0, end = 0;
    range(index, begin, end);
    try {
      if (begin < end) fn_(ctx_, begin, end);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
    pending_.fetch_sub(1, std::memory_order_release);
  }
}

}  // namespace mmf::cpu

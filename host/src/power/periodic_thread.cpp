// SPDX-License-Identifier: Apache-2.0
// PeriodicThread: a condition-variable wait with a deadline, so stop() never waits a period.
#include "periodic_thread.hpp"

#include <algorithm>

namespace mmf::host::power_detail {

void PeriodicThread::start(std::chrono::milliseconds period, std::function<void()> tick) {
  stop();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
  }
  // A zero period would spin a core that the measured work needs.
  const auto step = std::max(period, std::chrono::milliseconds(1));
  thread_ = std::thread([this, step, tick = std::move(tick)] {
    using Clock = std::chrono::steady_clock;
    auto next = Clock::now() + step;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_until(lock, next, [this] { return stopping_; })) {
      lock.unlock();
      tick();
      lock.lock();
      // Keep the period on average, but never catch up with a burst after a slow tick.
      next += step;
      const auto now = Clock::now();
      if (next < now) next = now + step;
    }
  });
}

void PeriodicThread::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace mmf::host::power_detail

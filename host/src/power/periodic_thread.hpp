// SPDX-License-Identifier: Apache-2.0
// A thread that calls a function at a fixed period until stopped: the sampler of the power
// meters (power.hpp). Internal to host/src/power.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace mmf::host::power_detail {

class PeriodicThread {
 public:
  PeriodicThread() = default;
  ~PeriodicThread() { stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // Calls `tick` every `period` (at least 1 ms) on a new thread, the first call one period from
  // now, until stop(). A running thread is stopped first. `tick` must not throw: it runs on its
  // own thread, where an exception would end the process.
  void start(std::chrono::milliseconds period, std::function<void()> tick);
  // Wakes the thread at once and joins it: when stop() returns, `tick` is not running and will
  // not run again, and everything it wrote is visible to the caller. Idempotent.
  void stop();

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace mmf::host::power_detail

// SPDX-License-Identifier: Apache-2.0
// Base of the backends whose device memory is host memory (cpu, csim, verilator): buffers per
// bank with the board's channel capacity, and an asynchronous run with a timed wait on one
// runner thread kept for the device's life (a launch allocates nothing).
#pragma once

#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "mmf/host/backends/device.hpp"

namespace mmf::host {

// The launch with buffers resolved to host pointers.
struct HostLaunch {
  std::vector<uint8_t*> weights;       // written by KvAppend (the BitNet KV cache)
  std::vector<uint64_t> weight_bytes;  // size of each weight buffer
  uint32_t* vec = nullptr;
  uint64_t vec_bytes = 0;
  mmf_hls::LaunchRegs regs{};
};

class HostMemoryDevice : public Device {
 public:
  ~HostMemoryDevice() override;
  BufferHandle allocate(int bank, uint64_t bytes) override;
  int buffer_bank(BufferHandle buffer) const override;
  void write(BufferHandle buffer, uint64_t offset, const void* data, uint64_t bytes) override;
  void read(BufferHandle buffer, uint64_t offset, void* data, uint64_t bytes) override;
  void start(const LaunchArgs& args) override;
  void wait(std::chrono::milliseconds timeout) override;
  DeviceCounters counters() const override { return counters_; }

 protected:
  HostMemoryDevice(std::string backend, BuildDescriptor build);
  // Waits until no run is queued or running. Every derived destructor calls it first: a run
  // left going by a timeout uses the derived object's state, which must outlive it.
  void drain();
  // Runs the token program to completion on the resolved buffers.
  virtual mmf_hls::KernelCounters execute(const HostLaunch& launch) = 0;
  // Kernel cycles of the last run, from timed backends (read after execute() returned).
  virtual std::optional<uint64_t> last_cycles() const { return std::nullopt; }
  // Per-op cycles of the last run, from timed backends; host-link cycles from the platform.
  virtual std::vector<OpCycles> last_op_cycles() const { return {}; }
  virtual std::optional<uint64_t> last_link_cycles() const { return std::nullopt; }
  // The RTL's performance registers after the last run (backends that run the RTL).
  virtual std::optional<PerfCounters> last_perf() const { return std::nullopt; }

 private:
  struct Buffer {
    int bank;
    uint64_t size;               // as allocated
    std::vector<uint8_t> bytes;  // whole pages
  };
  Buffer& buffer(BufferHandle h, uint64_t offset, uint64_t bytes, const char* what);
  void run_launches();
  bool in_flight();  // started and not yet waited for

  std::vector<Buffer> buffers_;
  std::vector<uint64_t> bank_used_;
  DeviceCounters counters_;
  // The runner: start() hands it launch_ (queued); it runs execute() and reports done.
  enum class RunState { idle, queued, running, done };
  std::mutex mutex_;
  std::condition_variable changed_;
  RunState state_ = RunState::idle;
  bool stop_ = false;
  HostLaunch launch_;
  mmf_hls::KernelCounters result_;
  std::exception_ptr error_;
  std::thread runner_;
};

}  // namespace mmf::host

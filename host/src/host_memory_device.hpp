// SPDX-License-Identifier: Apache-2.0
// Base of the backends whose device memory is host memory (cpu, csim): buffers per bank with
// the board's channel capacity, and an asynchronous run with a timed wait.
#pragma once

#include <future>
#include <optional>
#include <vector>

#include "mmf/host/device.hpp"

namespace mmf::host {

// The launch with buffers resolved to host pointers.
struct HostLaunch {
  std::vector<const uint8_t*> weights;
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
  // Runs the token program to completion on the resolved buffers.
  virtual mmf_hls::KernelCounters execute(const HostLaunch& launch) = 0;
  // Kernel cycles of the last run, from timed backends (read after execute() returned).
  virtual std::optional<uint64_t> last_cycles() const { return std::nullopt; }

 private:
  struct Buffer {
    int bank;
    uint64_t size;               // as allocated
    std::vector<uint8_t> bytes;  // whole pages
  };
  Buffer& buffer(BufferHandle h, uint64_t offset, uint64_t bytes, const char* what);

  std::vector<Buffer> buffers_;
  std::vector<uint64_t> bank_used_;
  std::future<mmf_hls::KernelCounters> running_;
  DeviceCounters counters_;
};

}  // namespace mmf::host

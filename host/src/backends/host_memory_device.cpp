// SPDX-License-Identifier: Apache-2.0
// Host-memory devices: buffers, bounds checks and the asynchronous run.
#include "backends/host_memory_device.hpp"

#include <cstring>
#include <utility>

#include "mmf/error.hpp"

namespace mmf::host {

HostMemoryDevice::HostMemoryDevice(std::string backend, BuildDescriptor build)
    : Device(std::move(backend), std::move(build)),
      bank_used_(static_cast<size_t>(this->build().board.memory_channels), 0),
      runner_([this] { run_launches(); }) {}

void HostMemoryDevice::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return state_ != RunState::queued && state_ != RunState::running; });
}

void HostMemoryDevice::run_launches() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stop_ || state_ == RunState::queued; });
    if (stop_) return;
    state_ = RunState::running;
    lock.unlock();
    mmf_hls::KernelCounters result;
    std::exception_ptr error;
    try {
      result = execute(launch_);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    result_ = result;
    error_ = error;
    state_ = RunState::done;
    changed_.notify_all();
  }
}

HostMemoryDevice::~HostMemoryDevice() {
  // A run still in flight (after a timeout) must finish before its buffers go away.
  drain();
  std::unique_lock<std::mutex> lock(mutex_);
  stop_ = true;
  lock.unlock();
  changed_.notify_all();
  runner_.join();
}

BufferHandle HostMemoryDevice::allocate(int bank, uint64_t bytes) {
  const BoardSpec& board = build().board;
  if (bank < 0 || bank >= board.memory_channels) {
    throw Error(backend() + ": memory bank " + std::to_string(bank) + " does not exist (board '" +
                board.name + "' has " + std::to_string(board.memory_channels) + ")");
  }
  const uint64_t capacity = static_cast<uint64_t>(board.channel_mib) << 20;
  if (bytes > capacity - bank_used_[bank]) {
    throw Error(backend() + ": " + std::to_string(bytes) + " bytes do not fit memory bank " +
                std::to_string(bank) + " (" + std::to_string(capacity - bank_used_[bank]) +
                " bytes free of " + std::to_string(board.channel_mib) + " MiB)");
  }
  bank_used_[bank] += bytes;
  // Storage in whole 4 KiB pages, as XRT allocates device buffers: a kernel reading whole AXI
  // beats past the end of a buffer stays inside its page.
  constexpr uint64_t kPage = 4096;
  buffers_.push_back(
      Buffer{bank, bytes, std::vector<uint8_t>((bytes + kPage - 1) / kPage * kPage, 0)});
  return BufferHandle{static_cast<int>(buffers_.size()) - 1};
}

int HostMemoryDevice::buffer_bank(BufferHandle h) const {
  if (h.id < 0 || h.id >= static_cast<int>(buffers_.size())) {
    throw Error(backend() + ": unknown buffer " + std::to_string(h.id));
  }
  return buffers_[h.id].bank;
}

HostMemoryDevice::Buffer& HostMemoryDevice::buffer(BufferHandle h, uint64_t offset, uint64_t bytes,
                                                   const char* what) {
  if (h.id < 0 || static_cast<size_t>(h.id) >= buffers_.size()) {
    throw Error(backend() + ": " + what + " of an unknown buffer");
  }
  Buffer& b = buffers_[h.id];
  if (offset > b.size || bytes > b.size - offset) {
    throw Error(backend() + ": " + what + " of " + std::to_string(bytes) + " bytes at offset " +
                std::to_string(offset) + " runs past a buffer of " + std::to_string(b.size) +
                " bytes");
  }
  if (in_flight()) throw Error(backend() + ": " + what + " while the device is running");
  return b;
}

void HostMemoryDevice::write(BufferHandle h, uint64_t offset, const void* data, uint64_t bytes) {
  Buffer& b = buffer(h, offset, bytes, "write");
  if (bytes > 0) std::memcpy(b.bytes.data() + offset, data, bytes);
}

void HostMemoryDevice::read(BufferHandle h, uint64_t offset, void* data, uint64_t bytes) {
  Buffer& b = buffer(h, offset, bytes, "read");
  if (bytes > 0) std::memcpy(data, b.bytes.data() + offset, bytes);
}

void HostMemoryDevice::start(const LaunchArgs& args) {
  if (in_flight()) throw Error(backend() + ": start while a run is in flight");
  if (args.weights.size() != static_cast<size_t>(build().accel.weight_channels)) {
    throw Error(backend() + ": the kernel of build '" + build().name + "' has " +
                std::to_string(build().accel.weight_channels) + " weight ports, " +
                std::to_string(args.weights.size()) + " buffers were bound");
  }
  HostLaunch& launch = launch_;  // the runner is idle: its launch is ours to fill
  launch.weights.clear();        // (clear keeps the capacity: no allocation after the first)
  launch.weight_bytes.clear();
  for (BufferHandle h : args.weights) {
    launch.weights.push_back(buffer(h, 0, 0, "launch").bytes.data());
    launch.weight_bytes.push_back(buffers_[h.id].bytes.size());
  }
  launch.vec = reinterpret_cast<uint32_t*>(buffer(args.vec, 0, 0, "launch").bytes.data());
  launch.vec_bytes = buffers_[args.vec.id].bytes.size();
  // The kernel trusts its size registers only as far as the buffers go.
  const uint64_t vec_bytes = buffers_[args.vec.id].size;
  if (uint64_t{args.regs.vec_words} * mmf_hls::kVecWordBytes > vec_bytes) {
    throw Error(backend() + ": vec_words register exceeds the vector buffer");
  }
  for (BufferHandle h : args.weights) {
    const uint64_t words = buffers_[h.id].size / build().weight_word_bytes();
    if (args.regs.weight_words > words) {
      throw Error(backend() + ": weight_words register exceeds a weight buffer");
    }
  }
  launch.regs = args.regs;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = RunState::queued;
  }
  changed_.notify_all();
}

bool HostMemoryDevice::in_flight() {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_ == RunState::queued || state_ == RunState::running || state_ == RunState::done;
}

void HostMemoryDevice::wait(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (state_ == RunState::idle) throw Error(backend() + ": wait without a run");
  if (!changed_.wait_for(lock, timeout, [this] { return state_ == RunState::done; })) {
    throw Error(backend() + ": the token program did not finish within " +
                std::to_string(timeout.count()) + " ms");
  }
  state_ = RunState::idle;
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  counters_ =
      DeviceCounters{result_, last_cycles(), last_op_cycles(), last_link_cycles(), last_perf()};
}

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// Host-memory devices: buffers, bounds checks and the asynchronous run.
#include "host_memory_device.hpp"

#include <cstring>

#include "mmf/error.hpp"

namespace mmf::host {

HostMemoryDevice::HostMemoryDevice(std::string backend, BuildDescriptor build)
    : Device(std::move(backend), std::move(build)),
      bank_used_(static_cast<size_t>(this->build().board.memory_channels), 0) {}

HostMemoryDevice::~HostMemoryDevice() {
  // A run still in flight (after a timeout) must finish before its buffers go away.
  if (running_.valid()) running_.wait();
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
  buffers_.push_back(Buffer{bank, bytes, std::vector<uint8_t>((bytes + kPage - 1) / kPage * kPage, 0)});
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
                std::to_string(offset) + " runs past a buffer of " +
                std::to_string(b.size) + " bytes");
  }
  if (running_.valid()) throw Error(backend() + ": " + what + " while the device is running");
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
  if (running_.valid()) throw Error(backend() + ": start while a run is in flight");
  if (args.weights.size() != static_cast<size_t>(build().accel.weight_channels)) {
    throw Error(backend() + ": the kernel of build '" + build().name + "' has " +
                std::to_string(build().accel.weight_channels) + " weight ports, " +
                std::to_string(args.weights.size()) + " buffers were bound");
  }
  HostLaunch launch;
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
  running_ = std::async(std::launch::async, [this, launch] { return execute(launch); });
}

void HostMemoryDevice::wait(std::chrono::milliseconds timeout) {
  if (!running_.valid()) throw Error(backend() + ": wait without a run");
  if (running_.wait_for(timeout) != std::future_status::ready) {
    throw Error(backend() + ": the token program did not finish within " +
                std::to_string(timeout.count()) + " ms");
  }
  const mmf_hls::KernelCounters kernel = running_.get();
  counters_ = DeviceCounters{kernel, last_cycles()};
}

}  // namespace mmf::host

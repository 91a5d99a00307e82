// SPDX-License-Identifier: Apache-2.0
// Native (g++) stand-in for Vitis HLS's hls::stream<T>: an unbounded FIFO for sequential csim.
//
// Under Vitis HLS this directory is not on the include path: Vitis provides its own hls_stream.h.
// Native builds (csim kernels, tests) put hls/shim on the include path instead. The shim is
// self-written and implements only what mmf's hls/ code and its tests use: write, read, empty,
// size.
//
// Natively a dataflow region runs its processes one after another, so a stream holds everything
// its producer wrote (depth is not modelled). Reading an empty stream
// there means the producer wrote fewer values than the consumer reads: that throws
// std::logic_error naming the stream, rather than hanging or returning garbage.
#pragma once

#include <cstddef>
#include <deque>
#include <stdexcept>
#include <string>
#include <utility>

namespace hls {

// FIFO channel between the processes of a dataflow region. Not copyable, like the hardware.
template <class T>
class stream {
 public:
  stream() : name_("(unnamed)") {}
  // The name appears in the error of a read from an empty stream.
  explicit stream(const char* name) : name_(name) {}
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  void write(const T& v) { fifo_.push_back(v); }

  // Throws std::logic_error when the stream is empty (a producer/consumer mismatch).
  T read() {
    if (fifo_.empty()) throw std::logic_error("hls::stream '" + name_ + "' read while empty");
    T v = std::move(fifo_.front());
    fifo_.pop_front();
    return v;
  }

  bool empty() const { return fifo_.empty(); }
  // Values written and not yet read (the tests check that a unit reads and writes no more).
  std::size_t size() const { return fifo_.size(); }

 private:
  std::string name_;
  std::deque<T> fifo_;
};

}  // namespace hls

// SPDX-License-Identifier: Apache-2.0
// Native (g++) stand-in for Vitis HLS's hls::stream<T>: an unbounded FIFO for sequential csim.
//
// Under Vitis HLS this directory is not on the include path: Vitis provides its own hls_stream.h.
// Native builds (csim kernels, tests) put hls/shim on the include path instead. The shim is
// self-written and implements only what mmf's hls/ code uses, not the whole Vitis API.
//
// Natively a dataflow region runs its processes one after another, so a stream holds everything
// its producer wrote (depth is not modelled; full() is always false). Reading an empty stream
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
  // Always succeeds natively: the FIFO is unbounded.
  bool write_nb(const T& v) {
    write(v);
    return true;
  }
  void operator<<(const T& v) { write(v); }

  // Throws std::logic_error when the stream is empty (a producer/consumer mismatch).
  T read() {
    if (fifo_.empty()) throw std::logic_error("hls::stream '" + name_ + "' read while empty");
    T v = std::move(fifo_.front());
    fifo_.pop_front();
    return v;
  }
  void read(T& v) { v = read(); }
  void operator>>(T& v) { v = read(); }
  // Reads into v and returns true, or returns false and leaves v alone when empty.
  bool read_nb(T& v) {
    if (fifo_.empty()) return false;
    v = read();
    return true;
  }

  bool empty() const { return fifo_.empty(); }
  bool full() const { return false; }
  std::size_t size() const { return fifo_.size(); }

 private:
  std::string name_;
  std::deque<T> fifo_;
};

}  // namespace hls

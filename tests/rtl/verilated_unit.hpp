// SPDX-License-Identifier: Apache-2.0
// A clocked Verilated RTL unit for tests: owns its VerilatedContext and model, ticks the clock,
// resets, and sets or reads ports of any width from 32-bit words (lane-packed data).
#pragma once

#include <verilated.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

namespace mmf::test {

template <class Model>
class VerilatedUnit {
 public:
  VerilatedUnit() : context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(2);  // X bits random: the design must not depend on them
    model_ = std::make_unique<Model>(context_.get(), "dut");
  }
  ~VerilatedUnit() { model_->final(); }
  VerilatedUnit(const VerilatedUnit&) = delete;
  VerilatedUnit& operator=(const VerilatedUnit&) = delete;

  Model& io() { return *model_; }
  uint64_t cycles() const { return cycles_; }

  // Settles combinational outputs for the inputs set since the last edge (clock low).
  void settle() {
    model_->clk_i = 0;
    model_->eval();
  }
  // One rising edge.
  void tick() {
    settle();
    context_->timeInc(1);
    model_->clk_i = 1;
    model_->eval();
    context_->timeInc(1);
    ++cycles_;
  }
  // The latency of one beat taken at the last edge: cycles until `out_valid()` holds,
  // counting that edge as the first (so a registered output gives 1); stops at `limit`.
  template <class OutValid>
  uint32_t latency_of_last_beat(OutValid out_valid, uint32_t limit = 100) {
    uint32_t cycles = 1;
    for (settle(); !out_valid() && cycles < limit; settle()) {
      tick();
      ++cycles;
    }
    return cycles;
  }
  void reset(int cycles = 2) {
    model_->rst_ni = 0;
    for (int k = 0; k < cycles; ++k) tick();
    model_->rst_ni = 1;
    settle();
  }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> model_;
  uint64_t cycles_ = 0;
};

// Port <- 32-bit words, least significant first (narrow ports take the low word).
template <class Port>
void set_port(Port& port, const std::vector<uint32_t>& words) {
  port = static_cast<Port>(words.empty() ? 0 : words[0]);
}
inline void set_port(QData& port, const std::vector<uint32_t>& words) {
  port = (words.size() > 1 ? QData{words[1]} << 32 : 0) | (words.empty() ? 0 : words[0]);
}
template <std::size_t N>
void set_port(VlWide<N>& port, const std::vector<uint32_t>& words) {
  for (std::size_t k = 0; k < N; ++k) port[k] = k < words.size() ? words[k] : 0;
}

// Packs `values` of `bits` bits each (bits divides 32) into 32-bit words, value k at bit k*bits.
inline std::vector<uint32_t> pack_lanes(const std::vector<uint32_t>& values, int bits) {
  std::vector<uint32_t> words((values.size() * bits + 31) / 32, 0);
  const uint32_t mask = bits == 32 ? 0xFFFFFFFFu : ((1u << bits) - 1);
  for (size_t k = 0; k < values.size(); ++k) {
    words[k * bits / 32] |= (values[k] & mask) << (k * bits % 32);
  }
  return words;
}

// Beat `beat` of `values` as the words of a port of 32-bit lanes, `lanes` a beat: value k of the
// beat in word k, lanes past the end of `values` zero.
template <class T>
std::vector<uint32_t> beat_words(const std::vector<T>& values, size_t beat, size_t lanes) {
  std::vector<uint32_t> words(lanes, 0);
  for (size_t k = 0; k < lanes && beat * lanes + k < values.size(); ++k) {
    words[k] = static_cast<uint32_t>(values[beat * lanes + k]);
  }
  return words;
}

}  // namespace mmf::test

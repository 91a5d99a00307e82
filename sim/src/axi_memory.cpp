// SPDX-License-Identifier: Apache-2.0
// Memory channel timing model.
#include "mmf/sim/axi_memory.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace mmf::sim {

AxiMemoryChannel::AxiMemoryChannel(const ChannelTiming& timing, const uint8_t* memory,
                                   uint64_t size, uint32_t beat_bytes)
    : timing_(timing), memory_(memory), size_(size), beat_bytes_(beat_bytes), beat_(beat_bytes) {
  if (timing.bytes_per_cycle <= 0.0 || timing.max_outstanding == 0 || beat_bytes == 0) {
    throw std::invalid_argument("AxiMemoryChannel: rate, outstanding and beat size must be > 0");
  }
}

void AxiMemoryChannel::ar_accept(uint64_t addr, uint32_t len) {
  if (!ar_ready()) throw std::logic_error("AxiMemoryChannel: request taken while not ready");
  requests_.push_back(Request{addr, len + 1, 0, cycle_ + timing_.latency_cycles});
  if (requests_.size() == 1) load_beat();
}

bool AxiMemoryChannel::r_valid() const {
  // A beat may leave once its request's latency has passed and the rate allows a whole beat.
  return !requests_.empty() && cycle_ >= requests_.front().ready_cycle &&
         budget_ >= static_cast<double>(beat_bytes_);
}

bool AxiMemoryChannel::r_last() const {
  return !requests_.empty() && requests_.front().sent + 1 == requests_.front().beats;
}

uint8_t AxiMemoryChannel::r_resp() const {
  if (requests_.empty()) return 0;
  const Request& r = requests_.front();
  const uint64_t at = r.addr + uint64_t{r.sent} * beat_bytes_;
  return at + beat_bytes_ <= size_ ? 0 : 2;
}

void AxiMemoryChannel::load_beat() {
  const Request& r = requests_.front();
  const uint64_t at = r.addr + uint64_t{r.sent} * beat_bytes_;
  if (at + beat_bytes_ <= size_) {
    std::memcpy(beat_.data(), memory_ + at, beat_bytes_);
  } else {
    std::fill(beat_.begin(), beat_.end(), uint8_t{0});
  }
}

void AxiMemoryChannel::r_accept() {
  if (!r_valid()) throw std::logic_error("AxiMemoryChannel: beat taken while not valid");
  if (r_resp() != 0) ++errors_;
  budget_ -= static_cast<double>(beat_bytes_);
  bytes_served_ += beat_bytes_;
  Request& r = requests_.front();
  if (++r.sent == r.beats) requests_.pop_front();
  if (!requests_.empty()) load_beat();
}

void AxiMemoryChannel::tick() {
  ++cycle_;
  // The bucket holds at most one beat plus one cycle's rate: an idle channel does not bank
  // bandwidth for later.
  budget_ = std::min(budget_ + timing_.bytes_per_cycle,
                     static_cast<double>(beat_bytes_) + timing_.bytes_per_cycle);
}

}  // namespace mmf::sim

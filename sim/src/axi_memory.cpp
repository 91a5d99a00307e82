// SPDX-License-Identifier: Apache-2.0
// Memory channel timing model.
#include "mmf/sim/axi_memory.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace mmf::sim {

bool ChannelTiming::refreshing(double cycle) const {
  if (refresh_interval_cycles <= 0.0 || refresh_cycles <= 0.0) return false;
  return std::fmod(cycle, refresh_interval_cycles) < refresh_cycles;
}

double ChannelTiming::after_refresh(double at, double work) const {
  const double period = refresh_interval_cycles;
  const double stop = refresh_cycles;
  if (period <= 0.0 || stop <= 0.0) return at + work;
  const double open = period - stop;  // cycles a period moves data
  double base = std::floor(at / period) * period;
  double pos = std::max(at - base, stop);  // a transfer begun in a refresh waits for its end
  if (work <= period - pos) return base + pos + work;
  work -= period - pos;
  base += period;
  // Whole periods, then the rest in the next one (work == k x open ends a period's data).
  const double whole = std::ceil(work / open) - 1.0;
  base += whole * period;
  work -= whole * open;
  return base + stop + work;
}

double ChannelTiming::average_bytes_per_cycle() const {
  const bool refresh = refresh_interval_cycles > 0.0 && refresh_cycles > 0.0;
  return bytes_per_cycle * (refresh ? 1.0 - refresh_cycles / refresh_interval_cycles : 1.0);
}

AxiMemoryChannel::AxiMemoryChannel(const ChannelTiming& timing, uint8_t* memory, uint64_t size,
                                   uint32_t beat_bytes)
    : timing_(timing), memory_(memory), size_(size), beat_bytes_(beat_bytes), beat_(beat_bytes) {
  if (timing.bytes_per_cycle <= 0.0 || timing.max_outstanding == 0 || beat_bytes == 0) {
    throw std::invalid_argument("AxiMemoryChannel: rate, outstanding and beat size must be > 0");
  }
  if (timing.refresh_interval_cycles > 0.0 &&
      !(timing.refresh_cycles >= 0.0 && timing.refresh_cycles < timing.refresh_interval_cycles)) {
    throw std::invalid_argument("AxiMemoryChannel: refresh must be shorter than its interval");
  }
}

void AxiMemoryChannel::ar_accept(uint64_t addr, uint32_t len) {
  if (!ar_ready()) throw std::logic_error("AxiMemoryChannel: request taken while not ready");
  requests_.push_back(Request{addr, len + 1, 0, cycle_ + timing_.latency_cycles});
  if (requests_.size() == 1) load_beat();
}

bool AxiMemoryChannel::r_valid() const {
  // A beat may leave once its request's latency has passed and the rate allows a whole beat.
  const uint64_t stall = timing_.faults.stall_after_beats;
  if (stall != 0 && read_beats_ >= stall) return false;  // injected: the memory stops answering
  return !refreshing() && !requests_.empty() && cycle_ >= requests_.front().ready_cycle &&
         budget_ >= static_cast<double>(beat_bytes_);
}

bool AxiMemoryChannel::r_last() const {
  return !requests_.empty() && requests_.front().sent + 1 == requests_.front().beats;
}

uint8_t AxiMemoryChannel::r_resp() const {
  if (requests_.empty()) return 0;
  if (timing_.faults.read_error_beat != 0 && read_beats_ + 1 == timing_.faults.read_error_beat) {
    return timing_.faults.read_error_resp;
  }
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
  ++read_beats_;
  budget_ -= static_cast<double>(beat_bytes_);
  bytes_served_ += beat_bytes_;
  Request& r = requests_.front();
  if (++r.sent == r.beats) requests_.pop_front();
  if (!requests_.empty()) load_beat();
}

void AxiMemoryChannel::aw_accept(uint64_t addr, uint32_t len) {
  if (!aw_ready()) throw std::logic_error("AxiMemoryChannel: write taken while not ready");
  writes_.push_back(Write{addr, len + 1, 0, 0, false});
}

bool AxiMemoryChannel::w_ready() const {
  // The oldest burst still taking data; it shares the channel's rate with reads.
  for (const Write& w : writes_) {
    if (w.taken < w.beats) return !refreshing() && budget_ >= static_cast<double>(beat_bytes_);
  }
  return false;
}

void AxiMemoryChannel::w_accept(const uint8_t* data, uint64_t strb, bool last) {
  // Bytes past 64 have no strobe bit here: they are written.
  std::vector<uint32_t> words((beat_bytes_ + 31) / 32 + 2, 0xFFFFFFFFu);
  words[0] = static_cast<uint32_t>(strb);
  words[1] = static_cast<uint32_t>(strb >> 32);
  w_accept_wide(data, words.data(), last);
}

void AxiMemoryChannel::w_accept_wide(const uint8_t* data, const uint32_t* strb, bool last) {
  if (!w_ready()) throw std::logic_error("AxiMemoryChannel: write beat taken while not ready");
  for (Write& w : writes_) {
    if (w.taken == w.beats) continue;
    const uint64_t at = w.addr + uint64_t{w.taken} * beat_bytes_;
    if (at + beat_bytes_ <= size_) {
      for (uint32_t k = 0; k < beat_bytes_; ++k) {
        if (((strb[k / 32] >> (k % 32)) & 1) != 0) memory_[at + k] = data[k];
      }
    } else {
      w.error = true;
    }
    if (++w.taken == w.beats) w.response_cycle = cycle_ + timing_.latency_cycles;
    if (last != (w.taken == w.beats)) {
      throw std::logic_error("AxiMemoryChannel: wlast does not match the burst length");
    }
    budget_ -= static_cast<double>(beat_bytes_);
    bytes_served_ += beat_bytes_;
    return;
  }
}

bool AxiMemoryChannel::b_valid() const {
  return !writes_.empty() && writes_.front().taken == writes_.front().beats &&
         cycle_ >= writes_.front().response_cycle;
}

uint8_t AxiMemoryChannel::b_resp() const {
  return b_valid() && writes_.front().error ? 2 : 0;
}

void AxiMemoryChannel::b_accept() {
  if (!b_valid()) throw std::logic_error("AxiMemoryChannel: response taken while not valid");
  if (writes_.front().error) ++errors_;
  writes_.pop_front();
}

void AxiMemoryChannel::tick() {
  ++cycle_;
  if (refreshing()) return;  // no data moves and no rate accrues
  // The bucket holds at most one beat plus one cycle's rate: an idle channel does not bank
  // bandwidth for later.
  budget_ = std::min(budget_ + timing_.bytes_per_cycle,
                     static_cast<double>(beat_bytes_) + timing_.bytes_per_cycle);
}

ChannelTimeline::ChannelTimeline(const ChannelTiming& timing, uint32_t beat_bytes)
    : timing_(timing),
      beat_bytes_(beat_bytes),
      rate_(std::min(timing.bytes_per_cycle, static_cast<double>(beat_bytes))) {
  if (timing.bytes_per_cycle <= 0.0 || beat_bytes == 0) {
    throw std::invalid_argument("ChannelTimeline: rate and beat size must be > 0");
  }
}

double ChannelTimeline::transfer(double at, uint32_t beats, uint32_t beat_bytes, bool read,
                                 bool refresh) {
  // A channel that waited has a whole beat ready (the bucket of AxiMemoryChannel): the first
  // read beat leaves once the latency has passed, the others at the rate, each taken on the
  // next edge. A write's beats are taken at the rate from when its data is ready; its response
  // comes the latency after the last. The kernel's own beats stand still in refreshes.
  const double per_beat = beat_bytes / std::min(timing_.bytes_per_cycle, double(beat_bytes));
  const auto after = [&](double t, double work) {
    return refresh ? timing_.after_refresh(t - origin_, work) + origin_ : t + work;
  };
  if (read) {
    const double begin = after(std::max(at + timing_.latency_cycles, free_), 0.0);
    free_ = after(begin, static_cast<double>(beats) * per_beat);
    return after(begin, static_cast<double>(beats - 1) * per_beat) + 1.0;
  }
  const double begin = std::max(at, free_);
  free_ = after(begin, static_cast<double>(beats) * per_beat);
  return free_ + timing_.latency_cycles;
}

double ChannelTimeline::read_bytes(double at, uint32_t beats, uint32_t beat_bytes) {
  return transfer(at, beats, beat_bytes, true, false);
}

double ChannelTimeline::write_bytes(double at, uint32_t beats, uint32_t beat_bytes) {
  return transfer(at, beats, beat_bytes, false, false);
}

}  // namespace mmf::sim

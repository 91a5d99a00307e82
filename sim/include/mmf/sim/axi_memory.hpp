// SPDX-License-Identifier: Apache-2.0
// Cycle-level timing model of one memory channel behind an AXI4 port. Reads: requests are
// accepted up to `max_outstanding`, each becomes readable `latency_cycles` after it was taken,
// and beats leave in request order at no more than `bytes_per_cycle` on average. Writes: bursts
// are accepted up to `max_outstanding`, their beats are taken in order at the same rate (shared
// with reads), and each burst's response comes `latency_cycles` after its last beat. Refresh:
// for the first `refresh_cycles` of every `refresh_interval_cycles` the channel moves no data
// and gains no rate. The refreshes are counted from the kernel's start (restart_refresh), so
// every launch sees them at the same cycles whatever the host did before it: the real phase is
// arbitrary, and this one makes the simulated forms agree cycle for cycle. The one timing model of
// a memory channel: the Verilator harness drives it with the RTL's pins and the SystemC platform
// reuses it. Plain C++, no simulator headers.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

namespace mmf::sim {

// Faults a channel can inject, for reliability tests; all off by default.
struct ChannelFaults {
  uint64_t read_error_beat = 0;    // the n-th read beat (from 1) answers read_error_resp; 0: none
  uint8_t read_error_resp = 2;     // 2 SLVERR, 3 DECERR
  uint64_t stall_after_beats = 0;  // after this many read beats no beat comes again; 0: never
};

struct ChannelTiming {
  double bytes_per_cycle = 64.0;  // rate between refreshes (host::sim_channel_timing derives it
                                  // from the board's sustained rate)
  uint32_t latency_cycles = 64;   // request accepted -> first beat may leave
  uint32_t max_outstanding = 16;  // requests in flight
  ChannelFaults faults;
  double refresh_interval_cycles = 0.0;  // 0: no refresh
  double refresh_cycles = 0.0;           // < refresh_interval_cycles

  // Is the channel refreshing at `cycle`?
  bool refreshing(double cycle) const;
  // The cycle at which `work` cycles of data transfer begun at `at` are done, the transfer
  // standing still while the channel refreshes (a transfer begun in a refresh waits for its
  // end). With no refresh: at + work.
  double after_refresh(double at, double work) const;
  // The long-run rate: bytes_per_cycle x the share of time not refreshing.
  double average_bytes_per_cycle() const;
};

class AxiMemoryChannel {
 public:
  // `memory` (size bytes) must outlive the channel; beats are beat_bytes wide.
  AxiMemoryChannel(const ChannelTiming& timing, uint8_t* memory, uint64_t size,
                   uint32_t beat_bytes);

  // Address channel: may a request be taken this cycle; take one (len = beats - 1).
  bool ar_ready() const { return requests_.size() < timing_.max_outstanding; }
  void ar_accept(uint64_t addr, uint32_t len);

  // Data channel: the beat on offer this cycle (valid only if r_valid()).
  bool r_valid() const;
  const uint8_t* r_data() const { return beat_.data(); }
  bool r_last() const;
  // 0 OKAY; 2 SLVERR for an address outside the memory; an injected fault's response.
  uint8_t r_resp() const;
  void r_accept();

  // Write address channel: may a burst be taken; take one (len = beats - 1).
  bool aw_ready() const { return writes_.size() < timing_.max_outstanding; }
  void aw_accept(uint64_t addr, uint32_t len);
  // Write data channel: may a beat be taken this cycle; take one (strb: one bit per byte, at
  // most 64 bytes per beat here). Throws if wlast disagrees with the burst length.
  bool w_ready() const;
  void w_accept(const uint8_t* data, uint64_t strb, bool last);
  // The same for beats of any width: strobe bit k (byte k) is bit k % 32 of strb_words[k / 32].
  void w_accept_wide(const uint8_t* data, const uint32_t* strb_words, bool last);
  // Write response channel.
  bool b_valid() const;
  uint8_t b_resp() const;
  void b_accept();

  // Advances one clock cycle.
  void tick();

  uint64_t cycles() const { return cycle_; }
  // Counts the refreshes from this cycle on (the kernel's start).
  void restart_refresh() { refresh_origin_ = cycle_; }
  bool refreshing() const {
    return timing_.refreshing(static_cast<double>(cycle_ - refresh_origin_));
  }
  uint64_t bytes_served() const { return bytes_served_; }
  uint64_t errors() const { return errors_; }

 private:
  struct Request {
    uint64_t addr;
    uint32_t beats;
    uint32_t sent;
    uint64_t ready_cycle;
  };
  struct Write {
    uint64_t addr;
    uint32_t beats;
    uint32_t taken;
    uint64_t response_cycle;  // set when the last beat is taken
    bool error;
  };
  void load_beat();

  ChannelTiming timing_;
  uint8_t* memory_;
  uint64_t size_;
  uint32_t beat_bytes_;
  std::deque<Request> requests_;
  std::deque<Write> writes_;
  std::vector<uint8_t> beat_;
  double budget_ = 0.0;  // bytes the channel may still deliver (token bucket)
  uint64_t cycle_ = 0;
  uint64_t bytes_served_ = 0;
  uint64_t errors_ = 0;
  uint64_t read_beats_ = 0;  // read beats taken
  uint64_t refresh_origin_ = 0;
};

// The same channel at transaction level, for the SystemC platform: bursts instead of beats.
// A read burst requested at cycle `at` may start `latency_cycles` later; bursts share the data
// path in request order at the channel's rate, one beat a cycle at most (as AxiMemoryChannel),
// and stand still while it refreshes. The initiator keeps at most `max_outstanding` bursts in
// flight, as the RTL's masters do. Another initiator's bursts (the host link's DMA, between
// launches) are timed without refresh: the link is slower than the channel, and the kernel's
// refresh phase must not depend on how long the kernel took.
class ChannelTimeline {
 public:
  ChannelTimeline(const ChannelTiming& timing, uint32_t beat_bytes);
  // Bytes per cycle the data path moves between refreshes.
  double rate() const { return rate_; }
  // A read burst of `beats`: the cycle (fractional) its last beat has been delivered.
  double read(double at, uint32_t beats) { return transfer(at, beats, beat_bytes_, true, true); }
  // A write burst of `beats` whose data is ready from cycle `at`: the cycle of its response.
  double write(double at, uint32_t beats) { return transfer(at, beats, beat_bytes_, false, true); }
  // The same for another initiator of the channel whose beats are `beat_bytes` wide (the
  // shell's DMA engine behind the host link), without refresh.
  double read_bytes(double at, uint32_t beats, uint32_t beat_bytes);
  double write_bytes(double at, uint32_t beats, uint32_t beat_bytes);
  uint32_t beat_bytes() const { return beat_bytes_; }
  const ChannelTiming& timing() const { return timing_; }
  // Counts the kernel's refreshes from cycle `at` (its start), as AxiMemoryChannel does.
  void restart_refresh(double at) { origin_ = at; }

 private:
  double transfer(double at, uint32_t beats, uint32_t beat_bytes, bool read, bool refresh);

  ChannelTiming timing_;
  uint32_t beat_bytes_;
  double origin_ = 0.0;  // the kernel's start: refreshes are counted from it
  double rate_;          // of the channel's own beats
  double free_ = 0.0;    // the cycle the data path is free from
};

}  // namespace mmf::sim

// SPDX-License-Identifier: Apache-2.0
// One device memory channel as a TLM-2.0 target: b_transport times a burst with the channel's
// ChannelTimeline (axi_memory.hpp, the timing model the Verilator harness uses beat by beat)
// and annotates the delay. Reads and writes move data to or from the bank's bytes, unless the
// payload carries the TimingOnly extension (the accelerator model's streams: the data of a
// launch is computed by the caller, bit-exact, and only the time is the platform's).
#pragma once

#include <optional>
#include <vector>

#include <tlm_utils/multi_passthrough_target_socket.h>
#include "mmf/sim/axi_memory.hpp"
#include "systemc.hpp"

namespace mmf::sim {

// Marks a payload whose bytes are not moved: only its command and length count.
struct TimingOnly : tlm::tlm_extension<TimingOnly> {
  tlm::tlm_extension_base* clone() const override { return new TimingOnly(*this); }
  void copy_from(const tlm::tlm_extension_base&) override {}
};

// Sends a timing-only payload of `bytes` through `socket` (any initiator socket) with the
// delay annotated so far; returns the delay after the target's.
template <class Socket>
sc_core::sc_time transport_timing_only(Socket& socket, tlm::tlm_command cmd, uint64_t bytes,
                                       sc_core::sc_time delay) {
  tlm::tlm_generic_payload p;
  TimingOnly timing_only;
  p.set_command(cmd);
  p.set_address(0);
  p.set_data_ptr(nullptr);
  p.set_data_length(static_cast<uint32_t>(bytes));
  p.set_extension(&timing_only);
  socket->b_transport(p, delay);
  p.clear_extension(&timing_only);
  return delay;
}

class MemoryTarget : public sc_core::sc_module {
 public:
  // The accelerator's port and, for the vector bank, the host link too.
  tlm_utils::multi_passthrough_target_socket<MemoryTarget> socket;

  explicit MemoryTarget(const sc_core::sc_module_name& name);
  // Before a run: the channel's timing and beat width, and its bytes (may be null: timing only).
  void configure(const ChannelTiming& timing, uint32_t beat_bytes, const KernelClock& clock,
                 uint8_t* bytes, uint64_t size);
  // Beats of the initiator bound to `port` (in binding order), when not the channel's own; its
  // transfers are timed without refresh (ChannelTimeline).
  void set_port_beat(int port, uint32_t beat_bytes);
  // At the kernel's start (cycle `at`): its refreshes are counted from here.
  void restart_refresh(double at);
  uint64_t bytes_moved() const { return bytes_moved_; }

 private:
  void b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  std::optional<ChannelTimeline> timeline_;
  KernelClock clock_;
  uint8_t* bytes_ = nullptr;
  uint64_t size_ = 0;
  uint64_t bytes_moved_ = 0;
  std::vector<uint32_t> port_beat_;  // 0: the channel's own beat
};

}  // namespace mmf::sim

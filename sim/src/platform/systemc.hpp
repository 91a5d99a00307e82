// SPDX-License-Identifier: Apache-2.0
// The one include of SystemC and TLM-2.0 for the platform's units, with dynamic processes
// (sc_spawn) enabled: the accelerator spawns one process per weight channel.
#pragma once

#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

namespace mmf::sim {

// The platform's clock: cycles of the kernel clock <-> SystemC time.
class KernelClock {
 public:
  explicit KernelClock(double mhz = 300.0) : period_ns_(1e3 / mhz) {}
  sc_core::sc_time cycles(double n) const {
    return sc_core::sc_time(n * period_ns_, sc_core::SC_NS);
  }
  double to_cycles(const sc_core::sc_time& t) const { return t.to_seconds() * 1e9 / period_ns_; }
  double now() const { return to_cycles(sc_core::sc_time_stamp()); }

 private:
  double period_ns_;
};

}  // namespace mmf::sim

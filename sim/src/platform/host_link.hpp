// SPDX-License-Identifier: Apache-2.0
// The host link (PCIe on the Alveo and Intel cards, the SoC's AXI ports on an edge board) as a
// TLM-2.0 interconnect: a host transfer streams through the link and the device memory behind
// it at once (the shell's DMA), so it takes the longer of the two. The per-launch cost (register
// writes, completion) is the platform's own wait, see Platform::run.
#pragma once

#include "mmf/sim/platform.hpp"
#include "systemc.hpp"

namespace mmf::sim {

class HostLink : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<HostLink> from_host;
  tlm_utils::simple_initiator_socket<HostLink> to_device;

  explicit HostLink(const sc_core::sc_module_name& name);
  void configure(const HostLinkParams& params) { params_ = params; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  HostLinkParams params_;
};

}  // namespace mmf::sim

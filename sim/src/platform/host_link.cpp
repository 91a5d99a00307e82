// SPDX-License-Identifier: Apache-2.0
#include "host_link.hpp"

namespace mmf::sim {

HostLink::HostLink(const sc_core::sc_module_name& name)
    : sc_core::sc_module(name), from_host("from_host"), to_device("to_device") {
  from_host.register_b_transport(this, &HostLink::b_transport);
}

void HostLink::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  // The DMA streams between the link and the memory: the slower of the two sets the time.
  // gbps is bytes per ns.
  const sc_core::sc_time link_done =
      delay +
      sc_core::sc_time(static_cast<double>(trans.get_data_length()) / params_.gbps, sc_core::SC_NS);
  to_device->b_transport(trans, delay);
  if (delay < link_done) delay = link_done;
}

}  // namespace mmf::sim

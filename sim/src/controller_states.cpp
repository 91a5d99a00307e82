// SPDX-License-Identifier: Apache-2.0
#include <string>

#include "mmf/sim/kernel_sim.hpp"
#include "mmf_hls/controller_states.hpp"

namespace mmf::sim {

std::string controller_state_name(unsigned state) {
  if (state >= mmf_hls::kNumControllerStates) return "unknown state " + std::to_string(state);
  const mmf_hls::ControllerStateInfo& s = mmf_hls::kControllerStates[state];
  return std::string(s.name) + " (" + s.meaning + ")";
}

}  // namespace mmf::sim

// SPDX-License-Identifier: Apache-2.0
#include "mmf/sim/kernel_sim.hpp"

namespace mmf::sim {

// In the order of state_e in rtl/mmf/mmf_controller.sv.
const char* controller_state_name(unsigned state) {
  static const char* const kNames[] = {"StIdle (waiting for ap_start)",
                                       "StLoad (reading the program)",
                                       "StFetch",
                                       "StDecode",
                                       "StDone",
                                       "StEmbToken (reading the token id)",
                                       "StEmbCheck",
                                       "StEmbRow (reading the embedding row)",
                                       "StBlNorm (BitLinear: waiting for the norm weights)",
                                       "StBlRun (BitLinear: norm, accumulate, results)",
                                       "StMgState (loading the MLGRU state)",
                                       "StMgLb (loading the lower bound)",
                                       "StMgGate (MLGRU gate pass)",
                                       "StMgStore (writing the MLGRU state)",
                                       "StMgProd (o_proj input products)",
                                       "StGlSilu (GLU SiLU pass)",
                                       "StGlUp (GLU up-half realignment)",
                                       "StGlProd (GLU products)",
                                       "StAdd (residual add)",
                                       "StStore (writing a vector)",
                                       "StAmRead (Argmax: reading the values)",
                                       "StAmToken (Argmax: writing the pick as the token)",
                                       "StAmRing (Argmax: writing the pick to the ring)",
                                       "StNext"};
  constexpr unsigned kCount = sizeof(kNames) / sizeof(kNames[0]);
  return state < kCount ? kNames[state] : "unknown state";
}

}  // namespace mmf::sim

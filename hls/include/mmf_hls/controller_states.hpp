// SPDX-License-Identifier: Apache-2.0
// The RTL controller's states (rtl/mmf/mmf_controller.sv), numbered once: `mmf gen-builds` writes
// this table into bitstreams/generated/mmf_control_pkg.sv as state_e, the kernel shows the state
// on dbg_state_o, and the simulators name it in a hang report and time ops by it (calibration).
// Plain C++: the HLS kernel has no such states; the table lives beside the register map because
// both are the RTL kernel's contract with its host-side models.
#pragma once

#include <cstdint>

namespace mmf_hls {

enum ControllerState : uint8_t {
  kStIdle,
  kStLoad,
  kStFetch,
  kStDecode,
  kStDone,
  kStEmbToken,
  kStEmbCheck,
  kStEmbRow,
  kStBlNorm,
  kStBlRun,
  kStMgState,
  kStMgLb,
  kStMgGate,
  kStMgStore,
  kStMgProd,
  kStGlSilu,
  kStGlUp,
  kStGlProd,
  kStAdd,
  kStStore,
  kStAmRead,
  kStAmToken,
  kStAmRing,
  kStNext,
  kNumControllerStates
};

struct ControllerStateInfo {
  const char* name;     // the SystemVerilog enum member
  const char* meaning;  // for people: what the controller waits for or does in it
};

// In ControllerState's order (static_assert below).
constexpr ControllerStateInfo kControllerStates[] = {
    {"StIdle", "waiting for ap_start"},
    {"StLoad", "reading the program"},
    {"StFetch", "fetching a descriptor"},
    {"StDecode", "checking a descriptor"},
    {"StDone", "ending the launch"},
    {"StEmbToken", "Embed: reading the token id"},
    {"StEmbCheck", "Embed: checking the token id"},
    {"StEmbRow", "Embed: reading the embedding row"},
    {"StBlNorm", "BitLinear: waiting for the norm weights"},
    {"StBlRun", "BitLinear: norm, accumulate, results"},
    {"StMgState", "MLGRU: loading the state"},
    {"StMgLb", "MLGRU: loading the lower bound"},
    {"StMgGate", "MLGRU: gate pass"},
    {"StMgStore", "MLGRU: writing the state"},
    {"StMgProd", "MLGRU: o_proj input products"},
    {"StGlSilu", "GLU: SiLU pass"},
    {"StGlUp", "GLU: up-half realignment"},
    {"StGlProd", "GLU: products"},
    {"StAdd", "residual add"},
    {"StStore", "writing a vector"},
    {"StAmRead", "Argmax: reading the values"},
    {"StAmToken", "Argmax: writing the pick as the token"},
    {"StAmRing", "Argmax: writing the pick to the ring"},
    {"StNext", "to the next op"},
};
static_assert(sizeof(kControllerStates) / sizeof(kControllerStates[0]) == kNumControllerStates,
              "one entry a state, in ControllerState's order");

// Bits of state_e and of the kernel's dbg_state_o.
constexpr uint32_t kControllerStateBits = 6;
static_assert(kNumControllerStates <= (1u << kControllerStateBits), "state_e is too narrow");

}  // namespace mmf_hls

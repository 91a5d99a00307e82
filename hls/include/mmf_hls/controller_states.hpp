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
  kStLoadProgram,
  kStFetchOp,
  kStCheckOp,
  kStDone,
  kStEmbedReadToken,
  kStEmbedCheckToken,
  kStEmbedReadRow,
  kStLinearWaitNorm,
  kStLinearRun,
  kStMlgruLoadState,
  kStMlgruLoadLowerBound,
  kStMlgruGate,
  kStMlgruStoreState,
  kStMlgruProducts,
  kStGluSilu,
  kStGluAlignUp,
  kStGluProducts,
  kStResidualAdd,
  kStStoreVector,
  kStArgmaxRead,
  kStArgmaxWriteToken,
  kStArgmaxWriteRing,
  kStPositionRead,
  kStPositionCheck,
  kStRopeTables,
  kStRopeHighRow,
  kStRopeRotate,
  kStRelu2GluRelu,
  kStRelu2GluSquare,
  kStRelu2GluProducts,
  kStEmbedWeightsRow,
  kStNextOp,
  kNumControllerStates
};

struct ControllerStateInfo {
  const char* name;     // the SystemVerilog enum member
  const char* meaning;  // for people: what the controller waits for or does in it
};

// In ControllerState's order (static_assert below).
constexpr ControllerStateInfo kControllerStates[] = {
    {"StIdle", "waiting for ap_start"},
    {"StLoadProgram", "reading the program"},
    {"StFetchOp", "fetching a descriptor"},
    {"StCheckOp", "checking a descriptor"},
    {"StDone", "ending the launch"},
    {"StEmbedReadToken", "Embed: reading the token id"},
    {"StEmbedCheckToken", "Embed: checking the token id"},
    {"StEmbedReadRow", "Embed: reading the embedding row"},
    {"StLinearWaitNorm", "BitLinear: waiting for the norm weights"},
    {"StLinearRun", "BitLinear: norm, accumulate, results"},
    {"StMlgruLoadState", "MLGRU: loading the state"},
    {"StMlgruLoadLowerBound", "MLGRU: loading the lower bound"},
    {"StMlgruGate", "MLGRU: gate pass"},
    {"StMlgruStoreState", "MLGRU: writing the state"},
    {"StMlgruProducts", "MLGRU: o_proj input products"},
    {"StGluSilu", "GLU: SiLU pass"},
    {"StGluAlignUp", "GLU: up-half realignment"},
    {"StGluProducts", "GLU: products"},
    {"StResidualAdd", "residual add"},
    {"StStoreVector", "writing a vector"},
    {"StArgmaxRead", "Argmax: reading the values"},
    {"StArgmaxWriteToken", "Argmax: writing the pick as the token"},
    {"StArgmaxWriteRing", "Argmax: writing the pick to the ring"},
    {"StPositionRead", "Rope: reading the position word"},
    {"StPositionCheck", "Rope: checking the position against the context"},
    {"StRopeTables", "Rope: reading the low table's row"},
    {"StRopeHighRow", "Rope: reading the high table's row"},
    {"StRopeRotate", "Rope: rotating the heads"},
    {"StRelu2GluRelu", "Relu2Glu: max(gate, 0)"},
    {"StRelu2GluSquare", "Relu2Glu: the square's products"},
    {"StRelu2GluProducts", "Relu2Glu: products with up"},
    {"StEmbedWeightsRow", "Embed: the bf16 row from its weight channel"},
    {"StNextOp", "to the next op"},
};
static_assert(sizeof(kControllerStates) / sizeof(kControllerStates[0]) == kNumControllerStates,
              "one entry a state, in ControllerState's order");

// Bits of state_e and of the kernel's dbg_state_o.
constexpr uint32_t kControllerStateBits = 6;
static_assert(kNumControllerStates <= (1u << kControllerStateBits), "state_e is too narrow");

}  // namespace mmf_hls

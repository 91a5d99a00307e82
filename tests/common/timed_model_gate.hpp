// SPDX-License-Identifier: Apache-2.0
// The CI gate of the SystemC platform's timed model against the RTL (host_calibration_test,
// e2e_backends_test): how far the timed kernel cycles may stray from the Verilated RTL's.
// Both simulations are deterministic, so there is no run-to-run noise: the gate is the largest
// error seen on the CI cases (docs/platform.md, Calibration, `mmf calibrate`) with a margin,
// so that a change of the model or of the RTL's timing by more than that fails.
#pragma once

namespace mmf::test {

// Per token (one launch). Seen (`mmf calibrate -n 3`, docs/platform.md): tiny on ci-tiny
// -0.10% (its trace set the step costs), ragged +0.08%, narrow -0.67%, and tiny on the held-out
// kv260 +0.28%.
inline constexpr double kTimedTokenGate = 0.01;
// Per BitLinear op (most of a token's cycles). Worst seen: tiny 0.46%, ragged 0.30%, narrow
// 0.93%, kv260 0.98%.
inline constexpr double kTimedBitLinearGate = 0.015;

}  // namespace mmf::test

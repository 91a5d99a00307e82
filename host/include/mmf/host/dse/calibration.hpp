// SPDX-License-Identifier: Apache-2.0
// Calibration of the SystemC platform's timed accelerator model against the RTL: the same
// image and token sequence run on the `verilator` backend (cycle-accurate) and the `systemc`
// backend, and the kernel cycles are compared per op and per token.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/model.hpp"

namespace mmf::host {

struct CalibratedOp {
  uint32_t op = 0;
  uint32_t opcode = 0;
  uint64_t rtl = 0, model = 0;  // cycles of the op
  double error() const;         // (model - rtl) / rtl
};

struct CalibratedToken {
  uint64_t rtl = 0, model = 0;  // kernel cycles of the launch (the host link left out)
  std::vector<CalibratedOp> ops;
  double error() const;
};

struct CalibrationReport {
  std::vector<CalibratedToken> tokens;
  double max_token_error() const;    // the largest |error| of a token
  double mean_abs_op_error() const;  // over every op of every token
  double max_abs_op_error() const;
  double wall_rtl = 0.0, wall_model = 0.0;  // seconds the two simulations took
};

// Runs `tokens` (one launch each) through both backends. Needs a build with a Verilated kernel
// (compiled in, or built on first use) and the systemc backend.
CalibrationReport calibrate(const Model& model, const BuildDescriptor& build,
                            const std::vector<int32_t>& tokens);

}  // namespace mmf::host

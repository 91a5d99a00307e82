// SPDX-License-Identifier: Apache-2.0
#include "mmf/host/dse/calibration.hpp"

#include <chrono>
#include <cmath>

#include "mmf/error.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/host/runtime/accelerator.hpp"

namespace mmf::host {
namespace {

double relative(uint64_t model, uint64_t rtl) {
  return rtl == 0
             ? 0.0
             : (static_cast<double>(model) - static_cast<double>(rtl)) / static_cast<double>(rtl);
}

// Kernel cycles and per-op cycles of every launch of `tokens` on `backend`.
std::vector<DeviceCounters> run_tokens(const std::string& backend, const BuildDescriptor& build,
                                       const DeviceImage& image, const std::vector<int32_t>& tokens,
                                       double& wall) {
  Accelerator acc(open_device(backend, build), image);
  std::vector<DeviceCounters> out;
  const auto start = std::chrono::steady_clock::now();
  for (int32_t t : tokens) {
    acc.step(t);
    out.push_back(acc.last_counters());
    if (!out.back().cycles)
      throw Error("calibrate: the " + backend + " backend reported no cycles");
  }
  wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace

double CalibratedOp::error() const {
  return relative(model, rtl);
}
double CalibratedToken::error() const {
  return relative(model, rtl);
}

double CalibrationReport::max_token_error() const {
  double m = 0.0;
  for (const CalibratedToken& t : tokens) m = std::max(m, std::abs(t.error()));
  return m;
}

double CalibrationReport::mean_abs_op_error() const {
  double sum = 0.0;
  size_t n = 0;
  for (const CalibratedToken& t : tokens) {
    for (const CalibratedOp& o : t.ops) {
      sum += std::abs(o.error());
      ++n;
    }
  }
  return n == 0 ? 0.0 : sum / static_cast<double>(n);
}

double CalibrationReport::max_abs_op_error() const {
  double m = 0.0;
  for (const CalibratedToken& t : tokens) {
    for (const CalibratedOp& o : t.ops) m = std::max(m, std::abs(o.error()));
  }
  return m;
}

CalibrationReport calibrate(const Model& model, const BuildDescriptor& build,
                            const std::vector<int32_t>& tokens) {
  if (tokens.empty()) throw Error("calibrate: no tokens to run");
  const DeviceImage image = compile_model(model, build);
  CalibrationReport r;
  const auto rtl = run_tokens("verilator", build, image, tokens, r.wall_rtl);
  const auto timed = run_tokens("systemc", build, image, tokens, r.wall_model);
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (rtl[k].ops.size() != timed[k].ops.size()) {
      throw Error("calibrate: token " + std::to_string(k) + " ran " +
                  std::to_string(rtl[k].ops.size()) + " ops on verilator and " +
                  std::to_string(timed[k].ops.size()) + " on systemc");
    }
    CalibratedToken t;
    t.rtl = *rtl[k].cycles;
    t.model = *timed[k].cycles - timed[k].link_cycles.value_or(0);
    for (size_t i = 0; i < rtl[k].ops.size(); ++i) {
      const OpCycles& a = rtl[k].ops[i];
      const OpCycles& b = timed[k].ops[i];
      t.ops.push_back(CalibratedOp{static_cast<uint32_t>(i),
                                   image.program[i][mmf_hls::kFieldOpcode], a.end - a.start,
                                   b.end - b.start});
    }
    r.tokens.push_back(std::move(t));
  }
  return r;
}

}  // namespace mmf::host

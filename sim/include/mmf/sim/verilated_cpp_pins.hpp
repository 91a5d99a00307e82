// SPDX-License-Identifier: Apache-2.0
// The pins of a Verilated C++ model (verilator --cc) of the kernel, for KernelHarness: the
// model's own port members, evaluated in its own VerilatedContext (one per model, so several
// kernels live in one process), with an optional FST waveform. Include only from a
// translation unit that compiles a Verilated model.
#pragma once

#include <verilated.h>
#include <verilated_fst_c.h>

#include <memory>

#include "mmf/sim/kernel_sim.hpp"

namespace mmf::sim {

template <class Model>
class VerilatedCppPins {
 public:
  explicit VerilatedCppPins(const SimOptions& options)
      : context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(2);
    if (!options.trace_path.empty()) context_->traceEverOn(true);
    model_ = std::make_unique<Model>(context_.get(), "kernel");
    if (!options.trace_path.empty()) {
      trace_ = std::make_unique<VerilatedFstC>();
      model_->trace(trace_.get(), 99);
      trace_->open(options.trace_path.c_str());
    }
  }

  ~VerilatedCppPins() {
    if (trace_) trace_->close();
    model_->final();
  }

  VerilatedCppPins(const VerilatedCppPins&) = delete;
  VerilatedCppPins& operator=(const VerilatedCppPins&) = delete;

  Model& ports() { return *model_; }

  void settle() {
    model_->clk_i = 0;
    model_->eval();
  }

  // One clock period of the waveform per cycle: low half, then the rising edge.
  void tick() {
    settle();
    if (trace_) trace_->dump(context_->time());
    context_->timeInc(1);
    model_->clk_i = 1;
    model_->eval();
    if (trace_) trace_->dump(context_->time());
    context_->timeInc(1);
  }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<VerilatedFstC> trace_;
};

}  // namespace mmf::sim

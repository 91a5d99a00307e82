// SPDX-License-Identifier: Apache-2.0
#include "backends/verilator/rtl_kernel_run.hpp"

#include <sstream>

#include "backends/channel_timing.hpp"
#include "backends/verilator/kernel_cache.hpp"
#include "mmf/error.hpp"
#include "mmf_hls/controller_states.hpp"

namespace mmf::host {
namespace {

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << std::hex << v;
  return s.str();
}

// The kernel compiled into the binary (CI builds), else one built on first use.
std::unique_ptr<sim::KernelSim> open_kernel(const BuildDescriptor& build,
                                            const sim::SimOptions& options) {
  for (const sim::CompiledKernel& k : sim::compiled_kernels()) {
    if (k.build == build.name && k.fingerprint == build.fingerprint()) return k.make(options);
  }
  return cached_kernel_sim(build, options);
}

// Op k runs from the controller's k-th entry into StFetchOp to the next StFetchOp (or StDone):
// fetch, decode, its steps, StNextOp.
std::vector<OpCycles> op_cycles(const std::vector<sim::StateEntry>& states) {
  std::vector<OpCycles> ops;
  for (const sim::StateEntry& e : states) {
    if (e.state != mmf_hls::kStFetchOp && e.state != mmf_hls::kStDone) continue;
    if (!ops.empty()) ops.back().end = e.cycle;
    if (e.state == mmf_hls::kStFetchOp) ops.push_back(OpCycles{e.cycle, e.cycle});
  }
  // The last StFetchOp finds the program over (or a bad op): it is no op.
  if (!ops.empty()) ops.pop_back();
  return ops;
}

}  // namespace

// Memory timing of the build's channels: the pseudo-channel's rate at the kernel clock.
sim::SimOptions RtlKernelRun::sim_options(const BuildDescriptor& build,
                                          const DeviceOptions& options) {
  sim::SimOptions o;
  o.weight_timing = sim_channel_timing(build);
  o.vec_timing = o.weight_timing;
  o.watchdog_cycles = 200'000'000;
  o.trace_path = options.verilator.trace_path;
  return o;
}

RtlKernelRun::RtlKernelRun(const BuildDescriptor& build, const DeviceOptions& options,
                           std::string backend)
    : sim_(open_kernel(build, sim_options(build, options))), backend_(std::move(backend)) {}

RtlKernelRun::RtlKernelRun(std::unique_ptr<sim::KernelSim> sim, std::string backend)
    : sim_(std::move(sim)), backend_(std::move(backend)) {}

mmf_hls::KernelCounters RtlKernelRun::run(const HostLaunch& launch) {
  sim::KernelLaunch l;
  for (size_t c = 0; c < launch.weights.size(); ++c) {
    l.weights.push_back(
        sim::BankView{const_cast<uint8_t*>(launch.weights[c]), launch.weight_bytes[c]});
  }
  l.vec = sim::BankView{reinterpret_cast<uint8_t*>(launch.vec), launch.vec_bytes};
  l.program = launch.regs.program;
  l.num_ops = launch.regs.num_ops;
  l.vec_words = launch.regs.vec_words;
  l.weight_words = launch.regs.weight_words;
  l.num_tokens = launch.regs.num_tokens;
  const sim::LaunchResult r = sim_->run(l);
  cycles_ = r.cycles;
  ops_ = op_cycles(r.states);
  perf_.busy_cycles = r.regs.busy_cycles;
  perf_.accumulate_cycles = r.regs.accumulate_cycles;
  perf_.starved_cycles = r.regs.starved_cycles;
  perf_.pass_cycles = r.regs.pass_cycles;
  perf_.vec_wait_cycles = r.regs.vec_wait_cycles;
  perf_.vec_read_bytes = r.regs.vec_read_bytes;
  perf_.vec_write_bytes = r.regs.vec_write_bytes;
  if (r.regs.axi_errors != 0) {
    // Bits: weight channel c at bit c, then vector-bank read, then vector-bank write.
    const size_t channels = launch.weights.size();
    std::string where;
    for (size_t bit = 0; bit < channels + 2; ++bit) {
      if (((r.regs.axi_errors >> bit) & 1) == 0) continue;
      where +=
          (where.empty() ? "" : ", ") + (bit < channels    ? "weight channel " + std::to_string(bit)
                                         : bit == channels ? std::string("vector-bank read")
                                                           : std::string("vector-bank write"));
    }
    throw Error(backend_ + ": the kernel got an AXI error response on " + where +
                " (error bits 0x" + hex(r.regs.axi_errors) +
                "): an access past a memory bank, or a memory fault");
  }
  mmf_hls::KernelCounters k;
  k.status = static_cast<uint32_t>(r.regs.status);
  k.ops_done = static_cast<uint32_t>(r.regs.ops_done);
  k.ternary_ops = r.regs.ternary_ops;
  k.weight_bytes = r.regs.weight_bytes;
  k.vector_bytes = r.regs.vector_bytes;
  return k;
}

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// The Verilator harness of sim/ (KernelHarness behind KernelSim): a launch that outlives the
// watchdog is an error naming the controller's state, and the harness reads the kernel's
// performance registers after a run.
#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/sim/kernel_sim.hpp"

namespace mmf::test {
namespace {

struct Fixture {
  host::BuildDescriptor build = host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
  host::DeviceImage image =
      host::compile_model(make_random_model(ragged_test_config(1), 4, Packing::two_bit), build);
  std::vector<std::vector<uint8_t>> weights = image.weights;
  std::vector<uint32_t> vec = image.vec;

  sim::KernelLaunch launch() {
    sim::KernelLaunch l;
    for (auto& w : weights) l.weights.push_back({w.data(), w.size()});
    l.vec = {reinterpret_cast<uint8_t*>(vec.data()), vec.size() * 4};
    l.program = image.layout.program;
    l.num_ops = image.layout.num_ops;
    l.vec_words = static_cast<uint32_t>(image.layout.vec_words);
    l.weight_words = static_cast<uint32_t>(image.layout.weight_words);
    return l;
  }
};

const sim::CompiledKernel* ci_tiny_kernel() {
  for (const auto& k : sim::compiled_kernels()) {
    if (std::string(k.build) == "ci-tiny") return &k;
  }
  return nullptr;
}

TEST(KernelHarness, WatchdogNamesTheControllerState) {
  const sim::CompiledKernel* k = ci_tiny_kernel();
  if (k == nullptr) GTEST_SKIP() << "no Verilated ci-tiny kernel (verilator missing at build time)";
  Fixture f;
  sim::SimOptions o;
  o.watchdog_cycles = 300;  // far less than a token
  auto sim = k->make(o);
  try {
    sim->run(f.launch());
    MMF_EXPECT_TRUE(false) << "the watchdog did not fire";
  } catch (const sim::SimError& e) {
    const std::string what = e.what();
    MMF_EXPECT_TRUE(what.find("watchdog") != std::string::npos) << what;
    MMF_EXPECT_TRUE(what.find("state St") != std::string::npos) << what;
  }
}

// Faults injected into the memory model: an error response sets the channel's bit of the
// kernel's AXI-error register (weight channel c: bit c; vector-bank read: bit channels), and a
// memory that stops answering ends in the watchdog, naming the controller state.
TEST(KernelHarness, ReportsInjectedMemoryFaults) {
  const sim::CompiledKernel* k = ci_tiny_kernel();
  if (k == nullptr) GTEST_SKIP() << "no Verilated ci-tiny kernel (verilator missing at build time)";
  Fixture f;
  const uint64_t channels = f.weights.size();
  {
    sim::SimOptions o;
    o.weight_timing.faults.read_error_beat = 20;  // SLVERR, on each weight channel
    const sim::LaunchResult r = k->make(o)->run(f.launch());
    MMF_EXPECT_EQ(r.regs.axi_errors & ((uint64_t{1} << channels) - 1),
                  (uint64_t{1} << channels) - 1);
  }
  {
    sim::SimOptions o;
    o.vec_timing.faults.read_error_beat = 3;
    o.vec_timing.faults.read_error_resp = 3;  // DECERR
    const sim::LaunchResult r = k->make(o)->run(f.launch());
    MMF_EXPECT_EQ(r.regs.axi_errors, uint64_t{1} << channels);
  }
  {
    sim::SimOptions o;
    o.weight_timing.faults.stall_after_beats = 10;
    o.watchdog_cycles = 20000;
    try {
      k->make(o)->run(f.launch());
      MMF_EXPECT_TRUE(false) << "a stalled memory did not end in the watchdog";
    } catch (const sim::SimError& e) {
      const std::string what = e.what();
      MMF_EXPECT_TRUE(what.find("watchdog") != std::string::npos) << what;
      MMF_EXPECT_TRUE(what.find("state St") != std::string::npos) << what;
    }
  }
}

TEST(KernelHarness, ReadsThePerformanceRegisters) {
  const sim::CompiledKernel* k = ci_tiny_kernel();
  if (k == nullptr) GTEST_SKIP() << "no Verilated ci-tiny kernel (verilator missing at build time)";
  Fixture f;
  sim::SimOptions o;
  o.weight_timing.bytes_per_cycle = 47.9;
  o.vec_timing.bytes_per_cycle = 47.9;
  auto sim = k->make(o);
  const sim::LaunchResult r = sim->run(f.launch());
  MMF_EXPECT_EQ(r.regs.status, 0u);
  MMF_EXPECT_EQ(r.regs.ops_done, f.image.layout.num_ops);
  MMF_EXPECT_EQ(r.regs.axi_errors, 0u);
  MMF_EXPECT_EQ(r.regs.channel_bytes.size(), 2u);
  // The channels' bytes add up to the kernel's weight bytes; the run is busy from start to
  // done, a little less than the harness's count (which includes the control-bus accesses).
  MMF_EXPECT_EQ(r.regs.channel_bytes[0] + r.regs.channel_bytes[1], r.regs.weight_bytes);
  MMF_EXPECT_LT(r.regs.busy_cycles, r.cycles);
  MMF_EXPECT_LT(r.cycles - r.regs.busy_cycles, uint64_t{200});
  MMF_EXPECT_LT(uint64_t{0}, r.regs.accumulate_cycles);
  MMF_EXPECT_LT(uint64_t{0}, r.regs.pass_cycles);
  MMF_EXPECT_LE(r.regs.vector_bytes, r.regs.vec_read_bytes + r.regs.vec_write_bytes);
}

}  // namespace
}  // namespace mmf::test

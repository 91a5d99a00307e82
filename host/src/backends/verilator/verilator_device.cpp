// SPDX-License-Identifier: Apache-2.0
// The `verilator` backend: the RTL kernel (rtl/) of the build, cycle-accurate under Verilator,
// with every memory channel behind the timing model of sim/ (the build's channel rate). Device
// memory is host memory; the kernel sees it through its AXI masters.
#include "backends/verilator/rtl_kernel_run.hpp"

namespace mmf::host {
namespace {

class VerilatorDevice final : public HostMemoryDevice {
 public:
  VerilatorDevice(BuildDescriptor build, const DeviceOptions& options)
      : HostMemoryDevice("verilator", std::move(build)),
        kernel_(this->build(), options, "verilator") {}
  ~VerilatorDevice() override { drain(); }

 protected:
  mmf_hls::KernelCounters execute(const HostLaunch& launch) override { return kernel_.run(launch); }
  std::optional<uint64_t> last_cycles() const override { return kernel_.cycles(); }
  std::vector<OpCycles> last_op_cycles() const override { return kernel_.ops(); }
  std::optional<PerfCounters> last_perf() const override { return kernel_.perf(); }

 private:
  RtlKernelRun kernel_;
};

}  // namespace

std::unique_ptr<Device> make_verilator_device(const BuildDescriptor& build,
                                              const DeviceOptions& options) {
  return std::make_unique<VerilatorDevice>(build, options);
}

}  // namespace mmf::host

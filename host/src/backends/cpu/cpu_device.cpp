// SPDX-License-Identifier: Apache-2.0
// The `cpu` backend: the token program run by the CPU engine (cpu_engine.hpp) on the device
// image in host memory.
#include "backends/cpu/cpu_engine.hpp"

namespace mmf::host {
namespace {

class CpuDevice final : public HostMemoryDevice {
 public:
  CpuDevice(BuildDescriptor build, const DeviceOptions& options)
      : HostMemoryDevice("cpu", std::move(build)), engine_(this->build(), options) {}
  ~CpuDevice() override { drain(); }

 protected:
  mmf_hls::KernelCounters execute(const HostLaunch& launch) override { return engine_.run(launch); }

 private:
  CpuEngine engine_;
};

}  // namespace

std::unique_ptr<Device> make_cpu_device(const BuildDescriptor& build,
                                        const DeviceOptions& options) {
  return std::make_unique<CpuDevice>(build, options);
}

}  // namespace mmf::host

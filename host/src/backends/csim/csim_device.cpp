// SPDX-License-Identifier: Apache-2.0
// The `csim` backend: the HLS kernel top of the build (hls/ + bitstreams/generated/<build>/),
// compiled natively with g++. Untimed: it reports the kernel's counters but no cycles.
#include <sstream>

#include "backends/host_memory_device.hpp"
#include "mmf/error.hpp"
#include "mmf_hls/csim_launch.hpp"

namespace mmf::host {
namespace {

const mmf_hls::CsimBuild& find_csim_build(const BuildDescriptor& build) {
  std::string compiled;
  for (int k = 0; k < mmf_hls::kNumCsimBuilds; ++k) {
    const mmf_hls::CsimBuild& c = mmf_hls::kCsimBuilds[k];
    if (c.name == build.name) {
      if (c.fingerprint != build.fingerprint()) {
        throw Error(build.path + " differs from the build '" + build.name +
                    "' compiled into this csim backend: run `make gen` and "
                    "rebuild");
      }
      return c;
    }
    compiled += std::string(compiled.empty() ? "" : ", ") + c.name;
  }
  throw Error("--backend csim: build '" + build.name + "' (" + build.path +
              ") is not compiled into this binary (compiled: " + compiled +
              "); run `make gen` and rebuild");
}

class CsimDevice final : public HostMemoryDevice {
 public:
  explicit CsimDevice(BuildDescriptor build)
      : HostMemoryDevice("csim", std::move(build)), kernel_(find_csim_build(this->build())) {}
  ~CsimDevice() override { drain(); }

 protected:
  mmf_hls::KernelCounters execute(const HostLaunch& launch) override {
    std::vector<void*> weights(launch.weights.begin(), launch.weights.end());
    mmf_hls::KernelCounters counters;
    kernel_.run(mmf_hls::CsimLaunch{weights.data(), launch.vec, launch.regs, &counters});
    return counters;
  }

 private:
  const mmf_hls::CsimBuild& kernel_;
};

}  // namespace

std::unique_ptr<Device> make_csim_device(const BuildDescriptor& build) {
  return std::make_unique<CsimDevice>(build);
}

}  // namespace mmf::host

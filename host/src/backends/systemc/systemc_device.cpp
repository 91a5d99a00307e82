// SPDX-License-Identifier: Apache-2.0
// The `systemc` backend: the SystemC/TLM-2.0 platform of the build's board
// (mmf/sim/platform.hpp) times every launch: the host link, the memory channels and the
// accelerator in one of two forms. The timed form is an approximately-timed model while the
// CPU engine computes the data on the device image, so its outputs are the cpu backend's by
// construction and it checks timing only; the rtl form is the build's Verilated RTL, which
// computes the data itself, cycle by cycle: as a SystemC module of the platform (Verilator
// --sc, `rtl`) or as the C++ model the platform calls (`rtl-cpp`). Only the rtl form's outputs
// are evidence of bit-exactness (host_systemc_device_test compares them with the verilator
// backend's). Cycles are the platform's: the kernel's plus the host link's, at the kernel clock.
#include <algorithm>

#include "backends/channel_timing.hpp"
#include "backends/cpu/cpu_engine.hpp"
#include "backends/verilator/rtl_kernel_run.hpp"
#include "mmf/error.hpp"
#include "mmf/host/util/join_list.hpp"
#include "mmf/sim/platform.hpp"

namespace mmf::host {
namespace {

class SystemcDevice final : public HostMemoryDevice {
 public:
  SystemcDevice(BuildDescriptor build, const DeviceOptions& options)
      : HostMemoryDevice("systemc", std::move(build)),
        packing_(options.channel_packing),
        rtl_(open_rtl(this->build(), options)),
        engine_(this->build(), options),
        platform_(sim::make_platform(
            platform_params(this->build(), "--backend systemc", modeled_word_bytes(options)))) {}
  ~SystemcDevice() override { drain(); }

  Packing weight_packing() const override { return packing_; }

  // The host's transfers between launches cross the link: writes before a launch and reads
  // after the previous one count toward it. The image upload and its check, before the first
  // launch, are setup and do not.
  void write(BufferHandle buffer, uint64_t offset, const void* data, uint64_t bytes) override {
    HostMemoryDevice::write(buffer, offset, data, bytes);
    if (launched_) to_device_ += bytes;
  }
  void read(BufferHandle buffer, uint64_t offset, void* data, uint64_t bytes) override {
    HostMemoryDevice::read(buffer, offset, data, bytes);
    if (launched_) to_host_ += bytes;
  }
  void start(const LaunchArgs& args) override {
    launched_ = true;
    HostMemoryDevice::start(args);
  }

 protected:
  mmf_hls::KernelCounters execute(const HostLaunch& launch) override {
    // The descriptors as loaded, before the program runs (an op may overwrite its own).
    const mmf_hls::LaunchRegs& regs = launch.regs;
    sim::PlatformLaunch l;
    l.num_ops = regs.num_ops;
    if (mmf_hls::program_fits(regs.program, regs.num_ops,
                              static_cast<uint32_t>(build().accel.max_ops), regs.vec_words) &&
        mmf_hls::tokens_fit(regs.num_tokens)) {
      // The program once a token: the platform times the passes back to back, its prefetch
      // gated by each pass's Embed, as the RTL's prefetcher wraps to the program's start.
      for (uint32_t t = 0; t < regs.num_tokens; ++t) {
        for (uint32_t op = 0; op < regs.num_ops; ++op) {
          const uint32_t* d = launch.vec + regs.program + uint64_t{op} * mmf_hls::kDescriptorWords;
          std::copy_n(d, mmf_hls::kDescriptorWords, l.ops_run.emplace_back().begin());
          const uint32_t opcode = d[mmf_hls::kFieldOpcode];
          const bool positioned = opcode == mmf_hls::kOpRope || opcode == mmf_hls::kOpKvAppend ||
                                  opcode == mmf_hls::kOpAttention;
          // Read before the run, as the kernel reads it (the host wrote it; no op writes it).
          const uint32_t at = d[mmf_hls::kFieldAddr1];
          l.positions.push_back(positioned && at < regs.vec_words ? launch.vec[at] + t : 0);
        }
      }
    }
    mmf_hls::KernelCounters counters;
    if (rtl_) {
      // The RTL runs inside the platform's launch, on the banks, as the accelerator.
      l.rtl = [&] {
        counters = rtl_->run(launch);
        sim::RtlLaunchCycles c{rtl_->cycles(), {}};
        for (const OpCycles& o : rtl_->ops())
          c.ops.push_back(sim::PlatformOpCycles{o.start, o.end});
        return c;
      };
    } else {
      counters = engine_.run(launch);
      l.ops_run.resize(std::min<size_t>(l.ops_run.size(), counters.ops_done));
    }
    l.host_to_device_bytes = to_device_;
    l.device_to_host_bytes = to_host_;
    to_device_ = to_host_ = 0;
    const sim::PlatformResult r = platform_->run(l);
    // The bytes the channels moved in the packing the platform times (the same as the
    // engine's count for the RTL's 2-bit words; the RTL counts its own).
    if (!rtl_) counters.weight_bytes = r.weight_bytes;
    cycles_ = r.kernel_cycles + r.link_cycles;
    link_cycles_ = r.link_cycles;
    ops_.clear();
    for (const sim::PlatformOpCycles& o : r.ops) ops_.push_back(OpCycles{o.start, o.end});
    return counters;
  }
  std::optional<uint64_t> last_cycles() const override { return cycles_; }
  std::vector<OpCycles> last_op_cycles() const override { return ops_; }
  std::optional<uint64_t> last_link_cycles() const override { return link_cycles_; }
  std::optional<PerfCounters> last_perf() const override {
    return rtl_ ? std::optional<PerfCounters>(rtl_->perf()) : std::nullopt;
  }

 private:
  // timed: null. rtl: the build's Verilator --sc module, elaborated in the platform (the
  // builds compiled into the binary). rtl-cpp: its Verilated C++ model, called by the platform
  // (any build; built on first use).
  static std::unique_ptr<RtlKernelRun> open_rtl(const BuildDescriptor& b, const DeviceOptions& o) {
    const PlatformModel form = o.systemc.model;
    if (form == PlatformModel::timed) return nullptr;
    if (o.channel_packing != Packing::two_bit && !b.accel.five_trit) {
      throw Error("--packing 1.6bit: build '" + b.name + "' (" + b.path +
                  ": accelerator.packings) decodes 2-bit weights only; its 1.6-bit stream is "
                  "modeled by the timed form only (--accelerator timed)");
    }
    if (form == PlatformModel::rtl_cpp) return std::make_unique<RtlKernelRun>(b, o, "systemc");
    std::unique_ptr<sim::KernelSim> k =
        sim::make_platform_rtl_kernel(b.name, b.fingerprint(), RtlKernelRun::sim_options(b, o));
    if (!k) {
      const std::string builds = join_list(sim::platform_rtl_builds());
      throw Error("--accelerator rtl: this binary has the RTL as a SystemC module for " +
                  (builds.empty() ? std::string("no build (configured without Verilator)")
                                  : "build " + builds + " as shipped") +
                  ", not for build '" + b.name + "' (" + b.path +
                  "); --accelerator rtl-cpp runs its Verilated C++ model in the platform");
    }
    return std::make_unique<RtlKernelRun>(std::move(k), "systemc");
  }

  // The bytes of a weight word the timed form streams: 0 (the image's own words and beats, as
  // its descriptors pack them) unless 1.6-bit is asked of a build without the decoder, which is
  // modeled over the 2-bit image as words of ceil(lanes / 5) bytes.
  uint32_t modeled_word_bytes(const DeviceOptions& o) const {
    if (o.channel_packing == Packing::two_bit || build().accel.five_trit) return 0;
    return static_cast<uint32_t>(
        packed_row_bytes(static_cast<size_t>(build().accel.lanes), o.channel_packing));
  }

  Packing packing_;                    // of the weight words the platform streams and times
  std::unique_ptr<RtlKernelRun> rtl_;  // the rtl form; null: the timed form
  CpuEngine engine_;
  std::unique_ptr<sim::Platform> platform_;
  bool launched_ = false;
  uint64_t to_device_ = 0, to_host_ = 0;
  uint64_t cycles_ = 0, link_cycles_ = 0;
  std::vector<OpCycles> ops_;
};

}  // namespace

std::unique_ptr<Device> make_systemc_device(const BuildDescriptor& build,
                                            const DeviceOptions& options) {
  return std::make_unique<SystemcDevice>(build, options);
}

}  // namespace mmf::host

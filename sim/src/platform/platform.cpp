// SPDX-License-Identifier: Apache-2.0
// The platform's top (host, link, memories, accelerator) and the one SystemC simulation of the
// process. SystemC elaborates a module tree once per process and its kernel is not
// thread-safe, so one board model with kMaxPlatformChannels weight channels is elaborated on
// first use, on a thread of its own that runs every launch; make_platform() hands launches to
// it one at a time. It lives until the process ends (never destroyed: SystemC has no clean
// teardown of an elaborated design).
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "host_link.hpp"
#include "memory_target.hpp"
#include "rtl_sc_kernels.hpp"
#include "timed_kernel_model.hpp"

// libsystemc's own main() calls sc_main; mmf has its own main, so this is never called.
int sc_main(int /*argc*/, char* /*argv*/[]) {
  return 1;
}

namespace mmf::sim {
namespace {

class PlatformTop : public sc_core::sc_module {
 public:
  HostLink link;
  MemoryTarget vec_memory;
  sc_core::sc_vector<MemoryTarget> weight_memory;
  TimedKernelModel accelerator;
  tlm_utils::simple_initiator_socket<PlatformTop> host_socket;

  explicit PlatformTop(const sc_core::sc_module_name& name)
      : sc_core::sc_module(name),
        link("link"),
        vec_memory("vec_memory"),
        weight_memory("weight_memory", kMaxPlatformChannels),
        accelerator("accelerator"),
        host_socket("host_socket") {
    host_socket.bind(link.from_host);
    link.to_device.bind(vec_memory.socket);
    accelerator.vec_socket.bind(vec_memory.socket);
    for (uint32_t c = 0; c < kMaxPlatformChannels; ++c) {
      accelerator.weight_sockets[c].bind(weight_memory[c].socket);
    }
    for (const CompiledScKernel& k : compiled_sc_kernels()) {
      rtl_kernels_.push_back(k.make(("rtl_" + std::string(k.build)).c_str()));
    }
    sc_core::sc_spawn(sc_bind(&PlatformTop::host, this));
  }

  // The Verilator --sc kernel of a build compiled into the binary; null if there is none.
  PlatformRtlKernel* rtl_kernel(const std::string& build, uint64_t fingerprint) {
    const std::vector<CompiledScKernel>& compiled = compiled_sc_kernels();
    for (size_t k = 0; k < compiled.size(); ++k) {
      if (compiled[k].build == build && compiled[k].fingerprint == fingerprint) {
        return rtl_kernels_[k].get();
      }
    }
    return nullptr;
  }

  void configure(const PlatformParams& p) {
    params_ = p;
    const KernelClock clock(p.clock_mhz);
    const TimedKernelParams& k = p.kernel;
    link.configure(p.link);
    vec_memory.configure(k.vec_timing, 4 * k.vector_lanes, clock, nullptr, 0);
    // Port 0 is the host link's: the shell's DMA engine moves 512-bit beats.
    vec_memory.set_port_beat(0, 64);
    for (uint32_t c = 0; c < k.channels; ++c) {
      weight_memory[c].configure(k.weight_timing, k.weight_word_bytes(), clock, nullptr, 0);
    }
    accelerator.configure(k, clock);
    for (auto& rtl : rtl_kernels_) rtl->set_period(clock.cycles(1));
  }

  // The RTL form's error in the last launch, taken once.
  std::exception_ptr take_rtl_error() { return std::exchange(rtl_error_, nullptr); }

  // Starts a launch; it has run when sc_start() returns.
  void launch(const PlatformLaunch& l, PlatformResult& r) {
    launch_ = &l;
    result_ = &r;
    go_.notify(sc_core::SC_ZERO_TIME);
  }

 private:
  // The host's side of one token: the input over the link, the launch, the output back.
  void host() {
    for (;;) {
      wait(go_);
      const KernelClock clock(params_.clock_mhz);
      // The link's share: the transfers and the launch overhead, whatever the kernel took.
      const double t0 = clock.now();
      transfer(tlm::TLM_WRITE_COMMAND, launch_->host_to_device_bytes);
      wait(sc_core::sc_time(params_.link.launch_us, sc_core::SC_US));
      double link_cycles = clock.now() - t0;
      vec_memory.restart_refresh(clock.now());
      for (uint32_t c = 0; c < params_.kernel.channels; ++c) {
        weight_memory[c].restart_refresh(clock.now());
      }
      if (launch_->rtl) {
        run_rtl(clock);
      } else {
        accelerator.run(*launch_, *result_);
      }
      const double t1 = clock.now();
      transfer(tlm::TLM_READ_COMMAND, launch_->device_to_host_bytes);
      link_cycles += clock.now() - t1;
      result_->link_cycles = static_cast<uint64_t>(link_cycles + 0.5);
    }
  }

  // The RTL form: the kernel runs the whole launch (nothing else in the platform moves while
  // a kernel runs: the host's transfers cross the link between launches). The Verilator --sc
  // module advances the platform's time itself, by the cycles of the launch and of its
  // register accesses; for the C++ model the platform's time advances by the kernel cycles.
  void run_rtl(const KernelClock& clock) {
    const double t0 = clock.now();
    RtlLaunchCycles r;
    try {
      r = launch_->rtl();
    } catch (...) {
      // Kept for the caller: an exception must not leave a SystemC process.
      rtl_error_ = std::current_exception();
      return;
    }
    result_->kernel_cycles = r.cycles;
    result_->ops = std::move(r.ops);
    const double left = static_cast<double>(r.cycles) - (clock.now() - t0);
    if (left > 0) wait(clock.cycles(left));
  }

  void transfer(tlm::tlm_command cmd, uint64_t bytes) {
    if (bytes == 0) return;
    const sc_core::sc_time delay =
        transport_timing_only(host_socket, cmd, bytes, sc_core::SC_ZERO_TIME);
    wait(delay);
  }

  PlatformParams params_;
  const PlatformLaunch* launch_ = nullptr;
  PlatformResult* result_ = nullptr;
  std::exception_ptr rtl_error_;
  sc_core::sc_event go_;
  std::vector<std::unique_ptr<PlatformRtlKernel>> rtl_kernels_;  // compiled_sc_kernels() order
};

class Simulation {
 public:
  static Simulation& instance() {
    static Simulation* s = new Simulation;  // never destroyed, see the file comment
    return *s;
  }

  PlatformResult run(const PlatformParams& params, const PlatformLaunch& launch) {
    std::lock_guard<std::mutex> one_run(run_mutex_);
    std::unique_lock<std::mutex> lock(mutex_);
    params_ = &params;
    launch_ = &launch;
    result_ = PlatformResult{};
    error_ = nullptr;
    pending_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return !pending_; });
    if (error_) std::rethrow_exception(error_);
    return result_;
  }

  // The --sc kernel of a build in the elaborated platform; null if the binary has none.
  PlatformRtlKernel* rtl_kernel(const std::string& build, uint64_t fingerprint) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return elaborated_; });
    if (elaboration_error_) std::rethrow_exception(elaboration_error_);
    return top_->rtl_kernel(build, fingerprint);
  }

 private:
  Simulation() : thread_([this] { main(); }) { thread_.detach(); }

  void main() {
    // No banner on stdout (mmf run --json owns it); SystemC errors become exceptions.
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
    sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_THROW);
    std::unique_ptr<PlatformTop> top;
    std::exception_ptr elaboration_error;
    try {
      top = std::make_unique<PlatformTop>("platform");
      // Elaboration ends and every process runs to its first wait, so the first launch's
      // notification finds the host process waiting.
      sc_core::sc_start(sc_core::SC_ZERO_TIME);
    } catch (...) {
      elaboration_error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      top_ = top.get();
      elaboration_error_ = elaboration_error;
      elaborated_ = true;
    }
    changed_.notify_all();
    for (;;) {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return pending_; });
      try {
        if (elaboration_error) std::rethrow_exception(elaboration_error);
        top->configure(*params_);
        top->launch(*launch_, result_);
        const auto wall = std::chrono::steady_clock::now();
        sc_core::sc_start();
        if (std::exception_ptr e = top->take_rtl_error()) std::rethrow_exception(e);
        result_.wall_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
      } catch (...) {
        error_ = std::current_exception();
      }
      pending_ = false;
      changed_.notify_all();
    }
  }

  std::mutex run_mutex_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool pending_ = false;
  bool elaborated_ = false;
  PlatformTop* top_ = nullptr;  // set once elaborated; lives as long as the process
  std::exception_ptr elaboration_error_;
  const PlatformParams* params_ = nullptr;
  const PlatformLaunch* launch_ = nullptr;
  PlatformResult result_;
  std::exception_ptr error_;
  std::thread thread_;
};

class SystemcPlatform final : public Platform {
 public:
  explicit SystemcPlatform(const PlatformParams& params) : params_(params) {
    if (params.kernel.channels == 0 || params.kernel.channels > kMaxPlatformChannels) {
      throw std::invalid_argument("platform: " + std::to_string(params.kernel.channels) +
                                  " weight channels (the platform models 1 to " +
                                  std::to_string(kMaxPlatformChannels) + ")");
    }
  }
  PlatformResult run(const PlatformLaunch& launch) override {
    return Simulation::instance().run(params_, launch);
  }

 private:
  PlatformParams params_;
};

}  // namespace

StepCosts default_step_costs() {
  // Read off the controller's state trace of the ci-tiny kernel (docs/platform.md).
  StepCosts c;
  c.op = 3;  // StFetchOp, StCheckOp, StNextOp
  c.read_step = 10;
  c.norm_read = 7;
  c.skipped_step = 2;
  c.pass_step = 6;
  c.store_step = 6;
  c.embed = 14;  // StEmbedCheckToken, the row read's start, the converter's 3 stages
  c.norm = 0;
  c.row = 0;
  c.tail = 8;
  c.done = 11;
  return c;
}

std::unique_ptr<Platform> make_platform(const PlatformParams& params) {
  return std::make_unique<SystemcPlatform>(params);
}

std::unique_ptr<KernelSim> make_platform_rtl_kernel(const std::string& build, uint64_t fingerprint,
                                                    const SimOptions& options) {
  PlatformRtlKernel* k = Simulation::instance().rtl_kernel(build, fingerprint);
  return k != nullptr ? k->harness(options) : nullptr;
}

std::vector<std::string> platform_rtl_builds() {
  std::vector<std::string> builds;
  for (const CompiledScKernel& k : compiled_sc_kernels()) builds.emplace_back(k.build);
  return builds;
}

}  // namespace mmf::sim

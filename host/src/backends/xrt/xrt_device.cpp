// SPDX-License-Identifier: Apache-2.0
// The xrt backend: the kernel of an .xclbin on an Alveo board (or XRT's emulation shims),
// through XRT's native C++ API (libxrt 2.13, platform-notes §3). The only code that includes
// XRT. Every XRT exception becomes an mmf::Error that says what was being done.
//
// Contract with the xclbin (built by Makefile.fpga from the same build descriptor):
//   - it holds a kernel named build.kernel_name() with the arguments of rtl_kernel_xml.hpp:
//     w0..w<C-1>, vec (global pointers), the scalars of mmf_hls::kScalarArgNames;
//   - buffers go where the xclbin's connectivity puts each argument (kernel.group_id), never
//     at a bank computed here;
//   - counters: output scalars named status, ops_done, ... when the kernel declares them (the
//     HLS top), else the RTL counter registers at kCounterRegBase (mmf_hls/kernel_regs.hpp).
#include <experimental/xrt_xclbin.h>
#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include "mmf/error.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/util/join_list.hpp"

namespace mmf::host {
namespace {

namespace fs = std::filesystem;

std::string join(const std::vector<std::string>& v) {
  return v.empty() ? "none" : join_list(v);
}

std::string state_name(ert_cmd_state s) {
  switch (s) {
    case ERT_CMD_STATE_NEW:
      return "new";
    case ERT_CMD_STATE_QUEUED:
      return "queued";
    case ERT_CMD_STATE_RUNNING:
      return "running";
    case ERT_CMD_STATE_COMPLETED:
      return "completed";
    case ERT_CMD_STATE_ERROR:
      return "error";
    case ERT_CMD_STATE_ABORT:
      return "aborted";
    case ERT_CMD_STATE_SUBMITTED:
      return "submitted";
    case ERT_CMD_STATE_TIMEOUT:
      return "timeout";
    case ERT_CMD_STATE_NORESPONSE:
      return "no response";
    default:
      return "state " + std::to_string(static_cast<int>(s));
  }
}

// A run the device has not finished yet.
bool is_pending(ert_cmd_state s) {
  return s == ERT_CMD_STATE_NEW || s == ERT_CMD_STATE_QUEUED || s == ERT_CMD_STATE_RUNNING ||
         s == ERT_CMD_STATE_SUBMITTED;
}

// How often wait() looks at a run: short next to a token (about a millisecond on a board).
constexpr std::chrono::microseconds kPollPeriod{50};

// XRT finds its shims and plugins through $XILINX_XRT/lib. Debian puts them in the system
// library directory, so when the variable is unset the backend points it at the directory
// CMake prepared (build/xrt-root, whose lib links there); an upstream install sets it itself.
void ensure_xilinx_xrt() {
  if (std::getenv("XILINX_XRT") != nullptr) return;
#ifdef MMF_DEFAULT_XRT_ROOT
  if (fs::exists(fs::path(MMF_DEFAULT_XRT_ROOT) / "lib")) {
    ::setenv("XILINX_XRT", MMF_DEFAULT_XRT_ROOT, 0);
    return;
  }
#endif
  throw Error(
      "xrt: XILINX_XRT is not set; point it at the XRT install (upstream: source "
      "/opt/xilinx/xrt/setup.sh; Debian: a directory whose lib/ links to the directory of "
      "libxrt_coreutil.so)");
}

class XrtDevice final : public Device {
 public:
  XrtDevice(const BuildDescriptor& build, const DeviceOptions& options)
      : Device("xrt", build), xclbin_path_(options.xrt.xclbin_path) {
    if (xclbin_path_.empty()) {
      throw Error("--backend xrt needs --xclbin FILE: the .xclbin of build '" + build.name +
                  "' (make -f Makefile.fpga xclbin BOARD=" + build.name +
                  "; see docs/fpga-flow.md)");
    }
    std::error_code ec;
    if (!fs::is_regular_file(xclbin_path_, ec)) {
      throw Error("--xclbin " + xclbin_path_ + ": no such file");
    }
    ensure_xilinx_xrt();
    try {
      xclbin_ = xrt::xclbin(xclbin_path_);
    } catch (const std::exception& e) {
      throw Error("--xclbin " + xclbin_path_ + ": not a readable .xclbin (" + e.what() + ")");
    }
    check_kernel(build);
    open(options.xrt.device);
    try {
      uuid_ = device_.load_xclbin(xclbin_);
    } catch (const std::exception& e) {
      throw Error("xrt: loading " + xclbin_path_ + " onto device " + options.xrt.device +
                  " failed: " + e.what() + " (is it built for platform " + build.board.platform +
                  "?)");
    }
    try {
      // Exclusive: the counters are read as registers, which XRT allows only then.
      kernel_ =
          xrt::kernel(device_, uuid_, build.kernel_name(), xrt::kernel::cu_access_mode::exclusive);
    } catch (const std::exception& e) {
      throw Error("xrt: cannot open kernel '" + build.kernel_name() + "' of " + xclbin_path_ +
                  ": " + e.what());
    }
  }

  BufferHandle allocate(int bank, uint64_t bytes) override {
    const int arg = arg_on_bank(bank);
    int group = 0;
    try {
      group = kernel_.group_id(arg);
      buffers_.push_back({xrt::bo(device_, std::max<uint64_t>(bytes, 1), xrt::bo::flags::normal,
                                  static_cast<xrt::memory_group>(group)),
                          bytes, group});
    } catch (const std::exception& e) {
      throw Error("xrt: cannot allocate " + std::to_string(bytes) + " bytes for argument '" +
                  arg_names_[arg] + "' in memory group " + std::to_string(group) + ": " + e.what());
    }
    return BufferHandle{static_cast<int>(buffers_.size()) - 1};
  }

  int buffer_bank(BufferHandle buffer) const override {
    if (buffer.id < 0 || buffer.id >= static_cast<int>(buffers_.size())) {
      throw Error("xrt: unknown buffer " + std::to_string(buffer.id));
    }
    return buffers_[buffer.id].group;
  }

  void write(BufferHandle buffer, uint64_t offset, const void* data, uint64_t bytes) override {
    Buffer& b = find(buffer, offset, bytes, "write");
    if (bytes == 0) return;
    try {
      b.bo.write(data, bytes, offset);
      b.bo.sync(XCL_BO_SYNC_BO_TO_DEVICE, bytes, offset);
    } catch (const std::exception& e) {
      throw Error("xrt: writing " + std::to_string(bytes) +
                  " bytes to the device failed: " + e.what());
    }
  }

  void read(BufferHandle buffer, uint64_t offset, void* data, uint64_t bytes) override {
    Buffer& b = find(buffer, offset, bytes, "read");
    if (bytes == 0) return;
    try {
      b.bo.sync(XCL_BO_SYNC_BO_FROM_DEVICE, bytes, offset);
      b.bo.read(data, bytes, offset);
    } catch (const std::exception& e) {
      throw Error("xrt: reading " + std::to_string(bytes) +
                  " bytes from the device failed: " + e.what());
    }
  }

  void start(const LaunchArgs& args) override {
    if (static_cast<int>(args.weights.size()) != build().accel.weight_channels) {
      throw Error("xrt: the launch has " + std::to_string(args.weights.size()) +
                  " weight buffers; the kernel has " +
                  std::to_string(build().accel.weight_channels) + " weight arguments");
    }
    try {
      // One run object per set of arguments: the per-token launch only restarts it.
      if (!run_ || !same_launch(args, prepared_)) prepare(args);
      run_->start();
      running_ = true;
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      run_.reset();
      throw Error("xrt: starting kernel '" + build().kernel_name() + "' failed: " + e.what());
    }
  }

  void prepare(const LaunchArgs& args) {
    run_.reset();
    run_ = xrt::run(kernel_);
    for (int c = 0; c < build().accel.weight_channels; ++c) {
      run_->set_arg(arg_index("w" + std::to_string(c)), find(args.weights[c], 0, 0, "launch").bo);
    }
    run_->set_arg(arg_index("vec"), find(args.vec, 0, 0, "launch").bo);
    for (uint32_t i = 0; i < mmf_hls::kNumScalarArgs; ++i) {
      run_->set_arg(arg_index(mmf_hls::kScalarArgNames[i]), mmf_hls::scalar_arg(args.regs, i));
    }
    prepared_ = args;
  }

  static bool same_launch(const LaunchArgs& a, const LaunchArgs& b) {
    if (a.weights.size() != b.weights.size() || a.vec.id != b.vec.id) return false;
    for (size_t c = 0; c < a.weights.size(); ++c) {
      if (a.weights[c].id != b.weights[c].id) return false;
    }
    for (uint32_t i = 0; i < mmf_hls::kNumScalarArgs; ++i) {
      if (mmf_hls::scalar_arg(a.regs, i) != mmf_hls::scalar_arg(b.regs, i)) return false;
    }
    return true;
  }

  void wait(std::chrono::milliseconds timeout) override {
    if (!running_) throw Error("xrt: wait() without a started run");
    running_ = false;
    // Polls the run's state instead of blocking in run.wait(timeout): XRT's shims differ in
    // whether that wait honours its timeout (the noop shim's does not), and a device that
    // never finishes must give an error within the timeout, not a hang.
    ert_cmd_state state = ERT_CMD_STATE_NEW;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    try {
      for (;;) {
        state = run_->state();
        if (!is_pending(state) || std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(kPollPeriod);
      }
    } catch (const std::exception& e) {
      run_.reset();
      throw Error("xrt: waiting for kernel '" + build().kernel_name() + "' failed: " + e.what());
    }
    if (state == ERT_CMD_STATE_COMPLETED) return;
    const bool pending = is_pending(state) || state == ERT_CMD_STATE_TIMEOUT;
    if (pending) {
      // Best effort: a kernel that ignores the abort leaves the device to `xbutil reset`.
      try {
        run_->abort();
      } catch (const std::exception&) {
      }
    }
    run_.reset();
    if (pending) {
      throw Error("xrt: kernel '" + build().kernel_name() + "' did not finish within " +
                  std::to_string(timeout.count()) + " ms (run state " + state_name(state) +
                  "); the run was aborted. Raise --timeout-ms for a slow build, or check that " +
                  xclbin_path_ + " holds this build's kernel");
    }
    throw Error("xrt: kernel '" + build().kernel_name() + "' ended in run state " +
                state_name(state) + " (the device reported an error; see dmesg or xbutil)");
  }

  DeviceCounters counters() const override {
    DeviceCounters out;
    try {
      out.kernel.status = static_cast<uint32_t>(read_counter(mmf_hls::kRegStatus));
      out.kernel.ops_done = static_cast<uint32_t>(read_counter(mmf_hls::kRegOpsDone));
      out.kernel.ternary_ops = read_counter(mmf_hls::kRegTernaryOps);
      out.kernel.weight_bytes = read_counter(mmf_hls::kRegWeightBytes);
      out.kernel.vector_bytes = read_counter(mmf_hls::kRegVectorBytes);
      // The RTL counts its busy cycles; the HLS top has no such register.
      if (!hls_counters_) out.cycles = read_register64(counter_offset(mmf_hls::kRegBusyCycles));
    } catch (const std::exception& e) {
      throw Error("xrt: cannot read the counter registers of kernel '" + build().kernel_name() +
                  "': " + e.what() + " (XRT's noop emulation runs no kernel and has no registers)");
    }
    return out;
  }

  std::optional<std::string> electrical_report() const override {
    try {
      return device_.get_info<xrt::info::device::electrical>();
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }

  std::string pci_bdf() const override {
    try {
      return device_.get_info<xrt::info::device::bdf>();
    } catch (const std::exception&) {
      return {};
    }
  }

 private:
  struct Buffer {
    xrt::bo bo;
    uint64_t bytes;  // as allocated (XRT rounds the storage up to whole pages)
    int group;       // the memory group (bank index of the xclbin's memory topology)
  };

  // The xclbin must hold this build's kernel with every argument the host sets.
  void check_kernel(const BuildDescriptor& build) {
    const std::string want = build.kernel_name();
    try {
      std::vector<std::string> names;
      for (const auto& k : xclbin_.get_kernels()) names.push_back(k.get_name());
      if (std::find(names.begin(), names.end(), want) == names.end()) {
        throw Error("--xclbin " + xclbin_path_ + " holds kernel(s) " + join(names) + ", not '" +
                    want + "' of build '" + build.name +
                    "': build it with make -f Makefile.fpga xclbin BOARD=" + build.name +
                    ", or pass the --build it was made for");
      }
      for (const auto& a : xclbin_.get_kernel(want).get_args()) {
        if (a.get_index() >= arg_names_.size()) arg_names_.resize(a.get_index() + 1);
        arg_names_[a.get_index()] = a.get_name();
        arg_offsets_[a.get_name()] = a.get_offset();
        arg_sizes_[a.get_name()] = a.get_size();
      }
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error("--xclbin " + xclbin_path_ + ": its kernel metadata is unreadable (" + e.what() +
                  ")");
    }
    std::vector<std::string> missing;
    for (int c = 0; c < build.accel.weight_channels; ++c) {
      if (!arg_offsets_.count("w" + std::to_string(c))) missing.push_back("w" + std::to_string(c));
    }
    if (!arg_offsets_.count("vec")) missing.push_back("vec");
    for (const char* s : mmf_hls::kScalarArgNames) {
      if (!arg_offsets_.count(s)) missing.push_back(s);
    }
    if (!missing.empty()) {
      throw Error("--xclbin " + xclbin_path_ + ": kernel '" + want + "' lacks argument(s) " +
                  join(missing) + " that build '" + build.name + "' (" +
                  std::to_string(build.accel.weight_channels) +
                  " weight channels) needs: it was built from another descriptor");
    }
    hls_counters_ = arg_offsets_.count("status") > 0;
  }

  void open(const std::string& id) {
    const bool bdf = id.find(':') != std::string::npos;
    try {
      if (bdf) {
        device_ = xrt::device(id);
      } else {
        size_t used = 0;
        const unsigned long index = std::stoul(id, &used);
        if (used != id.size()) throw std::invalid_argument("not a number");
        device_ = xrt::device(static_cast<unsigned int>(index));
      }
    } catch (const std::invalid_argument&) {
      throw Error("--device " + id +
                  ": expected a device index (0, 1, ...) or a PCIe BDF "
                  "(0000:65:00.1)");
    } catch (const std::exception& e) {
      throw Error("xrt: cannot open device " + id + ": " + e.what() +
                  " (no Alveo board with XRT's driver here? Without a board, set "
                  "XCL_EMULATION_MODE=noop to test the plumbing, or use --backend verilator)");
    }
  }

  int arg_index(const std::string& name) const {
    for (size_t i = 0; i < arg_names_.size(); ++i) {
      if (arg_names_[i] == name) return static_cast<int>(i);
    }
    throw Error("xrt: kernel has no argument '" + name + "'");  // check_kernel ruled it out
  }

  // The argument whose buffer the build places on `bank`: weight channel c on bank c, the
  // vector bank on vector_channel. The xclbin then decides the memory group (group_id).
  int arg_on_bank(int bank) const {
    const AcceleratorSpec& a = build().accel;
    if (bank == a.vector_channel) return arg_index("vec");
    if (bank >= 0 && bank < a.weight_channels) return arg_index("w" + std::to_string(bank));
    throw Error("xrt: build '" + build().name + "' places no kernel argument on memory bank " +
                std::to_string(bank));
  }

  Buffer& find(BufferHandle h, uint64_t offset, uint64_t bytes, const char* what) {
    if (h.id < 0 || h.id >= static_cast<int>(buffers_.size())) {
      throw Error(std::string("xrt: ") + what + " of an unknown buffer " + std::to_string(h.id));
    }
    Buffer& b = buffers_[h.id];
    if (offset > b.bytes || bytes > b.bytes - offset) {
      throw Error(std::string("xrt: ") + what + " of " + std::to_string(bytes) + " bytes at " +
                  std::to_string(offset) + " is outside the " + std::to_string(b.bytes) +
                  "-byte buffer");
    }
    return b;
  }

  uint32_t counter_offset(uint32_t reg) const {
    return mmf_hls::kCounterRegBase + mmf_hls::kCounterRegStride * reg;
  }

  uint64_t read_register64(uint32_t offset) const {
    const uint64_t lo = kernel_.read_register(offset);
    const uint64_t hi = kernel_.read_register(offset + 4);
    return lo | (hi << 32);
  }

  // Counter `reg`: an output scalar of the HLS top named as the counter, or the RTL's register.
  uint64_t read_counter(mmf_hls::CounterReg reg) const {
    if (hls_counters_) {
      const std::string name = mmf_hls::kCounterNames[reg];
      const auto it = arg_offsets_.find(name);
      if (it == arg_offsets_.end()) throw Error("the kernel declares no counter '" + name + "'");
      const auto offset = static_cast<uint32_t>(it->second);
      // A 32-bit output is one register (the next holds its ap_vld bit).
      return arg_sizes_.at(name) >= 8 ? read_register64(offset) : kernel_.read_register(offset);
    }
    return read_register64(counter_offset(reg));
  }

  std::string xclbin_path_;
  xrt::xclbin xclbin_;
  xrt::device device_;
  xrt::uuid uuid_;
  xrt::kernel kernel_;
  std::vector<std::string> arg_names_;           // by argument index
  std::map<std::string, uint64_t> arg_offsets_;  // register offset by argument name
  std::map<std::string, uint64_t> arg_sizes_;    // register bytes by argument name
  bool hls_counters_ = false;
  std::vector<Buffer> buffers_;
  std::optional<xrt::run> run_;  // prepared with `prepared_`; dropped after a failed run
  LaunchArgs prepared_;
  bool running_ = false;  // started and not yet waited for
};

}  // namespace

std::unique_ptr<Device> make_xrt_device(const BuildDescriptor& build,
                                        const DeviceOptions& options) {
  return std::make_unique<XrtDevice>(build, options);
}

}  // namespace mmf::host

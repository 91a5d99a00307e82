// SPDX-License-Identifier: Apache-2.0
// The one device interface every backend implements (DESIGN.md contract 5): open, allocate
// per memory bank, write, read, start the token program, wait with a timeout, read counters.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/ternary_pack.hpp"
#include "mmf_hls/kernel_regs.hpp"

namespace mmf::cpu {
class ThreadPool;
enum class Isa;  // backends/cpu/ternary_kernels.hpp
}  // namespace mmf::cpu

namespace mmf::host {

// A device buffer; valid until the device is destroyed.
struct BufferHandle {
  int id = -1;
};

// Arguments of one launch: the buffer bound to each weight channel's port, the vector bank,
// and the scalar registers.
struct LaunchArgs {
  std::vector<BufferHandle> weights;
  BufferHandle vec;
  mmf_hls::LaunchRegs regs{};
};

// Cycles of one op of a timed run, counted from ap_start: [start, end). The program load
// comes before ops[0].start; the ops are back to back.
struct OpCycles {
  uint64_t start = 0, end = 0;
};

// The RTL kernel's performance registers (0x400 + 8k, rtl/mmf/mmf_kernel.sv) after a run: where
// its busy cycles went. The cycle counts overlap (a cycle can both run a vector pass and wait
// on the vector bank), so they do not add up to busy_cycles.
struct PerfCounters {
  uint64_t busy_cycles = 0;        // ap_start .. ap_done, controller not idle
  uint64_t accumulate_cycles = 0;  // a BitLinear's accumulate phase running
  uint64_t starved_cycles = 0;     // some weight accumulator waiting for its FIFO (memory-bound)
  uint64_t pass_cycles = 0;        // a pass of on-chip slots through a vector unit running
  uint64_t vec_wait_cycles = 0;    // waiting on a vector-bank read or write
  uint64_t vec_read_bytes = 0, vec_write_bytes = 0;

  PerfCounters& operator+=(const PerfCounters& o) {
    busy_cycles += o.busy_cycles;
    accumulate_cycles += o.accumulate_cycles;
    starved_cycles += o.starved_cycles;
    pass_cycles += o.pass_cycles;
    vec_wait_cycles += o.vec_wait_cycles;
    vec_read_bytes += o.vec_read_bytes;
    vec_write_bytes += o.vec_write_bytes;
    return *this;
  }
};

// The kernel's counter registers after a run. Only from timed backends: `cycles` (the launch,
// ap_start to ap_done; on systemc the host link too, `link_cycles` of them) and `ops` (one per
// op that ran: verilator from the controller's state changes, systemc from its timed model);
// `perf` only from the backends that run the RTL (verilator, systemc --accelerator rtl*).
struct DeviceCounters {
  mmf_hls::KernelCounters kernel;
  std::optional<uint64_t> cycles;
  std::vector<OpCycles> ops;
  std::optional<uint64_t> link_cycles;
  std::optional<PerfCounters> perf;
};

// Counters summed over launches: the Accelerator's since it was made, and what a power meter
// prices (power.hpp).
struct CounterTotals {
  uint64_t launches = 0;
  uint64_t tokens = 0;  // passes of the program: a launch runs one or more
  uint64_t ops = 0;
  uint64_t ternary_ops = 0;
  uint64_t weight_bytes = 0;
  uint64_t vector_bytes = 0;
  std::optional<uint64_t> cycles;       // only from timed backends
  std::optional<uint64_t> link_cycles;  // of those, the host link's (systemc)
  std::optional<PerfCounters> perf;     // only from backends that run the RTL
};

class Device {
 public:
  virtual ~Device() = default;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  const std::string& backend() const { return backend_; }
  const BuildDescriptor& build() const { return build_; }

  // `bank` is a memory channel of the board (0 .. board.memory_channels - 1).
  virtual BufferHandle allocate(int bank, uint64_t bytes) = 0;
  // The memory bank a buffer was placed in: `bank` of allocate() on host-memory backends, the
  // memory group the xclbin's connectivity chose on xrt.
  virtual int buffer_bank(BufferHandle buffer) const = 0;
  virtual void write(BufferHandle buffer, uint64_t offset, const void* data, uint64_t bytes) = 0;
  virtual void read(BufferHandle buffer, uint64_t offset, void* data, uint64_t bytes) = 0;
  // Starts the token program; returns at once.
  virtual void start(const LaunchArgs& args) = 0;
  // Waits for the run started last; throws an Error naming the backend on timeout.
  virtual void wait(std::chrono::milliseconds timeout) = 0;
  // Counters of the last completed run.
  virtual DeviceCounters counters() const = 0;
  // Board telemetry, for power meters (power.hpp): XRT's electrical report (JSON) and the
  // card's PCIe address. Only the xrt backend has a board; the others return nothing.
  virtual std::optional<std::string> electrical_report() const { return std::nullopt; }
  virtual std::string pci_bdf() const { return {}; }
  // The packing of the weight words the device streams and times (the energy model prices its
  // decoders): 1.6-bit only on the systemc platform's timed form (DeviceOptions).
  virtual Packing weight_packing() const { return Packing::two_bit; }

 protected:
  Device(std::string backend, BuildDescriptor build)
      : backend_(std::move(backend)), build_(std::move(build)) {}

 private:
  std::string backend_;
  BuildDescriptor build_;
};

// ---- Options, one struct a backend ---------------------------------------------------------

// cpu: the fixed-point engine on this machine's cores.
struct CpuOptions {
  int threads = 1;                  // matvec threads (the Session's pool when `pool` is set)
  std::optional<cpu::Isa> isa;      // the matvec kernels; none: the best this CPU runs
  cpu::ThreadPool* pool = nullptr;  // owned by the Session; null: the device makes its own
};

// verilator: the build's RTL, Verilated.
struct VerilatorOptions {
  std::string trace_path;  // FST waveform of every launch when not empty
};

// systemc: the kernel's model inside the virtual platform (--accelerator).
enum class PlatformModel {
  timed,    // the approximately timed model, the data from the cpu engine (fast)
  rtl,      // the build's Verilated --sc module, cycle-accurate (builds compiled in only)
  rtl_cpp,  // its Verilated C++ model called by the platform (any build; built on first use)
};
const char* platform_model_name(PlatformModel model);  // "timed", "rtl", "rtl-cpp"
struct SystemcOptions {
  PlatformModel model = PlatformModel::timed;  // --accelerator
};

// xrt: an Alveo board.
struct XrtOptions {
  std::string xclbin_path;   // the .xclbin Makefile.fpga built for the build
  std::string device = "0";  // device index or PCIe BDF (0000:65:00.1)
};

struct DeviceOptions {
  // The packing of the weights (--packing). On a build that decodes it (accelerator.packings)
  // it is the image's own, which every engine runs. five_trit on a build without the decoder
  // is modeled by the systemc timed form only: it streams and times words of ceil(lanes / 5)
  // bytes over the 2-bit image (no decoder, no padding), so the outputs do not change.
  Packing channel_packing = Packing::two_bit;
  CpuOptions cpu;
  VerilatorOptions verilator;
  SystemcOptions systemc;
  XrtOptions xrt;
};

// ---- The backends ----------------------------------------------------------------------------

// One backend as it describes itself: the registry's row (registry.cpp), in the order backends
// are listed to users.
struct BackendInfo {
  const char* name;
  const char* summary;  // one line: what runs and how fast
  // The command-line options only this backend reads, each with the reason given when another
  // backend is asked to take it (host/cli checks them).
  std::vector<std::pair<const char*, const char*>> options;
  // Null when this binary has the backend; else why it was left out.
  const char* left_out;
};
const std::vector<BackendInfo>& backend_infos();

// Backends of the runtime, and which of them this build can open.
const std::vector<std::string>& known_backends();
bool backend_available(const std::string& backend);
// What `mmf run` and `mmf bench` use without --backend: verilator (the RTL) when the build has
// it, else cpu (a build configured with MMF_WITH_VERILATOR=OFF, such as make sanitize's).
std::string default_backend();

// Opens a device of the named backend for the build. Errors name the backend and say which
// backends exist and which this build has.
std::unique_ptr<Device> open_device(const std::string& backend, const BuildDescriptor& build,
                                    const DeviceOptions& options = {});

}  // namespace mmf::host

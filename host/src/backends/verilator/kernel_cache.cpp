// SPDX-License-Identifier: Apache-2.0
// Verilated kernels of builds not compiled into the binary (u280, user descriptors): built on
// first use into a cache under build/ (verilator, then g++ into a shared object with the
// harness), keyed by the build's fingerprint and the contents of every source, then loaded
// with dlopen. Progress goes to stderr: the first build of a large kernel takes minutes.
#include "backends/verilator/kernel_cache.hpp"

#include <dlfcn.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "mmf/error.hpp"
#include "mmf/host/build/rtl_sources.hpp"

namespace mmf::host {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

uint64_t fnv1a(const std::string& text, uint64_t h) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << std::hex << std::setw(16) << std::setfill('0') << v;
  return s.str();
}

// Runs a shell command with its output in `log`; throws with the log's tail on failure.
void run_step(const std::string& what, const std::string& cmd, const fs::path& log) {
  const auto t0 = std::chrono::steady_clock::now();
  std::cerr << "[mmf] " << what << " ..." << std::flush;
  const int status = std::system((cmd + " > '" + log.string() + "' 2>&1").c_str());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (status != 0) {
    std::cerr << " failed\n";
    std::string text = read_all(log);
    if (text.size() > 3000) text = "..." + text.substr(text.size() - 3000);
    throw Error("verilator backend: " + what + " failed (log " + log.string() + "):\n" + text);
  }
  std::cerr << " " << std::fixed << std::setprecision(1) << s << " s\n";
}

using Factory = sim::KernelSim* (*)(const sim::SimOptions*);

Factory load_factory(const fs::path& so) {
  // Each kernel object keeps its own Verilator runtime (RTLD_LOCAL, -Bsymbolic); it stays
  // loaded for the life of the process.
  void* handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    throw Error("verilator backend: cannot load " + so.string() + ": " + dlerror() +
                " (delete it to rebuild)");
  }
  void* f = dlsym(handle, "mmf_make_kernel_sim");
  if (f == nullptr) throw Error("verilator backend: " + so.string() + " has no kernel factory");
  return reinterpret_cast<Factory>(f);
}

}  // namespace

std::unique_ptr<sim::KernelSim> cached_kernel_sim(const BuildDescriptor& b,
                                                  const sim::SimOptions& options) {
  const fs::path root = fs::path(rtl_dir()).parent_path();
  const RtlSources rtl = read_rtl_sources(root.string());
  std::vector<fs::path> sources(rtl.packages.begin(), rtl.packages.end());
  sources.insert(sources.end(), rtl.modules.begin(), rtl.modules.end());
  // The options are part of what is built: their files count toward the cache key.
  sources.push_back(root / "rtl/verilator.f");
  sources.push_back(root / "rtl/lint.vlt");
  const std::vector<fs::path> harness = {root / "sim/include/mmf/sim/kernel_harness.hpp",
                                         root / "sim/include/mmf/sim/verilated_cpp_pins.hpp",
                                         root / "sim/include/mmf/sim/kernel_sim.hpp",
                                         root / "hls/include/mmf_hls/kernel_regs.hpp",
                                         root / "hls/include/mmf_hls/program_format.hpp",
                                         root / "sim/include/mmf/sim/axi_memory.hpp",
                                         root / "sim/src/axi_memory.cpp",
                                         root / "sim/src/controller_states.cpp"};
  const std::string params = "-GLanes=" + std::to_string(b.accel.lanes) +
                             " -GTileRows=" + std::to_string(b.accel.tile_rows) +
                             " -GChannels=" + std::to_string(b.accel.weight_channels) +
                             " -GVectorLanes=" + std::to_string(b.accel.vector_lanes) +
                             " -GMaxVector=" + std::to_string(b.accel.max_vector) +
                             " -GMaxOps=" + std::to_string(b.accel.max_ops) +
                             " -GWeightFifoDepth=" + std::to_string(b.weight_fifo_words()) +
                             " \"-GFiveTrit=1'b" + (b.accel.five_trit ? "1" : "0") + "\"" +
                             " -GMaxContext=" + std::to_string(b.accel.max_context) +
                             " -GMaxHeadDim=" + std::to_string(b.accel.max_head_dim);
  uint64_t key = fnv1a(params, 0xcbf29ce484222325ull);
  for (const auto& f : sources) key = fnv1a(read_all(f), key);
  for (const auto& f : harness) key = fnv1a(read_all(f), key);

  const char* env = std::getenv("MMF_VERILATOR_CACHE");
  const fs::path cache = env != nullptr ? fs::path(env) : root / "build" / "verilator-cache";
  const fs::path dir = cache / (b.name + "-" + hex(key));
  const fs::path so = dir / "libmmf_kernel.so";
  if (!fs::exists(so)) {
    std::cerr << "[mmf] build '" << b.name << "' has no Verilated kernel in this binary: "
              << "building one (first use only; cached in " << dir.string() << ")\n";
    const fs::path work = cache / (b.name + "-" + hex(key) + ".tmp");
    fs::remove_all(work);
    fs::create_directories(work);
    std::string files;
    for (const auto& f : sources) {
      if (f.extension() == ".sv") files += " '" + f.string() + "'";
    }
    run_step("verilating the kernel (" + std::to_string(b.accel.weight_channels) + " x " +
                 std::to_string(b.accel.lanes) + " lanes) and compiling it",
             "verilator --cc --build -j 2 --trace-fst " + rtl.verilator_flags +
                 " --prefix Vmmf_kernel_dyn --top-module mmf_kernel --Mdir '" +
                 (work / "obj").string() + "' -CFLAGS '-fPIC -O1' " + params + files,
             work / "verilator.log");
    {
      std::ofstream entry(work / "entry.cpp");
      entry << "// Generated by mmf: the kernel of build '" << b.name << "' for dlopen.\n"
            << "#include \"Vmmf_kernel_dyn.h\"\n#include \"mmf/sim/kernel_harness.hpp\"\n"
            << "#include \"mmf/sim/verilated_cpp_pins.hpp\"\n\n"
            << "extern \"C\" mmf::sim::KernelSim* mmf_make_kernel_sim(const "
               "mmf::sim::SimOptions* o) {\n"
            << "  using Pins = mmf::sim::VerilatedCppPins<Vmmf_kernel_dyn>;\n"
            << "  return new mmf::sim::KernelHarness<Pins>(std::make_shared<Pins>(*o), *o, "
            << b.accel.weight_channels << ", " << b.accel.lanes << ", " << b.accel.vector_lanes
            << ");\n}\n";
    }
    const std::string vroot = "$(verilator --getenv VERILATOR_ROOT)";
    run_step("compiling the Verilator runtime and the harness into a shared object",
             "g++ -std=c++20 -O2 -fPIC -shared -w -Wl,-Bsymbolic -o '" +
                 (work / "lib.so").string() + "' '" + (work / "entry.cpp").string() + "' '" +
                 (root / "sim/src/axi_memory.cpp").string() + "' '" +
                 (root / "sim/src/controller_states.cpp").string() + "' " + vroot +
                 "/include/verilated.cpp " + vroot + "/include/verilated_threads.cpp " + vroot +
                 "/include/verilated_fst_c.cpp -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_COVERAGE=0 "
                 "-DVM_SC=0 -I'" +
                 (work / "obj").string() + "' -I'" + (root / "sim/include").string() + "' -I'" +
                 (root / "hls/include").string() + "' -I" + vroot + "/include -I" + vroot +
                 "/include/vltstd -Wl,--whole-archive '" +
                 (work / "obj/Vmmf_kernel_dyn__ALL.a").string() +
                 "' -Wl,--no-whole-archive -lz -pthread",
             work / "link.log");
    fs::rename(work / "lib.so", work / "libmmf_kernel.so");
    fs::remove_all(dir);
    fs::rename(work, dir);
  }
  return std::unique_ptr<sim::KernelSim>(load_factory(so)(&options));
}

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the token program decoder. A fuzzed program goes through the descriptor checks
// (check_descriptor in hls/include/mmf_hls/program_format.hpp), the host's validate_image and
// describe_status (host/include/mmf/host/compiler/device_image.hpp), and runs on the cpu backend's
// interpreter and the csim backend's HLS kernel over a compiled tiny image. Neither may read
// or write outside its banks, and both must report the same status.
//
// Input: word 0 is the token id written to the I/O area, word 1 a status value for
// describe_status, word 2 the launch's passes (LaunchRegs::num_tokens, launch_passes), then
// whole 16-word descriptors (little-endian), at most as many as the compiled program has; they
// replace it.
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "fuzz_targets.hpp"
#include "mmf/error.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/host/runtime/accelerator.hpp"
#include "seed_model.hpp"

namespace mmf::fuzz {
namespace {

using host::Descriptor;

constexpr size_t kHeaderWords = 3;

// The passes of a launch from header word 2: its low 2 bits pick 1, 2 or 3 passes, or (3) the
// word's upper 30 bits as they are, 0 and past kMaxLaunchTokens included (refused).
uint32_t launch_passes(uint32_t word) {
  return (word & 3u) == 3u ? word >> 2 : (word & 3u) + 1;
}

// The compiled image and one device per backend with it loaded: made once per process.
struct Rig {
  host::BuildDescriptor build = host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
  host::DeviceImage image = host::compile_model(make_seed_model(1), build);
  std::unique_ptr<host::Device> cpu = host::open_device("cpu", build);
  std::unique_ptr<host::Device> csim = host::open_device("csim", build);
  host::LaunchArgs cpu_args = host::load_image(*cpu, image);
  host::LaunchArgs csim_args = host::load_image(*csim, image);
};

const Rig& rig() {
  static const Rig r;
  return r;
}

struct Outcome {
  mmf_hls::KernelCounters counters;
  std::vector<uint32_t> vec;  // the vector bank after the run
};

// Runs `program` on a device whose banks hold the image, after restoring its vector bank.
Outcome run(host::Device& dev, host::LaunchArgs args, const Rig& r, uint32_t token, uint32_t passes,
            const std::vector<Descriptor>& program) {
  const host::ImageLayout& lay = r.image.layout;
  std::vector<uint32_t> vec = r.image.vec;
  vec[lay.token_in] = token;
  for (size_t k = 0; k < program.size(); ++k) {
    std::memcpy(&vec[lay.program + k * mmf_hls::kDescriptorWords], program[k].data(),
                sizeof(Descriptor));
  }
  dev.write(args.vec, 0, vec.data(), vec.size() * sizeof(uint32_t));
  args.regs.num_ops = static_cast<uint32_t>(program.size());
  args.regs.num_tokens = passes;
  dev.start(args);
  // Longer than libFuzzer's -timeout, so that a hang is reported as one, not as an Error.
  dev.wait(std::chrono::minutes(2));
  Outcome out{dev.counters().kernel, std::vector<uint32_t>(vec.size())};
  dev.read(args.vec, 0, out.vec.data(), out.vec.size() * sizeof(uint32_t));
  return out;
}

}  // namespace

void fuzz_token_program(const uint8_t* data, size_t size) {
  const Rig& r = rig();
  const host::ImageLayout& lay = r.image.layout;
  uint32_t header[kHeaderWords] = {};
  std::memcpy(header, data, std::min(size, sizeof(header)));
  std::vector<Descriptor> program;
  for (size_t at = sizeof(header); at + sizeof(Descriptor) <= size && program.size() < lay.num_ops;
       at += sizeof(Descriptor)) {
    program.emplace_back();
    std::memcpy(program.back().data(), data + at, sizeof(Descriptor));
  }

  // The checks alone, and the status text of every outcome.
  const mmf_hls::DeviceLimits lim = host::device_limits(r.build, lay.vec_words, lay.weight_words);
  for (size_t k = 0; k < program.size(); ++k) {
    const uint32_t code = mmf_hls::check_descriptor(program[k].data(), lim);
    host::describe_status(mmf_hls::make_status(code, static_cast<uint32_t>(k)), program);
  }
  host::describe_status(header[1], program);
  try {
    host::DeviceImage image = r.image;
    image.program = program;
    image.layout.num_ops = static_cast<uint32_t>(program.size());
    for (size_t k = 0; k < program.size(); ++k) {
      std::memcpy(&image.vec[lay.program + k * mmf_hls::kDescriptorWords], program[k].data(),
                  sizeof(Descriptor));
    }
    host::validate_image(image, r.build);
  } catch (const Error&) {
  }

  // The two interpreters of the program: same checks, same status, same ops done, and the
  // same vector bank after the run (what the ops stored, bit for bit).
  const uint32_t passes = launch_passes(header[2]);
  const Outcome cpu = run(*r.cpu, r.cpu_args, r, header[0], passes, program);
  const Outcome csim = run(*r.csim, r.csim_args, r, header[0], passes, program);
  const mmf_hls::KernelCounters& a = cpu.counters;
  const mmf_hls::KernelCounters& b = csim.counters;
  host::describe_status(a.status, program);
  if (a.status != b.status || a.ops_done != b.ops_done) {
    throw std::logic_error("cpu and csim disagree: status " + std::to_string(a.status) + " vs " +
                           std::to_string(b.status) + ", ops done " + std::to_string(a.ops_done) +
                           " vs " + std::to_string(b.ops_done));
  }
  const auto diff = std::mismatch(cpu.vec.begin(), cpu.vec.end(), csim.vec.begin());
  if (diff.first != cpu.vec.end()) {
    throw std::logic_error("cpu and csim stored different values: vector word " +
                           std::to_string(diff.first - cpu.vec.begin()) + " is " +
                           std::to_string(*diff.first) + " vs " + std::to_string(*diff.second));
  }
}

}  // namespace mmf::fuzz

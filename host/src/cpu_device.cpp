// SPDX-License-Identifier: Apache-2.0
// The `cpu` backend: executes the token program on the device image with the golden units
// (fixed_units.hpp). A straightforward interpreter; the fast kernels come separately.
#include <vector>

#include "host_memory_device.hpp"
#include "mmf/fixed_units.hpp"
#include "mmf/host/device_image.hpp"
#include "mmf/ternary_matvec.hpp"
#include "mmf_hls/program_format.hpp"

namespace mmf::host {
namespace {

using namespace mmf_hls;

std::vector<int16_t> load_int16(const uint32_t* vec, uint32_t addr, uint32_t n) {
  std::vector<int16_t> out(n);
  for (uint32_t k = 0; k < n; ++k) out[k] = static_cast<int16_t>(half_at(vec, addr, k));
  return out;
}

class CpuDevice final : public HostMemoryDevice {
 public:
  explicit CpuDevice(BuildDescriptor build) : HostMemoryDevice("cpu", std::move(build)) {}

 protected:
  KernelCounters execute(const HostLaunch& launch) override;

 private:
  void bitlinear(const HostLaunch& launch, const uint32_t* d, KernelCounters& counters);

  std::vector<std::vector<int32_t>> buf_;
  std::vector<int8_t> codes_;
};

void CpuDevice::bitlinear(const HostLaunch& launch, const uint32_t* d, KernelCounters& counters) {
  const uint32_t n = d[kFieldN], rows = d[kFieldRows];
  const auto channels = static_cast<uint32_t>(build().accel.weight_channels);
  const auto lanes = static_cast<uint32_t>(build().accel.lanes);
  const uint64_t word_bytes = build().weight_word_bytes();
  const bool has_rms = d[kFieldAddr0] != kNoAddress;
  const std::vector<int16_t> w_rms =
      has_rms ? load_int16(launch.vec, d[kFieldAddr0], n) : std::vector<int16_t>();
  const std::vector<int16_t> w_code = load_int16(launch.vec, d[kFieldAddr1], n);
  const fx::Quantized q =
      fx::quantize_activations(buf_[d[kFieldSrc0]].data(), has_rms ? w_rms.data() : nullptr,
                               w_code.data(), n, codes_.data());
  const fx::Scaled scale = fx::combine_scales(
      q.token_scale, fx::Scaled{d[kFieldMant], static_cast<int32_t>(d[kFieldExp])});
  const uint64_t row_words = ceil_div(n, lanes);
  const bool to_memory = d[kFieldDst] == kDstMemory;
  for (uint32_t r = 0; r < rows; ++r) {
    // Row r lives in channel r % channels at word weight + (r / channels) * row_words.
    const uint8_t* row =
        launch.weights[r % channels] + (d[kFieldWeight] + (r / channels) * row_words) * word_bytes;
    const int32_t v =
        fx::apply_scale(ternary_row_dot(row, Packing::two_bit, n, codes_.data()), scale);
    if (to_memory) {
      launch.vec[d[kFieldAddr2] + r] = static_cast<uint32_t>(v);
    } else {
      buf_[d[kFieldDst]][r] = v;
    }
  }
  counters.vector_bytes += int16_vector_words(n) * kVecWordBytes * (has_rms ? 2 : 1);
  if (to_memory) counters.vector_bytes += uint64_t{rows} * kVecWordBytes;
  counters.ternary_ops += uint64_t{rows} * n;
  counters.weight_bytes += uint64_t{rows} * row_words * word_bytes;
}

KernelCounters CpuDevice::execute(const HostLaunch& launch) {
  KernelCounters counters;
  const BuildDescriptor& b = build();
  const DeviceLimits lim = device_limits(b, launch.regs.vec_words, launch.regs.weight_words);
  const LaunchRegs& regs = launch.regs;
  if (!program_fits(regs.program, regs.num_ops, static_cast<uint32_t>(b.accel.max_ops),
                    regs.vec_words)) {
    counters.status = make_status(kStatusBadProgram, 0);
    return counters;
  }
  const auto max_vector = static_cast<size_t>(b.accel.max_vector);
  buf_.assign(kNumBuffers, std::vector<int32_t>(max_vector, 0));
  codes_.assign(max_vector, 0);
  std::vector<int32_t> scratch(max_vector), state(max_vector);
  uint32_t* vec = launch.vec;
  for (uint32_t op = 0; op < regs.num_ops; ++op) {
    const uint32_t* d = vec + regs.program + op * kDescriptorWords;
    counters.vector_bytes += kDescriptorWords * kVecWordBytes;
    const uint32_t check = check_descriptor(d, lim);
    if (check != kStatusOk) {
      counters.status = make_status(check, op);
      return counters;
    }
    const uint32_t n = d[kFieldN];
    switch (d[kFieldOpcode]) {
      case kOpEmbed: {
        const uint32_t token = vec[d[kFieldAddr1]];
        counters.vector_bytes += kVecWordBytes;
        if (token >= d[kFieldRows]) {
          counters.status = make_status(kStatusBadToken, op);
          return counters;
        }
        const uint64_t row = d[kFieldAddr0] + uint64_t{token} * int16_vector_words(n);
        for (uint32_t k = 0; k < n; ++k) {
          buf_[d[kFieldDst]][k] = fx::bf16_to_q16(half_at(vec, row, k));
        }
        counters.vector_bytes += int16_vector_words(n) * kVecWordBytes;
        break;
      }
      case kOpBitLinear:
        bitlinear(launch, d, counters);
        break;
      case kOpMlgru: {
        const bool has_lb = d[kFieldAddr1] != kNoAddress;
        int32_t* s = reinterpret_cast<int32_t*>(vec + d[kFieldAddr0]);
        fx::mlgru(buf_[d[kFieldSrc0]].data(), buf_[d[kFieldSrc1]].data(),
                  buf_[d[kFieldSrc2]].data(), has_lb ? vec + d[kFieldAddr1] : nullptr, n, s,
                  scratch.data(), buf_[d[kFieldDst]].data());
        counters.vector_bytes += uint64_t{n} * kVecWordBytes * (has_lb ? 3 : 2);
        break;
      }
      case kOpGlu:
        fx::glu(buf_[d[kFieldSrc0]].data(), n, scratch.data(), buf_[d[kFieldDst]].data());
        break;
      case kOpAdd:
        fx::residual_add(buf_[d[kFieldDst]].data(), buf_[d[kFieldSrc0]].data(), n);
        break;
      default:  // kOpStore
        for (uint32_t k = 0; k < n; ++k) {
          vec[d[kFieldAddr0] + k] = static_cast<uint32_t>(buf_[d[kFieldSrc0]][k]);
        }
        counters.vector_bytes += uint64_t{n} * kVecWordBytes;
        break;
    }
    counters.ops_done = op + 1;
  }
  return counters;
}

}  // namespace

std::unique_ptr<Device> make_cpu_device(const BuildDescriptor& build) {
  return std::make_unique<CpuDevice>(build);
}

}  // namespace mmf::host

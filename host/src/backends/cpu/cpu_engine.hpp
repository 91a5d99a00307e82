// SPDX-License-Identifier: Apache-2.0
// The token program executed on the host CPU: BitLinear rows through the SIMD matvec kernels
// (mmf/host/backends/cpu/ternary_kernels.hpp) on a thread pool, the vector ops through the golden
// units (fixed_units.hpp): bit-exact with the fixed-point model. The `cpu` backend is this engine
// on host memory; the `systemc` backend computes its data with it while the platform times it.
// Every buffer is allocated once, when the engine is made; a token allocates nothing.
#pragma once

#include <memory>
#include <vector>

#include "backends/host_memory_device.hpp"
#include "mmf/fixed_units.hpp"
#include "mmf/host/backends/cpu/ternary_kernels.hpp"
#include "mmf/host/backends/cpu/thread_pool.hpp"

namespace mmf::host {

class CpuEngine {
 public:
  CpuEngine(const BuildDescriptor& build, const DeviceOptions& options);
  // Runs the program of the launch: the kernel's status and counters, as the kernel reports
  // them (the ops before a bad descriptor run, nothing after it).
  mmf_hls::KernelCounters run(const HostLaunch& launch);

 private:
  // The ops of mmf_hls::walk_program (program_walk.hpp) on this engine's buffers.
  struct Ops;

  void bitlinear(const HostLaunch& launch, const uint32_t* d);
  // fx::quantize_activations of buf src0 (n values; norm weights in w_rms_ when has_rms,
  // w_code_) into codes_, its three passes split over the pool.
  fx::Quantized quantize(const uint32_t* d, bool has_rms);
  // BitNet b1.58's ops with the golden units (fixed_units.hpp) on the image's layouts.
  void kv_append(const HostLaunch& launch, const uint32_t* d, uint32_t p);
  void attention(const HostLaunch& launch, const uint32_t* d, uint32_t p);
  void head(const HostLaunch& launch, const uint32_t* d);

  BuildDescriptor build_;
  cpu::Isa isa_;
  std::unique_ptr<cpu::ThreadPool> own_pool_;
  cpu::ThreadPool* pool_;
  cpu::PreparedCodes prepared_;
  std::vector<std::vector<int32_t>> buf_;
  std::vector<int8_t> codes_;
  std::vector<int32_t> scratch_;
  std::vector<int32_t> products_a_, products_u_;  // the quantizer's two products per element
  std::vector<int16_t> w_rms_, w_code_;
  std::vector<uint32_t> lower_bound_;  // an MLGRU's lower bound, read before the state is written
  std::vector<uint32_t> program_;  // the program as read at launch (the kernel's descriptor RAM)
  // Attention: a KV head's cache gathered into plain rows, the query codes, scores and weights
  // (sized for the build's max_context and max_head_dim).
  std::vector<int8_t> k_rows_, v_rows_, q_codes_;
  std::vector<uint32_t> k_amax_, v_amax_, weights_;
  std::vector<int32_t> scores_;
};

}  // namespace mmf::host

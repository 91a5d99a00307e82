// SPDX-License-Identifier: Apache-2.0
// How the csim backend calls a build's kernel top compiled with g++: each generated
// bitstreams/generated/<build>/mmf_kernel.cpp defines mmf_csim_<build>(), and the generated
// bitstreams/generated/csim_builds.cpp lists them. Plain C++ (no ap_int) for the host.
#pragma once

#include <cstdint>

#include "mmf_hls/kernel_regs.hpp"

namespace mmf_hls {

struct CsimLaunch {
  void* const* weights;  // one base pointer per weight channel (KvAppend writes the KV cache)
  uint32_t* vec;         // the vector bank
  LaunchRegs regs;
  KernelCounters* counters;  // read back from the kernel's counter registers
};

using CsimEntry = void (*)(const CsimLaunch&);

struct CsimBuild {
  const char* name;      // build name (bitstreams/<name>.yaml)
  uint64_t fingerprint;  // BuildDescriptor::fingerprint() of the YAML it was generated from
  int weight_channels;
  int lanes;
  CsimEntry run;
};

extern const CsimBuild kCsimBuilds[];
extern const int kNumCsimBuilds;

}  // namespace mmf_hls

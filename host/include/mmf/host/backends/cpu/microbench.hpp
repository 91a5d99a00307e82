// SPDX-License-Identifier: Apache-2.0
// Microbenchmarks behind `mmf bench --op ...`: the ternary matvec kernels and the machine's
// read bandwidth, each timed over repeated runs in one process (figures are wall clock,
// measured, on whatever else the machine runs).
#pragma once

#include <cstdint>

#include "mmf/host/backends/cpu/ternary_kernels.hpp"

namespace mmf::cpu {

struct MatvecBench {
  int64_t rows = 0, cols = 0;
  Packing packing = Packing::two_bit;
  Isa isa = Isa::scalar;
  int threads = 1;
  uint64_t weight_bytes = 0;  // packed bytes of the matrix
  int64_t iterations = 0;
  double us = 0.0;    // median time of one matvec, codes preparation included
  double gops = 0.0;  // ternary multiply-accumulates (rows x cols) per second, / 1e9
  double gbps = 0.0;  // packed weight bytes per second, / 1e9
  // With compare_bandwidth: the read bandwidth measured in the same run, the best of the
  // timed passes over a 1 GiB buffer between matvecs (bench_read_bandwidth's probe; this host
  // is shared, so only same-run ratios mean much).
  double bandwidth_gbps = 0.0;
  double bandwidth_fraction = 0.0;  // gbps (median matvec) / bandwidth_gbps (best pass)
};

// A random rows x cols matrix (packed rows back to back), one random code vector, timed for at
// least `min_seconds` and 5 iterations after one warm-up.
MatvecBench bench_matvec(int64_t rows, int64_t cols, Packing packing, Isa isa, int threads,
                         double min_seconds, bool compare_bandwidth = false);

struct BandwidthBench {
  uint64_t bytes = 0;
  int threads = 1;
  int64_t passes = 0;
  double gbps = 0.0;  // the best pass: bytes read per second over a whole pass, / 1e9
  double median_gbps = 0.0, worst_gbps = 0.0;  // the median and slowest passes
};

// The machine's sustained read rate: a `bytes` buffer read by `threads` threads, each pinned to
// an allowed CPU and streaming its own contiguous share, which it touched first (untimed);
// whole passes timed for at least `min_seconds` and 7 passes after one warm-up.
BandwidthBench bench_read_bandwidth(uint64_t bytes, int threads, double min_seconds);

}  // namespace mmf::cpu

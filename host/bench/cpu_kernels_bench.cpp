// SPDX-License-Identifier: Apache-2.0
// Google Benchmark microbenchmarks of the cpu backend's kernels (build/bin/mmf-microbench):
// the ternary matvec per instruction set, packing and thread count on the 1.3B shapes and a
// DRAM-resident 16384 x 16384, the code preparation, and the golden quantizer the backend runs
// before every BitLinear, and the CRC32C of the load-time integrity checks. Throughput counters:
// bytes_per_second = packed weight bytes, items_per_second = ternary multiply-accumulates. Timings
// are of this (shared) host.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "mmf/checksum.hpp"
#include "mmf/fixed_units.hpp"
#include "mmf/host/backends/cpu/ternary_kernels.hpp"
#include "mmf/host/backends/cpu/thread_pool.hpp"

namespace {

using mmf::Packing;
using mmf::cpu::Isa;

struct Matrix {
  std::vector<uint8_t> bytes;
  std::vector<int8_t> codes;
  mmf::cpu::TernaryRows rows;
};

Matrix random_matrix(int64_t rows, int64_t cols, Packing packing) {
  Matrix m;
  std::mt19937 rng(7);
  const size_t row_bytes = mmf::packed_row_bytes(static_cast<size_t>(cols), packing);
  m.bytes.resize(row_bytes * static_cast<size_t>(rows));
  std::vector<int8_t> trits(static_cast<size_t>(cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (auto& t : trits) t = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
    mmf::pack_row(trits.data(), trits.size(), packing, m.bytes.data() + r * row_bytes);
  }
  m.codes.resize(static_cast<size_t>(cols));
  for (auto& c : m.codes) c = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  m.rows = {m.bytes.data(), row_bytes, rows, cols, packing};
  return m;
}

// Args: isa, packing (0: 2-bit, 1: 1.6-bit), rows, cols, threads.
void BM_Matvec(benchmark::State& state) {
  const auto isa = static_cast<Isa>(state.range(0));
  if (!mmf::cpu::isa_supported(isa)) {
    state.SkipWithError("this CPU cannot run this instruction set");
    return;
  }
  const Packing packing = state.range(1) == 0 ? Packing::two_bit : Packing::five_trit;
  const Matrix m = random_matrix(state.range(2), state.range(3), packing);
  mmf::cpu::ThreadPool pool(static_cast<int>(state.range(4)));
  mmf::cpu::PreparedCodes prepared;
  std::vector<int32_t> acc(static_cast<size_t>(m.rows.rows));
  auto share = [&](int64_t b, int64_t e) {
    mmf::cpu::ternary_matvec(m.rows, prepared, b, e, acc.data() + b);
  };
  for (auto _ : state) {
    prepared.prepare(isa, packing, m.codes.data(), m.rows.cols);
    pool.parallel_for(m.rows.rows, 4, share);
    benchmark::DoNotOptimize(acc.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(m.bytes.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * m.rows.rows * m.rows.cols);
  state.SetLabel(mmf::cpu::isa_name(isa));
}

void matvec_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"isa", "packing", "rows", "cols", "threads"});
  for (int isa : {0, 1, 2}) {
    for (int packing : {0, 1}) {
      for (auto [rows, cols] : {std::pair{2048, 2048}, {2048, 5632}, {5632, 2048}}) {
        b->Args({isa, packing, rows, cols, 1});
      }
    }
  }
  for (int threads : {1, 2}) {
    b->Args({2, 0, 2048, 5632, threads});
    b->Args({2, 0, 5632, 2048, threads});
    b->Args({2, 0, 16384, 16384, threads});  // 64 MiB: past the 32 MiB L3
    b->Args({2, 1, 16384, 16384, threads});
  }
}
BENCHMARK(BM_Matvec)->Apply(matvec_args)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_PrepareCodes(benchmark::State& state) {
  const auto isa = static_cast<Isa>(state.range(0));
  if (!mmf::cpu::isa_supported(isa)) {
    state.SkipWithError("this CPU cannot run this instruction set");
    return;
  }
  const Matrix m = random_matrix(1, state.range(1), Packing::two_bit);
  mmf::cpu::PreparedCodes prepared;
  for (auto _ : state) {
    prepared.prepare(isa, Packing::two_bit, m.codes.data(), m.rows.cols);
    benchmark::DoNotOptimize(prepared.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * m.rows.cols);
}
BENCHMARK(BM_PrepareCodes)->ArgNames({"isa", "cols"})->Args({2, 2048})->Args({2, 5632});

// The golden quantizer the cpu backend runs before each BitLinear (norm weights included).
void BM_Quantize(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  std::mt19937 rng(3);
  std::vector<int32_t> p(n);
  std::vector<int16_t> w_rms(n), w_code(n);
  std::vector<int8_t> codes(n);
  for (size_t k = 0; k < n; ++k) {
    p[k] = static_cast<int32_t>(rng() % 200000) - 100000;
    w_rms[k] = static_cast<int16_t>(rng() % 30000);
    w_code[k] = static_cast<int16_t>(rng() % 30000);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(mmf::fx::quantize_activations(p.data(), w_rms.data(), w_code.data(),
                                                           static_cast<int64_t>(n), codes.data()));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_Quantize)->Arg(2048)->Arg(5632);

// The load-time integrity check: CRC32C over a model's tensors (hardware and table paths), which
// every converted-model load and every device upload runs once (docs/reliability.md).
void BM_Crc32c(benchmark::State& state) {
  const bool hardware = state.range(0) != 0;
  std::vector<uint8_t> bytes(static_cast<size_t>(state.range(1)));
  std::mt19937 rng(5);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  for (auto _ : state) {
    benchmark::DoNotOptimize(hardware ? mmf::crc32c(bytes.data(), bytes.size())
                                      : mmf::crc32c_portable(bytes.data(), bytes.size()));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_Crc32c)->ArgNames({"hw", "bytes"})->Args({1, 64 << 20})->Args({0, 64 << 20});

}  // namespace

BENCHMARK_MAIN();

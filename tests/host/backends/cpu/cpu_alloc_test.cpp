// SPDX-License-Identifier: Apache-2.0
// The cpu backend allocates nothing per token once warm: this binary counts every operator new
// (its own replacement of the global allocation functions) around Accelerator::step.
#include <atomic>
#include <cstdlib>
#include <new>

#include "common/bitnet_checkpoint.hpp"
#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "mmf/host/backends/cpu/bitnet_cpu_model.hpp"
#include "mmf/host/backends/cpu/thread_pool.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/host/runtime/accelerator.hpp"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace mmf::host {
namespace {

TEST(CpuBackend, AllocatesNothingPerToken) {
  const Model model = make_random_model(test::ragged_test_config(2), 3, Packing::two_bit);
  const BuildDescriptor b = load_build_descriptor(build_descriptor_path("ci-tiny"));
  cpu::ThreadPool pool(2);
  DeviceOptions o;
  o.cpu.pool = &pool;
  Accelerator acc(open_device("cpu", b, o), compile_model(model, b));
  acc.reset();
  for (int32_t token : {1, 2, 3}) acc.step(token);  // warm: buffers reach their sizes
  const long before = g_allocations.load();
  MMF_EXPECT_GT(before, 0);  // the counter sees the allocations of loading the model
  for (int32_t token : {4, 5, 6, 7, 8}) acc.step(token);
  MMF_EXPECT_EQ(g_allocations.load() - before, 0);
  MMF_EXPECT_EQ(acc.totals().launches, 8u);
}

TEST(CpuBackend, BitNetAllocatesNothingPerToken) {
  ModelConfig c = test::small_bitnet_config();
  const Model model = make_random_model(c, 3, Packing::two_bit);
  cpu::ThreadPool pool(2);
  BitNetCpuModel engine(model, pool, std::nullopt);
  for (int32_t token : {1, 2, 3}) engine.step(token);
  const long before = g_allocations.load();
  for (int32_t token : {4, 5, 6, 7, 8}) engine.step(token);
  MMF_EXPECT_EQ(g_allocations.load() - before, 0);
  MMF_EXPECT_EQ(engine.position(), 8);
}

}  // namespace
}  // namespace mmf::host

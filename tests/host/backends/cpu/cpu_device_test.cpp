// SPDX-License-Identifier: Apache-2.0
// The cpu backend on every instruction set and thread count equals the fixed-point reference
// bit for bit, on a ragged model (widths that are not multiples of any block or lane count) and
// on builds whose rows interleave over 2 and 31 channels.
#include <chrono>
#include <string>
#include <tuple>

#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "mmf/fixed_model.hpp"
#include "mmf/host/backends/cpu/ternary_kernels.hpp"
#include "mmf/host/backends/cpu/thread_pool.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/host/runtime/accelerator.hpp"

namespace mmf::host {
namespace {

using Param = std::tuple<cpu::Isa, int, std::string>;  // isa, threads, build

class CpuDevice : public ::testing::TestWithParam<Param> {};

TEST_P(CpuDevice, MatchesTheFixedPointReference) {
  const auto [isa, threads, build_name] = GetParam();
  if (!cpu::isa_supported(isa)) GTEST_SKIP() << "this CPU cannot run " << cpu::isa_name(isa);
  const Model model = make_random_model(test::ragged_test_config(2), 5, Packing::two_bit);
  const BuildDescriptor b = load_build_descriptor(build_descriptor_path(build_name));
  cpu::ThreadPool pool(threads);
  DeviceOptions o;
  o.cpu.isa = isa;
  o.cpu.pool = &pool;
  Accelerator acc(open_device("cpu", b, o), compile_model(model, b));
  FixedModel reference(model);
  acc.reset();
  reference.reset();
  for (int32_t token : {1, 9, 0, 77, 77}) {
    const std::vector<int32_t>& got = acc.step(token);
    reference.step(token);
    MMF_EXPECT_EQ(got, reference.logits_q16()) << "token " << token;
  }
}

INSTANTIATE_TEST_SUITE_P(
    IsaThreadsBuild, CpuDevice,
    ::testing::Combine(::testing::Values(cpu::Isa::scalar, cpu::Isa::avx2, cpu::Isa::avx512),
                       ::testing::Values(1, 2, 3), ::testing::Values("ci-tiny", "u280")),
    [](const ::testing::TestParamInfo<Param>& p) {
      std::string name = std::string(cpu::isa_name(std::get<0>(p.param))) + "_" +
                         std::to_string(std::get<1>(p.param)) + "threads_" + std::get<2>(p.param);
      for (char& c : name) c = c == '-' ? '_' : c;
      return name;
    });

// 1.6-bit images (ci-tiny decodes them) equal the reference too: with one tile row the kernels
// read each row block as a five-trit row; with 4-row tiles the blocks are decoded to words
// first. Both paths, on every instruction set.
using FiveTritParam = std::tuple<cpu::Isa, int>;  // isa, tile_rows

class CpuDeviceFiveTrit : public ::testing::TestWithParam<FiveTritParam> {};

TEST_P(CpuDeviceFiveTrit, MatchesTheFixedPointReference) {
  const auto [isa, tile_rows] = GetParam();
  if (!cpu::isa_supported(isa)) GTEST_SKIP() << "this CPU cannot run " << cpu::isa_name(isa);
  const Model model = make_random_model(test::ragged_test_config(2), 5, Packing::two_bit);
  AcceleratorOverrides overrides;
  overrides.tile_rows = tile_rows;
  const BuildDescriptor b = load_build_descriptor(build_descriptor_path("ci-tiny"), overrides);
  MMF_ASSERT_TRUE(b.accel.five_trit);
  DeviceOptions o;
  o.cpu.isa = isa;
  o.cpu.threads = 2;
  Accelerator acc(open_device("cpu", b, o), compile_model(model, b, Packing::five_trit));
  FixedModel reference(model);
  acc.reset();
  reference.reset();
  for (int32_t token : {1, 9, 0, 77}) {
    const std::vector<int32_t>& got = acc.step(token);
    reference.step(token);
    MMF_EXPECT_EQ(got, reference.logits_q16()) << "token " << token;
  }
}

INSTANTIATE_TEST_SUITE_P(IsaTileRows, CpuDeviceFiveTrit,
                         ::testing::Combine(::testing::Values(cpu::Isa::scalar, cpu::Isa::avx2,
                                                              cpu::Isa::avx512),
                                            ::testing::Values(1, 4)),
                         [](const ::testing::TestParamInfo<FiveTritParam>& p) {
                           return std::string(cpu::isa_name(std::get<0>(p.param))) + "_tile_rows" +
                                  std::to_string(std::get<1>(p.param));
                         });

// An op that overwrites its own descriptor runs as it was checked, as the kernel, which latches
// the descriptor, runs it. The cpu backend used to read the fields again while running: a Store
// over itself took its source buffer id from the data it had just written (found with
// fuzz_token_program: tests/fuzz/regressions/fuzz_token_program/).
TEST(CpuDeviceProgram, AnOpOverwritingItsOwnDescriptorRunsAsChecked) {
  const BuildDescriptor b = load_build_descriptor(build_descriptor_path("ci-tiny"));
  const DeviceImage img =
      compile_model(make_random_model(test::ragged_test_config(1), 3, Packing::two_bit), b);
  const ImageLayout& lay = img.layout;
  // Op 0 is the compiled Embed (into buffer X); op 1 stores X over op 1's own 16 words.
  const uint32_t own = lay.program + mmf_hls::kDescriptorWords;
  Descriptor store{};
  store[mmf_hls::kFieldOpcode] = mmf_hls::kOpStore;
  store[mmf_hls::kFieldN] = mmf_hls::kDescriptorWords;
  store[mmf_hls::kFieldSrc0] = mmf_hls::kBufX;
  store[mmf_hls::kFieldAddr0] = own;
  std::vector<std::vector<uint32_t>> stored;
  for (const std::string backend : {"cpu", "csim"}) {
    auto dev = open_device(backend, b);
    LaunchArgs args = load_image(*dev, img);
    dev->write(args.vec, uint64_t{own} * 4, store.data(), sizeof(store));
    args.regs.num_ops = 2;
    dev->start(args);
    dev->wait(std::chrono::minutes(1));
    MMF_EXPECT_EQ(dev->counters().kernel.status, 0u) << backend;
    MMF_EXPECT_EQ(dev->counters().kernel.ops_done, 2u) << backend;
    stored.emplace_back(mmf_hls::kDescriptorWords);
    dev->read(args.vec, uint64_t{own} * 4, stored.back().data(), sizeof(store));
  }
  MMF_EXPECT_EQ(stored[0], stored[1]) << "cpu and csim store the same values";
  MMF_EXPECT_NE(stored[0], std::vector<uint32_t>(store.begin(), store.end()));
}

TEST(CpuDeviceOptions, RefuseBadThreadsAndIsa) {
  const BuildDescriptor b = load_build_descriptor(build_descriptor_path("ci-tiny"));
  DeviceOptions o;
  o.cpu.threads = 0;
  MMF_EXPECT_ERROR(open_device("cpu", b, o), "--threads must be between 1 and 256 (got 0)");
  MMF_EXPECT_ERROR(cpu::isa_from_name("neon", "--isa"), "--isa: unknown instruction set 'neon'");
  MMF_EXPECT_TRUE(!cpu::isa_from_name("auto", "--isa").has_value());
  MMF_EXPECT_TRUE(cpu::isa_from_name("avx2", "--isa") == cpu::Isa::avx2);
}

TEST(ThreadPool, CoversTheRangeOnceAndRethrows) {
  for (int threads : {1, 2, 5}) {
    cpu::ThreadPool pool(threads);
    std::vector<int> hits(1003, 0);
    auto mark = [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) ++hits[static_cast<size_t>(i)];
    };
    for (int round = 0; round < 50; ++round) pool.parallel_for(1003, 8, mark);
    int wrong = 0;
    for (int h : hits) wrong += h != 50;
    MMF_EXPECT_EQ(wrong, 0) << threads << " threads";
    auto fail = [](int64_t b, int64_t) {
      if (b > 0) throw Error("share failed");
    };
    if (threads > 1) MMF_EXPECT_ERROR(pool.parallel_for(100, 1, fail), "share failed");
    pool.parallel_for(10, 1, mark);  // still usable after an exception
  }
}

}  // namespace
}  // namespace mmf::host

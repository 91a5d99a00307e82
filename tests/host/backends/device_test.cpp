// SPDX-License-Identifier: Apache-2.0
// The device interface as every backend implements it: banks and their capacity, bounds of
// reads and writes, launches with the wrong ports, and waiting with a timeout.
#include "mmf/host/backends/device.hpp"

#include "mmf/host/backends/cpu/ternary_kernels.hpp"

#include "common/backends.hpp"
#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/host/runtime/accelerator.hpp"
#include "mmf/model_config.hpp"

namespace mmf::test {
namespace {

using host::BufferHandle;

host::BuildDescriptor ci_tiny() {
  return host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
}

class DeviceInterface : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "verilator") {
      MMF_SKIP_WITHOUT_VERILATOR();
    }
  }
};

TEST_P(DeviceInterface, BanksHaveTheBoardsChannelsAndCapacity) {
  const host::BuildDescriptor b = ci_tiny();
  auto dev = host::open_device(GetParam(), b);
  MMF_EXPECT_EQ(dev->backend(), GetParam());
  MMF_EXPECT_ERROR(dev->allocate(b.board.memory_channels, 16), "memory bank 32 does not exist");
  MMF_EXPECT_ERROR(dev->allocate(-1, 16), "memory bank -1");
  const uint64_t capacity = static_cast<uint64_t>(b.board.channel_mib) << 20;
  MMF_EXPECT_ERROR(dev->allocate(3, capacity + 1), "do not fit memory bank 3");
  // Two buffers may share a bank up to its capacity.
  dev->allocate(3, capacity / 2);
  dev->allocate(3, capacity / 2);
  MMF_EXPECT_ERROR(dev->allocate(3, 1), "0 bytes free");
}

TEST_P(DeviceInterface, ReadsAndWritesStayInsideTheBuffer) {
  auto dev = host::open_device(GetParam(), ci_tiny());
  const BufferHandle buf = dev->allocate(0, 64);
  const std::vector<uint8_t> data(16, 0xAB);
  dev->write(buf, 48, data.data(), data.size());
  std::vector<uint8_t> back(16, 0);
  dev->read(buf, 48, back.data(), back.size());
  MMF_EXPECT_EQ(back, data);
  MMF_EXPECT_ERROR(dev->write(buf, 49, data.data(), data.size()), "runs past a buffer of 64");
  MMF_EXPECT_ERROR(dev->read(buf, 65, back.data(), 0), "runs past");
  MMF_EXPECT_ERROR(dev->read(BufferHandle{7}, 0, back.data(), 1), "unknown buffer");
}

TEST_P(DeviceInterface, LaunchChecksItsPortsAndSizeRegisters) {
  const host::BuildDescriptor b = ci_tiny();
  auto dev = host::open_device(GetParam(), b);
  host::LaunchArgs args;
  args.vec = dev->allocate(2, 1024);
  args.weights = {dev->allocate(0, 64)};
  MMF_EXPECT_ERROR(dev->start(args), "2 weight ports, 1 buffers were bound");
  args.weights.push_back(dev->allocate(1, 64));
  args.regs = mmf_hls::LaunchRegs{0, 1, 1024, 1};  // 1024 words = 4 KiB > the 1 KiB buffer
  MMF_EXPECT_ERROR(dev->start(args), "vec_words register exceeds the vector buffer");
  MMF_EXPECT_ERROR(dev->wait(std::chrono::milliseconds(1)), "wait without a run");
}

TEST_P(DeviceInterface, WaitTimesOutThenTheRunCompletes) {
  const host::BuildDescriptor b = ci_tiny();
  ModelConfig c = small_test_config();
  // A token of tens of milliseconds on the scalar path (about 160 M ternary ops), so that a
  // 0 ms wait right after the start times out even when this thread is descheduled a while.
  c.hidden_size = 1024;
  c.intermediate_size = 3072;
  c.num_layers = 12;
  const host::DeviceImage img = host::compile_model(make_random_model(c, 1, Packing::two_bit), b);
  // The cpu backend's SIMD kernels could finish such a token before the wait begins; its scalar
  // path is several times slower.
  host::DeviceOptions options;
  options.cpu.isa = cpu::Isa::scalar;
  auto dev = host::open_device(GetParam(), b, options);
  const host::LaunchArgs args = host::load_image(*dev, img);
  dev->start(args);
  MMF_EXPECT_ERROR(dev->wait(std::chrono::milliseconds(0)),
                   "the token program did not finish within 0 ms");
  MMF_EXPECT_ERROR(dev->start(args), "start while a run is in flight");
  uint32_t word = 0;
  MMF_EXPECT_ERROR(dev->read(args.vec, 0, &word, 4), "while the device is running");
  // About 11 s on verilator on an idle 2-core machine; 5 minutes leaves room for a busy one
  // (1 minute ran out beside two Yosys runs).
  dev->wait(std::chrono::minutes(5));
  MMF_EXPECT_EQ(dev->counters().kernel.status, 0u);
  MMF_EXPECT_EQ(dev->counters().kernel.ops_done, img.layout.num_ops);
}

// A launch of several passes: no pass is a bad program; a ring smaller than the passes stops
// the run at the Argmax of the first pass past it (after every op before it), naming that op;
// passes within the ring run the program again, each pick the next pass's token.
TEST_P(DeviceInterface, ALaunchOfSeveralTokensChecksItsCountAndItsRing) {
  const host::BuildDescriptor b = ci_tiny();
  const ModelConfig c = small_test_config();
  host::DeviceImage img = host::compile_model(make_random_model(c, 4, Packing::two_bit), b);
  const uint32_t ops = img.layout.num_ops, pick = ops - 1;
  MMF_ASSERT_EQ(img.program[pick][mmf_hls::kFieldOpcode],
                static_cast<uint32_t>(mmf_hls::kOpArgmax));
  auto dev = host::open_device(GetParam(), b);
  host::LaunchArgs args = host::load_image(*dev, img);
  const auto run = [&](uint32_t tokens) {
    args.regs.num_tokens = tokens;
    dev->start(args);
    dev->wait(std::chrono::minutes(5));
    return dev->counters().kernel;
  };
  const uint32_t token = 3;
  dev->write(args.vec, uint64_t{img.layout.token_in} * 4, &token, 4);
  MMF_EXPECT_EQ(run(0).status, mmf_hls::make_status(mmf_hls::kStatusBadProgram, 0));
  // A ring of 2 words: a third pass stops at its Argmax.
  const uint32_t ring = 2;
  dev->write(args.vec,
             (uint64_t{img.layout.program} + uint64_t{pick} * mmf_hls::kDescriptorWords +
              mmf_hls::kFieldN) *
                 4,
             &ring, 4);
  dev->write(args.vec, uint64_t{img.layout.token_in} * 4, &token, 4);
  const mmf_hls::KernelCounters k = run(3);
  MMF_EXPECT_EQ(k.status, mmf_hls::make_status(mmf_hls::kStatusBadLength, pick));
  MMF_EXPECT_EQ(k.ops_done, 2 * ops + pick);
  // Two passes fit: the ring holds both picks, and the token slot the last one.
  dev->write(args.vec, uint64_t{img.layout.token_in} * 4, &token, 4);
  const mmf_hls::KernelCounters two = run(2);
  MMF_EXPECT_EQ(two.status, 0u);
  MMF_EXPECT_EQ(two.ops_done, 2 * ops);
  uint32_t picks[2] = {0, 0}, last = 0;
  dev->read(args.vec, uint64_t{img.layout.token_ring} * 4, picks, sizeof(picks));
  dev->read(args.vec, uint64_t{img.layout.token_in} * 4, &last, 4);
  MMF_EXPECT_EQ(last, picks[1]);
  MMF_EXPECT_LT(picks[0], static_cast<uint32_t>(c.vocab_size));
}

// With Verilator the CLI runs on it by default; a build without it (make sanitize's) says so,
// and runs on cpu by default. Each tree checks the half it is.
TEST(Backends, DefaultBackendAndVerilatorLeftOut) {
  if (host::backend_available("verilator")) {
    MMF_EXPECT_EQ(host::default_backend(), "verilator");
    MMF_EXPECT_TRUE(host::open_device("verilator", ci_tiny()) != nullptr);
    return;
  }
  MMF_EXPECT_EQ(host::default_backend(), "cpu");
  MMF_EXPECT_ERROR(host::open_device("verilator", ci_tiny()), "--backend verilator",
                   "MMF_WITH_VERILATOR=OFF", "available: cpu, csim");
}

// The xrt backend loads AMD .xclbin files: an Intel board's build is refused by name, whether or
// not this binary has XRT; the untimed backends run it.
TEST(Backends, XrtRefusesAnIntelBoard) {
  const host::BuildDescriptor d5005 =
      host::load_build_descriptor(host::build_descriptor_path("d5005"));
  MMF_EXPECT_EQ(d5005.board.vendor, "intel");
  MMF_EXPECT_ERROR(host::open_device("xrt", d5005), "--backend xrt", "'d5005'", "intel",
                   "board.vendor", "AMD .xclbin");
  MMF_EXPECT_EQ(host::open_device("csim", d5005)->backend(), "csim");
  MMF_EXPECT_EQ(host::open_device("cpu", d5005)->backend(), "cpu");
}

INSTANTIATE_TEST_SUITE_P(Backends, DeviceInterface, testing::Values("cpu", "csim", "verilator"));

}  // namespace
}  // namespace mmf::test

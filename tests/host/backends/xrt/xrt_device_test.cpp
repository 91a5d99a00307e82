// SPDX-License-Identifier: Apache-2.0
// The xrt backend's plumbing under XRT's noop emulation shim (XCL_EMULATION_MODE=noop) with a
// synthetic .xclbin: argument mapping, bank selection through the xclbin's connectivity,
// launch and wait, timeouts and error paths. noop moves no data and runs no kernel, so data
// correctness is the simulators' job (e2e_backends_test); here the calls and messages count.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/host/power/power.hpp"
#include "mmf/host/runtime/accelerator.hpp"

#ifdef MMF_TEST_HAVE_XRT
#include "common/synthetic_xclbin.hpp"
#endif

namespace mmf::host {
namespace {

using test::TempDir;

class XrtDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef MMF_TEST_HAVE_XRT
    GTEST_SKIP() << "libxrt-dev was not found when this tree was configured (make deps "
                    "installs it): the xrt backend is not built";
#else
    if (!backend_available("xrt")) GTEST_SKIP() << "this mmf was built without the xrt backend";
    // The noop shim: a device that accepts every call and runs nothing.
    ::setenv("XCL_EMULATION_MODE", "noop", 1);
    build_ = load_build_descriptor(build_descriptor_path("ci-tiny"));
#endif
  }

#ifdef MMF_TEST_HAVE_XRT
  std::string xclbin(const std::string& name = "k.xclbin",
                     const test::SyntheticXclbinOptions& options = {}) {
    const std::string path = dir_.file(name);
    test::write_synthetic_xclbin(path, build_, options);
    return path;
  }
#endif

  std::unique_ptr<Device> open(const std::string& path, const std::string& id = "0") {
    DeviceOptions o;
    o.xrt.xclbin_path = path;
    o.xrt.device = id;
    return open_device("xrt", build_, o);
  }

  TempDir dir_;
  BuildDescriptor build_;
};

#ifdef MMF_TEST_HAVE_XRT

TEST_F(XrtDeviceTest, BuffersGoWhereTheXclbinConnectsEachArgument) {
  // The xclbin moves w1 to HBM[5]: the backend must follow it, not the build's bank 1.
  test::SyntheticXclbinOptions o;
  o.channel_of["w1"] = 5;
  auto dev = open(xclbin("moved.xclbin", o));
  const BufferHandle w0 = dev->allocate(0, 4096);
  const BufferHandle w1 = dev->allocate(1, 4096);
  const BufferHandle vec = dev->allocate(build_.accel.vector_channel, 8192);
  MMF_EXPECT_EQ(dev->buffer_bank(w0), 0);
  MMF_EXPECT_EQ(dev->buffer_bank(w1), 5);
  MMF_EXPECT_EQ(dev->buffer_bank(vec), build_.accel.vector_channel);
  // A bank no argument of the build uses.
  MMF_EXPECT_ERROR(dev->allocate(7, 64), "places no kernel argument on memory bank 7");

  // Host-side copies round-trip (noop keeps the buffer in host memory).
  std::vector<uint8_t> out(256), back(256, 0);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(i * 7 + 1);
  dev->write(w1, 1024, out.data(), out.size());
  dev->read(w1, 1024, back.data(), back.size());
  MMF_EXPECT_TRUE(back == out);
  MMF_EXPECT_ERROR(dev->write(w1, 4000, out.data(), out.size()), "is outside the 4096-byte buffer");
  MMF_EXPECT_ERROR(dev->read(BufferHandle{42}, 0, back.data(), 1), "unknown buffer 42");
}

TEST_F(XrtDeviceTest, LaunchesAndWaitsThenSaysNoopHasNoCounters) {
  auto dev = open(xclbin());
  LaunchArgs args;
  args.weights = {dev->allocate(0, 4096), dev->allocate(1, 4096)};
  args.vec = dev->allocate(build_.accel.vector_channel, 4096);
  args.regs = {16, 3, 1024, 1024};
  dev->start(args);
  dev->wait(std::chrono::milliseconds(5000));  // noop completes every run at once
  MMF_EXPECT_ERROR(dev->counters(), "noop emulation runs no kernel");
  // A second launch on the same device works the same way.
  dev->start(args);
  dev->wait(std::chrono::milliseconds(5000));
  MMF_EXPECT_ERROR(dev->wait(std::chrono::milliseconds(10)), "wait() without a started run");
  LaunchArgs short_args = args;
  short_args.weights.pop_back();
  MMF_EXPECT_ERROR(dev->start(short_args), "the launch has 1 weight buffers");
}

TEST_F(XrtDeviceTest, HlsFlavouredXclbinOpens) {
  // The HLS top declares the counters as output scalars: extra arguments the host leaves alone.
  test::SyntheticXclbinOptions o;
  o.hls_counter_args = true;
  auto dev = open(xclbin("hls.xclbin", o));
  LaunchArgs args;
  args.weights = {dev->allocate(0, 4096), dev->allocate(1, 4096)};
  args.vec = dev->allocate(build_.accel.vector_channel, 4096);
  dev->start(args);
  dev->wait(std::chrono::milliseconds(5000));
  MMF_EXPECT_ERROR(dev->counters(), "cannot read the counter registers of kernel 'mmf_ci_tiny'");
}

TEST_F(XrtDeviceTest, RefusesTheWrongXclbin) {
  MMF_EXPECT_ERROR(open(""), "--backend xrt needs --xclbin FILE");
  MMF_EXPECT_ERROR(open(dir_.file("absent.xclbin")), "absent.xclbin: no such file");
  test::write_file(dir_.file("junk.xclbin"), "this is not an xclbin\n");
  MMF_EXPECT_ERROR(open(dir_.file("junk.xclbin")), "junk.xclbin: not a readable .xclbin");

  test::SyntheticXclbinOptions other;
  other.kernel_name = "vadd";
  MMF_EXPECT_ERROR(open(xclbin("vadd.xclbin", other)),
                   "holds kernel(s) vadd, not 'mmf_ci_tiny' of build 'ci-tiny'");
  test::SyntheticXclbinOptions fewer;
  fewer.drop_arg = "num_tokens";  // the last: the ids stay dense, so XRT reads the rest
  MMF_EXPECT_ERROR(open(xclbin("fewer.xclbin", fewer)), "lacks argument(s) num_tokens");
  // A gap in the argument ids: XRT's own parser refuses it, and the message says where.
  test::SyntheticXclbinOptions gap;
  gap.drop_arg = "w1";
  MMF_EXPECT_ERROR(open(xclbin("gap.xclbin", gap)),
                   "gap.xclbin: its kernel metadata is unreadable");
  MMF_EXPECT_ERROR(open(xclbin(), "first"), "--device first: expected a device index");
}

TEST_F(XrtDeviceTest, BoardTelemetryIsAbsentOnNoop) {
  auto dev = open(xclbin());
  // noop answers the electrical query with every rail absent, and has no PCIe address.
  const auto report = dev->electrical_report();
  MMF_ASSERT_TRUE(report.has_value());
  MMF_EXPECT_TRUE(report->find("power_rails") != std::string::npos);
  MMF_EXPECT_EQ(dev->pci_bdf(), "");
  // So the board meter has no source, says what it tried, and reports no number.
  PowerOptions po;
  po.idle_window = std::chrono::milliseconds(0);
  auto meter = select_power_meter(*dev, po);
  meter->begin();
  const PowerReport p = meter->end(CounterTotals{}, 0.01);
  MMF_EXPECT_EQ(p.source, PowerSource::none);
  MMF_EXPECT_TRUE(p.reason.find("XRT electrical report gives N/A") != std::string::npos)
      << p.reason;
  MMF_EXPECT_EQ(p.joules, 0.0);
}

// The CLI end to end: `mmf run --backend xrt` loads the image, launches, and stops with the
// noop explanation; a device that never finishes gives the timeout error within the timeout.
TEST_F(XrtDeviceTest, CliRunsOnNoopAndTimesOut) {
  const std::string path = xclbin();
  const test::CliResult r =
      test::run_cli("run --backend xrt --xclbin " + path + " --model random:tiny -n 2");
  MMF_EXPECT_NE(r.exit_code, 0);
  MMF_EXPECT_TRUE(r.err.find("noop emulation runs no kernel") != std::string::npos) << r.err;

  // XRT's noop shim can complete commands after a delay (xrt.ini); 3 s outlasts the timeout.
  test::write_file(dir_.file("xrt.ini"), "[Runtime]\nnoop_completion_delay_us=3000000\n");
  ::setenv("XRT_INI_PATH", dir_.file("xrt.ini").c_str(), 1);
  const auto t0 = std::chrono::steady_clock::now();
  const test::CliResult slow = test::run_cli("run --backend xrt --xclbin " + path +
                                             " --model random:tiny -n 2 --timeout-ms 300");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::unsetenv("XRT_INI_PATH");
  MMF_EXPECT_NE(slow.exit_code, 0);
  MMF_EXPECT_TRUE(slow.err.find("did not finish within 300 ms") != std::string::npos) << slow.err;
  // The process ends soon after the timeout (the shim's completer may hold exit up to its
  // 3 s delay); nowhere near a hang.
  MMF_EXPECT_LT(seconds, 60.0);
  MMF_EXPECT_TRUE(slow.out.empty() || slow.out.find("{") == std::string::npos);
}

// A Xilinx PCIe function (vendor 0x10ee) in sysfs, found without XRT: what could make device 0
// open. Empty when there is none.
std::string xilinx_pci_function() {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/sys/bus/pci/devices", ec)) {
    std::ifstream vendor(e.path() / "vendor");
    std::string id;
    if (vendor >> id && id == "0x10ee") return e.path().string();
  }
  return "";
}

// Without the noop shim and without a board, opening the device is an error that says what to
// do, before any model is loaded. Whether a board is here is read from sysfs, not from the
// message under test: with no Xilinx PCIe function, anything but that error fails.
TEST_F(XrtDeviceTest, NoBoardIsAClearError) {
  const std::string board = xilinx_pci_function();
  if (!board.empty()) GTEST_SKIP() << "this machine has a Xilinx PCIe function: " << board;
  const std::string path = xclbin();
  ::unsetenv("XCL_EMULATION_MODE");
  const test::CliResult r = test::run_cli("run --backend xrt --xclbin " + path + " -n 1");
  ::setenv("XCL_EMULATION_MODE", "noop", 1);
  MMF_EXPECT_EQ(r.exit_code, 1) << r.err;
  MMF_EXPECT_TRUE(r.err.find("xrt: cannot open device 0") != std::string::npos) << r.err;
  MMF_EXPECT_TRUE(r.err.find("XCL_EMULATION_MODE=noop") != std::string::npos) << r.err;
  MMF_EXPECT_TRUE(r.out.empty()) << r.out;
}

#endif  // MMF_TEST_HAVE_XRT

}  // namespace
}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// The systemc backend's forms of the accelerator (issue 7): the rtl forms run the build's
// Verilated RTL inside the platform (the Verilator --sc module, or the C++ model), so their
// logits and kernel cycles are the verilator backend's and their host link is the timed
// form's; bad options name what is wrong.
#include "common/backends.hpp"
#include "common/checks.hpp"
#include "mmf/error.hpp"
#include "mmf/host/power/power.hpp"
#include "mmf/host/runtime/accelerator.hpp"
#include "mmf/host/runtime/model_source.hpp"

namespace mmf::test {
namespace {

host::BuildDescriptor ci_tiny() {
  return host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
}

std::unique_ptr<host::Accelerator> accelerator(
    const std::string& backend, host::PlatformModel form = host::PlatformModel::timed) {
  const host::BuildDescriptor b = ci_tiny();
  host::DeviceOptions o;
  o.systemc.model = form;
  return std::make_unique<host::Accelerator>(
      host::open_device(backend, b, o), host::compile_model(host::load_model("tiny").model, b));
}

// rtl: the Verilator --sc module clocked inside the platform (its absence for ci-tiny is an
// error here); rtl-cpp: the C++ model the platform calls.
class SystemcRtlForm : public ::testing::TestWithParam<host::PlatformModel> {};

TEST_P(SystemcRtlForm, IsTheVerilatorKernelBehindThePlatformsHostLink) {
  MMF_SKIP_WITHOUT_VERILATOR();
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  auto rtl = accelerator("systemc", GetParam());
  auto timed = accelerator("systemc", host::PlatformModel::timed);
  auto verilator = accelerator("verilator");
  for (int32_t token : {1, 5, 9}) {
    const std::vector<int32_t> logits = rtl->step(token);
    MMF_EXPECT_TRUE(logits == verilator->step(token)) << "token " << token;
    MMF_EXPECT_TRUE(logits == timed->step(token)) << "token " << token;
    const host::DeviceCounters r = rtl->last_counters(), v = verilator->last_counters(),
                               t = timed->last_counters();
    MMF_ASSERT_TRUE(r.cycles && r.link_cycles && v.cycles && t.link_cycles);
    MMF_EXPECT_EQ(*r.cycles - *r.link_cycles, *v.cycles);
    MMF_EXPECT_EQ(*r.link_cycles, *t.link_cycles);
    MMF_EXPECT_EQ(r.kernel.weight_bytes, v.kernel.weight_bytes);
    MMF_EXPECT_EQ(r.kernel.vector_bytes, v.kernel.vector_bytes);
    MMF_ASSERT_EQ(r.ops.size(), v.ops.size());
    for (size_t k = 0; k < r.ops.size(); ++k) {
      MMF_EXPECT_EQ(r.ops[k].start, v.ops[k].start);
      MMF_EXPECT_EQ(r.ops[k].end, v.ops[k].end);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Forms, SystemcRtlForm,
                         ::testing::Values(host::PlatformModel::rtl, host::PlatformModel::rtl_cpp),
                         [](const testing::TestParamInfo<host::PlatformModel>& p) {
                           return p.param == host::PlatformModel::rtl ? "ScModule" : "CppModel";
                         });

TEST(SystemcAccelerator, BadOptionsAreClearErrors) {
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  const host::BuildDescriptor b = ci_tiny();
  host::DeviceOptions o;
  o.systemc.model = host::PlatformModel::rtl;
  // A build the binary has no SystemC module for: named, with the form that runs it.
  const host::BuildDescriptor u280 =
      host::load_build_descriptor(host::build_descriptor_path("u280"));
  MMF_EXPECT_ERROR(host::open_device("systemc", u280, o), "--accelerator rtl", "'u280'", "rtl-cpp");
  // 1.6-bit in the RTL forms needs a build with the decoder (ci-tiny less it, here).
  o.channel_packing = Packing::five_trit;
  host::BuildDescriptor no_decoder = b;
  no_decoder.accel.five_trit = false;
  MMF_EXPECT_ERROR(host::open_device("systemc", no_decoder, o), "1.6bit", "accelerator.packings",
                   "--accelerator timed");
}

// The platform's packing reaches its energy model: a 1.6-bit stream's decoders are cells of the
// kernel, so on a build without them (ci-tiny less its decoders), where the timed form models
// them, the fabric term of the same counters is larger than a 2-bit stream's.
TEST(SystemcAccelerator, TheEnergyModelPricesThePackingItStreams) {
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  host::BuildDescriptor b = ci_tiny();
  b.accel.five_trit = false;
  host::CounterTotals a;
  a.weight_bytes = 1000;
  a.cycles = 100000;
  double fabric[2] = {0, 0};
  for (const Packing p : {Packing::two_bit, Packing::five_trit}) {
    host::DeviceOptions o;
    o.channel_packing = p;
    const auto device = host::open_device("systemc", b, o);
    MMF_EXPECT_EQ(device->weight_packing(), p);
    const host::PowerReport r =
        host::select_power_meter(*device, host::PowerOptions{})->end(a, 0.0);
    MMF_ASSERT_EQ(r.source, host::PowerSource::modeled);
    for (const host::EnergyTerm& t : r.breakdown) {
      if (t.name == "fabric") fabric[p == Packing::five_trit] = t.joules;
    }
  }
  MMF_EXPECT_TRUE(fabric[0] > 0.0);
  MMF_EXPECT_TRUE(fabric[1] > fabric[0]) << fabric[0] << " " << fabric[1];
}

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// Power meters (power.hpp): XRT's electrical JSON, the sampling meter, hwmon and RAPL over a
// fake sysfs tree, the energy model against hand-computed terms, and the choice per backend.
// Timing: sample periods of a few ms and idle windows of tens of ms keep every test short;
// energies of instruments are compared with a relative tolerance of 1e-9 (the probe values are
// constant, so only rounding separates the integral from watts x seconds).
#include "mmf/host/power/power.hpp"

#include <atomic>
#include <cmath>
#include <filesystem>
#include <thread>

#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/dse/sweep.hpp"

namespace mmf::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using host::CounterTotals;
using host::PowerOptions;
using host::PowerReport;
using host::PowerSource;

PowerOptions fast(const std::string& sysfs_root = "/nonexistent-sysfs",
                  std::chrono::milliseconds idle = 0ms) {
  PowerOptions o;
  o.sysfs_root = sysfs_root;
  o.sample_period = 5ms;
  o.idle_window = idle;
  return o;
}

// Writes a sysfs attribute the way the kernel presents it: whole, never half-written (a
// reader on the sampler thread may open it at any time), so write a temporary and rename.
void put(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  write_file(path + ".tmp", text);
  fs::rename(path + ".tmp", path);
}

const host::EnergyTerm* term(const PowerReport& r, const std::string& name) {
  for (const auto& t : r.breakdown) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

host::BuildDescriptor ci_tiny() {
  return host::load_build_descriptor(host::bitstreams_dir() + "/ci-tiny.yaml");
}

// ---- XRT electrical report -------------------------------------------------------------------

// The shape of xrt::info::device::electrical (platform-notes §3.4): every value a string.
std::string electrical(const std::string& watts, const std::string& aux_amps = "N/A",
                       const std::string& pex_amps = "N/A", const std::string& v3_amps = "N/A") {
  auto rail = [](const std::string& id, const std::string& volts, const std::string& amps,
                 const std::string& present) {
    return R"({"id":")" + id + R"(","description":"rail","voltage":{"volts":")" + volts +
           R"(","is_present":")" + present + R"("},"current":{"amps":")" + amps +
           R"(","is_present":")" + present + R"("}})";
  };
  return R"({"power_rails":[)" + rail("12v_aux", "12.100", aux_amps, "true") + "," +
         rail("12v_pex", "12.000", pex_amps, "true") + "," +
         rail("3v3_pex", "3.300", v3_amps, "true") + "," +
         rail("3v3_aux", "3.300", "9.0", "false") + "," + rail("vccint", "0.850", "20.0", "true") +
         R"(],"power_consumption_max_watts":"225","power_consumption_watts":")" + watts +
         R"(","power_consumption_warning":"false"})";
}

TEST(XrtElectrical, PowerConsumptionWattsComesFirst) {
  const auto w = host::parse_xrt_electrical(electrical("41.350123", "1.5", "2.0", "0.5"));
  MMF_ASSERT_TRUE(w.has_value());
  MMF_EXPECT_NEAR(*w, 41.350123, 1e-12);
}

TEST(XrtElectrical, WithoutItTheInputRailsAreSummed) {
  // 12.1 x 1.5 + 12.0 x 2.0 + 3.3 x 0.5; 3v3_aux (not present) and vccint (not an input)
  // are left out.
  const auto w = host::parse_xrt_electrical(electrical("N/A", "1.5", "2.0", "0.5"));
  MMF_ASSERT_TRUE(w.has_value());
  MMF_EXPECT_NEAR(*w, 18.15 + 24.0 + 1.65, 1e-12);
  // A rail with N/A current is left out; the others still count.
  const auto partial = host::parse_xrt_electrical(electrical("N/A", "N/A", "2.0", "N/A"));
  MMF_ASSERT_TRUE(partial.has_value());
  MMF_EXPECT_NEAR(*partial, 24.0, 1e-12);
}

TEST(XrtElectrical, AllNotAvailableIsNoReading) {
  // What the noop shim and emulation return.
  MMF_EXPECT_FALSE(host::parse_xrt_electrical(electrical("N/A")).has_value());
  MMF_EXPECT_FALSE(host::parse_xrt_electrical("{}").has_value());
}

TEST(XrtElectrical, MalformedTextIsAnError) {
  MMF_EXPECT_ERROR(host::parse_xrt_electrical("{\"power_rails\": ["), "XRT electrical report",
                   "not valid JSON");
  MMF_EXPECT_ERROR(host::parse_xrt_electrical("[1, 2]"), "XRT electrical report", "object");
  MMF_EXPECT_ERROR(host::parse_xrt_electrical(electrical("lots")), "power_consumption_watts",
                   "\"lots\"");
  MMF_EXPECT_ERROR(host::parse_xrt_electrical(R"({"power_rails": 3})"), "power_rails");
  MMF_EXPECT_ERROR(host::parse_xrt_electrical(electrical("N/A", "1.5x")),
                   "power_rails[0].current.amps");
}

// ---- Sampling meter --------------------------------------------------------------------------

TEST(SamplingMeter, ConstantPowerIntegratesToWattsTimesSeconds) {
  std::atomic<int> calls{0};
  auto meter = host::make_sampling_meter(
      "test probe",
      [&calls]() -> std::optional<double> {
        ++calls;
        return 25.0;
      },
      fast("", 30ms));
  meter->begin();
  std::this_thread::sleep_for(60ms);
  const PowerReport r = meter->end(CounterTotals{}, 0.06);
  MMF_EXPECT_EQ(r.source, PowerSource::measured);
  MMF_EXPECT_EQ(r.meter, "test probe");
  MMF_EXPECT_GE(r.seconds, 0.06);
  MMF_EXPECT_NEAR(r.joules, 25.0 * r.seconds, 25.0 * r.seconds * 1e-9);
  MMF_EXPECT_NEAR(r.watts(), 25.0, 1e-9);
  // begin, end and periodic samples (about 12 in 60 ms at 5 ms; at least one even on a busy
  // machine).
  MMF_EXPECT_GE(r.samples, 3);
  MMF_EXPECT_NEAR(r.sample_period_s, 0.005, 1e-12);
  MMF_ASSERT_TRUE(r.idle_watts.has_value());
  MMF_EXPECT_NEAR(*r.idle_watts, 25.0, 1e-12);
  MMF_EXPECT_NEAR(r.dynamic_watts(), 0.0, 1e-6);
  const auto* idle = term(r, "idle");
  const auto* dynamic = term(r, "dynamic");
  MMF_ASSERT_TRUE(idle != nullptr && dynamic != nullptr);
  MMF_EXPECT_NEAR(idle->joules + dynamic->joules, r.joules, 1e-12);
  MMF_EXPECT_EQ(r.breakdown.size(), 2u);
  MMF_EXPECT_GE(calls.load(), r.samples + 2);  // the idle window sampled too
}

TEST(SamplingMeter, PowerStepIsIntegratedPiecewise) {
  // 10 W until the probe is switched, 30 W after: the energy lies between the two constants
  // and each part is covered.
  std::atomic<bool> high{false};
  auto meter = host::make_sampling_meter(
      "step", [&high]() -> std::optional<double> { return high ? 30.0 : 10.0; }, fast());
  meter->begin();
  std::this_thread::sleep_for(40ms);
  high = true;
  std::this_thread::sleep_for(40ms);
  const PowerReport r = meter->end(CounterTotals{}, 0.08);
  MMF_EXPECT_EQ(r.source, PowerSource::measured);
  MMF_EXPECT_LT(10.0 * r.seconds, r.joules);
  MMF_EXPECT_LT(r.joules, 30.0 * r.seconds);
  // No idle window: one total term.
  MMF_EXPECT_FALSE(r.idle_watts.has_value());
  MMF_ASSERT_EQ(r.breakdown.size(), 1u);
  MMF_EXPECT_EQ(r.breakdown[0].name, "total");
}

TEST(SamplingMeter, AProbeWithoutValuesGivesNoFigure) {
  auto meter = host::make_sampling_meter(
      "silent sensor", []() -> std::optional<double> { return std::nullopt; }, fast("", 20ms));
  meter->begin();
  std::this_thread::sleep_for(20ms);
  const PowerReport r = meter->end(CounterTotals{}, 0.02);
  MMF_EXPECT_EQ(r.source, PowerSource::none);
  MMF_EXPECT_TRUE(r.reason.find("silent sensor") != std::string::npos) << r.reason;
  MMF_EXPECT_EQ(r.joules, 0.0);
  MMF_EXPECT_FALSE(r.idle_watts.has_value());
}

TEST(SamplingMeter, AThrowingProbeCountsAsNoReading) {
  auto meter = host::make_sampling_meter(
      "broken sensor", []() -> std::optional<double> { throw Error("sensor went away"); }, fast());
  meter->begin();
  std::this_thread::sleep_for(15ms);
  const PowerReport r = meter->end(CounterTotals{}, 0.015);
  MMF_EXPECT_EQ(r.source, PowerSource::none);
  MMF_EXPECT_TRUE(r.reason.find("sensor went away") != std::string::npos) << r.reason;
}

TEST(SamplingMeter, DestroyingARunningMeterStopsItsThread) {
  std::atomic<int> calls{0};
  {
    auto meter = host::make_sampling_meter(
        "probe",
        [&calls]() -> std::optional<double> {
          ++calls;
          return 1.0;
        },
        fast());
    meter->begin();
    std::this_thread::sleep_for(20ms);
  }  // no end(): the destructor joins
  const int after = calls.load();
  std::this_thread::sleep_for(20ms);
  MMF_EXPECT_EQ(calls.load(), after);
  MMF_EXPECT_GE(after, 2);
}

TEST(SamplingMeter, EndWithoutBeginIsAProgrammingError) {
  auto meter = host::make_sampling_meter(
      "probe", [] { return std::optional<double>(1.0); }, fast());
  bool threw = false;
  try {
    meter->end(CounterTotals{}, 0.0);
  } catch (const std::logic_error&) {
    threw = true;
  }
  MMF_EXPECT_TRUE(threw);
}

// ---- hwmon -----------------------------------------------------------------------------------

TEST(HwmonMeter, ReadsTheCardsPower1Input) {
  TempDir sys;
  const std::string device = sys.path() + "/bus/pci/devices/0000:3b:00.1";
  put(device + "/hwmon/hwmon4/power1_input", "41350000\n");  // microwatts
  put(device + "/hwmon/hwmon4/name", "xmc\n");
  for (const std::string bdf : {"0000:3b:00.1", "3b:00.1"}) {
    auto meter = host::make_hwmon_meter(bdf, fast(sys.path(), 15ms));
    MMF_ASSERT_TRUE(meter != nullptr) << bdf;
    meter->begin();
    std::this_thread::sleep_for(20ms);
    const PowerReport r = meter->end(CounterTotals{}, 0.02);
    MMF_EXPECT_EQ(r.source, PowerSource::measured);
    MMF_EXPECT_NEAR(r.watts(), 41.35, 41.35 * 1e-9);
    MMF_EXPECT_GE(r.samples, 2);
    MMF_ASSERT_TRUE(r.idle_watts.has_value());
    MMF_EXPECT_NEAR(*r.idle_watts, 41.35, 1e-9);
    MMF_EXPECT_TRUE(r.meter.find("hwmon4/power1_input") != std::string::npos) << r.meter;
  }
}

TEST(HwmonMeter, AbsentOrUnreadableNodesGiveNoMeter) {
  TempDir sys;
  MMF_EXPECT_TRUE(host::make_hwmon_meter("0000:3b:00.1", fast(sys.path())) == nullptr);
  MMF_EXPECT_TRUE(host::make_hwmon_meter("", fast(sys.path())) == nullptr);
  put(sys.path() + "/bus/pci/devices/0000:3b:00.1/hwmon/hwmon0/power1_input", "N/A\n");
  MMF_EXPECT_TRUE(host::make_hwmon_meter("0000:3b:00.1", fast(sys.path())) == nullptr);
}

// ---- RAPL ------------------------------------------------------------------------------------

// A package domain of the fake powercap tree.
void rapl_domain(const std::string& sys, const std::string& name, const std::string& label,
                 uint64_t energy_uj, uint64_t max_uj) {
  const std::string dir = sys + "/class/powercap/" + name;
  put(dir + "/name", label + "\n");
  put(dir + "/energy_uj", std::to_string(energy_uj) + "\n");
  put(dir + "/max_energy_range_uj", std::to_string(max_uj) + "\n");
}

TEST(RaplMeter, SumsThePackageCountersAWriterAdvances) {
  TempDir sys;
  const uint64_t max = 262143328850;  // a typical max_energy_range_uj
  rapl_domain(sys.path(), "intel-rapl:0", "package-0", 1000000, max);
  rapl_domain(sys.path(), "intel-rapl:1", "package-1", 5000000, max);
  // A subdomain (part of package 0) and the control-type directory: neither is summed.
  rapl_domain(sys.path(), "intel-rapl:0:0", "core", 0, max);
  fs::create_directories(sys.path() + "/class/powercap/intel-rapl");
  auto meter = host::make_rapl_meter(fast(sys.path(), 20ms));
  MMF_ASSERT_TRUE(meter != nullptr);
  meter->begin();  // idle window: the counters stand still, so the floor is 0 W
  // 20 steps of 1000 + 500 uJ in the packages (and 10^9 uJ in the subdomain), each a few
  // sample periods apart, all between begin() and end().
  std::thread writer([&] {
    for (uint64_t i = 1; i <= 20; ++i) {
      put(sys.path() + "/class/powercap/intel-rapl:0/energy_uj",
          std::to_string(1000000 + 1000 * i));
      put(sys.path() + "/class/powercap/intel-rapl:1/energy_uj", std::to_string(5000000 + 500 * i));
      put(sys.path() + "/class/powercap/intel-rapl:0:0/energy_uj", std::to_string(1000000000 * i));
      std::this_thread::sleep_for(2ms);
    }
  });
  writer.join();
  const PowerReport r = meter->end(CounterTotals{}, 0.05);
  MMF_EXPECT_EQ(r.source, PowerSource::measured);
  MMF_EXPECT_NEAR(r.joules, 20 * 1500e-6, 1e-12);
  MMF_EXPECT_GE(r.samples, 2);
  MMF_EXPECT_TRUE(r.meter.find("package-0 (intel-rapl:0)") != std::string::npos) << r.meter;
  MMF_EXPECT_TRUE(r.meter.find("package-1 (intel-rapl:1)") != std::string::npos) << r.meter;
  MMF_EXPECT_TRUE(r.meter.find("core") == std::string::npos) << r.meter;
  MMF_ASSERT_TRUE(r.idle_watts.has_value());
  MMF_EXPECT_EQ(*r.idle_watts, 0.0);
  MMF_EXPECT_NEAR(r.dynamic_joules(), r.joules, 1e-15);
}

TEST(RaplMeter, ACounterThatWrapsIsAddedBack) {
  TempDir sys;
  const uint64_t max = 1000000;
  rapl_domain(sys.path(), "intel-rapl:0", "package-0", 999000, max);
  auto meter = host::make_rapl_meter(fast(sys.path()));
  MMF_ASSERT_TRUE(meter != nullptr);
  meter->begin();
  // 10 steps of 400 uJ from 999,000: the counter passes max_energy_range_uj at the third.
  uint64_t energy = 999000;
  for (int i = 0; i < 10; ++i) {
    energy += 400;
    if (energy > max) energy -= max;
    put(sys.path() + "/class/powercap/intel-rapl:0/energy_uj", std::to_string(energy));
    std::this_thread::sleep_for(3ms);
  }
  const PowerReport r = meter->end(CounterTotals{}, 0.03);
  MMF_EXPECT_EQ(r.source, PowerSource::measured);
  MMF_EXPECT_LT(energy, uint64_t{999000});  // it did wrap
  MMF_EXPECT_NEAR(r.joules, 10 * 400e-6, 1e-12);
  MMF_EXPECT_FALSE(r.idle_watts.has_value());
  MMF_ASSERT_EQ(r.breakdown.size(), 1u);
  MMF_EXPECT_EQ(r.breakdown[0].name, "total");
}

TEST(RaplMeter, AbsentOrUnreadableCountersGiveNoMeter) {
  TempDir sys;
  MMF_EXPECT_TRUE(host::make_rapl_meter(fast(sys.path())) == nullptr);
  rapl_domain(sys.path(), "intel-rapl:0:0", "core", 0, 1000);  // a subdomain alone
  MMF_EXPECT_TRUE(host::make_rapl_meter(fast(sys.path())) == nullptr);
  rapl_domain(sys.path(), "intel-rapl:0", "package-0", 0, 1000);
  put(sys.path() + "/class/powercap/intel-rapl:0/energy_uj", "");  // as root-only reads fail
  MMF_EXPECT_TRUE(host::make_rapl_meter(fast(sys.path())) == nullptr);
}

// ---- Energy model ----------------------------------------------------------------------------

TEST(EnergyModel, TermsAreCountersTimesTheBuildsCoefficients) {
  const host::BuildDescriptor b = ci_tiny();
  // The coefficients of docs/power.md; the expected joules below are computed from them.
  MMF_EXPECT_EQ(b.energy.memory_pj_per_bit.value, 3.9);
  MMF_EXPECT_EQ(b.energy.memory_interface_pj_per_bit.value, 2.1);
  MMF_EXPECT_EQ(b.energy.ternary_op_pj.value, 0.2);
  MMF_EXPECT_EQ(b.energy.on_chip_pj_per_byte.value, 1.25);
  MMF_EXPECT_EQ(b.energy.vector_pj_per_word.value, 5.0);
  MMF_EXPECT_EQ(b.energy.fabric_pj_per_cell.value, 0.03);
  MMF_EXPECT_EQ(b.energy.static_w.value, 40.0);
  MMF_EXPECT_EQ(b.accel.clock_mhz, 300.0);
  // The fabric's cells: the sweep's resource model of the build (its own tests pin it).
  const host::ResourceEstimate cells =
      host::estimate_resources(b, Packing::two_bit, host::FitBudget{});
  const double lut = std::round(cells.lut), ff = std::round(cells.ff);
  MMF_ASSERT_TRUE(lut > 10000.0);
  MMF_ASSERT_TRUE(ff > 10000.0);

  CounterTotals a;
  a.launches = 2;
  a.ternary_ops = 1000000;
  a.weight_bytes = 250000;
  a.vector_bytes = 4000;
  a.cycles = 300000;      // 1 ms at 300 MHz
  a.link_cycles = 60000;  // of those, the host link's: the kernel ran 240,000
  auto meter = host::make_energy_model_meter(b);
  meter->begin();
  const PowerReport r = meter->end(a, 12.5);  // the simulator's wall time is not used
  MMF_EXPECT_EQ(r.source, PowerSource::modeled);
  MMF_EXPECT_EQ(r.meter, "energy model ci-tiny.yaml");
  MMF_EXPECT_NEAR(r.seconds, 1e-3, 1e-15);
  // Hand-computed, B = 254,000 bytes:
  const double memory = 254000 * 8 * 3.9e-12;            // 7.9248e-6 J
  const double interface = 254000 * 8 * 2.1e-12;         // 4.2672e-6 J
  const double compute = 1000000 * 0.2e-12;              // 2e-7 J
  const double on_chip = 2 * 254000 * 1.25e-12;          // 6.35e-7 J
  const double vector = 1000 * 5e-12;                    // 5e-9 J: 4,000 bytes = 1,000 words
  const double fabric = (lut + ff) * 240000 * 0.03e-12;  // kernel cycles only
  const double stat = 40 * 1e-3;                         // 0.04 J over all 300,000 cycles
  const std::vector<std::pair<std::string, double>> expected = {
      {"memory", memory},   {"memory_interface", interface},
      {"compute", compute}, {"on_chip", on_chip},
      {"vector", vector},   {"fabric", fabric},
      {"static", stat}};
  MMF_ASSERT_EQ(r.breakdown.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    MMF_EXPECT_EQ(r.breakdown[i].name, expected[i].first);
    MMF_EXPECT_NEAR(r.breakdown[i].joules, expected[i].second, expected[i].second * 1e-12);
  }
  const double total = memory + interface + compute + on_chip + vector + fabric + stat;
  MMF_EXPECT_NEAR(r.joules, total, total * 1e-12);
  MMF_ASSERT_TRUE(r.idle_watts.has_value());
  MMF_EXPECT_EQ(*r.idle_watts, 40.0);
  MMF_EXPECT_NEAR(r.dynamic_joules(), total - stat, 1e-15);
  // The arithmetic is shown with its numbers.
  MMF_EXPECT_EQ(term(r, "memory")->how, "(250,000 weight + 4,000 vector bytes) x 8 x 3.9 pJ/bit");
  MMF_EXPECT_EQ(term(r, "memory_interface")->how, "(250,000 + 4,000) bytes x 8 x 2.1 pJ/bit");
  MMF_EXPECT_EQ(term(r, "compute")->how, "1,000,000 ternary ops x 0.2 pJ/op");
  MMF_EXPECT_TRUE(term(r, "fabric")->how.find(" FF) x 240,000 kernel cycles x 0.03 pJ") !=
                  std::string::npos)
      << term(r, "fabric")->how;
  MMF_EXPECT_TRUE(term(r, "static")->how.find("300,000 cycles / 300 MHz") != std::string::npos)
      << term(r, "static")->how;
  // The coefficients travel with their provenance.
  MMF_ASSERT_EQ(r.coefficients.size(), 7u);
  MMF_EXPECT_EQ(r.coefficients[0].name, "memory_pj_per_bit");
  MMF_EXPECT_EQ(r.coefficients[0].tag, "recalled");
  MMF_EXPECT_EQ(r.coefficients[5].name, "fabric_pj_per_cell");
  MMF_EXPECT_EQ(r.coefficients[5].tag, "assumed");
  MMF_EXPECT_EQ(r.coefficients[6].name, "static_w");
  MMF_EXPECT_EQ(r.coefficients[6].tag, "reported");
  for (const auto& c : r.coefficients) MMF_EXPECT_FALSE(c.source.empty()) << c.name;
}

// A 1.6-bit stream's decoders are cells of the kernel: on a build without them (ci-tiny less
// its decoders here) the fabric term grows by their cells over the same cycles, and nothing
// else changes. A build that has them (ci-tiny as shipped) carries them at either packing.
TEST(EnergyModel, TheFabricTermCountsTheDecodersOfA16BitStream) {
  const host::BuildDescriptor shipped = ci_tiny();
  host::BuildDescriptor b = shipped;
  b.accel.five_trit = false;
  CounterTotals a;
  a.weight_bytes = 1000;
  a.cycles = 100000;
  const PowerReport two = host::make_energy_model_meter(b, "systemc")->end(a, 0.0);
  const PowerReport five =
      host::make_energy_model_meter(b, "systemc", Packing::five_trit)->end(a, 0.0);
  const host::ResourceEstimate e2 = host::estimate_resources(b, Packing::two_bit, {});
  const host::ResourceEstimate e5 = host::estimate_resources(b, Packing::five_trit, {});
  MMF_ASSERT_TRUE(e5.decoder_lut > 100.0);
  // The decoders' LUTs and their buffers' FFs, over the 100,000 cycles.
  const double added =
      (std::round(e5.lut) + std::round(e5.ff)) - (std::round(e2.lut) + std::round(e2.ff));
  MMF_EXPECT_TRUE(added >= e5.decoder_lut) << added;
  MMF_EXPECT_NEAR(term(five, "fabric")->joules - term(two, "fabric")->joules,
                  added * 100000 * 0.03e-12, 1e-15);
  MMF_EXPECT_EQ(term(five, "memory")->joules, term(two, "memory")->joules);
  MMF_EXPECT_EQ(term(five, "static")->joules, term(two, "static")->joules);
  MMF_ASSERT_TRUE(shipped.accel.five_trit);
  const PowerReport with = host::make_energy_model_meter(shipped, "systemc")->end(a, 0.0);
  MMF_EXPECT_NEAR(term(with, "fabric")->joules, term(five, "fabric")->joules, 1e-18);
}

TEST(EnergyModel, WithoutCyclesThereIsNoFigure) {
  CounterTotals a;
  a.weight_bytes = 1000;
  const PowerReport r = host::make_energy_model_meter(ci_tiny(), "csim")->end(a, 1.0);
  MMF_EXPECT_EQ(r.source, PowerSource::none);
  MMF_EXPECT_EQ(r.reason, "the energy model needs simulated cycles; backend csim has none");
  MMF_EXPECT_EQ(r.joules, 0.0);
}

// ---- Choice per backend ----------------------------------------------------------------------

// A device that only answers the telemetry hooks, standing in for a board.
class TelemetryDevice : public host::Device {
 public:
  TelemetryDevice(std::string backend, std::optional<std::string> report, std::string bdf)
      : Device(std::move(backend), ci_tiny()), report_(std::move(report)), bdf_(std::move(bdf)) {}
  host::BufferHandle allocate(int, uint64_t) override { return {}; }
  int buffer_bank(host::BufferHandle) const override { return 0; }
  void write(host::BufferHandle, uint64_t, const void*, uint64_t) override {}
  void read(host::BufferHandle, uint64_t, void*, uint64_t) override {}
  void start(const host::LaunchArgs&) override {}
  void wait(std::chrono::milliseconds) override {}
  host::DeviceCounters counters() const override { return {}; }
  std::optional<std::string> electrical_report() const override { return report_; }
  std::string pci_bdf() const override { return bdf_; }

 private:
  std::optional<std::string> report_;
  std::string bdf_;
};

PowerReport run_briefly(host::PowerMeter& meter, const CounterTotals& activity = {}) {
  meter.begin();
  std::this_thread::sleep_for(10ms);
  return meter.end(activity, 0.01);
}

TEST(SelectPowerMeter, XrtUsesTheElectricalReportThenHwmon) {
  TempDir sys;
  const TelemetryDevice reporting("xrt", electrical("41.5"), "0000:3b:00.1");
  PowerReport r = run_briefly(*host::select_power_meter(reporting, fast(sys.path())));
  MMF_EXPECT_EQ(r.source, PowerSource::measured);
  MMF_EXPECT_EQ(r.meter, "XRT electrical report");
  MMF_EXPECT_NEAR(r.watts(), 41.5, 1e-9);

  put(sys.path() + "/bus/pci/devices/0000:3b:00.1/hwmon/hwmon2/power1_input", "38000000\n");
  const TelemetryDevice emulated("xrt", electrical("N/A"), "0000:3b:00.1");
  r = run_briefly(*host::select_power_meter(emulated, fast(sys.path())));
  MMF_EXPECT_EQ(r.source, PowerSource::measured);
  MMF_EXPECT_TRUE(r.meter.find("hwmon") != std::string::npos) << r.meter;
  MMF_EXPECT_NEAR(r.watts(), 38.0, 1e-9);

  const TelemetryDevice elsewhere("xrt", electrical("N/A"), "0000:af:00.1");
  r = run_briefly(*host::select_power_meter(elsewhere, fast(sys.path())));
  MMF_EXPECT_EQ(r.source, PowerSource::none);
  MMF_EXPECT_EQ(r.reason, "XRT electrical report gives N/A and no hwmon power1_input under " +
                              sys.path() + "/bus/pci/devices/0000:af:00.1");
  const TelemetryDevice silent("xrt", std::nullopt, "");
  r = run_briefly(*host::select_power_meter(silent, fast(sys.path())));
  MMF_EXPECT_EQ(r.source, PowerSource::none);
  MMF_EXPECT_TRUE(r.reason.find("no PCI address") != std::string::npos) << r.reason;
}

TEST(SelectPowerMeter, CpuUsesRaplWhenTheHostHasIt) {
  TempDir sys;
  const auto cpu = host::open_device("cpu", ci_tiny());
  PowerReport r = run_briefly(*host::select_power_meter(*cpu, fast(sys.path())));
  MMF_EXPECT_EQ(r.source, PowerSource::none);
  MMF_EXPECT_TRUE(r.reason.find("no RAPL energy counters under " + sys.path() +
                                "/class/powercap") != std::string::npos)
      << r.reason;
  rapl_domain(sys.path(), "intel-rapl:0", "package-0", 123, 1000000);
  r = run_briefly(*host::select_power_meter(*cpu, fast(sys.path())));
  MMF_EXPECT_EQ(r.source, PowerSource::measured);
  MMF_EXPECT_EQ(r.meter, "RAPL package-0 (intel-rapl:0)");
}

TEST(SelectPowerMeter, SimulatorsAreModeledAndCsimHasNone) {
  CounterTotals a;
  a.weight_bytes = 64;
  a.cycles = 3000;
  for (const std::string backend : {"verilator", "systemc"}) {
    const TelemetryDevice sim(backend, std::nullopt, "");
    const PowerReport r = run_briefly(*host::select_power_meter(sim, fast()), a);
    MMF_EXPECT_EQ(r.source, PowerSource::modeled) << backend;
    MMF_EXPECT_NEAR(r.seconds, 1e-5, 1e-15);
    CounterTotals untimed = a;
    untimed.cycles.reset();
    const PowerReport none = run_briefly(*host::select_power_meter(sim, fast()), untimed);
    MMF_EXPECT_TRUE(none.reason.find("backend " + backend + " has none") != std::string::npos)
        << none.reason;
  }
  const auto csim = host::open_device("csim", ci_tiny());
  const PowerReport r = run_briefly(*host::select_power_meter(*csim, fast()), a);
  MMF_EXPECT_EQ(r.source, PowerSource::none);
  MMF_EXPECT_TRUE(r.reason.find("csim is untimed") != std::string::npos) << r.reason;
  MMF_EXPECT_TRUE(r.reason.find("--backend verilator") != std::string::npos) << r.reason;
  MMF_EXPECT_EQ(std::string(host::power_source_name(r.source)), "none");
  MMF_EXPECT_EQ(std::string(host::power_source_name(PowerSource::measured)), "measured");
  MMF_EXPECT_EQ(std::string(host::power_source_name(PowerSource::modeled)), "modeled");
  const TelemetryDevice unknown("quantum", std::nullopt, "");
  MMF_EXPECT_EQ(run_briefly(*host::select_power_meter(unknown, fast())).source, PowerSource::none);
}

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// Power and energy of a run (DESIGN.md §5), behind one interface: a PowerMeter brackets the
// measured work (begin ... end) and returns a PowerReport that says where its figure came from.
//   measured  an instrument sampled during the run: the board's XRT electrical report or hwmon
//             power1_input (xrt backend), RAPL energy counters of the host CPU (cpu backend)
//   modeled   the energy model of the build YAML's `energy:` coefficients, driven by the
//             kernel's counters and simulated cycles (verilator, systemc backends)
//   none      no source: the report says why, and carries no number
// Nothing here includes XRT: the xrt backend hands its electrical query in as a function.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mmf/host/backends/device.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/ternary_pack.hpp"

namespace mmf::host {

enum class PowerSource { measured, modeled, none };
const char* power_source_name(PowerSource s);  // "measured", "modeled", "none"

// One term of the energy of a run.
struct EnergyTerm {
  // model: memory, compute, on_chip, vector, static; instruments: idle and dynamic when the
  // idle floor was measured, else total.
  std::string name;
  double joules = 0.0;
  std::string how;  // e.g. "324,665,344 weight + 1,234 vector bytes x 8 x 3.9 pJ/bit"
};

struct PowerReport {
  PowerSource source = PowerSource::none;
  std::string meter;   // what produced it, e.g. "hwmon .../power1_input", "energy model u280.yaml"
  std::string reason;  // source none: why there is no figure
  double seconds = 0.0;  // the interval the energy covers: wall time, or device time (model)
  double joules = 0.0;   // total energy over `seconds`
  // Power with the work absent: measured before the run (instruments) or the model's static
  // power. Dynamic energy is joules - idle_watts x seconds.
  std::optional<double> idle_watts;
  std::vector<EnergyTerm> breakdown;
  std::vector<EnergyCoefficient> coefficients;  // the model's, with source and tag
  int samples = 0;                              // instrument samples taken during the run
  double sample_period_s = 0.0;  // the sampler's period (telemetry itself may update ~1 Hz)

  double watts() const { return seconds > 0 ? joules / seconds : 0.0; }
  double dynamic_joules() const { return joules - idle_watts.value_or(0.0) * seconds; }
  double dynamic_watts() const { return seconds > 0 ? dynamic_joules() / seconds : 0.0; }
};

class PowerMeter {
 public:
  virtual ~PowerMeter() = default;
  // Before the work: an instrument measures its idle floor, then starts its sampler thread.
  virtual void begin() = 0;
  // After the work: the energy over [begin, end]. `activity` is what the kernel counted in that
  // interval (the model uses it; instruments ignore it); `wall_seconds` the interval's wall time.
  virtual PowerReport end(const CounterTotals& activity, double wall_seconds) = 0;
};

struct PowerOptions {
  std::string sysfs_root = "/sys";  // tests point this at a fake tree
  std::chrono::milliseconds sample_period{100};
  std::chrono::milliseconds idle_window{1000};  // idle floor before the run; 0: none measured
};

// Watts from XRT's electrical report (JSON, every value a string): power_consumption_watts,
// else the sum of volts x amps over the 12v_pex, 12v_aux and 3v3_pex rails; nullopt when
// neither is present ("N/A" on emulation). Throws mmf::Error on text that is not that JSON.
std::optional<double> parse_xrt_electrical(const std::string& json);

// Reads one instantaneous power in watts, or nullopt when the sensor gives nothing.
using WattsProbe = std::function<std::optional<double>()>;

// A sampler thread over `probe` that integrates energy (trapezoids over the samples, the first
// and last reading held to begin and end). begin() first averages the probe over idle_window
// (the idle floor); a probe that never gives a value during the run makes a none report. The
// probe runs on the sampler thread; it may throw (counted as no reading). seconds: the meter's
// own wall interval from begin to end.
std::unique_ptr<PowerMeter> make_sampling_meter(std::string meter, WattsProbe probe,
                                                const PowerOptions& options);
// <sysfs_root>/bus/pci/devices/<bdf>/hwmon/hwmon*/power1_input (microwatts); null when absent.
std::unique_ptr<PowerMeter> make_hwmon_meter(const std::string& bdf, const PowerOptions& options);
// RAPL package domains under <sysfs_root>/class/powercap (energy_uj, wraps at
// max_energy_range_uj); null when absent or unreadable. Counters are read every sample_period
// so a wrap is not missed; idle floor: the average power over idle_window in begin().
std::unique_ptr<PowerMeter> make_rapl_meter(const PowerOptions& options);
// The build's energy model: needs cycles in the activity (else its report is source none).
// Terms (docs/power.md), with B = weight_bytes + vector_bytes:
//   memory            B x 8 x memory_pj_per_bit     (the DRAM)
//   memory_interface  B x 8 x memory_interface_pj_per_bit  (controller, PHY on the FPGA side)
//   compute           ternary_ops x ternary_op_pj
//   on_chip           2 x B x on_chip_pj_per_byte    vector  vector_bytes / 4 x vector_pj_per_word
//   fabric            (LUT + FF) x kernel cycles x fabric_pj_per_cell, the cells from
//                     estimate_resources(build, packing) and the kernel cycles = cycles minus
//                     the host link's
//   static            static_w x cycles / clock
// seconds is device time (cycles at the build's clock); idle_watts is static_w. `backend`
// names the backend in the reason of a report without cycles; `packing` the weight stream's
// (a 1.6-bit stream adds its decoders' cells).
std::unique_ptr<PowerMeter> make_energy_model_meter(const BuildDescriptor& build,
                                                    const std::string& backend = "",
                                                    Packing packing = Packing::two_bit);
// A meter whose report is source none with `reason`.
std::unique_ptr<PowerMeter> make_no_meter(std::string reason);

// The meter for a backend: xrt -> the device's electrical report, else its hwmon node, else
// none; cpu -> RAPL, else none; verilator, systemc -> the energy model; csim -> none (untimed).
// The xrt meter calls device.electrical_report() from its sampler thread during the run, so the
// device must outlive the meter and that call must be safe beside the run.
std::unique_ptr<PowerMeter> select_power_meter(const Device& device, const PowerOptions& options);

}  // namespace mmf::host

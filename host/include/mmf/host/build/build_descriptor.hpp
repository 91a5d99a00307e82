// SPDX-License-Identifier: Apache-2.0
// Build descriptors (bitstreams/<name>.yaml): one accelerator build on one board. Everything
// that differs between builds comes from here; the generator (build_generator.hpp) turns it
// into the HLS config header, the kernel top, the Vitis .cfg and the Makefile fragment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mmf::host {

// High-performance AXI ports from the programmable logic into the processing system's DDR of a
// Zynq UltraScale+ SoC (S_AXI_HP0..HP3, UG1085). An axi-soc build gives each of its kernel's AXI
// masters (the weight channels and `vec`) one of them.
constexpr int kSocHpPorts = 4;

// How the host reaches the board: it bounds uploads, per-token transfers and launches.
struct HostLink {
  std::string kind;        // "pcie-gen<g>x<w>" (a card in a PCIe slot) or "axi-soc" (the host
                           // CPU is on the FPGA's die and shares its memory over AXI)
  double gbps = 0.0;       // nominal GB/s (1e9 bytes/s) per direction
  double launch_us = 0.0;  // host-side cost of one kernel launch, start to done seen, in us
};

// Logic and memory blocks of an FPGA, or of part of it. Which counts a board has depends on its
// vendor.
struct FabricCounts {
  // Both vendors.
  int64_t ff = 0;   // flip-flops (AMD) or ALM registers (Intel)
  int64_t dsp = 0;  // DSP slices (AMD) or DSP blocks (Intel)
  // AMD only (0 on an Intel board).
  int64_t lut = 0;       // CLB LUTs
  int64_t bram_36k = 0;  // 36 Kb block RAMs
  int64_t uram = 0;      // 288 Kb UltraRAMs (0 on parts without)
  // Intel only (0 on an AMD board).
  int64_t alm = 0;   // adaptive logic modules
  int64_t m20k = 0;  // 20 Kb memory blocks
};

// `board.resources`: the whole device (not the part a shell leaves free), for the sweep's
// resource check and the fit of `mmf synth`; the one place these figures are written.
struct BoardResources : FabricCounts {
  std::string source;  // where the device counts come from (data sheet, table)
  // `board.resources.shell`: what the platform's static region (the shell) takes of the device,
  // with the device's keys; empty when not known.
  std::optional<FabricCounts> shell;
};

// One sourced figure of a board or of the energy model (DESIGN.md §5, docs/power.md): its
// value in a unit fixed by its key, where it comes from and how far to trust it.
struct SourcedValue {
  std::string name;  // the key, e.g. "memory_pj_per_bit", "efficiency"
  double value = 0.0;
  std::string unit;    // fixed per key: pJ/bit, pJ/op, pJ/byte, pJ/word, W, bit, MHz, ns, fraction
  std::string source;  // the paper, data sheet or measurement the value comes from
  // measured (our own instrument) | reported (a third party's published reading) | specified (a
  // vendor's data sheet or user guide) | derived (arithmetic on other figures) | recalled
  // (quoted from the literature, not re-checked) | assumed (no source found: a chosen value)
  std::string tag;
};
using EnergyCoefficient = SourcedValue;

// `board.memory_timing`: one memory channel as the kernel's AXI port sees it. The simulated
// backends (sim_channel_timing, backends/channel_timing.hpp) and the weight-streaming bound
// take their rate, latency and refresh from here. Not part of fingerprint(): it describes the
// board, not the kernel.
struct MemoryTiming {
  SourcedValue port_bits;            // bit: the memory controller's user-side data width
  SourcedValue port_mhz;             // MHz: that port's clock
  SourcedValue efficiency;           // fraction of the nominal rate long sequential reads
                                     // sustain, refresh included
  SourcedValue refresh_interval_ns;  // ns between refreshes (tREFI)
  SourcedValue refresh_ns;           // ns a refresh stops the channel (tRFC)
  SourcedValue read_latency_ns;      // ns from a request at the memory's port to its data
  SourcedValue interconnect_ns;      // ns the platform's path between the kernel's port and
                                     // the memory's adds, request and data together (width
                                     // and clock converters, register slices)

  // The seven in declaration order.
  std::vector<SourcedValue> all() const {
    return {port_bits,  port_mhz,        efficiency,     refresh_interval_ns,
            refresh_ns, read_latency_ns, interconnect_ns};
  }
};

struct BoardSpec {
  std::string name;           // e.g. "Alveo U280"
  std::string vendor;         // "amd" or "intel": which tool flow can build for it
  std::string part;           // FPGA part number
  std::string platform;       // vendor platform: Vitis xpfm name (amd), BSP/FIM name (intel)
  std::string memory;         // "hbm" or "ddr"
  int memory_channels = 0;    // channels the platform exposes
  double channel_gbps = 0.0;  // peak GB/s (1e9 bytes/s) of one channel
  int64_t channel_mib = 0;    // capacity of one channel in MiB
  HostLink host_link;
  MemoryTiming memory_timing;
  BoardResources resources;

  bool is_soc() const { return host_link.kind == "axi-soc"; }
};

struct AcceleratorSpec {
  double clock_mhz = 0.0;
  int lanes = 0;            // trits per cycle per weight channel
  int tile_rows = 1;        // rows per weight word: a tile of tile_rows x lanes / tile_rows
  int weight_channels = 0;  // channels 0..weight_channels-1 stream weights
  int vector_channel = 0;   // memory channel of the vector bank (may share a weight channel)
  int vector_lanes = 0;     // values per cycle in the vector units
  int max_vector = 0;       // values per on-chip vector buffer
  int max_ops = 0;          // longest token program
  bool five_trit = false;   // the channels also decode 1.6-bit weights (packings: [.., 1.6bit])
  // Attention units for BitNet b1.58 (absent: 0, and the build runs hgrn_bit models only).
  int max_context = 0;   // positions a layer's KV cache may hold
  int max_head_dim = 0;  // values of the widest attention head
  // The attention units' int8 multiply-accumulates a weight channel does a cycle (the head's
  // rows, the KV cache's scores and weighted rows); 0: lanes / 8.
  int int8_macs = 0;
};

// The `energy:` section: coefficients of the energy model of the simulated backends. They
// describe the board and fabric, not the kernel, so they are not part of fingerprint().
struct EnergySpec {
  EnergyCoefficient memory_pj_per_bit;  // off-chip memory access (the DRAM), per bit moved
  EnergyCoefficient memory_interface_pj_per_bit;  // the FPGA side: controller, PHY, switch
  EnergyCoefficient ternary_op_pj;        // one trit x activation add/subtract in LUT fabric
  EnergyCoefficient on_chip_pj_per_byte;  // one BRAM/URAM/FIFO write or read, per byte
  EnergyCoefficient vector_pj_per_word;   // vector-unit arithmetic per 32-bit word through them
  // The fabric's clock tree, flip-flops, LUTs and routing: per LUT or FF of the kernel, per
  // clock cycle it runs, at the fabric's average activity (whatever the counters count).
  EnergyCoefficient fabric_pj_per_cell;
  EnergyCoefficient static_w;  // the card's power with the shell loaded and idle

  // The seven in declaration order.
  std::vector<EnergyCoefficient> all() const {
    return {memory_pj_per_bit,  memory_interface_pj_per_bit, ternary_op_pj, on_chip_pj_per_byte,
            vector_pj_per_word, fabric_pj_per_cell,          static_w};
  }
};

struct BuildDescriptor {
  std::string name;  // must equal the file's stem
  std::string description;
  std::string path;  // the YAML it came from
  BoardSpec board;
  AcceleratorSpec accel;
  EnergySpec energy;

  // mmf_<name> with '-' -> '_': the kernel's symbol and XRT name.
  std::string kernel_name() const;
  // Bytes of one weight word (2 bits per trit).
  int weight_word_bytes() const { return accel.lanes / 4; }
  // Peak bytes/s one weight streamer can consume at the build's clock.
  double streamer_bytes_per_second() const;
  // One memory channel's rate in GB/s: nominal is the lesser of board.channel_gbps and the
  // memory port's width x clock; sustained is nominal x memory_timing.efficiency.
  double nominal_channel_gbps() const;
  double sustained_channel_gbps() const {
    return nominal_channel_gbps() * board.memory_timing.efficiency.value;
  }
  // The same in bytes per kernel cycle. The simulated channels deliver the sustained rate on
  // average (sim_channel_timing).
  double nominal_channel_bytes_per_cycle() const {
    return nominal_channel_gbps() * 1e3 / accel.clock_mhz;
  }
  double channel_bytes_per_cycle() const {
    return sustained_channel_gbps() * 1e3 / accel.clock_mhz;
  }
  // Weight bytes all channels can deliver per cycle: each channel gives the lesser of its
  // memory's sustained rate and its streamer's. The weight-streaming bound of a token is its
  // packed weight bytes over this; the nominal bound uses the memory's nominal rate.
  double weight_bytes_per_cycle() const;
  double nominal_weight_bytes_per_cycle() const;
  // Kernel cycles from a read request on the kernel's port to its first data:
  // memory_timing.read_latency_ns + interconnect_ns at the build's clock, rounded up.
  uint32_t memory_latency_cycles() const;
  // Weight words each channel's read FIFO holds in the RTL: about 128 KiB, between 256 and
  // 4096 words, enough to keep the memory streaming through the vector work between two
  // BitLinears.
  int weight_fifo_words() const;
  // The weight FIFOs ask for UltraRAM: an AMD part that has it. A 1024-bit FIFO of 1024 words
  // is 29 BRAM36 or 15 URAM288; 31 of them were 92 % of the U280's block RAM.
  bool weight_fifo_ultra_ram() const { return board.vendor == "amd" && board.resources.uram > 0; }
  // FNV-1a over the canonical form of every field that shapes the kernel: the csim backend
  // refuses a YAML whose fingerprint differs from the build compiled into it. `energy` and the
  // board's vendor, host link and resources are left out: they do not change what the kernel
  // computes or when (the resources only choose where the weight FIFOs are mapped).
  uint64_t fingerprint() const;
};

// Reads and validates one descriptor; errors name the file, the key and what was expected.
BuildDescriptor load_build_descriptor(const std::string& path);

// Values that replace the YAML's `accelerator:` keys before validation (a sweep's grid): each
// is checked as if the file held it.
struct AcceleratorOverrides {
  std::optional<double> clock_mhz;
  std::optional<int> lanes, tile_rows, weight_channels, vector_lanes;
};
BuildDescriptor load_build_descriptor(const std::string& path, const AcceleratorOverrides& o);

// Resolves --build: a path to a YAML, or a build name under the shipped bitstreams/ directory.
std::string build_descriptor_path(const std::string& spec);
// The shipped bitstreams/ directory ($MMF_BITSTREAMS_DIR overrides).
std::string bitstreams_dir();

}  // namespace mmf::host

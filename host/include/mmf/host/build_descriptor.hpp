// SPDX-License-Identifier: Apache-2.0
// Build descriptors (bitstreams/<name>.yaml): one accelerator build on one board. Everything
// that differs between builds comes from here; the generator (build_generator.hpp) turns it
// into the HLS config header, the kernel top, the Vitis .cfg and the Makefile fragment.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mmf::host {

struct BoardSpec {
  std::string name;           // e.g. "Alveo U280"
  std::string part;           // FPGA part number
  std::string platform;       // Vitis platform (xpfm name)
  std::string memory;         // "hbm" or "ddr"
  int memory_channels = 0;    // channels the platform exposes
  double channel_gbps = 0.0;  // peak GB/s (1e9 bytes/s) of one channel
  int64_t channel_mib = 0;    // capacity of one channel in MiB
  std::string pcie;           // e.g. "gen3x16"
};

struct AcceleratorSpec {
  double clock_mhz = 0.0;
  int lanes = 0;            // trits per cycle per weight channel
  int weight_channels = 0;  // channels 0..weight_channels-1 stream weights
  int vector_channel = 0;   // memory channel of the vector bank (may share a weight channel)
  int vector_lanes = 0;     // values per cycle in the vector units
  int max_vector = 0;       // values per on-chip vector buffer
  int max_ops = 0;          // longest token program
};

// One coefficient of the energy model, with where it came from (DESIGN.md §5, docs/power.md).
struct EnergyCoefficient {
  std::string name;  // the key under `energy:`, e.g. "memory_pj_per_bit"
  double value = 0.0;
  std::string unit;    // fixed per coefficient: pJ/bit, pJ/op, pJ/byte, pJ/word, W
  std::string source;  // the paper, datasheet or measurement the value comes from
  std::string tag;     // measured | derived | recalled
};

// The `energy:` section: coefficients of the energy model of the simulated backends. They
// describe the board and fabric, not the kernel, so they are not part of fingerprint().
struct EnergySpec {
  EnergyCoefficient memory_pj_per_bit;    // off-chip memory access, per bit moved
  EnergyCoefficient ternary_op_pj;        // one trit x activation add/subtract in LUT fabric
  EnergyCoefficient on_chip_pj_per_byte;  // one BRAM/URAM/FIFO write or read, per byte
  EnergyCoefficient vector_pj_per_word;   // vector-unit arithmetic per 32-bit word through them
  EnergyCoefficient static_w;             // the card's power with the shell loaded and idle

  // The five in declaration order.
  std::vector<EnergyCoefficient> all() const {
    return {memory_pj_per_bit, ternary_op_pj, on_chip_pj_per_byte, vector_pj_per_word, static_w};
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
  // Bytes of one memory channel per kernel cycle (board.channel_gbps at the build's clock).
  double channel_bytes_per_cycle() const { return board.channel_gbps * 1e3 / accel.clock_mhz; }
  // Weight bytes all channels can deliver per cycle: each channel gives the lesser of its
  // memory's rate and its streamer's. The weight-streaming bound of a token is its packed
  // weight bytes over this.
  double weight_bytes_per_cycle() const;
  // Weight words each channel's read FIFO holds in the RTL: about 128 KiB, between 256 and
  // 4096 words, enough to keep the memory streaming through the vector work between two
  // BitLinears.
  int weight_fifo_words() const;
  // FNV-1a over the canonical form of every field that shapes the kernel: the csim backend
  // refuses a YAML whose fingerprint differs from the build compiled into it. `energy` is left
  // out: it does not shape the kernel.
  uint64_t fingerprint() const;
};

// Reads and validates one descriptor; errors name the file, the key and what was expected.
BuildDescriptor load_build_descriptor(const std::string& path);

// Resolves --build: a path to a YAML, or a build name under the shipped bitstreams/ directory.
std::string build_descriptor_path(const std::string& spec);
// The shipped bitstreams/ directory ($MMF_BITSTREAMS_DIR overrides).
std::string bitstreams_dir();

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// Build descriptor loading and validation.
#include "mmf/host/build/build_descriptor.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "mmf/checksum.hpp"
#include "mmf/error.hpp"
#include "mmf/host/util/shipped_dir.hpp"
#include "mmf/numerics.hpp"
#include "mmf/yaml_file.hpp"

namespace mmf::host {
namespace {

namespace fs = std::filesystem;

// A mapping whose keys are checked against a fixed set; lookups name the file and the key.
class Section {
 public:
  Section(const YAML::Node& node, std::string path, std::string prefix,
          const std::set<std::string>& keys)
      : node_(node), path_(std::move(path)), prefix_(std::move(prefix)) {
    if (!node_.IsMap()) throw Error(path_ + ": '" + where("") + "' must be a mapping");
    for (const auto& kv : node_) {
      // YAML allows any node as a key ({[a, b]: 1}); only names are keys here.
      if (!kv.first.IsScalar()) {
        throw Error(path_ + ": a key " + (prefix_.empty() ? "" : "of '" + prefix_ + "' ") +
                    "is not a plain name");
      }
      const auto key = kv.first.as<std::string>();
      if (!keys.count(key)) {
        std::string expected;
        for (const auto& k : keys) expected += (expected.empty() ? "" : ", ") + k;
        throw Error(path_ + ": unknown key '" + where(key) + "' (expected " + expected + ")");
      }
    }
  }

  template <class T>
  T get(const std::string& key) const {
    if (!node_[key]) throw Error(path_ + ": missing required key '" + where(key) + "'");
    try {
      return node_[key].as<T>();
    } catch (const YAML::Exception&) {
      throw Error(path_ + ": '" + where(key) + "' has a value of the wrong type");
    }
  }
  bool has(const std::string& key) const { return static_cast<bool>(node_[key]); }
  // A sequence of names, e.g. [2bit, 1.6bit].
  std::vector<std::string> names(const std::string& key) const {
    const YAML::Node list = node_[key];
    if (!list.IsSequence()) {
      throw Error(path_ + ": '" + where(key) + "' must be a list, e.g. [2bit, 1.6bit]");
    }
    std::vector<std::string> out;
    for (const auto& item : list) {
      if (!item.IsScalar()) throw Error(path_ + ": '" + where(key) + "' must list names");
      out.push_back(item.as<std::string>());
    }
    return out;
  }
  std::string optional_string(const std::string& key) const {
    return node_[key] ? get<std::string>(key) : std::string();
  }
  Section child(const std::string& key, const std::set<std::string>& keys) const {
    if (!node_[key]) throw Error(path_ + ": missing required section '" + where(key) + "'");
    return Section(node_[key], path_, where(key), keys);
  }
  // Throws unless lo <= value <= hi.
  template <class T>
  T in_range(const std::string& key, T lo, T hi, const std::string& why = "") const {
    const T v = get<T>(key);
    if (v < lo || v > hi) {
      std::ostringstream msg;
      msg << path_ << ": '" << where(key) << "' is " << v << "; expected " << lo << " to " << hi
          << (why.empty() ? "" : " (" + why + ")");
      throw Error(msg.str());
    }
    return v;
  }
  const std::string& path() const { return path_; }
  std::string where(const std::string& key) const {
    return prefix_.empty() ? key : (key.empty() ? prefix_ : prefix_ + "." + key);
  }

 private:
  YAML::Node node_;
  std::string path_;
  std::string prefix_;
};

bool is_power_of_two(int v) {
  return v > 0 && (v & (v - 1)) == 0;
}

void require(bool ok, const std::string& message) {
  if (!ok) throw Error(message);
}

// One sourced figure, {value, unit, source, tag}, of `energy:` or `board.memory_timing`. The
// unit is fixed by the key (the models compute in it), the value must lie in [lo, hi], the
// source must say where the value comes from, and the tag how far to trust it (DESIGN.md §5).
SourcedValue sourced_value(const Section& parent, const std::string& key, const std::string& unit,
                           double lo = 0.0, double hi = 1e300) {
  const Section e = parent.child(key, {"value", "unit", "source", "tag"});
  SourcedValue c;
  c.name = key;
  c.value = e.get<double>("value");
  if (!std::isfinite(c.value) || c.value < lo || c.value > hi) {
    std::ostringstream msg;
    msg << "'" << e.where("value") << "' is " << c.value << "; expected a finite value ";
    if (hi < 1e300) {
      msg << "from " << lo << " to " << hi;
    } else {
      msg << ">= " << lo;
    }
    throw Error(e.path() + ": " + msg.str());
  }
  c.unit = e.get<std::string>("unit");
  require(c.unit == unit, e.path() + ": '" + e.where("unit") + "' is '" + c.unit + "'; expected " +
                              unit + " (the model computes in it)");
  c.source = e.get<std::string>("source");
  require(c.source.find_first_not_of(" \t\n") != std::string::npos,
          e.path() + ": '" + e.where("source") +
              "' is empty; expected where the value comes from (paper, datasheet, measurement)");
  c.tag = e.get<std::string>("tag");
  static const std::set<std::string> kTags = {"measured", "reported", "specified",
                                              "derived",  "recalled", "assumed"};
  require(kTags.count(c.tag) != 0,
          e.path() + ": '" + e.where("tag") + "' is '" + c.tag +
              "'; expected measured, reported, specified, derived, recalled or assumed");
  return c;
}

// `board.memory_timing`: each figure sourced; a refresh shorter than its interval, and an
// efficiency the channel can reach between refreshes (at most 1 - refresh_ns / interval).
MemoryTiming memory_timing(const Section& board) {
  const Section m =
      board.child("memory_timing", {"port_bits", "port_mhz", "efficiency", "refresh_interval_ns",
                                    "refresh_ns", "read_latency_ns", "interconnect_ns"});
  MemoryTiming t;
  t.port_bits = sourced_value(m, "port_bits", "bit", 8, 4096);
  t.port_mhz = sourced_value(m, "port_mhz", "MHz", 1, 10000);
  t.efficiency = sourced_value(m, "efficiency", "fraction", 0.01, 1.0);
  t.refresh_interval_ns = sourced_value(m, "refresh_interval_ns", "ns", 0, 1e9);
  t.refresh_ns = sourced_value(m, "refresh_ns", "ns", 0, 1e9);
  t.read_latency_ns = sourced_value(m, "read_latency_ns", "ns", 0, 1e6);
  t.interconnect_ns = sourced_value(m, "interconnect_ns", "ns", 0, 1e6);
  const bool refresh = t.refresh_interval_ns.value > 0;
  require(!refresh || t.refresh_ns.value < t.refresh_interval_ns.value,
          m.path() + ": '" + m.where("refresh_ns") +
              "' must be less than refresh_interval_ns (0 for a memory without refresh)");
  const double free_share = refresh ? 1.0 - t.refresh_ns.value / t.refresh_interval_ns.value : 1.0;
  if (t.efficiency.value > free_share + 1e-12) {
    std::ostringstream msg;
    msg << m.path() << ": '" << m.where("efficiency") << "' is " << t.efficiency.value
        << ", more than the " << free_share
        << " of the time refresh leaves the channel (1 - refresh_ns / refresh_interval_ns)";
    throw Error(msg.str());
  }
  return t;
}

// `board.host_link`: {kind, gbps, launch_us}.
HostLink host_link(const Section& link) {
  HostLink l;
  l.kind = link.get<std::string>("kind");
  static const std::regex kKind("pcie-gen[1-6]x(1|2|4|8|16)|axi-soc");
  require(std::regex_match(l.kind, kKind),
          link.path() + ": '" + link.where("kind") + "' is '" + l.kind +
              "'; expected pcie-gen<g>x<w> (e.g. pcie-gen3x16) or axi-soc");
  l.gbps = link.in_range<double>("gbps", 0.001, 1000.0, "GB/s per direction");
  l.launch_us = link.in_range<double>("launch_us", 0.001, 1e6, "microseconds per kernel launch");
  return l;
}

// The counts of a `board.resources` section or of its `shell`: the keys depend on the vendor
// (AMD and Intel fabrics have different blocks). `lo` is the least count a key may have.
FabricCounts fabric_counts(const Section& r, bool amd, int64_t lo, const std::string& why) {
  constexpr int64_t kMax = int64_t{1} << 32;
  FabricCounts out;
  out.ff = r.in_range<int64_t>("ff", lo, kMax, why);
  out.dsp = r.in_range<int64_t>("dsp", lo, kMax, why);
  if (amd) {
    out.lut = r.in_range<int64_t>("lut", lo, kMax, why);
    out.bram_36k = r.in_range<int64_t>("bram_36k", lo, kMax, why);
    out.uram = r.in_range<int64_t>("uram", 0, kMax, why + "; 0 on parts without UltraRAM");
  } else {
    out.alm = r.in_range<int64_t>("alm", lo, kMax, why);
    out.m20k = r.in_range<int64_t>("m20k", lo, kMax, why);
  }
  return out;
}

// `board.resources`: the device's counts, where they come from, and optionally the shell's
// share. Each count is of the whole device; the shell's cannot exceed it.
BoardResources resources(const Section& board, const std::string& vendor) {
  const bool amd = vendor == "amd";
  const std::set<std::string> counts =
      amd ? std::set<std::string>{"lut", "ff", "dsp", "bram_36k", "uram"}
          : std::set<std::string>{"alm", "ff", "dsp", "m20k"};
  std::set<std::string> keys = counts;
  keys.insert({"source", "shell"});
  const Section r = board.child("resources", keys);
  BoardResources out;
  static_cast<FabricCounts&>(out) = fabric_counts(r, amd, 1, "a count of the whole device");
  out.source = r.get<std::string>("source");
  require(out.source.find_first_not_of(" \t\n") != std::string::npos,
          r.path() + ": '" + r.where("source") +
              "' is empty; expected where the counts come from (data sheet, table)");
  if (r.has("shell")) {
    const Section s = r.child("shell", counts);
    const FabricCounts shell = fabric_counts(s, amd, 0, "the shell's static region");
    const std::pair<const char*, std::pair<int64_t, int64_t>> pairs[] = {
        {"ff", {shell.ff, out.ff}},       {"dsp", {shell.dsp, out.dsp}},
        {"lut", {shell.lut, out.lut}},    {"bram_36k", {shell.bram_36k, out.bram_36k}},
        {"uram", {shell.uram, out.uram}}, {"alm", {shell.alm, out.alm}},
        {"m20k", {shell.m20k, out.m20k}}};
    for (const auto& [key, v] : pairs) {
      require(v.first <= v.second, s.path() + ": '" + s.where(key) + "' is " +
                                       std::to_string(v.first) + ", more than the device's " +
                                       std::to_string(v.second));
    }
    out.shell = shell;
  }
  return out;
}

}  // namespace

std::string BuildDescriptor::kernel_name() const {
  std::string out = "mmf_" + name;
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

double BuildDescriptor::streamer_bytes_per_second() const {
  return accel.clock_mhz * 1e6 * weight_word_bytes();
}

double BuildDescriptor::nominal_channel_gbps() const {
  const double port_gbps =
      board.memory_timing.port_bits.value / 8.0 * board.memory_timing.port_mhz.value / 1e3;
  return std::min(board.channel_gbps, port_gbps);
}

double BuildDescriptor::weight_bytes_per_cycle() const {
  return accel.weight_channels *
         std::min(channel_bytes_per_cycle(), static_cast<double>(weight_word_bytes()));
}

double BuildDescriptor::nominal_weight_bytes_per_cycle() const {
  return accel.weight_channels *
         std::min(nominal_channel_bytes_per_cycle(), static_cast<double>(weight_word_bytes()));
}

uint32_t BuildDescriptor::memory_latency_cycles() const {
  const MemoryTiming& m = board.memory_timing;
  return static_cast<uint32_t>(std::ceil(
      (m.read_latency_ns.value + m.interconnect_ns.value) * accel.clock_mhz / 1e3 - 1e-9));
}

int BuildDescriptor::weight_fifo_words() const {
  return std::clamp(131072 / weight_word_bytes(), 256, 4096);
}

uint64_t BuildDescriptor::fingerprint() const {
  std::ostringstream canon;
  canon.precision(17);
  canon << name << '|' << board.part << '|' << board.platform << '|' << board.memory << '|'
        << board.memory_channels << '|' << board.channel_gbps << '|' << board.channel_mib << '|'
        << accel.clock_mhz << '|' << accel.lanes << '|' << accel.tile_rows << '|'
        << accel.weight_channels << '|' << accel.vector_channel << '|' << accel.vector_lanes << '|'
        << accel.max_vector << '|' << accel.max_ops;
  // Appended only when set, so that builds without the decoder keep their fingerprints.
  if (accel.five_trit) canon << "|1.6bit";
  if (accel.max_context > 0)
    canon << "|attention:" << accel.max_context << ':' << accel.max_head_dim;
  if (accel.int8_macs > 0) canon << "|int8_macs:" << accel.int8_macs;
  return fnv1a64(canon.str());
}

BuildDescriptor load_build_descriptor(const std::string& path) {
  return load_build_descriptor(path, AcceleratorOverrides{});
}

BuildDescriptor load_build_descriptor(const std::string& path, const AcceleratorOverrides& o) {
  YAML::Node root = load_yaml_file(path, "build descriptor");
  if (root.IsMap() && root["accelerator"].IsMap()) {
    YAML::Node acc = root["accelerator"];
    if (o.clock_mhz) acc["clock_mhz"] = *o.clock_mhz;
    if (o.lanes) acc["lanes"] = *o.lanes;
    if (o.weight_channels) acc["weight_channels"] = *o.weight_channels;
    if (o.vector_lanes) acc["vector_lanes"] = *o.vector_lanes;
    if (o.tile_rows) acc["tile_rows"] = *o.tile_rows;
  }
  BuildDescriptor b;
  b.path = path;
  const Section top(root, path, "", {"name", "description", "board", "accelerator", "energy"});
  b.name = top.get<std::string>("name");
  b.description = top.optional_string("description");
  const std::string stem = fs::path(path).stem().string();
  require(b.name == stem, path + ": 'name' is '" + b.name + "' but the file is " + stem +
                              ".yaml (a build is named after its descriptor)");
  for (char c : b.name) {
    require(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_',
            path + ": 'name' may hold letters, digits, '-' and '_' only");
  }

  const Section board = top.child(
      "board", {"name", "vendor", "part", "platform", "memory", "memory_channels", "channel_gbps",
                "channel_mib", "host_link", "memory_timing", "resources"});
  b.board.name = board.get<std::string>("name");
  b.board.vendor = board.get<std::string>("vendor");
  require(b.board.vendor == "amd" || b.board.vendor == "intel",
          path + ": 'board.vendor' is '" + b.board.vendor +
              "'; expected amd or intel (the tool flow that builds for the board)");
  b.board.part = board.get<std::string>("part");
  b.board.platform = board.get<std::string>("platform");
  b.board.memory = board.get<std::string>("memory");
  require(b.board.memory == "hbm" || b.board.memory == "ddr",
          path + ": 'board.memory' is '" + b.board.memory + "'; expected hbm or ddr");
  b.board.memory_channels = board.in_range<int>("memory_channels", 1, 64);
  b.board.channel_gbps = board.in_range<double>("channel_gbps", 0.1, 1000.0);
  b.board.channel_mib = board.in_range<int64_t>("channel_mib", 1, int64_t{1} << 20);
  b.board.host_link = host_link(board.child("host_link", {"kind", "gbps", "launch_us"}));
  b.board.memory_timing = memory_timing(board);
  b.board.resources = resources(board, b.board.vendor);

  const Section acc =
      top.child("accelerator", {"clock_mhz", "lanes", "tile_rows", "weight_channels",
                                "vector_channel", "vector_lanes", "max_vector", "max_ops",
                                "packings", "max_context", "max_head_dim", "int8_macs"});
  b.accel.clock_mhz = acc.in_range<double>("clock_mhz", 1.0, 1000.0);
  b.accel.lanes = acc.in_range<int>("lanes", 4, 512, "trits per cycle; 2 bits each on AXI");
  require(is_power_of_two(b.accel.lanes),
          path + ": 'accelerator.lanes' must be a power of two (the AXI data width is 2 x lanes)");
  // One m_axi bundle per channel: 32 at most (the HLS traits; the RTL's control map has room
  // for mmf_hls::kMaxPointerRegs pointers, the channels and `vec`).
  b.accel.weight_channels =
      acc.in_range<int>("weight_channels", 1, std::min(b.board.memory_channels, 32),
                        "at most board.memory_channels and 32");
  b.accel.vector_channel =
      acc.in_range<int>("vector_channel", 0, b.board.memory_channels - 1, "a board channel");
  // On a SoC every AXI master of the kernel (the weight channels and `vec`) gets its own
  // high-performance port of the processing system into the shared DDR (build_generator.cpp).
  require(!b.board.is_soc() || b.accel.weight_channels + 1 <= kSocHpPorts,
          path + ": 'accelerator.weight_channels' is " + std::to_string(b.accel.weight_channels) +
              "; an axi-soc board has " + std::to_string(kSocHpPorts) +
              " HP ports for the weight channels and the vector bank, so at most " +
              std::to_string(kSocHpPorts - 1));
  // The vector bank's AXI data is 32 x vector_lanes bits (at most 1024); int16 vectors travel
  // two per word, so the lane count is even.
  b.accel.vector_lanes = acc.in_range<int>("vector_lanes", 2, 32,
                                           "the vector bank's AXI data is "
                                           "32 x vector_lanes bits");
  require(is_power_of_two(b.accel.vector_lanes) && b.accel.vector_lanes <= b.accel.lanes,
          path + ": 'accelerator.vector_lanes' must be a power of two and at most lanes (" +
              std::to_string(b.accel.lanes) + ")");
  // A weight word is tile_rows rows x lanes / tile_rows columns (WeightTile, program_format.hpp);
  // a tile row is whole bytes, and a code word of the channels (one per column group) is whole
  // vector beats of the quantizer.
  b.accel.tile_rows = acc.has("tile_rows")
                          ? acc.in_range<int>("tile_rows", 1, b.accel.lanes / 4,
                                              "rows per weight word, 4 trits a row at least")
                          : 1;
  const int tile_cols = b.accel.lanes / b.accel.tile_rows;
  require(is_power_of_two(b.accel.tile_rows) && tile_cols >= b.accel.vector_lanes,
          path +
              ": 'accelerator.tile_rows' must be a power of two leaving at least vector_lanes (" +
              std::to_string(b.accel.vector_lanes) + ") columns of lanes (" +
              std::to_string(b.accel.lanes) + ") per row");
  b.accel.max_vector = acc.in_range<int>("max_vector", 2, 1 << 20);
  require(b.accel.max_vector % b.accel.vector_lanes == 0,
          path + ": 'accelerator.max_vector' must be a multiple of vector_lanes (" +
              std::to_string(b.accel.vector_lanes) + ")");
  b.accel.max_ops = acc.in_range<int>("max_ops", 1, 1 << 16);
  // The weight packings the channels take: 2bit always; 1.6bit adds a decoder to each channel
  // (rtl/mmf/mmf_weight_unpack.sv), in time, energy and resources.
  if (acc.has("packings")) {
    bool two_bit = false;
    for (const auto& name : acc.names("packings")) {
      require(name == "2bit" || name == "1.6bit",
              path + ": 'accelerator.packings' lists '" + name + "'; expected 2bit or 1.6bit");
      two_bit = two_bit || name == "2bit";
      b.accel.five_trit = b.accel.five_trit || name == "1.6bit";
    }
    require(two_bit,
            path +
                ": 'accelerator.packings' must list 2bit: every channel takes 2-bit words, and "
                "1.6bit adds a decoder in front of them");
  }

  // Attention units (BitNet b1.58's opcodes): both keys or neither. A KV scale is 4 bytes of
  // a weight word, so the words are 4 bytes at least.
  require(acc.has("max_context") == acc.has("max_head_dim"),
          path +
              ": 'accelerator.max_context' and 'accelerator.max_head_dim' come together "
              "(the attention units of BitNet b1.58) or not at all");
  if (acc.has("max_context")) {
    b.accel.max_context = acc.in_range<int>("max_context", 1, 1 << mmf::fx::kMaxContextLog2,
                                            "positions of a layer's KV cache");
    b.accel.max_head_dim = acc.in_range<int>("max_head_dim", 2, mmf::fx::kMaxHeadDim,
                                             "values of the widest attention head");
    require((b.accel.max_head_dim & (b.accel.max_head_dim - 1)) == 0 &&
                b.accel.max_head_dim >= 2 * b.accel.vector_lanes,
            path +
                ": 'accelerator.max_head_dim' must be a power of two of at least 2 x "
                "vector_lanes (" +
                std::to_string(2 * b.accel.vector_lanes) +
                "): a head's RoPE halves are whole vector beats");
    require(b.accel.lanes >= 16,
            path +
                ": 'accelerator.max_context' needs lanes of at least 16 (a KV-cache scale is "
                "4 bytes of a weight word)");
    if (acc.has("int8_macs")) {
      b.accel.int8_macs = acc.in_range<int>("int8_macs", 1, b.accel.lanes / 4,
                                            "int8 products a weight channel does a cycle, at "
                                            "most a weight word's bytes (lanes / 4)");
      require(is_power_of_two(b.accel.int8_macs),
              path + ": 'accelerator.int8_macs' must be a power of two");
    }
  }
  require(!acc.has("int8_macs") || acc.has("max_context"),
          path +
              ": 'accelerator.int8_macs' sizes the attention units, which a build without "
              "max_context does not have");

  const Section energy = top.child(
      "energy", {"memory_pj_per_bit", "memory_interface_pj_per_bit", "ternary_op_pj",
                 "on_chip_pj_per_byte", "vector_pj_per_word", "fabric_pj_per_cell", "static_w"});
  b.energy.memory_pj_per_bit = sourced_value(energy, "memory_pj_per_bit", "pJ/bit");
  b.energy.memory_interface_pj_per_bit =
      sourced_value(energy, "memory_interface_pj_per_bit", "pJ/bit");
  b.energy.ternary_op_pj = sourced_value(energy, "ternary_op_pj", "pJ/op");
  b.energy.on_chip_pj_per_byte = sourced_value(energy, "on_chip_pj_per_byte", "pJ/byte");
  b.energy.vector_pj_per_word = sourced_value(energy, "vector_pj_per_word", "pJ/word");
  b.energy.fabric_pj_per_cell = sourced_value(energy, "fabric_pj_per_cell", "pJ/cell/cycle");
  b.energy.static_w = sourced_value(energy, "static_w", "W");
  return b;
}

std::string bitstreams_dir() {
  return shipped_dir("MMF_BITSTREAMS_DIR", "bitstreams", MMF_DEFAULT_BITSTREAMS_DIR);
}

std::string build_descriptor_path(const std::string& spec) {
  if (spec.find('/') != std::string::npos || fs::path(spec).extension() == ".yaml") return spec;
  const fs::path p = fs::path(bitstreams_dir()) / (spec + ".yaml");
  if (!fs::exists(p)) {
    std::string known;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(bitstreams_dir(), ec)) {
      if (e.path().extension() == ".yaml") known += " " + e.path().stem().string();
    }
    throw Error("--build: no build descriptor '" + spec + "' in " + bitstreams_dir() +
                " (known:" + known + ")");
  }
  return p.string();
}

}  // namespace mmf::host

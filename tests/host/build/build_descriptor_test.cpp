// SPDX-License-Identifier: Apache-2.0
// Build descriptors: the shipped ones load and make sense, bad ones get errors naming the file
// and the key, and the generated files match their YAML (the drift check CI relies on).
#include "mmf/host/build/build_descriptor.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "mmf/error.hpp"
#include "mmf/host/build/build_generator.hpp"

namespace mmf::test {
namespace {

namespace fs = std::filesystem;
using host::BuildDescriptor;

std::string shipped(const std::string& name) {
  return read_file(host::bitstreams_dir() + "/" + name + ".yaml");
}

TEST(BuildDescriptor, ShippedBuildsLoad) {
  const BuildDescriptor u280 = host::load_build_descriptor(host::build_descriptor_path("u280"));
  MMF_EXPECT_EQ(u280.kernel_name(), "mmf_u280");
  // 31 weight channels; the vector bank has the 32nd pseudo-channel to itself.
  MMF_EXPECT_EQ(u280.accel.weight_channels, 31);
  MMF_EXPECT_EQ(u280.board.memory_channels, 32);
  // The base_1 shell's static region: the device less UG1120's dynamic region.
  MMF_ASSERT_TRUE(u280.board.resources.shell.has_value());
  MMF_EXPECT_EQ(u280.board.resources.shell->lut, 173000);
  MMF_EXPECT_EQ(u280.board.resources.shell->bram_36k, 240);
  MMF_EXPECT_EQ(u280.board.resources.shell->uram, 0);
  MMF_EXPECT_EQ(u280.accel.vector_channel, 31);
  // The weight streamers can take what HBM gives: lanes and clock are chosen for it.
  MMF_EXPECT_GE(u280.streamer_bytes_per_second(), u280.board.channel_gbps * 1e9);
  const BuildDescriptor ci = host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
  MMF_EXPECT_EQ(ci.kernel_name(), "mmf_ci_tiny");
  MMF_EXPECT_NE(ci.fingerprint(), u280.fingerprint());
  // Weight words are tiles: 4 rows x 128 columns on u280, 4 x 4 on ci-tiny.
  MMF_EXPECT_EQ(u280.accel.tile_rows, 4);
  MMF_EXPECT_EQ(ci.accel.tile_rows, 4);
  // ci-tiny's and u280's channels decode 1.6-bit weights too; kv260's do not.
  MMF_EXPECT_TRUE(ci.accel.five_trit);
  MMF_EXPECT_TRUE(u280.accel.five_trit);
  MMF_EXPECT_FALSE(
      host::load_build_descriptor(host::build_descriptor_path("kv260")).accel.five_trit);
  BuildDescriptor without = ci;
  without.accel.five_trit = false;
  MMF_EXPECT_NE(without.fingerprint(), ci.fingerprint()) << "the decoder is part of the kernel";
  // The HBM channel as the kernel sees it: nominal 14.375 GB/s (the 256-bit 450 MHz port gives
  // 14.4), 92.4 % of it sustained (Shuhai's 425 of 460 GB/s), and (138 + 100) ns of latency,
  // 71.4 cycles at 300 MHz, rounded up.
  MMF_EXPECT_NEAR(u280.nominal_channel_gbps(), 14.375, 1e-9);
  MMF_EXPECT_NEAR(u280.sustained_channel_gbps(), 14.375 * 0.924, 1e-9);
  MMF_EXPECT_NEAR(u280.channel_bytes_per_cycle(), 14.375 * 0.924 * 1e3 / 300, 1e-9);
  MMF_EXPECT_EQ(u280.memory_latency_cycles(), 72u);
  MMF_EXPECT_NEAR(u280.weight_bytes_per_cycle() / u280.nominal_weight_bytes_per_cycle(), 0.924,
                  1e-9);
  // ci-tiny's 16-trit streamers (4 bytes a cycle) are slower than either rate.
  MMF_EXPECT_NEAR(ci.weight_bytes_per_cycle(), ci.nominal_weight_bytes_per_cycle(), 1e-9);
}

TEST(BuildDescriptor, TileRowsDefaultToOneAndAreFingerprinted) {
  const std::string path = host::build_descriptor_path("ci-tiny");
  std::string text = read_file(path);
  const BuildDescriptor tiled = host::load_build_descriptor(path);
  const size_t at = text.find("  tile_rows: 4");
  MMF_ASSERT_TRUE(at != std::string::npos);
  text.erase(at, text.find('\n', at) + 1 - at);
  TempDir dir;
  write_file(dir.file("ci-tiny.yaml"), text);
  const BuildDescriptor plain = host::load_build_descriptor(dir.file("ci-tiny.yaml"));
  MMF_EXPECT_EQ(plain.accel.tile_rows, 1) << "a row per weight word when the key is absent";
  MMF_EXPECT_NE(plain.fingerprint(), tiled.fingerprint()) << "the tile shapes the kernel";
}

// Every descriptor shipped in bitstreams/, each checked alone.
const std::vector<std::string> kShipped = {"ci-tiny", "d5005", "kv260", "u250", "u280", "u55c"};

class ShippedDescriptors : public testing::TestWithParam<std::string> {};

TEST_P(ShippedDescriptors, LoadWithPositiveResourcesAndLinkFigures) {
  const BuildDescriptor b = host::load_build_descriptor(host::build_descriptor_path(GetParam()));
  MMF_EXPECT_EQ(b.name, GetParam());
  const auto& r = b.board.resources;
  MMF_EXPECT_GT(r.ff, 0);
  MMF_EXPECT_GT(r.dsp, 0);
  MMF_EXPECT_FALSE(r.source.empty());  // where the counts come from
  if (b.board.vendor == "amd") {
    MMF_EXPECT_GT(r.lut, 0);
    MMF_EXPECT_GT(r.bram_36k, 0);
    MMF_EXPECT_GT(r.uram, 0);  // every shipped AMD part has UltraRAM
    MMF_EXPECT_EQ(r.alm + r.m20k, 0);
  } else {
    MMF_EXPECT_EQ(b.board.vendor, "intel");
    MMF_EXPECT_GT(r.alm, 0);
    MMF_EXPECT_GT(r.m20k, 0);
    MMF_EXPECT_EQ(r.lut + r.bram_36k + r.uram, 0);
  }
  MMF_EXPECT_TRUE(b.board.host_link.kind == "axi-soc" ||
                  b.board.host_link.kind.rfind("pcie-gen", 0) == 0)
      << b.board.host_link.kind;
  MMF_EXPECT_GT(b.board.host_link.gbps, 0.0);
  MMF_EXPECT_GT(b.board.host_link.launch_us, 0.0);
  // Each board has its own idle floor, with a source.
  MMF_EXPECT_GT(b.energy.static_w.value, 0.0);
  MMF_EXPECT_FALSE(b.energy.static_w.source.empty());
  MMF_EXPECT_GT(b.weight_bytes_per_cycle(), 0.0);
  // Every memory-timing figure has a source; the sustained rate is within the nominal.
  for (const host::SourcedValue& f : b.board.memory_timing.all()) {
    MMF_EXPECT_FALSE(f.source.empty()) << f.name;
  }
  MMF_EXPECT_LE(b.sustained_channel_gbps(), b.nominal_channel_gbps());
  MMF_EXPECT_LE(b.nominal_channel_gbps(), b.board.channel_gbps);
  MMF_EXPECT_GT(b.memory_latency_cycles(), 0u);
}

// A weight streamer takes at least what its memory channel gives, except on the builds whose
// description says why not: ci-tiny (small on purpose), d5005 (the paper's 60 MHz) and kv260
// (one 128-bit HP port per master).
TEST_P(ShippedDescriptors, StreamersKeepUpWithTheirChannelOrSayWhyNot) {
  const BuildDescriptor b = host::load_build_descriptor(host::build_descriptor_path(GetParam()));
  const bool slower = b.streamer_bytes_per_second() < b.board.channel_gbps * 1e9;
  const bool explained = GetParam() == "ci-tiny" || GetParam() == "d5005" || GetParam() == "kv260";
  MMF_EXPECT_EQ(slower, explained)
      << GetParam() << ": streamer " << b.streamer_bytes_per_second() / 1e9 << " GB/s, channel "
      << b.board.channel_gbps << " GB/s";
}

INSTANTIATE_TEST_SUITE_P(Builds, ShippedDescriptors, testing::ValuesIn(kShipped),
                         [](const testing::TestParamInfo<std::string>& p) {
                           std::string n = p.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(BuildDescriptor, EveryShippedDescriptorIsChecked) {
  int yamls = 0;
  for (const auto& e : fs::directory_iterator(host::bitstreams_dir())) {
    if (e.path().extension() != ".yaml") continue;
    ++yamls;
    MMF_EXPECT_TRUE(std::count(kShipped.begin(), kShipped.end(), e.path().stem().string()) == 1)
        << e.path() << " is missing from kShipped";
  }
  MMF_EXPECT_EQ(yamls, static_cast<int>(kShipped.size()));
}

struct BadDescriptor {
  const char* name;
  std::string from, to;  // text replacement applied to ci-tiny.yaml
  std::vector<std::string> message;
  friend std::ostream& operator<<(std::ostream& os, const BadDescriptor& b) { return os << b.name; }
};

class BadDescriptors : public testing::TestWithParam<BadDescriptor> {};

TEST_P(BadDescriptors, AreRejectedNamingFileAndKey) {
  const BadDescriptor& bad = GetParam();
  std::string text = shipped("ci-tiny");
  const size_t at = text.find(bad.from);
  MMF_ASSERT_TRUE(at != std::string::npos) << bad.from;
  text.replace(at, bad.from.size(), bad.to);
  TempDir dir;
  const std::string path = dir.file("ci-tiny.yaml");
  write_file(path, text);
  std::vector<std::string> parts = bad.message;
  parts.push_back(path);
  try {
    host::load_build_descriptor(path);
    MMF_EXPECT_TRUE(false) << "accepted: " << bad.name;
  } catch (const Error& e) {
    for (const auto& p : parts)
      MMF_EXPECT_TRUE(std::string(e.what()).find(p) != std::string::npos)
          << e.what() << " lacks " << p;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadDescriptors,
    testing::Values(
        BadDescriptor{"lanes_not_power_of_two", "lanes: 16", "lanes: 12", {"accelerator.lanes"}},
        // ci-tiny: 16 lanes, 4 vector lanes.
        BadDescriptor{"tile_rows_not_power_of_two",
                      "tile_rows: 4",
                      "tile_rows: 3",
                      {"accelerator.tile_rows", "power of two"}},
        BadDescriptor{"tile_narrower_than_the_vector_lanes",
                      "vector_lanes: 4",
                      "vector_lanes: 8",
                      {"accelerator.tile_rows", "leaving at least vector_lanes (8)"}},
        BadDescriptor{"tile_rows_past_a_quarter_of_the_lanes",
                      "tile_rows: 4",
                      "tile_rows: 8",
                      {"accelerator.tile_rows", "is 8; expected 1 to 4"}},
        BadDescriptor{"tile_rows_zero", "tile_rows: 4", "tile_rows: 0", {"accelerator.tile_rows"}},
        BadDescriptor{"packing_unknown",
                      "packings: [2bit, 1.6bit]",
                      "packings: [2bit, 3bit]",
                      {"accelerator.packings", "'3bit'", "expected 2bit or 1.6bit"}},
        BadDescriptor{"packings_without_2bit",
                      "packings: [2bit, 1.6bit]",
                      "packings: [1.6bit]",
                      {"accelerator.packings", "must list 2bit"}},
        BadDescriptor{"packings_not_a_list",
                      "packings: [2bit, 1.6bit]",
                      "packings: 1.6bit",
                      {"accelerator.packings", "must be a list"}},
        BadDescriptor{"max_context_without_max_head_dim",
                      "  max_head_dim: 64",
                      "",
                      {"accelerator.max_context", "come together"}},
        BadDescriptor{"max_head_dim_not_power_of_two",
                      "max_head_dim: 64",
                      "max_head_dim: 48",
                      {"accelerator.max_head_dim", "power of two", "2 x vector_lanes (8)"}},
        BadDescriptor{"max_head_dim_below_two_beats",
                      "max_head_dim: 64",
                      "max_head_dim: 4",
                      {"accelerator.max_head_dim", "power of two", "2 x vector_lanes (8)"}},
        BadDescriptor{"max_context_past_the_numerics",
                      "max_context: 512",
                      "max_context: 32768",
                      {"accelerator.max_context", "expected 1 to 16384"}},
        BadDescriptor{"int8_macs_past_a_word",
                      "max_head_dim: 64",
                      "max_head_dim: 64\n  int8_macs: 8",
                      {"accelerator.int8_macs", "expected 1 to 4"}},
        BadDescriptor{"int8_macs_not_power_of_two",
                      "max_head_dim: 64",
                      "max_head_dim: 64\n  int8_macs: 3",
                      {"accelerator.int8_macs", "power of two"}},
        BadDescriptor{"too_many_channels",
                      "weight_channels: 2",
                      "weight_channels: 33",
                      {"accelerator.weight_channels", "33"}},
        BadDescriptor{"unknown_key",
                      "  max_ops: 512",
                      "  max_ops: 512\n  turbo: yes",
                      {"unknown key 'accelerator.turbo'"}},
        BadDescriptor{"missing_key",
                      "  clock_mhz: 300\n",
                      "",
                      {"missing required key 'accelerator.clock_mhz'"}},
        BadDescriptor{"wrong_type",
                      "clock_mhz: 300",
                      "clock_mhz: fast",
                      {"accelerator.clock_mhz", "wrong type"}},
        BadDescriptor{"name_differs", "name: ci-tiny", "name: other", {"'name' is 'other'"}},
        // A key that is a sequence escaped as a yaml-cpp exception (found with
        // fuzz_build_descriptor: tests/fuzz/regressions/fuzz_build_descriptor/).
        BadDescriptor{"sequence_key",
                      "  max_ops: 512",
                      "  max_ops: 512\n  ? [a, b]\n  : 1",
                      {"a key of 'accelerator' is not a plain name"}},
        BadDescriptor{"bad_memory", "memory: hbm", "memory: sram", {"board.memory", "hbm or ddr"}},
        BadDescriptor{"not_yaml", "name: ci-tiny", "name: [ci-tiny", {"not valid YAML"}},
        BadDescriptor{"energy_bad_tag",
                      "unit: W\n    tag: reported",
                      "unit: W\n    tag: guessed",
                      {"energy.static_w.tag", "'guessed'",
                       "measured, reported, specified, derived, recalled or assumed"}},
        // board.memory_timing: each figure sourced, in its unit, and consistent.
        BadDescriptor{"memory_timing_renamed",
                      "  memory_timing:",
                      "  memory_timing_old:",
                      {"unknown key 'board.memory_timing_old'"}},
        BadDescriptor{"memory_timing_bad_tag",
                      "unit: fraction\n      tag: reported",
                      "unit: fraction\n      tag: guessed",
                      {"board.memory_timing.efficiency.tag", "'guessed'"}},
        BadDescriptor{"memory_timing_efficiency_above_one",
                      "value: 0.924",
                      "value: 1.2",
                      {"board.memory_timing.efficiency.value", "1.2", "0.01 to 1"}},
        BadDescriptor{"memory_timing_efficiency_above_what_refresh_leaves",
                      "value: 0.924",
                      "value: 0.95",
                      {"board.memory_timing.efficiency", "0.95", "refresh leaves"}},
        BadDescriptor{"memory_timing_refresh_longer_than_interval",
                      "value: 260",
                      "value: 5000",
                      {"board.memory_timing.refresh_ns", "less than refresh_interval_ns"}},
        BadDescriptor{"memory_timing_wrong_unit",
                      "value: 138\n      unit: ns",
                      "value: 138\n      unit: us",
                      {"board.memory_timing.read_latency_ns.unit", "expected ns"}},
        BadDescriptor{"memory_timing_unknown_figure",
                      "    interconnect_ns:",
                      "    switch_ns:",
                      {"unknown key 'board.memory_timing.switch_ns'"}},
        BadDescriptor{
            "energy_negative", "value: 40", "value: -40", {"energy.static_w.value", "-40", ">= 0"}},
        BadDescriptor{"energy_wrong_unit",
                      "unit: pJ/bit",
                      "unit: nJ/bit",
                      {"energy.memory_pj_per_bit.unit", "'nJ/bit'", "expected pJ/bit"}},
        BadDescriptor{"energy_fabric_per_lut",
                      "unit: pJ/cell/cycle",
                      "unit: pJ/LUT",
                      {"energy.fabric_pj_per_cell.unit", "expected pJ/cell/cycle"}},
        BadDescriptor{"energy_interface_renamed",
                      "  memory_interface_pj_per_bit:",
                      "  memory_phy_pj_per_bit:",
                      {"unknown key 'energy.memory_phy_pj_per_bit'"}},
        BadDescriptor{"energy_not_a_number",
                      "value: 3.9",
                      "value: cheap",
                      {"energy.memory_pj_per_bit.value", "wrong type"}},
        BadDescriptor{"energy_unknown_entry_key",
                      "unit: pJ/bit\n    tag: recalled",
                      "unit: pJ/bit\n    tag: recalled\n    confidence: high",
                      {"unknown key 'energy.memory_pj_per_bit.confidence'"}},
        BadDescriptor{"bad_vendor",
                      "vendor: amd",
                      "vendor: xilinx",
                      {"board.vendor", "'xilinx'", "amd or intel"}},
        BadDescriptor{
            "missing_vendor", "  vendor: amd\n", "", {"missing required key 'board.vendor'"}},
        BadDescriptor{
            "missing_resources",
            "  resources:\n    lut: 1303680\n    ff: 2607360\n    dsp: 9024\n"
            "    bram_36k: 2016\n    uram: 960\n    source: >-\n      DS963 as quoted by a"
            " public spec (CN-U280 in docs/boards.md); Wikipedia UltraScale+\n      table\n"
            "    shell:\n      lut: 173000\n      ff: 342000\n      dsp: 720\n"
            "      bram_36k: 240\n      uram: 0\n",
            "",
            {"missing required section 'board.resources'"}},
        BadDescriptor{"missing_resource_count",
                      "    uram: 960\n",
                      "",
                      {"missing required key 'board.resources.uram'"}},
        BadDescriptor{"missing_resources_source",
                      "    source: >-\n      DS963 as quoted by a public spec (CN-U280 in "
                      "docs/boards.md); Wikipedia UltraScale+\n      table\n",
                      "",
                      {"missing required key 'board.resources.source'"}},
        BadDescriptor{"empty_resources_source",
                      "    source: >-\n      DS963 as quoted by a public spec (CN-U280 in "
                      "docs/boards.md); Wikipedia UltraScale+\n      table\n",
                      "    source: ''\n",
                      {"board.resources.source", "is empty", "where the counts come from"}},
        BadDescriptor{"shell_above_device",
                      "      bram_36k: 240",
                      "      bram_36k: 2017",
                      {"board.resources.shell.bram_36k", "2017", "more than the device's 2016"}},
        BadDescriptor{"shell_negative",
                      "      ff: 342000",
                      "      ff: -1",
                      {"board.resources.shell.ff", "-1", "the shell's static region"}},
        BadDescriptor{"shell_missing_key",
                      "      uram: 0\n",
                      "",
                      {"missing required key 'board.resources.shell.uram'"}},
        BadDescriptor{"zero_resource",
                      "dsp: 9024",
                      "dsp: 0",
                      {"board.resources.dsp", "is 0", "count of the whole device"}},
        BadDescriptor{"negative_resource",
                      "lut: 1303680",
                      "lut: -1303680",
                      {"board.resources.lut", "-1303680"}},
        // The keys follow the vendor: an AMD board has LUTs, not ALMs.
        BadDescriptor{"intel_resources_on_amd",
                      "bram_36k: 2016",
                      "m20k: 2016",
                      {"unknown key 'board.resources.m20k'", "bram_36k"}},
        BadDescriptor{"amd_resources_on_intel",
                      "vendor: amd",
                      "vendor: intel",
                      {"unknown key 'board.resources.", "alm, dsp, ff, m20k"}},
        BadDescriptor{"negative_link_rate",
                      "gbps: 15.75",
                      "gbps: -15.75",
                      {"board.host_link.gbps", "-15.75", "GB/s per direction"}},
        BadDescriptor{"negative_launch_latency",
                      "launch_us: 75",
                      "launch_us: -75",
                      {"board.host_link.launch_us", "-75", "microseconds"}},
        BadDescriptor{"missing_launch_latency",
                      "    launch_us: 75\n",
                      "",
                      {"missing required key 'board.host_link.launch_us'"}},
        BadDescriptor{"bad_link_kind",
                      "kind: pcie-gen3x16",
                      "kind: pcie-gen3x13",
                      {"board.host_link.kind", "'pcie-gen3x13'", "axi-soc"}},
        // The link replaced the old `pcie` key.
        BadDescriptor{"old_pcie_key",
                      "  host_link:",
                      "  pcie: gen3x16\n  host_link:",
                      {"unknown key 'board.pcie'"}},
        BadDescriptor{"energy_unknown_coefficient",
                      "  static_w:",
                      "  leakage_w: 1\n  static_w:",
                      {"unknown key 'energy.leakage_w'"}}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(BuildDescriptor, AnEmptyFileIsAnErrorNamingIt) {
  TempDir dir;
  const std::string path = dir.file("ci-tiny.yaml");
  write_file(path, "");
  MMF_EXPECT_ERROR(host::load_build_descriptor(path), path);
}

// The energy section sits last in ci-tiny.yaml and static_w's source last in it: cutting the
// file's tail removes them.
TEST(BuildDescriptor, EnergySectionAndSourcesAreRequired) {
  const std::string text = shipped("ci-tiny");
  const size_t section = text.find("\nenergy:\n");
  const size_t source = text.rfind("    source:");
  MMF_ASSERT_TRUE(section != std::string::npos && source != std::string::npos && section < source);
  MMF_ASSERT_TRUE(text.find("static_w:") < source);
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {text.substr(0, section + 1), {"missing required section 'energy'"}},
      {text.substr(0, source), {"missing required key 'energy.static_w.source'"}},
      {text.substr(0, source) + "    source: \"\"\n", {"'energy.static_w.source' is empty"}},
  };
  for (const auto& [yaml, message] : cases) {
    TempDir dir;
    const std::string path = dir.file("ci-tiny.yaml");
    write_file(path, yaml);
    try {
      host::load_build_descriptor(path);
      MMF_EXPECT_TRUE(false) << "accepted: " << message[0];
    } catch (const Error& e) {
      MMF_EXPECT_TRUE(std::string(e.what()).find(path) != std::string::npos) << e.what();
      for (const auto& m : message) {
        MMF_EXPECT_TRUE(std::string(e.what()).find(m) != std::string::npos) << e.what();
      }
    }
  }
}

// Energy coefficients load with provenance and do not change the fingerprint.
TEST(BuildDescriptor, EnergyIsReadButNotFingerprinted) {
  const BuildDescriptor ci = host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
  MMF_EXPECT_EQ(ci.energy.memory_pj_per_bit.value, 3.9);
  MMF_EXPECT_EQ(ci.energy.memory_pj_per_bit.unit, "pJ/bit");
  MMF_EXPECT_EQ(ci.energy.memory_pj_per_bit.tag, "recalled");
  MMF_EXPECT_TRUE(ci.energy.memory_pj_per_bit.source.find("MICRO-50") != std::string::npos);
  MMF_EXPECT_EQ(ci.energy.static_w.tag, "reported");
  MMF_EXPECT_EQ(ci.energy.all().size(), 7u);
  std::string text = shipped("ci-tiny");
  text.replace(text.find("value: 40"), 9, "value: 55");
  TempDir dir;
  write_file(dir.file("ci-tiny.yaml"), text);
  const BuildDescriptor hotter = host::load_build_descriptor(dir.file("ci-tiny.yaml"));
  MMF_EXPECT_EQ(hotter.energy.static_w.value, 55.0);
  MMF_EXPECT_EQ(hotter.fingerprint(), ci.fingerprint());
}

// The board's vendor, host link and resources do not shape the kernel: editing them keeps the
// fingerprint, so the csim backend and the committed generated files still match.
TEST(BuildDescriptor, BoardFactsAreNotFingerprinted) {
  const BuildDescriptor ci = host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
  std::string text = shipped("ci-tiny");
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{{"gbps: 15.75", "gbps: 31.5"},
                                                        {"launch_us: 75", "launch_us: 5"},
                                                        {"kind: pcie-gen3x16", "kind: pcie-gen4x8"},
                                                        {"dsp: 9024", "dsp: 8000"}}) {
    text.replace(text.find(from), from.size(), to);
  }
  TempDir dir;
  write_file(dir.file("ci-tiny.yaml"), text);
  const BuildDescriptor other = host::load_build_descriptor(dir.file("ci-tiny.yaml"));
  MMF_EXPECT_EQ(other.board.host_link.gbps, 31.5);
  MMF_EXPECT_EQ(other.board.resources.dsp, 8000);
  MMF_EXPECT_EQ(other.fingerprint(), ci.fingerprint());
}

// On a SoC each kernel master has its own HP port: the weight channels and `vec` must fit.
TEST(BuildDescriptor, SocBuildsFitTheirHpPorts) {
  std::string text = shipped("ci-tiny");
  text.replace(text.find("kind: pcie-gen3x16"), 18, "kind: axi-soc");
  TempDir dir;
  write_file(dir.file("ci-tiny.yaml"), text);
  MMF_EXPECT_TRUE(host::load_build_descriptor(dir.file("ci-tiny.yaml")).board.is_soc());
  text.replace(text.find("weight_channels: 2"), 18, "weight_channels: 4");
  write_file(dir.file("ci-tiny.yaml"), text);
  const std::string path = dir.file("ci-tiny.yaml");
  MMF_EXPECT_ERROR(host::load_build_descriptor(path), path,
                   std::string("'accelerator.weight_channels' is 4"), std::string("axi-soc"),
                   std::string("at most 3"));
}

TEST(BuildDescriptor, UnknownBuildNameListsTheKnownOnes) {
  MMF_EXPECT_ERROR(host::build_descriptor_path("nope"), "--build", "'nope'", "ci-tiny", "u280");
}

// The committed generated files are exactly what the YAMLs generate (CI fails on drift).
TEST(BuildGenerator, CommittedFilesMatchTheirDescriptors) {
  const host::GenerateOutcome out = host::generate_builds(host::bitstreams_dir(), true);
  MMF_EXPECT_GE(out.builds, 2);
  std::string drifted;
  for (const auto& f : out.written) drifted += " " + f;
  MMF_EXPECT_TRUE(out.written.empty()) << "out of date:" << drifted << " (run make gen)";
  MMF_EXPECT_TRUE(out.stale.empty());
}

TEST(BuildGenerator, DetectsDriftAndRegenerates) {
  TempDir dir;
  fs::copy(host::bitstreams_dir(), dir.path(), fs::copy_options::recursive);
  MMF_EXPECT_TRUE(host::generate_builds(dir.path(), true).written.empty());
  std::string text = read_file(dir.file("ci-tiny.yaml"));
  text.replace(text.find("max_ops: 512"), 12, "max_ops: 600");
  write_file(dir.file("ci-tiny.yaml"), text);
  const host::GenerateOutcome drift = host::generate_builds(dir.path(), true);
  // The traits header, the SV package and the csim index (fingerprint) change; the kernel top,
  // the .cfg and build.mk do not.
  MMF_EXPECT_EQ(drift.written.size(), 3u);
  MMF_EXPECT_TRUE(host::generate_builds(dir.path(), true).written.size() == 3u)
      << "check mode writes nothing";
  MMF_EXPECT_EQ(host::generate_builds(dir.path(), false).written.size(), 3u);
  MMF_EXPECT_TRUE(host::generate_builds(dir.path(), true).written.empty());
  MMF_EXPECT_TRUE(read_file(dir.file("generated/ci-tiny/mmf_config.hpp")).find("/*MaxOps=*/600") !=
                  std::string::npos);
  // A generated directory without a descriptor is reported.
  fs::remove(dir.file("ci-tiny.yaml"));
  const host::GenerateOutcome stale = host::generate_builds(dir.path(), true);
  MMF_EXPECT_EQ(stale.stale.size(), 1u);
}

// An AMD board gets the Vitis files; an Intel board gets the traits, the SV package and a
// C++ top without Vitis pragmas for the csim backend, plus a build.mk that only names the
// vendor so that Makefile.fpga refuses it.
TEST(BuildGenerator, VitisFilesOnlyForAmdBoards) {
  const auto files_of = [](const std::string& build) {
    const auto files =
        host::generate_build_files(host::load_build_descriptor(host::build_descriptor_path(build)));
    std::set<std::string> names;
    for (const auto& [name, text] : files) names.insert(name.substr(name.find('/') + 1));
    return std::make_pair(names, files);
  };
  const auto [amd, amd_files] = files_of("u250");
  MMF_EXPECT_EQ(
      amd, (std::set<std::string>{"build.mk", "connectivity.cfg", "kernel.xml", "mmf_build_pkg.sv",
                                  "mmf_config.hpp", "mmf_kernel.cpp", "mmf_kernel_top.sv"}));
  MMF_EXPECT_TRUE(amd_files.at("u250/build.mk").find("MMF_VENDOR := amd\n") != std::string::npos);
  MMF_EXPECT_TRUE(amd_files.at("u250/mmf_kernel.cpp").find("#pragma HLS INTERFACE") !=
                  std::string::npos);
  // The vector bank shares DDR bank 3 with the last weight channel.
  MMF_EXPECT_TRUE(amd_files.at("u250/connectivity.cfg").find("sp=mmf_u250_1.vec:DDR[3]\n") !=
                  std::string::npos);

  const auto [intel, intel_files] = files_of("d5005");
  MMF_EXPECT_EQ(intel, (std::set<std::string>{"build.mk", "mmf_build_pkg.sv", "mmf_config.hpp",
                                              "mmf_kernel.cpp"}));
  const std::string& mk = intel_files.at("d5005/build.mk");
  MMF_EXPECT_TRUE(mk.find("MMF_VENDOR := intel\n") != std::string::npos) << mk;
  MMF_EXPECT_TRUE(mk.find("MMF_PLATFORM") == std::string::npos) << mk;
  const std::string& top = intel_files.at("d5005/mmf_kernel.cpp");
  MMF_EXPECT_TRUE(top.find("#pragma") == std::string::npos) << top;
  MMF_EXPECT_TRUE(top.find("void mmf_csim_d5005(") != std::string::npos) << top;

  // A SoC's masters go to the processing system's HP ports, one each.
  const auto [soc, soc_files] = files_of("kv260");
  MMF_EXPECT_EQ(soc_files.at("kv260/connectivity.cfg")
                    .substr(soc_files.at("kv260/connectivity.cfg").find("sp=")),
                "sp=mmf_kv260_1.w0:HP0\nsp=mmf_kv260_1.vec:HP1\n");
}

// A file that its build no longer generates (the Vitis files of a board that became Intel's)
// is reported, like a directory without a descriptor.
TEST(BuildGenerator, FilesABuildNoLongerGeneratesAreStale) {
  TempDir dir;
  fs::copy(host::bitstreams_dir(), dir.path(), fs::copy_options::recursive);
  write_file(dir.file("generated/d5005/connectivity.cfg"), "[connectivity]\n");
  const host::GenerateOutcome out = host::generate_builds(dir.path(), true);
  MMF_EXPECT_TRUE(out.written.empty());
  MMF_EXPECT_EQ(out.stale,
                (std::vector<std::string>{dir.file("generated/d5005/connectivity.cfg")}));
}

TEST(BuildGenerator, CliCheckPassesOnTheShippedTree) {
  const CliResult r = run_cli("gen-builds --check");
  MMF_EXPECT_EQ(r.exit_code, 0) << r.err;
  MMF_EXPECT_TRUE(r.out.find("up to date") != std::string::npos) << r.out;
}

}  // namespace
}  // namespace mmf::test

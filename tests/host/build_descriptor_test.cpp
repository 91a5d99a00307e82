// SPDX-License-Identifier: Apache-2.0
// Build descriptors: the shipped ones load and make sense, bad ones get errors naming the file
// and the key, and the generated files match their YAML (the drift check CI relies on).
#include "mmf/host/build_descriptor.hpp"

#include <filesystem>

#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "mmf/error.hpp"
#include "mmf/host/build_generator.hpp"

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
  MMF_EXPECT_EQ(u280.accel.vector_channel, 31);
  // The weight streamers can take what HBM gives: lanes and clock are chosen for it.
  MMF_EXPECT_GE(u280.streamer_bytes_per_second(), u280.board.channel_gbps * 1e9);
  const BuildDescriptor ci = host::load_build_descriptor(host::build_descriptor_path("ci-tiny"));
  MMF_EXPECT_EQ(ci.kernel_name(), "mmf_ci_tiny");
  MMF_EXPECT_NE(ci.fingerprint(), u280.fingerprint());
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
                      "tag: measured",
                      "tag: guessed",
                      {"energy.static_w.tag", "'guessed'", "measured, derived or recalled"}},
        BadDescriptor{
            "energy_negative", "value: 40", "value: -40", {"energy.static_w.value", "-40", ">= 0"}},
        BadDescriptor{"energy_wrong_unit",
                      "unit: pJ/bit",
                      "unit: nJ/bit",
                      {"energy.memory_pj_per_bit.unit", "'nJ/bit'", "expected pJ/bit"}},
        BadDescriptor{"energy_not_a_number",
                      "value: 3.9",
                      "value: cheap",
                      {"energy.memory_pj_per_bit.value", "wrong type"}},
        BadDescriptor{"energy_unknown_entry_key",
                      "    tag: recalled",
                      "    tag: recalled\n    confidence: high",
                      {"unknown key 'energy.memory_pj_per_bit.confidence'"}},
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
  MMF_EXPECT_EQ(ci.energy.static_w.tag, "measured");
  MMF_EXPECT_EQ(ci.energy.all().size(), 5u);
  std::string text = shipped("ci-tiny");
  text.replace(text.find("value: 40"), 9, "value: 55");
  TempDir dir;
  write_file(dir.file("ci-tiny.yaml"), text);
  const BuildDescriptor hotter = host::load_build_descriptor(dir.file("ci-tiny.yaml"));
  MMF_EXPECT_EQ(hotter.energy.static_w.value, 55.0);
  MMF_EXPECT_EQ(hotter.fingerprint(), ci.fingerprint());
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

TEST(BuildGenerator, CliCheckPassesOnTheShippedTree) {
  const CliResult r = run_cli("gen-builds --check");
  MMF_EXPECT_EQ(r.exit_code, 0) << r.err;
  MMF_EXPECT_TRUE(r.out.find("up to date") != std::string::npos) << r.out;
}

}  // namespace
}  // namespace mmf::test

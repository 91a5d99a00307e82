// SPDX-License-Identifier: Apache-2.0
// The design-space sweep (issue 7): the plan is the compiled program without its data, its
// counters are the kernel's, a point times what the systemc backend times, bad specs are
// refused before anything runs, and a sweep resumes without redoing finished points.
#include "mmf/host/dse/sweep.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "common/temp_dir.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/runtime/accelerator.hpp"
#include "mmf/host/runtime/model_source.hpp"

namespace mmf::test {
namespace {

namespace fs = std::filesystem;
using namespace mmf_hls;

host::BuildDescriptor build(const std::string& name) {
  return host::load_build_descriptor(host::build_descriptor_path(name));
}

struct PlanCase {
  const char* name;
  const char* build;
  bool tiny;  // the shipped tiny model, else a ragged random one
};

class Plan : public testing::TestWithParam<PlanCase> {
 protected:
  Model model() const {
    return GetParam().tiny ? host::load_model("tiny").model
                           : make_random_model(ragged_test_config(3), 3, Packing::two_bit);
  }
};

TEST_P(Plan, IsTheCompiledProgramWithoutItsConstants) {
  const Model m = model();
  const host::BuildDescriptor b = build(GetParam().build);
  const host::DeviceImage img = host::compile_model(m, b);
  const host::ProgramPlan plan = host::plan_program(m.config, b);
  MMF_ASSERT_EQ(plan.program.size(), img.program.size());
  for (size_t k = 0; k < plan.program.size(); ++k) {
    host::Descriptor d = img.program[k];
    d[kFieldMant] = d[kFieldExp] = 0;  // the plan has no weights to derive them from
    MMF_EXPECT_TRUE(plan.program[k] == d) << "op " << k;
  }
  const host::ImageLayout &p = plan.layout, &c = img.layout;
  MMF_EXPECT_EQ(p.vec_words, c.vec_words);
  MMF_EXPECT_EQ(p.weight_words, c.weight_words);
  MMF_EXPECT_EQ(p.token_in, c.token_in);
  MMF_EXPECT_EQ(p.logits, c.logits);
  MMF_EXPECT_EQ(p.program, c.program);
  MMF_EXPECT_EQ(p.state, c.state);
  MMF_EXPECT_EQ(p.vocab, c.vocab);
}

TEST_P(Plan, CountersAreTheKernelsCounters) {
  const Model m = model();
  const host::BuildDescriptor b = build(GetParam().build);
  // Both packings where the build decodes 1.6-bit (ci-tiny).
  for (const Packing packing : {Packing::two_bit, Packing::five_trit}) {
    if (packing == Packing::five_trit && !b.accel.five_trit) continue;
    host::Accelerator acc(host::open_device("cpu", b), host::compile_model(m, b, packing));
    acc.step(1);
    const KernelCounters run = acc.last_counters().kernel;
    const KernelCounters plan = host::planned_counters(host::plan_program(m.config, b, packing), b);
    MMF_EXPECT_EQ(plan.ops_done, run.ops_done) << packing_name(packing);
    MMF_EXPECT_EQ(plan.ternary_ops, run.ternary_ops) << packing_name(packing);
    MMF_EXPECT_EQ(plan.weight_bytes, run.weight_bytes) << packing_name(packing);
    MMF_EXPECT_EQ(plan.vector_bytes, run.vector_bytes) << packing_name(packing);
  }
}

INSTANTIATE_TEST_SUITE_P(Models, Plan,
                         testing::Values(PlanCase{"tiny_ci_tiny", "ci-tiny", true},
                                         PlanCase{"ragged_ci_tiny", "ci-tiny", false},
                                         PlanCase{"ragged_u280", "u280", false}),
                         [](const testing::TestParamInfo<PlanCase>& i) { return i.param.name; });

TEST(PlanProgram, RefusesAModelTheBuildCannotHold) {
  const ModelConfig big = host::resolve_config("2.7b");
  MMF_EXPECT_ERROR(host::plan_program(big, build("ci-tiny")), "does not fit", "ci-tiny");
}

// Writes a spec into `dir` and returns its path.
std::string spec_file(const TempDir& dir, const std::string& text,
                      const std::string& name = "spec.yaml") {
  write_file(dir.file(name), text);
  return dir.file(name);
}

const char* kTinySpec =
    "name: tiny\n"
    "models: [tiny]\n"
    "boards: [ci-tiny]\n"
    "grid: {clock_mhz: [150, 300], packing: [2bit]}\n"
    "points:\n"
    "  - {board: ci-tiny, model: tiny, lanes: 32, packing: 1.6bit}\n";

TEST(SweepSpec, ExpandsTheGridAndTheList) {
  TempDir dir;
  const host::SweepSpec s = host::load_sweep_spec(spec_file(dir, kTinySpec));
  MMF_ASSERT_EQ(s.points.size(), size_t{3});
  MMF_EXPECT_EQ(s.points[0].build.accel.clock_mhz, 150.0);
  MMF_EXPECT_EQ(s.points[1].build.accel.clock_mhz, 300.0);
  MMF_EXPECT_EQ(s.points[2].build.accel.lanes, 32);
  MMF_EXPECT_TRUE(s.points[2].packing == Packing::five_trit);
  MMF_EXPECT_EQ(s.points[2].build.accel.clock_mhz, build("ci-tiny").accel.clock_mhz);
  MMF_EXPECT_EQ(s.points[0].key(),
                "ci-tiny tiny lanes=16 tile_rows=4 clock_mhz=150 weight_channels=2 "
                "vector_lanes=4 packing=2bit");
}

TEST(SweepSpec, TileRowsIsABuildValue) {
  TempDir dir;
  const host::SweepSpec s = host::load_sweep_spec(
      spec_file(dir, "models: [tiny]\nboards: {ci-tiny: {tile_rows: [1, 2, 4]}}\n"));
  MMF_ASSERT_EQ(s.points.size(), size_t{3});
  for (size_t k = 0; k < 3; ++k) MMF_EXPECT_EQ(s.points[k].build.accel.tile_rows, 1 << k);
}

TEST(SweepSpec, AllChannelsIsWhatTheBoardAllows) {
  TempDir dir;
  const host::SweepSpec s = host::load_sweep_spec(spec_file(
      dir,
      "models: [1.3b]\nboards: {u250: {weight_channels: all}, u280: {weight_channels: all}}\n"));
  MMF_ASSERT_EQ(s.points.size(), size_t{2});
  MMF_EXPECT_EQ(s.points[0].build.accel.weight_channels, 4);
  MMF_EXPECT_EQ(s.points[1].build.accel.weight_channels, 31);
}

struct BadSpec {
  const char* name;
  const char* text;
  std::vector<std::string> message;
};

class BadSpecs : public testing::TestWithParam<BadSpec> {};

TEST_P(BadSpecs, AreRefusedBeforeAnyPointRuns) {
  TempDir dir;
  const std::string path = spec_file(dir, GetParam().text);
  try {
    host::load_sweep_spec(path);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    const std::string msg = e.what();
    MMF_EXPECT_NE(msg.find(path), std::string::npos) << msg;
    for (const std::string& s : GetParam().message) {
      MMF_EXPECT_NE(msg.find(s), std::string::npos) << msg << " lacks " << s;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadSpecs,
    testing::Values(
        BadSpec{"unknown_key",
                "models: [tiny]\nboards: [ci-tiny]\nsteps: 3\n",
                {"'steps'", "unknown key"}},
        BadSpec{"unknown_grid_key",
                "models: [tiny]\nboards: [ci-tiny]\ngrid: {lane: [16]}\n",
                {"grid.lane", "unknown key"}},
        BadSpec{"lanes_not_power_of_two",
                "models: [tiny]\nboards: [ci-tiny]\ngrid: {lanes: [48]}\n",
                {"grid.lanes", "48", "power of two"}},
        BadSpec{"tile_rows_not_power_of_two",
                "models: [tiny]\nboards: [ci-tiny]\ngrid: {tile_rows: [3]}\n",
                {"grid.tile_rows", "3", "power of two"}},
        BadSpec{"tile_leaving_too_few_columns",
                "models: [tiny]\nboards: {ci-tiny: {tile_rows: 8}}\n",
                {"point 0", "accelerator.tile_rows"}},
        BadSpec{"clock_zero",
                "models: [tiny]\nboards: {ci-tiny: {clock_mhz: 0}}\n",
                {"boards.ci-tiny.clock_mhz", "1 to 1000"}},
        BadSpec{"packing",
                "models: [tiny]\nboards: [ci-tiny]\ngrid: {packing: [3bit]}\n",
                {"3bit", "2bit or 1.6bit"}},
        BadSpec{"channels_beyond_the_board",
                "models: [1.3b]\nboards: {u250: {weight_channels: [2, 8]}}\n",
                {"point 1", "u250", "accelerator.weight_channels", "8"}},
        BadSpec{"vector_lanes_above_lanes",
                "models: [tiny]\nboards: {ci-tiny: {vector_lanes: 32, lanes: 16}}\n",
                {"accelerator.vector_lanes"}},
        BadSpec{"model_too_big",
                "models: [tiny, 2.7b]\nboards: [ci-tiny]\n",
                {"point 1", "2.7b", "does not fit"}},
        BadSpec{"model_too_big_for_memory",
                "models: [2.7b]\nboards: {u280: {weight_channels: 2}}\n",
                {"does not fit", "board.channel_mib"}},
        BadSpec{"unknown_model", "models: [9b]\nboards: [ci-tiny]\n", {"models", "9b"}},
        BadSpec{"unknown_board", "models: [tiny]\nboards: [u999]\n", {"u999"}},
        BadSpec{"repeated_point",
                "models: [tiny]\nboards: [ci-tiny]\npoints:\n  - {board: ci-tiny, model: tiny}\n",
                {"point 1", "repeats point 0"}},
        BadSpec{"no_models", "boards: [ci-tiny]\n", {"models"}},
        BadSpec{"board_is_a_map",
                "models: [tiny]\npoints:\n  - {board: {name: ci-tiny}, model: tiny}\n",
                {"wrong type"}},
        BadSpec{"utilization",
                "models: [tiny]\nboards: [ci-tiny]\nmax_utilization: 1.5\n",
                {"max_utilization"}},
        BadSpec{"tokens_per_launch_past_the_ring",
                "models: [tiny]\nboards: [ci-tiny]\ntokens_per_launch: 300\n",
                {"tokens_per_launch", "1 to 256"}}),
    [](const testing::TestParamInfo<BadSpec>& i) { return i.param.name; });

// The cost model is built from whole-kernel `mmf synth` runs of these builds (resources.cpp):
// it must give their measured totals back (LUT + LUTRAM, FF, BRAM36, URAM, DSP; Yosys 0.23 on
// the RTL of docs/resources.md, "The sweep's cost model"). A check of the model's wiring (the
// parts, their axes, the FIFO placed by board), not of its accuracy on other builds.
struct MeasuredBuild {
  const char* build;
  double lut, ff, bram36, uram, dsp;
  bool fits;
};

class SweepResourcesFit : public ::testing::TestWithParam<MeasuredBuild> {};

TEST_P(SweepResourcesFit, GivesTheMeasuredTotalsBack) {
  const MeasuredBuild m = GetParam();
  // The runs were of kernels without the 1.6-bit decoders (ci-tiny has them since).
  host::BuildDescriptor b = build(m.build);
  b.accel.five_trit = false;
  const host::ResourceEstimate e = host::estimate_resources(b, Packing::two_bit, host::FitBudget{});
  MMF_EXPECT_NEAR(e.lut, m.lut, 0.01 * m.lut);
  MMF_EXPECT_NEAR(e.ff, m.ff, 0.01 * m.ff);
  MMF_EXPECT_NEAR(e.bram, m.bram36, 0.01 * m.bram36);
  MMF_EXPECT_NEAR(e.uram, m.uram, 0.01 * m.uram + 0.5);
  MMF_EXPECT_NEAR(e.dsp, m.dsp, 0.01 * m.dsp + 3);  // kv260's top has 3 DSPs fewer than ci-tiny's
  MMF_EXPECT_EQ(e.fits, m.fits) << e.limit;         // as `mmf synth` found for each
}

// A build with the decoders (ci-tiny) carries them whatever the packing of a run; a build
// without them gets them priced only for a 1.6-bit point. Per channel: the unpacker's measured
// 286 LUT + 40 LUTRAM, 320 FF and 1 BRAM36 (its tables) at 16 lanes (resources.cpp, kUnpack).
TEST(SweepResources, TheDecodersCountWhereTheBuildHasThemOrThePointAsks) {
  host::BuildDescriptor b = build("ci-tiny");
  MMF_ASSERT_TRUE(b.accel.five_trit);
  const host::ResourceEstimate with = host::estimate_resources(b, Packing::two_bit, {});
  MMF_EXPECT_NEAR(with.decoder_lut, 2 * 326.0, 1e-9);
  MMF_EXPECT_NEAR(with.decoder_bram, 2 * 1.0, 1e-9);
  b.accel.five_trit = false;
  const host::ResourceEstimate without = host::estimate_resources(b, Packing::two_bit, {});
  MMF_EXPECT_EQ(without.decoder_lut, 0.0);
  MMF_EXPECT_NEAR(with.lut - without.lut, 2 * 326.0, 1e-6);
  MMF_EXPECT_NEAR(with.ff - without.ff, 2 * 320.0, 1e-6);
  MMF_EXPECT_NEAR(with.bram - without.bram, 2 * 1.0, 1e-6);
  const host::ResourceEstimate point = host::estimate_resources(b, Packing::five_trit, {});
  MMF_EXPECT_NEAR(point.lut, with.lut, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(
    Builds, SweepResourcesFit,
    ::testing::Values(MeasuredBuild{"ci-tiny", 30702, 20236, 234, 2, 139, true},
                      // The buffer bank's 218 BRAM36 are more than the XCK26's 144.
                      MeasuredBuild{"kv260", 28690, 19168, 230, 2, 132, false},
                      MeasuredBuild{"u280", 569703, 366993, 731.5, 465, 1043, true}),
    [](const testing::TestParamInfo<MeasuredBuild>& i) {
      std::string n = i.param.build;
      n.erase(std::remove(n.begin(), n.end(), '-'), n.end());
      return n;
    });

TEST(SweepResources, ABuildOverTheBudgetNamesTheResource) {
  host::BuildDescriptor b = build("u280");
  b.accel.weight_channels = 62;  // twice the weight path: LUTs over 65 % with the shell
  const host::ResourceEstimate e = host::estimate_resources(b, Packing::two_bit, {});
  MMF_EXPECT_FALSE(e.fits);
  MMF_EXPECT_NE(e.limit.find("lut"), std::string::npos) << e.limit;
  // Intel boards are counted in ALMs and M20Ks.
  const host::ResourceEstimate d5005 =
      host::estimate_resources(build("d5005"), Packing::two_bit, host::FitBudget{});
  MMF_EXPECT_GT(d5005.lut_share, 0.0);
  MMF_EXPECT_GT(d5005.bram_share, 0.0);
  MMF_EXPECT_EQ(d5005.uram, 0.0);
}

// A 1.6-bit point pays for its decoder: more LUT and block RAM than its 2-bit twin on every
// board, by the decoders' counts; its FIFO (of decoded words) is the same. (Each board as a
// build without the decoders: ci-tiny has them, and then both points carry them.)
TEST(SweepResources, OnePointSixBitIsChargedItsDecoder) {
  for (const char* board : {"ci-tiny", "kv260", "u250", "u55c", "u280", "d5005"}) {
    host::BuildDescriptor b = build(board);
    b.accel.five_trit = false;
    const host::ResourceEstimate two = host::estimate_resources(b, Packing::two_bit, {});
    const host::ResourceEstimate five = host::estimate_resources(b, Packing::five_trit, {});
    MMF_EXPECT_EQ(two.decoder_lut, 0.0) << board;
    MMF_EXPECT_GT(five.decoder_lut, 0.0) << board;
    MMF_EXPECT_NEAR(five.lut - two.lut, five.decoder_lut, 1e-6) << board;
    MMF_EXPECT_GT(five.decoder_bram, 0.0) << board;
    // Intel boards count a BRAM36 as two M20K.
    MMF_EXPECT_NEAR(five.bram - two.bram, five.decoder_bram * (b.board.vendor == "amd" ? 1.0 : 2.0),
                    1e-6)
        << board;
    MMF_EXPECT_LE(five.uram, two.uram) << board;
    MMF_EXPECT_EQ(five.dsp, two.dsp) << board;
  }
}

TEST(SweepPareto, KeepsThePointsNoOtherBeats) {
  std::vector<host::SweepRow> rows(5);
  const double speed[] = {100, 200, 150, 300, 400}, eff[] = {10, 8, 12, 5, 50};
  const bool fits[] = {true, true, true, true, false};
  for (size_t k = 0; k < rows.size(); ++k) {
    rows[k].result.tok_per_s = speed[k];
    rows[k].result.tok_per_s_per_w = eff[k];
    rows[k].result.resources.fits = fits[k];
  }
  // 400 does not fit; 300 is fastest; 200 beats it on efficiency; 150 beats both; 100 loses
  // to 150 on both.
  MMF_EXPECT_TRUE(host::pareto_front(rows) == (std::vector<size_t>{3, 1, 2}));
}

TEST(SweepPoint, TimesWhatTheSystemcBackendTimes) {
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  TempDir dir;
  const host::SweepSpec s =
      host::load_sweep_spec(spec_file(dir, "models: [tiny]\nboards: [ci-tiny]\n"));
  MMF_ASSERT_EQ(s.points.size(), size_t{1});
  const host::PointResult r = host::evaluate_point(s.points[0], s.budget);
  const host::BuildDescriptor b = build("ci-tiny");
  host::Accelerator acc(host::open_device("systemc", b),
                        host::compile_model(host::load_model("tiny").model, b));
  acc.step(1);
  acc.step(5);  // a steady-state token: the previous logits crossed the link before it
  const host::DeviceCounters c = acc.last_counters();
  MMF_EXPECT_EQ(r.kernel_cycles + r.link_cycles, *c.cycles);
  MMF_EXPECT_EQ(r.link_cycles, *c.link_cycles);
  MMF_EXPECT_EQ(r.weight_bytes, c.kernel.weight_bytes);
  MMF_EXPECT_NEAR(r.tok_per_s, b.accel.clock_mhz * 1e6 / static_cast<double>(*c.cycles), 1e-6);
  MMF_EXPECT_GT(r.tok_per_s_per_w, 0.0);
}

// Several tokens a launch: the point times what the systemc backend times for a steady-state
// launch of as many tokens (Accelerator::generate after another one), per token.
TEST(SweepPoint, SeveralTokensALaunchAreTheBackendsLaunch) {
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  TempDir dir;
  const host::SweepSpec s = host::load_sweep_spec(
      spec_file(dir, "models: [tiny]\nboards: [ci-tiny]\ntokens_per_launch: 4\n"));
  MMF_ASSERT_EQ(s.points.size(), size_t{1});
  MMF_EXPECT_EQ(s.points[0].tokens_per_launch, 4u);
  MMF_EXPECT_TRUE(s.points[0].key().find(" tokens_per_launch=4") != std::string::npos);
  const host::PointResult r = host::evaluate_point(s.points[0], s.budget);
  const host::BuildDescriptor b = build("ci-tiny");
  host::Accelerator acc(host::open_device("systemc", b),
                        host::compile_model(host::load_model("tiny").model, b));
  acc.generate(1, 4);
  acc.generate(5, 4);  // steady state: the previous launch's picks crossed the link before it
  const host::DeviceCounters c = acc.last_counters();
  MMF_EXPECT_NEAR(static_cast<double>(4 * (r.kernel_cycles + r.link_cycles)),
                  static_cast<double>(*c.cycles), 4.0);
  MMF_EXPECT_NEAR(static_cast<double>(4 * r.link_cycles), static_cast<double>(*c.link_cycles), 2.0);
  MMF_EXPECT_NEAR(r.tok_per_s, 4 * b.accel.clock_mhz * 1e6 / static_cast<double>(*c.cycles),
                  1e-3 * r.tok_per_s);
  // The launch paid once: less link a token than one token a launch.
  const host::SweepSpec one =
      host::load_sweep_spec(spec_file(dir, "models: [tiny]\nboards: [ci-tiny]\n"));
  MMF_EXPECT_LT(4 * r.link_cycles, host::evaluate_point(one.points[0], one.budget).link_cycles);
}

TEST(SweepPoint, OneSixBitPackingMovesFewerBytes) {
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  TempDir dir;
  const host::SweepSpec s = host::load_sweep_spec(
      spec_file(dir,
                "models: [tiny]\nboards: {ci-tiny: {lanes: 64, vector_lanes: 4}}\n"
                "grid: {packing: [2bit, 1.6bit]}\n"));
  MMF_ASSERT_EQ(s.points.size(), size_t{2});
  const host::PointResult two = host::evaluate_point(s.points[0], host::FitBudget{});
  const host::PointResult six = host::evaluate_point(s.points[1], host::FitBudget{});
  // 64 trits: 16 bytes in 2-bit words, 13 in 1.6-bit ones.
  MMF_EXPECT_EQ(six.weight_bytes * 16, two.weight_bytes * 13);
  MMF_EXPECT_LT(six.joules_per_token, two.joules_per_token);
  // ci-tiny's memory brings more than a beat a cycle to 64 lanes, and the unpacker decodes a
  // beat a cycle (5 words from 4): the channels stay at a word a cycle, within the unpacker's
  // latency a job.
  MMF_EXPECT_LE(six.kernel_cycles, two.kernel_cycles * 101 / 100);
}

size_t lines(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  return n;
}

TEST(SweepCli, WritesResultsAndResumesWithoutRedoingFinishedPoints) {
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  TempDir dir;
  const std::string spec = spec_file(dir, kTinySpec), out = dir.file("out");
  const CliResult first = run_cli("sweep " + spec + " -o " + out + " -j 2 --no-plot");
  MMF_ASSERT_EQ(first.exit_code, 0) << first.err;
  MMF_EXPECT_NE(first.err.find("[3/3]"), std::string::npos) << first.err;
  MMF_EXPECT_EQ(lines(out + "/results.csv"), size_t{4});
  MMF_EXPECT_NE(read_file(out + "/manifest.json").find("\"state\": \"complete\""),
                std::string::npos);
  // A sweep stopped after two points: the third point's file is gone.
  const std::string kept = read_file(out + "/points/0.json");
  fs::remove(out + "/points/2.json");
  fs::remove(out + "/results.csv");
  const CliResult again = run_cli("sweep " + spec + " -o " + out + " --no-plot");
  MMF_ASSERT_EQ(again.exit_code, 0) << again.err;
  MMF_EXPECT_NE(again.err.find("2 done before, 1 to run"), std::string::npos) << again.err;
  MMF_EXPECT_EQ(read_file(out + "/points/0.json"), kept);  // not run again
  MMF_EXPECT_EQ(lines(out + "/results.csv"), size_t{4});
  // A point file of another point (the spec changed) is not taken as done.
  write_file(out + "/points/1.json", "{\"key\": \"something else\", \"status\": \"ok\"}");
  const CliResult third = run_cli("sweep " + spec + " -o " + out + " --no-plot");
  MMF_EXPECT_NE(third.err.find("2 done before, 1 to run"), std::string::npos) << third.err;
  // Nor is a result of this point from other inputs (another board YAML or another mmf).
  nlohmann::json stale = nlohmann::json::parse(read_file(out + "/points/0.json"));
  MMF_ASSERT_TRUE(stale.contains("inputs"));
  stale["inputs"] = "0000000000000000";
  write_file(out + "/points/0.json", stale.dump());
  const CliResult fourth = run_cli("sweep " + spec + " -o " + out + " --no-plot");
  MMF_EXPECT_NE(fourth.err.find("2 done before, 1 to run"), std::string::npos) << fourth.err;
}

TEST(SweepCli, EmitSlurmWritesAJobArrayAndRunsNothing) {
  TempDir dir;
  const std::string spec = spec_file(dir, kTinySpec), out = dir.file("out");
  const CliResult r = run_cli("sweep " + spec + " -o " + out + " --emit-slurm");
  MMF_ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string job = read_file(out + "/sweep.sbatch");
  MMF_EXPECT_NE(job.find("#SBATCH --array=0-2"), std::string::npos) << job;
  MMF_EXPECT_NE(job.find("sweep-point"), std::string::npos);
  MMF_EXPECT_NE(job.find("$SLURM_ARRAY_TASK_ID"), std::string::npos);
  MMF_EXPECT_FALSE(fs::exists(out + "/points/0.json"));
}

TEST(SweepCli, ABadSpecFailsBeforeWritingAnything) {
  TempDir dir;
  const std::string spec = spec_file(dir, "models: [tiny]\nboards: [ci-tiny]\ngrid: {lanes: 3}\n");
  const CliResult r = run_cli("sweep " + spec + " -o " + dir.file("out"));
  MMF_EXPECT_NE(r.exit_code, 0);
  MMF_EXPECT_NE(r.err.find("grid.lanes"), std::string::npos) << r.err;
  MMF_EXPECT_FALSE(fs::exists(dir.file("out")));
  const CliResult missing = run_cli("sweep " + dir.file("nope.yaml") + " -o " + dir.file("out"));
  MMF_EXPECT_NE(missing.exit_code, 0);
  MMF_EXPECT_NE(missing.err.find("nope.yaml"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace mmf::test

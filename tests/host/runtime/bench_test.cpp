// SPDX-License-Identifier: Apache-2.0
// `mmf bench` and the power fields of `mmf run --json`: every figure with its source, the
// energy broken down with the coefficients' sources, and no number where there is no source.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/backends.hpp"
#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "mmf/host/runtime/bench.hpp"

namespace mmf::host {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

BenchResult result_with(PowerSource source, double joules, std::optional<double> idle) {
  BenchResult r;
  r.tokens = 10;
  r.power.source = source;
  r.power.seconds = 2.0;
  r.power.joules = joules;
  r.power.idle_watts = idle;
  return r;
}

TEST(BenchResult, TokensPerWattIsTokensPerJoule) {
  const BenchResult r = result_with(PowerSource::measured, 50.0, 20.0);
  MMF_EXPECT_NEAR(*r.joules_per_token(), 5.0, 1e-12);
  // 10 tokens in 2 s at 25 W: 5 tok/s / 25 W = 0.2 tok/s/W = 10 tokens / 50 J.
  MMF_EXPECT_NEAR(*r.tok_per_s_per_w(), 0.2, 1e-12);
  // Above the 20 W floor: 50 J - 40 J = 10 J of dynamic energy for 10 tokens.
  MMF_EXPECT_NEAR(*r.tok_per_s_per_w_dynamic(), 1.0, 1e-12);

  const BenchResult below = result_with(PowerSource::measured, 30.0, 20.0);
  MMF_EXPECT_FALSE(below.tok_per_s_per_w_dynamic().has_value());  // at/below the idle floor
  const BenchResult no_idle = result_with(PowerSource::measured, 30.0, std::nullopt);
  MMF_EXPECT_FALSE(no_idle.tok_per_s_per_w_dynamic().has_value());
  const BenchResult none = result_with(PowerSource::none, 0.0, std::nullopt);
  MMF_EXPECT_FALSE(none.joules_per_token().has_value());
  MMF_EXPECT_FALSE(none.tok_per_s_per_w().has_value());
}

TEST(BenchResult, DeviceTokensPerSecondFromCycles) {
  BenchResult r;
  MMF_EXPECT_FALSE(r.tok_per_s_device(300.0).has_value());
  r.activity.launches = 1;  // 4 tokens in one launch: per token, not per launch
  r.activity.tokens = 4;
  r.activity.cycles = 4 * 150000;
  MMF_EXPECT_NEAR(*r.tok_per_s_device(300.0), 2000.0, 1e-9);
}

TEST(BenchResult, CountersBetweenSnapshots) {
  CounterTotals a, b;
  a.launches = 3, a.tokens = 3, a.weight_bytes = 100, a.ternary_ops = 7;
  b.launches = 5, b.tokens = 12, b.weight_bytes = 160, b.ternary_ops = 10, b.cycles = 900;
  const CounterTotals d = counters_between(a, b);
  MMF_EXPECT_EQ(d.launches, 2u);
  MMF_EXPECT_EQ(d.tokens, 9u);
  MMF_EXPECT_EQ(d.weight_bytes, 60u);
  MMF_EXPECT_EQ(d.ternary_ops, 3u);
  MMF_EXPECT_EQ(d.cycles.value_or(0), 900u);
  MMF_EXPECT_FALSE(counters_between(a, a).cycles.has_value());
}

TEST(BenchCli, VerilatorReportsModeledPowerWithItsBreakdownAndSources) {
  MMF_SKIP_WITHOUT_VERILATOR();
  const auto r = test::run_cli(
      "bench --model random:tiny --backend verilator --build ci-tiny -n 2 --warmup 1 --json");
  MMF_ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  MMF_EXPECT_EQ(j["power_source"], "modeled");
  MMF_EXPECT_EQ(j["tokens"], 2);
  MMF_EXPECT_GT(j["tok_per_s"].get<double>(), 0.0);
  MMF_EXPECT_GT(j["tok_per_s_device"].get<double>(), 0.0);
  MMF_EXPECT_GT(j["power_w"].get<double>(), 0.0);
  const double launches = j["tokens_metered"].get<double>();
  MMF_EXPECT_EQ(launches, j["counters"]["launches"].get<double>());
  // tok/s/W = tokens per joule, and modeled power = energy over device time.
  MMF_EXPECT_NEAR(j["tok_per_s_per_w"].get<double>(), 1.0 / j["joules_per_token"].get<double>(),
                  1e-9);
  MMF_EXPECT_NEAR(j["tok_per_s_device"].get<double>() / j["power_w"].get<double>(),
                  j["tok_per_s_per_w"].get<double>(), 1e-6 * j["tok_per_s_per_w"].get<double>());
  MMF_EXPECT_GT(j["tok_per_s_per_w_dynamic"].get<double>(), j["tok_per_s_per_w"].get<double>());

  // memory, its interface, compute, fabric and static are there, and the terms add up to the
  // total.
  double sum = 0.0, total = j["joules_per_token"].get<double>() * launches;
  std::set<std::string> names;
  for (const json& t : j["energy_breakdown"]) {
    names.insert(t["name"].get<std::string>());
    sum += t["joules"].get<double>();
    MMF_EXPECT_FALSE(t["how"].get<std::string>().empty());
  }
  for (const char* n : {"memory", "memory_interface", "compute", "fabric", "static"}) {
    MMF_EXPECT_EQ(names.count(n), 1u) << n;
  }
  MMF_EXPECT_NEAR(sum, total, 1e-9 * total);
  MMF_ASSERT_TRUE(!j["energy_coefficients"].empty());
  for (const json& c : j["energy_coefficients"]) {
    MMF_EXPECT_FALSE(c["source"].get<std::string>().empty()) << c.dump();
    const std::string tag = c["tag"];
    MMF_EXPECT_TRUE(tag == "measured" || tag == "reported" || tag == "specified" ||
                    tag == "derived" || tag == "recalled" || tag == "assumed")
        << tag;
  }
}

TEST(BenchCli, CpuBackendNamesItsPowerSourceAndInventsNothing) {
  const auto r = test::run_cli(
      "bench --model random:tiny --backend cpu -n 2 --warmup 0 --idle-ms 0 --sample-ms 5 --json");
  MMF_ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  MMF_EXPECT_TRUE(j["tok_per_s_device"].is_null());  // the cpu backend is untimed
  const std::string source = j["power_source"];
  MMF_EXPECT_TRUE(source == "measured" || source == "none") << source;
  if (source == "none") {
    MMF_EXPECT_FALSE(j["power_reason"].get<std::string>().empty());
    MMF_EXPECT_TRUE(j["power_w"].is_null());
    MMF_EXPECT_TRUE(j["joules_per_token"].is_null());
    MMF_EXPECT_TRUE(j["tok_per_s_per_w"].is_null());
  }
}

TEST(BenchCli, CsvHasAHeaderAndOneRow) {
  MMF_SKIP_WITHOUT_VERILATOR();
  const test::TempDir dir;
  const std::string csv = dir.file("bench.csv");
  const auto r =
      test::run_cli("bench --model random:tiny --backend verilator -n 1 --warmup 0 --csv " + csv);
  MMF_ASSERT_EQ(r.exit_code, 0) << r.err;
  MMF_EXPECT_TRUE(r.out.find("modeled power") != std::string::npos) << r.out;
  const std::string text = test::read_file(csv);
  MMF_EXPECT_EQ(text.rfind("model,backend,build,", 0), 0u) << text;
  MMF_EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  MMF_EXPECT_TRUE(text.find("random:tiny,verilator,ci-tiny,") != std::string::npos) << text;
  MMF_EXPECT_TRUE(text.find(",modeled,") != std::string::npos) << text;
  MMF_EXPECT_FALSE(fs::exists(csv + ".tmp"));
}

TEST(BenchCli, BadArgumentsFailClearlyAndWriteNothing) {
  const test::TempDir dir;
  const auto zero = test::run_cli("bench --model random:tiny --backend cpu -n 0");
  MMF_EXPECT_NE(zero.exit_code, 0);
  MMF_EXPECT_TRUE(zero.err.find("--tokens must be >= 1") != std::string::npos) << zero.err;
  const std::string csv = dir.file("missing/dir/bench.csv");
  const auto bad_csv =
      test::run_cli("bench --model random:tiny --backend cpu -n 1 --warmup 0 --csv " + csv);
  MMF_EXPECT_NE(bad_csv.exit_code, 0);
  MMF_EXPECT_TRUE(bad_csv.err.find("--csv " + csv + ": cannot write") != std::string::npos)
      << bad_csv.err;
  MMF_EXPECT_FALSE(fs::exists(csv));
  const auto backend = test::run_cli("bench --model random:tiny --backend gpu");
  MMF_EXPECT_NE(backend.exit_code, 0);
  MMF_EXPECT_TRUE(backend.err.find("unknown backend 'gpu'") != std::string::npos) << backend.err;
}

TEST(BenchCli, MatvecAndBandwidthOpsReportMeasuredThroughput) {
  const auto m =
      test::run_cli("bench --op matvec --rows 64 --cols 100 --threads 2 --min-seconds 0.01 --json");
  MMF_ASSERT_EQ(m.exit_code, 0) << m.err;
  const json jm = json::parse(m.out);
  MMF_EXPECT_EQ(jm["rows"], 64);
  MMF_EXPECT_EQ(jm["weight_bytes"], 64 * 25);
  MMF_EXPECT_GT(jm["us"].get<double>(), 0.0);
  // gbps and gops are the same time over bytes and over rows x cols.
  MMF_EXPECT_NEAR(jm["gops"].get<double>() / jm["gbps"].get<double>(), 64.0 * 100 / (64 * 25),
                  1e-9);
  const auto b = test::run_cli("bench --op bandwidth --bytes 4194304 --min-seconds 0.01 --json");
  MMF_ASSERT_EQ(b.exit_code, 0) << b.err;
  MMF_EXPECT_GT(json::parse(b.out)["gbps"].get<double>(), 0.0);
  for (const char* bad :
       {"--op nope", "--op matvec --rows 0", "--op matvec --isa neon", "--op bandwidth --bytes 100",
        "--op matvec --min-seconds 0", "--op matvec --threads 100000",
        "--op bandwidth --bytes 100000000000000", "--op matvec --rows 1000000000 --cols 1000000"}) {
    const auto r = test::run_cli(std::string("bench ") + bad);
    MMF_EXPECT_EQ(r.exit_code, 1) << bad;
    MMF_EXPECT_TRUE(r.err.find("mmf: error: ") == 0) << bad << ": " << r.err;
    MMF_EXPECT_TRUE(r.out.empty()) << bad;
  }
}

TEST(RunCli, JsonCarriesThePowerFields) {
  MMF_SKIP_WITHOUT_VERILATOR();
  const auto r = test::run_cli("run --model random:tiny -n 2 --json");
  MMF_ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  MMF_EXPECT_EQ(j["power_source"], "modeled");  // the default backend is verilator
  MMF_EXPECT_GT(j["joules_per_token"].get<double>(), 0.0);
  MMF_EXPECT_GT(j["tok_per_s_per_w"].get<double>(), 0.0);
  MMF_EXPECT_TRUE(j["energy_breakdown"].is_array());
  const auto f = test::run_cli("run --model random:tiny -n 2 --numerics float --json");
  MMF_ASSERT_EQ(f.exit_code, 0) << f.err;
  const json jf = json::parse(f.out);
  MMF_EXPECT_EQ(jf["power_source"], "none");
  MMF_EXPECT_TRUE(jf["power_w"].is_null());
}

}  // namespace
}  // namespace mmf::host

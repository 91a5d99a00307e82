// SPDX-License-Identifier: Apache-2.0
// End to end through the CLI: `mmf run --backend csim` (the HLS kernel compiled with g++) and
// `--backend verilator` (the RTL kernel, cycle-accurate) give the same greedy tokens as
// `--backend cpu` on the tiny model and random models of several shapes, report their build
// and counters (and cycles, from the RTL), and bad backend/build choices fail clearly. The
// systemc backend's timed form computes with the cpu engine, so only its timing is checked.
#include <nlohmann/json.hpp>

#include "common/backends.hpp"
#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "common/timed_model_gate.hpp"
#include "mmf/host/build/build_descriptor.hpp"

namespace mmf::test {
namespace {

using nlohmann::json;

struct BackendCase {
  std::string name;
  std::string model;  // "random:@ragged" is a YAML written by the test
  std::string build;
  std::string prompt;
  int tokens;
  friend std::ostream& operator<<(std::ostream& os, const BackendCase& c) { return os << c.name; }
};

const char* kRaggedYaml = R"(name: ragged
vocab_size: 777
hidden_size: 200
num_layers: 3
intermediate_size: 330
)";

json run_json(const std::string& args) {
  const CliResult r = run_cli(args);
  if (r.exit_code != 0) throw std::runtime_error("mmf " + args + " failed: " + r.err);
  return json::parse(r.out);
}

// One case, one prompt, greedy: each backend through the CLI, against cpu (the reference).
class DevicesMatchCpu : public testing::TestWithParam<BackendCase> {
 protected:
  json run(const std::string& backend, const std::string& flags = "") {
    const BackendCase& c = GetParam();
    std::string model = c.model;
    if (model == "random:@ragged") {
      write_file(dir_.file("ragged.yaml"), kRaggedYaml);
      model = "random:" + dir_.file("ragged.yaml");
    }
    return run_json("run --model " + model + " --build " + c.build + " --prompt '" + c.prompt +
                    "' -n " + std::to_string(c.tokens) +
                    " --temperature 0 --ignore-eos --json --backend " + backend + " " + flags);
  }
  TempDir dir_;
};

TEST_P(DevicesMatchCpu, CsimGreedyTokenIds) {
  const BackendCase& c = GetParam();
  const json cpu = run("cpu");
  const json csim = run("csim");
  MMF_EXPECT_EQ(csim["token_ids"].get<std::vector<int32_t>>().size(),
                static_cast<size_t>(c.tokens));
  MMF_EXPECT_EQ(csim["token_ids"], cpu["token_ids"]);
  MMF_EXPECT_EQ(csim["text"], cpu["text"]);
  MMF_EXPECT_EQ(csim["backend"], "csim");
  MMF_EXPECT_EQ(csim["build"]["name"], c.build);
  MMF_EXPECT_EQ(csim["counters"]["ternary_ops"], cpu["counters"]["ternary_ops"]);
  MMF_EXPECT_EQ(csim["counters"]["weight_bytes"], cpu["counters"]["weight_bytes"]);
  MMF_EXPECT_TRUE(csim["counters"]["launches"].get<uint64_t>() > 0);
  MMF_EXPECT_FALSE(csim.contains("cycles")) << "csim is untimed";
}

// The SystemC platform's timed form: its data is the cpu engine's by construction (so its
// tokens are not compared here: that would compare the cpu engine with itself); what it adds
// is time, checked against the weight-streaming bound and the host link.
TEST_P(DevicesMatchCpu, SystemcTimedFormTimesTheRun) {
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  const json platform = run("systemc");
  MMF_EXPECT_EQ(platform["backend"], "systemc");
  MMF_EXPECT_EQ(platform["token_ids"].get<std::vector<int32_t>>().size(),
                static_cast<size_t>(GetParam().tokens));
  MMF_EXPECT_GE(platform["cycles_per_token"].get<double>(),
                platform["weight_bound_cycles_per_token"].get<double>());
  MMF_EXPECT_LT(0.0, platform["link_cycles_per_token"].get<double>()) << "the host link";
}

// The RTL leg: cases on builds with a Verilated kernel in the binary (ci-tiny), in trees that
// have the verilator backend (make test's always does; make sanitize's has none).
class RtlMatchesCpu : public DevicesMatchCpu {};

TEST_P(RtlMatchesCpu, VerilatorGreedyTokenIdsAndCycles) {
  MMF_SKIP_WITHOUT_VERILATOR();
  const json cpu = run("cpu");
  const json rtl = run("verilator");
  MMF_EXPECT_EQ(rtl["token_ids"], cpu["token_ids"]);
  MMF_EXPECT_EQ(rtl["text"], cpu["text"]);
  MMF_EXPECT_EQ(rtl["backend"], "verilator");
  MMF_EXPECT_EQ(rtl["counters"]["ternary_ops"], cpu["counters"]["ternary_ops"]);
  MMF_EXPECT_EQ(rtl["counters"]["weight_bytes"], cpu["counters"]["weight_bytes"]);
  MMF_EXPECT_EQ(rtl["counters"]["vector_bytes"], cpu["counters"]["vector_bytes"]);
  // Timed: cycles per token above the weight-streaming bound, device speed from the clock.
  const double per_token = rtl["cycles_per_token"].get<double>();
  const double bound = rtl["weight_bound_cycles_per_token"].get<double>();
  MMF_EXPECT_GE(per_token, bound);
  MMF_EXPECT_LT(0.0, bound);
  // The bound at the memory's nominal rate is never above the one at its sustained rate.
  MMF_EXPECT_LE(rtl["nominal_bound_cycles_per_token"].get<double>(), bound);
  MMF_EXPECT_NEAR(rtl["tok_per_s_device"].get<double>(), 300e6 / per_token,
                  1e-6 * 300e6 / per_token);
  MMF_EXPECT_LT(0.0, rtl["sim_cycles_per_s"].get<double>());
  // The performance registers: busy from ap_start to the controller's return to idle, short of
  // the harness's count by less than its poll interval (64 cycles: ap_done is read every 64)
  // and the register accesses around it (the ap_start write, the poll's read: a few cycles
  // each) a launch; each cause within the busy cycles.
  MMF_EXPECT_FALSE(cpu.contains("perf")) << "only the RTL has performance registers";
  const json& perf = rtl["perf"];
  const uint64_t cycles = rtl["cycles"].get<uint64_t>();
  const uint64_t busy = perf["busy_cycles"].get<uint64_t>();
  MMF_EXPECT_LE(busy, cycles);
  MMF_EXPECT_GT(busy, cycles - (64 + 16) * rtl["counters"]["launches"].get<uint64_t>());
  for (const char* cause :
       {"accumulate_cycles", "starved_cycles", "pass_cycles", "vec_wait_cycles"}) {
    MMF_EXPECT_LE(perf[cause].get<uint64_t>(), busy) << cause;
  }
  MMF_EXPECT_LT(0u, perf["accumulate_cycles"].get<uint64_t>());
  MMF_EXPECT_LT(0u, perf["vec_read_bytes"].get<uint64_t>());
}

// The timed model's kernel cycles against the RTL's over the whole run, within the token gate
// of its calibration (host_calibration_test, docs/platform.md).
TEST_P(RtlMatchesCpu, SystemcTimedFormIsWithinTheGateOfTheRtl) {
  MMF_SKIP_WITHOUT_VERILATOR();
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  const double per_token = run("verilator")["cycles_per_token"].get<double>();
  const json platform = run("systemc");
  const double timed =
      platform["cycles_per_token"].get<double>() - platform["link_cycles_per_token"].get<double>();
  MMF_EXPECT_NEAR(timed, per_token, kTimedTokenGate * per_token);
}

// Several tokens a launch: the device samples greedily and feeds each pick back. The tokens are
// the host sampler's over the logits of one launch a token, on the csim and RTL engines; the
// counters add up over a launch (every op of every pass), and fewer launches carry them.
TEST_P(RtlMatchesCpu, SeveralTokensALaunchAreTheOneTokenLaunchesTokens) {
  MMF_SKIP_WITHOUT_VERILATOR();
  const BackendCase& c = GetParam();
  const json cpu = run("cpu");
  for (const char* backend : {"csim", "verilator"}) {
    const json batched = run(backend, "--tokens-per-launch 4");
    MMF_EXPECT_EQ(batched["token_ids"], cpu["token_ids"]) << backend;
    MMF_EXPECT_EQ(batched["tokens_per_launch"], 4);
    const json& a = batched["counters"];
    const json& b = cpu["counters"];
    MMF_EXPECT_EQ(a["tokens"], b["tokens"]) << backend;
    MMF_EXPECT_EQ(a["ops"], b["ops"]) << backend;
    MMF_EXPECT_EQ(a["ternary_ops"], b["ternary_ops"]) << backend;
    MMF_EXPECT_EQ(a["weight_bytes"], b["weight_bytes"]) << backend;
    MMF_EXPECT_EQ(a["vector_bytes"], b["vector_bytes"]) << backend;
    // The prompt's tokens but the last one launch each, then ceil(tokens / 4) launches.
    const auto prompt = batched["prompt_token_ids"].size();
    MMF_EXPECT_EQ(a["launches"].get<size_t>(), prompt - 1 + (static_cast<size_t>(c.tokens) + 3) / 4)
        << backend;
  }
}

// The timed model over launches of several tokens (the prefetch wrapping from one pass into
// the next, one program load a launch) against the RTL's, within the token gate.
TEST_P(RtlMatchesCpu, SystemcTimedFormTimesSeveralTokensALaunch) {
  MMF_SKIP_WITHOUT_VERILATOR();
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  const json rtl = run("verilator", "--tokens-per-launch 4");
  const json platform = run("systemc", "--tokens-per-launch 4");
  const double per_token = rtl["cycles_per_token"].get<double>();
  const double timed =
      platform["cycles_per_token"].get<double>() - platform["link_cycles_per_token"].get<double>();
  MMF_EXPECT_NEAR(timed, per_token, kTimedTokenGate * per_token);
  // The host link: a launch's cost is paid once for its tokens.
  const json single = run("systemc");
  MMF_EXPECT_LT(platform["link_cycles_per_token"].get<double>(),
                single["link_cycles_per_token"].get<double>());
}

// 1.6-bit weights (ci-tiny decodes them in every channel): the image packs five trits a byte
// and every engine decodes them, so the tokens are the 2-bit image's, bit for bit; fewer weight
// bytes stream, the same count on every engine; the timed model's cycles stay within the
// token gate of the RTL's.
TEST_P(RtlMatchesCpu, OnePointSixBitWeightsGiveTheTwoBitTokensOnEveryEngine) {
  MMF_SKIP_WITHOUT_VERILATOR();
  const json two = run("cpu");
  const json cpu = run("cpu", "--packing 1.6bit");
  MMF_EXPECT_EQ(cpu["token_ids"], two["token_ids"]);
  const uint64_t bytes = cpu["counters"]["weight_bytes"].get<uint64_t>();
  MMF_EXPECT_LT(bytes, two["counters"]["weight_bytes"].get<uint64_t>());
  MMF_EXPECT_GT(bytes, two["counters"]["weight_bytes"].get<uint64_t>() * 4 / 5);
  json rtl;
  for (const char* backend : {"csim", "verilator"}) {
    const json j = run(backend, "--packing 1.6bit");
    MMF_EXPECT_EQ(j["token_ids"], two["token_ids"]) << backend;
    MMF_EXPECT_EQ(j["counters"]["weight_bytes"], cpu["counters"]["weight_bytes"]) << backend;
    MMF_EXPECT_EQ(j["counters"]["ternary_ops"], cpu["counters"]["ternary_ops"]) << backend;
    if (std::string(backend) == "verilator") rtl = j;
  }
  if (!host::backend_available("systemc")) {
    GTEST_SKIP() << "no systemc backend in this build (configured with MMF_WITH_SYSTEMC=OFF)";
  }
  const json platform = run("systemc", "--packing 1.6bit");
  MMF_EXPECT_EQ(platform["counters"]["weight_bytes"], cpu["counters"]["weight_bytes"]);
  const double per_token = rtl["cycles_per_token"].get<double>();
  const double timed =
      platform["cycles_per_token"].get<double>() - platform["link_cycles_per_token"].get<double>();
  MMF_EXPECT_NEAR(timed, per_token, kTimedTokenGate * per_token);
}

const BackendCase kTiny{"tiny", "tiny", "ci-tiny", "The meaning of life is", 12};
const BackendCase kRandomTiny{"random_tiny", "random:tiny", "ci-tiny", "Hello", 6};
const BackendCase kRandomRagged{"random_ragged", "random:@ragged", "ci-tiny", "Hi there", 6};

auto case_name = [](const auto& test_info) { return test_info.param.name; };

INSTANTIATE_TEST_SUITE_P(
    Models, DevicesMatchCpu,
    testing::Values(kTiny, BackendCase{"tiny_u280", "tiny", "u280", "Once upon a time", 6},
                    kRandomTiny, kRandomRagged,
                    BackendCase{"random_370m", "random:370m", "ci-tiny", "Hi", 2}),
    case_name);
INSTANTIATE_TEST_SUITE_P(Models, RtlMatchesCpu, testing::Values(kTiny, kRandomTiny, kRandomRagged),
                         case_name);

// --trace writes an FST waveform of the RTL run (one launch here: BOS only, no new token).
TEST(VerilatorTrace, WritesAnFstWaveform) {
  MMF_SKIP_WITHOUT_VERILATOR();
  TempDir dir;
  const std::string fst = dir.file("run.fst");
  const json j = run_json("run --model tiny --prompt '' -n 0 --json --trace " + fst);
  MMF_EXPECT_EQ(j["backend"], "verilator");
  MMF_EXPECT_EQ(j["counters"]["launches"], 1);
  const std::string bytes = read_file(fst);
  // An FST file opens with its header block (block type 0) and holds every cycle's changes.
  MMF_EXPECT_LT(size_t{100000}, bytes.size());
  MMF_EXPECT_EQ(static_cast<int>(bytes.empty() ? -1 : bytes[0]), 0);
}

struct BadRun {
  std::string name;
  std::string args;
  std::vector<std::string> message;
  friend std::ostream& operator<<(std::ostream& os, const BadRun& b) { return os << b.name; }
};

class BadRuns : public testing::TestWithParam<BadRun> {};

TEST_P(BadRuns, FailWithAClearError) {
  const BadRun& b = GetParam();
  TempDir dir;
  // A copy of ci-tiny with a different lane count, and a build that was never compiled.
  std::string yaml = read_file(host::bitstreams_dir() + "/ci-tiny.yaml");
  std::string changed = yaml;
  changed.replace(changed.find("lanes: 16"), 9, "lanes: 32");
  write_file(dir.file("ci-tiny.yaml"), changed);
  std::string other = yaml;
  other.replace(other.find("name: ci-tiny"), 13, "name: other");
  write_file(dir.file("other.yaml"), other);
  std::string small = yaml;
  small.replace(small.find("max_vector: 16384"), 17, "max_vector: 512");
  small.replace(small.find("name: ci-tiny"), 13, "name: small");
  write_file(dir.file("small.yaml"), small);

  std::string args = b.args;
  for (size_t at; (at = args.find("@dir")) != std::string::npos;) args.replace(at, 4, dir.path());
  const CliResult r = run_cli(args);
  MMF_EXPECT_EQ(r.exit_code, 1) << r.err;
  MMF_EXPECT_TRUE(r.out.empty()) << "no partial output: " << r.out;
  for (const auto& m : b.message) {
    MMF_EXPECT_TRUE(r.err.find(m) != std::string::npos) << r.err << " lacks " << m;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadRuns,
    testing::Values(
        BadRun{"xclbin_off_the_board",
               "run --json --backend systemc --xclbin @dir/k.xclbin",
               {"--xclbin", "xrt backend", "'systemc'"}},
        BadRun{"trace_without_rtl",
               "run --json --backend cpu --trace @dir/x.fst",
               {"--trace", "verilator backend", "'cpu'"}},
        BadRun{"backend_unknown", "run --json --backend gpu", {"unknown backend 'gpu'"}},
        // Refused before any kernel is built: kv260's channels have no 1.6-bit decoder.
        BadRun{"packing_the_build_does_not_decode",
               "run --json --backend verilator --build kv260 --packing 1.6bit",
               {"--packing 1.6bit", "'kv260'", "accelerator.packings"}},
        BadRun{"packing_in_the_rtl_form_without_a_decoder",
               "bench --json --backend systemc --accelerator rtl-cpp --build kv260 "
               "--packing 1.6bit",
               {"--packing 1.6bit", "'kv260'", "accelerator.packings"}},
        BadRun{"float_on_device",
               "run --json --backend csim --numerics float",
               {"--numerics float", "cpu backend"}},
        BadRun{"unknown_build",
               "run --json --backend csim --build nope",
               {"--build", "'nope'", "ci-tiny", "u280"}},
        BadRun{"build_changed_since_generated",
               "run --json --backend csim --build @dir/ci-tiny.yaml",
               {"ci-tiny.yaml", "differs from the build", "make gen"}},
        BadRun{"build_not_compiled",
               "run --json --backend csim --build @dir/other.yaml",
               {"build 'other'", "not compiled into this binary", "ci-tiny"}},
        BadRun{"model_exceeds_channel_memory",
               "run --json --backend csim --model random:2.7b",
               {"model '2.7b' does not fit build 'ci-tiny'", "board.channel_mib", "313"}},
        BadRun{"tokens_per_launch_sampled",
               "run --json --backend csim --tokens-per-launch 4 --temperature 0.8",
               {"--tokens-per-launch 4", "greedily", "--temperature"}},
        BadRun{"tokens_per_launch_zero",
               "run --json --backend csim --tokens-per-launch 0",
               {"--tokens-per-launch 0", "1 to 256"}},
        BadRun{"tokens_per_launch_past_the_ring",
               "bench --json --backend csim --tokens-per-launch 257",
               {"--tokens-per-launch 257", "1 to 256", "token ring"}},
        BadRun{"tokens_per_launch_float",
               "run --json --backend cpu --numerics float --tokens-per-launch 2",
               {"--tokens-per-launch 2", "float reference"}},
        BadRun{"model_does_not_fit",
               "run --json --backend cpu --build @dir/small.yaml",
               {"model 'tiny' does not fit build 'small'", "accelerator.max_vector", "512"}}),
    [](const auto& test_info) { return test_info.param.name; });

}  // namespace
}  // namespace mmf::test

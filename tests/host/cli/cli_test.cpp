// SPDX-License-Identifier: Apache-2.0
// The `mmf` tool end to end: run, eval, info and convert, and its errors on bad input.
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include <ostream>

#include "common/bitnet_checkpoint.hpp"
#include "common/checks.hpp"
#include "common/hf_checkpoint.hpp"
#include "common/temp_dir.hpp"
#include "mmf/host/backends/device.hpp"
#include "mmf/host/runtime/model_source.hpp"

namespace mmf {
namespace {

using nlohmann::json;
using test::run_cli;
using test::TempDir;

TEST(CliRun, GreedyJsonIsCompleteAndDeterministic) {
  const auto a = run_cli("run --model tiny --prompt 'The meaning of life is' -n 12 --json");
  const auto b = run_cli("run --model tiny --prompt 'The meaning of life is' -n 12 --json");
  MMF_ASSERT_EQ(a.exit_code, 0) << a.err;
  MMF_ASSERT_EQ(b.exit_code, 0) << b.err;
  const json ja = json::parse(a.out), jb = json::parse(b.out);
  for (const char* key : {"model", "backend", "prompt", "text", "token_ids", "tokens_generated",
                          "seconds", "tok_per_s"}) {
    MMF_EXPECT_TRUE(ja.contains(key));
  }
  MMF_EXPECT_EQ(ja["token_ids"], jb["token_ids"]);
  // The RTL is the default engine (cpu in builds without Verilator).
  MMF_EXPECT_EQ(ja["backend"], host::default_backend());
  // Cycles come from the timed RTL only.
  MMF_EXPECT_EQ(ja.contains("cycles_per_token"), host::default_backend() == "verilator");
  MMF_EXPECT_EQ(ja["prompt_token_ids"][0], 1);  // BOS
  MMF_EXPECT_EQ(ja["tokens_generated"], ja["token_ids"].size());
}

TEST(CliRun, FloatNumericsAndSamplingWork) {
  const auto r = run_cli("run --numerics float --temperature 0.8 --top-k 20 --seed 3 -n 8 --json");
  MMF_ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  MMF_EXPECT_EQ(j["numerics"], "float");
  MMF_EXPECT_LE(j["tokens_generated"].get<int>(), 8);
}

TEST(CliRun, RandomModelRuns) {
  const auto r = run_cli("run --model random:tiny -n 4 --ignore-eos --json");
  MMF_ASSERT_EQ(r.exit_code, 0) << r.err;
  MMF_EXPECT_EQ(json::parse(r.out)["tokens_generated"], 4);
}

TEST(CliInfo, PrintsShapesAndBytes) {
  const auto r = run_cli("info 1.3b --json");
  MMF_ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  MMF_EXPECT_EQ(j["parameters"], 1364779008);
  MMF_EXPECT_EQ(j["packed_weight_bytes_per_token"]["2bit"], 324665344);
  const auto t = run_cli("info tiny");
  MMF_EXPECT_EQ(t.exit_code, 0);
  MMF_EXPECT_TRUE(t.out.find("packed weight bytes per token") != std::string::npos);
}

TEST(CliEval, ReportsPerplexity) {
  TempDir dir;
  test::write_file(dir.file("t.txt"), "A penny saved is a penny earned.\n");
  const auto r = run_cli("eval --text " + dir.file("t.txt") + " --json");
  MMF_ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  MMF_EXPECT_TRUE(j["perplexity"].get<double>() > 1.0);
  MMF_EXPECT_TRUE(j["tokens"].get<int>() > 5);
}

TEST(CliConvert, ConvertsAShardedCheckpointThatThenRuns) {
  TempDir dir;
  test::write_hf_checkpoint(test::make_hf_checkpoint(test::small_test_config(), 9), dir.file("hf"),
                            2);
  const auto c = run_cli("convert " + dir.file("hf") + " -o " + dir.file("m.safetensors") +
                         " --packing 1.6bit");
  MMF_ASSERT_EQ(c.exit_code, 0) << c.err;
  const auto r = run_cli("run --model " + dir.file("m.safetensors") + " -n 5 --json");
  MMF_ASSERT_EQ(r.exit_code, 0) << r.err;
  MMF_EXPECT_TRUE(json::parse(r.out).contains("text"));
}

// A BitNet checkpoint converts and runs: generation with the chat template (stopping at its end
// of turn), both numerics, eval in context windows, info and the bench's roofline fields.
TEST(CliBitNet, ConvertsRunsChatsEvaluatesAndBenches) {
  TempDir dir;
  const ModelConfig c = test::small_bitnet_config();
  test::write_hf_checkpoint(make_bitnet_checkpoint(c, 9, test::BitNetLayout::bf16), dir.file("hf"),
                            2);
  const auto conv = run_cli("convert " + dir.file("hf") + " -o " + dir.file("b.safetensors"));
  MMF_ASSERT_EQ(conv.exit_code, 0) << conv.err;
  const std::string model = " --model " + dir.file("b.safetensors");
  const auto chat = run_cli("run" + model + " --chat --system 'Be brief.' --prompt hi -n 6 --json");
  MMF_ASSERT_EQ(chat.exit_code, 0) << chat.err;
  const json j = json::parse(chat.out);
  MMF_EXPECT_EQ(j["prompt"], "System: Be brief.<|eot_id|>User: hi<|eot_id|>Assistant: ");
  MMF_EXPECT_EQ(j["prompt_token_ids"][0], c.bos_token_id);
  MMF_EXPECT_EQ(j["backend"], "cpu");  // BitNet's default
  for (const char* numerics : {"fixed", "float"}) {
    const auto r = run_cli("run" + model + " --numerics " + numerics + " -n 4 --json");
    MMF_EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  test::write_file(dir.file("t.txt"), test::read_file(host::models_dir() + "/tiny/heldout.txt"));
  const auto e = run_cli("eval" + model + " --numerics fixed --compare float --text " +
                         dir.file("t.txt") + " --json");
  MMF_ASSERT_EQ(e.exit_code, 0) << e.err;
  MMF_EXPECT_GT(json::parse(e.out)["windows"].get<int>(), 1);  // longer than 160 positions
  const auto i = run_cli("info " + dir.file("b.safetensors") + " --json");
  MMF_ASSERT_EQ(i.exit_code, 0) << i.err;
  MMF_EXPECT_EQ(json::parse(i.out)["architecture"], "bitnet");
  const auto b = run_cli("bench" + model + " --context 100 -n 3 --threads 1 --json");
  MMF_ASSERT_EQ(b.exit_code, 0) << b.err;
  const json bj = json::parse(b.out);
  MMF_EXPECT_EQ(bj["measured_positions"][0], 101);  // after the fill and one warmup step
  MMF_EXPECT_GT(bj["bytes_per_token"]["kv_cache"].get<double>(), 0.0);
  // A conversation on standard input: two turns, two replies, a prompt marker each.
  const auto talk = run_cli("run" + model + " --chat -n 3", "Hello\nAnd again\n");
  MMF_ASSERT_EQ(talk.exit_code, 0) << talk.err;
  MMF_EXPECT_EQ(std::count(talk.out.begin(), talk.out.end(), '\n'), 2);
  MMF_EXPECT_EQ(std::count(talk.err.begin(), talk.err.end(), '>'), 3);
  const auto v = run_cli("run" + model + " --backend verilator -n 2");
  MMF_EXPECT_NE(v.exit_code, 0);
  MMF_EXPECT_TRUE(
      v.err.find("the cpu and csim backends and the systemc platform's timed form run BitNet") !=
      std::string::npos)
      << v.err;
}

// A BitNet model larger than this machine's memory is refused before anything is allocated.
TEST(CliBitNet, AModelPastTheMachinesMemoryIsRefusedUpFront) {
  TempDir dir;
  test::write_file(dir.file("huge.yaml"),
                   "name: huge\narchitecture: bitnet\nvocab_size: 1000000\nhidden_size: 16384\n"
                   "num_layers: 2\nintermediate_size: 16384\nnum_heads: 128\nnum_kv_heads: 8\n"
                   "head_dim: 128\nrope_theta: 10000\nbos_token_id: 1\neos_token_id: 2\n");
  const std::string eval = "eval --text " + host::models_dir() + "/tiny/heldout.txt";
  for (const std::string& cmd : {std::string("run"), std::string("bench"), eval}) {
    const auto r = run_cli(cmd + " --model random:" + dir.file("huge.yaml"));
    MMF_EXPECT_NE(r.exit_code, 0);
    MMF_EXPECT_TRUE(r.err.find("needs about") != std::string::npos &&
                    r.err.find("available") != std::string::npos)
        << cmd << ": " << r.err;
    MMF_EXPECT_EQ(r.out, "");
  }
}

struct BadCli {
  const char* name;
  const char* args;
  const char* expected;
  friend std::ostream& operator<<(std::ostream& os, const BadCli& c) { return os << c.name; }
};

class CliBadInput : public ::testing::TestWithParam<BadCli> {};

TEST_P(CliBadInput, FailsWithAClearMessage) {
  const auto r = run_cli(GetParam().args);
  MMF_EXPECT_NE(r.exit_code, 0);
  MMF_EXPECT_TRUE(r.err.find(GetParam().expected) != std::string::npos);
  MMF_EXPECT_TRUE(r.err.find("internal error") == std::string::npos);
  MMF_EXPECT_EQ(r.out, "");  // no partial output (not even the prompt)
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadInput,
    ::testing::Values(
        BadCli{"MissingModel", "run --model /nonexistent/m.safetensors",
               "/nonexistent/m.safetensors"},
        BadCli{"UnknownBackend", "run --backend gpu", "unknown backend 'gpu'"},
        BadCli{"TraceOffTheRtl", "run --backend systemc --trace t.fst",
               "--trace: waveforms come from the verilator backend, not 'systemc'"},
        BadCli{"AcceleratorOffThePlatform", "run --backend cpu --accelerator rtl",
               "--accelerator: the form of the platform's accelerator is a systemc backend "
               "option, not 'cpu'"},
        BadCli{"UnknownPlatformModel", "run --backend systemc --accelerator gates",
               "--accelerator: unknown form 'gates' of the platform's accelerator (expected "
               "timed, rtl or rtl-cpp)"},
        BadCli{"UnknownIsa", "run --backend cpu --isa neon", "--isa: unknown instruction set"},
        BadCli{"BenchXclbinOnCpu", "bench --backend cpu --xclbin x.xclbin",
               "loaded by the xrt backend, not 'cpu'"},
        BadCli{"BadNumerics", "run --numerics double", "unknown value 'double'"},
        BadCli{"NegativeTemperature", "run --temperature -1", "--temperature"},
        BadCli{"NegativeTokens", "run -n -3", "-n must be >= 0"},
        BadCli{"NegativeTopK", "run --top-k -3", "--top-k must be >= 0"},
        BadCli{"ZeroTimeout", "run --timeout-ms 0", "--timeout-ms must be > 0"},
        BadCli{"UnknownBuild", "run --build nonexistent", "no build descriptor 'nonexistent'"},
        BadCli{"TooManyThreads", "run --backend cpu --threads 100000", "--threads must be"},
        BadCli{"XclbinOnCpu", "run --backend cpu --xclbin x.xclbin", "loaded by the xrt backend"},
        BadCli{"UnknownConfig", "run --model random:huge", "'huge' not found"},
        // random: models encode bytes, so "ab" is BOS + 2 tokens of a 2048-token context.
        BadCli{"TokensPastTheContext", "run --model random:tiny --prompt ab -n 2046",
               "at most 2045 new tokens fit"},
        BadCli{"TokensBeyondInt32", "run -n 99999999999", "--tokens = 99999999999"},
        BadCli{"MissingText", "eval --text /nonexistent/t.txt", "/nonexistent/t.txt"},
        BadCli{"EmptyText", "eval --text /dev/null", "/dev/null: the text file is empty"},
        BadCli{"NotAModel", "info /nonexistent/x.safetensors", "/nonexistent/x.safetensors"},
        BadCli{"ChatWithoutTemplate", "run --model tiny --chat --prompt hi",
               "--chat: model tiny has no chat template"},
        BadCli{"SystemWithoutChat", "run --system hello", "--system needs --chat"},
        BadCli{"ContextOnHgrnBit", "bench --model tiny --context 10", "has no KV cache"},
        BadCli{"BitNetBenchPastContext", "bench --model random:bitnet-2b4t --context 4095 -n 4",
               "exceed the model's context of 4096"},
        BadCli{"ConvertMissingDir", "convert /nonexistent/hf -o /tmp/never.safetensors",
               "/nonexistent/hf"}),
    [](const auto& test_param) { return std::string(test_param.param.name); });

TEST(CliConvert, BadCheckpointLeavesNoOutput) {
  TempDir dir;
  test::HfCheckpoint ck = test::make_hf_checkpoint(test::small_test_config(), 9);
  ck.tensors.erase("lm_head.norm.weight");
  test::write_hf_checkpoint(ck, dir.file("hf"), 1);
  const auto r = run_cli("convert " + dir.file("hf") + " -o " + dir.file("out.safetensors"));
  MMF_EXPECT_NE(r.exit_code, 0);
  MMF_EXPECT_TRUE(r.err.find("lm_head.norm.weight") != std::string::npos);
  MMF_EXPECT_FALSE(std::filesystem::exists(dir.file("out.safetensors")));
  // An existing output survives a failed conversion untouched.
  test::write_file(dir.file("keep.safetensors"), "previous model");
  const auto again = run_cli("convert " + dir.file("hf") + " -o " + dir.file("keep.safetensors"));
  MMF_EXPECT_NE(again.exit_code, 0);
  MMF_EXPECT_EQ(test::read_file(dir.file("keep.safetensors")), "previous model");
  std::filesystem::remove(dir.file("keep.safetensors"));
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    MMF_EXPECT_TRUE(e.path().filename() == "hf");  // no temporary left behind either
  }
}

TEST(CliRun, CorruptModelFileIsAnErrorNotACrash) {
  TempDir dir;
  std::string bytes = test::read_file(test::shipped_tiny_model());
  bytes.resize(bytes.size() / 2);
  test::write_file(dir.file("half.safetensors"), bytes);
  const auto r = run_cli("run --model " + dir.file("half.safetensors"));
  MMF_EXPECT_EQ(r.exit_code, 1);
  MMF_EXPECT_TRUE(r.err.find("half.safetensors") != std::string::npos);
}

TEST(CliRun, APromptLongerThanTheContextIsRefusedBeforeAnythingRuns) {
  const std::string prompt(2100, 'x');  // 2101 byte tokens with BOS
  const auto r = run_cli("run --backend cpu --model random:tiny -n 1 --prompt " + prompt);
  MMF_EXPECT_EQ(r.exit_code, 1);
  MMF_EXPECT_TRUE(r.err.find("prompt: 2101 tokens (BOS included) is longer than allowed: model "
                             "'tiny' has a context of 2048 tokens") != std::string::npos)
      << r.err;
  MMF_EXPECT_EQ(r.out, "");
  // Exactly at the context: runs.
  const auto fits = run_cli("run --backend cpu --model random:tiny -n 1 --json --prompt " +
                            prompt.substr(0, 2046));
  MMF_EXPECT_EQ(fits.exit_code, 0) << fits.err;
}

TEST(CliRun, APromptThatIsNotUtf8RunsAsDocumented) {
  // docs/reliability.md: SentencePiece maps invalid bytes to pieces of its own (unknown or byte
  // fallback); the byte tokenizer of random: models takes every byte as it is.
  const std::string bad = "'caf\xe9 \xff\xfe end'";
  for (const char* model : {"tiny", "random:tiny"}) {
    const auto r = run_cli(std::string("run --backend cpu --model ") + model +
                           " -n 2 --json --prompt \"$(printf " + bad + ")\"");
    MMF_EXPECT_EQ(r.exit_code, 0) << model << ": " << r.err;
    MMF_EXPECT_TRUE(json::parse(r.out)["prompt_token_ids"].size() > 1) << model;
  }
}

TEST(CliRun, AFlippedBitInTheShippedModelIsNamedAtLoad) {
  TempDir dir;
  std::string bytes = test::read_file(test::shipped_tiny_model());
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | static_cast<uint8_t>(bytes[i]);
  const json header = json::parse(bytes.substr(8, header_len));
  const std::string tensor = "model.layers.2.mlp.down_proj.weight";
  const uint64_t at = 8 + header_len + header[tensor]["data_offsets"][0].get<uint64_t>() + 1000;
  bytes[at] = static_cast<char>(bytes[at] ^ 0x01);  // 00 <-> 01: still a valid 2-bit code
  test::write_file(dir.file("flipped.safetensors"), bytes);
  const auto r = run_cli("run --model " + dir.file("flipped.safetensors") + " -n 3");
  MMF_EXPECT_EQ(r.exit_code, 1);
  MMF_EXPECT_TRUE(r.err.find("flipped.safetensors: tensor '" + tensor + "' is corrupted") !=
                  std::string::npos)
      << r.err;
  MMF_EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace mmf

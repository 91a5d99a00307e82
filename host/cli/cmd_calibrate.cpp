// SPDX-License-Identifier: Apache-2.0
// `mmf calibrate`: the SystemC platform's timed model against the RTL on the same tokens,
// the cycle error per op (by opcode) and per token; fails when a token is off by more than
// --max-error percent.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mmf/error.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/host/dse/calibration.hpp"
#include "mmf/host/runtime/model_source.hpp"

namespace mmf::cli {
namespace {

struct CalibrateArgs {
  std::string model = "tiny";
  std::string build = "ci-tiny";
  std::string prompt = "The meaning of life is";
  int32_t tokens = 4;
  double max_error = 5.0;
  bool json = false;
};

struct OpcodeSummary {
  uint64_t count = 0, rtl = 0, model = 0;
  double max_abs_error = 0.0;
};

int run_calibrate(const CalibrateArgs& a) {
  if (a.tokens < 1) throw Error("--tokens must be >= 1");
  if (!(a.max_error > 0.0)) throw Error("--max-error must be a percentage > 0");
  const host::BuildDescriptor build =
      host::load_build_descriptor(host::build_descriptor_path(a.build));
  const host::LoadedModel m = host::load_model(a.model);
  std::vector<int32_t> ids = m.tokenizer->encode(a.prompt);
  if (ids.empty()) throw Error("--prompt: no tokens to run");
  // Token ids past the prompt repeat it: timing does not depend on which tokens run.
  const size_t prompt_len = ids.size();
  while (ids.size() < static_cast<size_t>(a.tokens)) ids.push_back(ids[ids.size() % prompt_len]);
  ids.resize(static_cast<size_t>(a.tokens));
  std::cerr << "[mmf] calibrate: " << ids.size() << " tokens of " << a.model << " on build "
            << build.name << ", verilator then systemc\n";
  const host::CalibrationReport r = host::calibrate(m.model, build, ids);

  std::map<uint32_t, OpcodeSummary> by_opcode;
  for (const host::CalibratedToken& t : r.tokens) {
    for (const host::CalibratedOp& o : t.ops) {
      OpcodeSummary& s = by_opcode[o.opcode];
      ++s.count;
      s.rtl += o.rtl;
      s.model += o.model;
      s.max_abs_error = std::max(s.max_abs_error, std::abs(o.error()));
    }
  }
  const double worst = 100.0 * r.max_token_error();
  if (a.json) {
    nlohmann::json j;
    j["model"] = a.model;
    j["build"] = build.name;
    j["source"] = "simulated: verilator (RTL, cycle-accurate) against systemc (timed model)";
    j["max_token_error_pct"] = worst;
    j["mean_abs_op_error_pct"] = 100.0 * r.mean_abs_op_error();
    j["max_abs_op_error_pct"] = 100.0 * r.max_abs_op_error();
    j["wall_seconds_rtl"] = r.wall_rtl;
    j["wall_seconds_model"] = r.wall_model;
    for (const host::CalibratedToken& t : r.tokens) {
      nlohmann::json ops = nlohmann::json::array();
      for (const host::CalibratedOp& o : t.ops) {
        ops.push_back({{"op", o.op},
                       {"opcode", host::opcode_name(o.opcode)},
                       {"rtl_cycles", o.rtl},
                       {"model_cycles", o.model}});
      }
      j["tokens"].push_back({{"rtl_cycles", t.rtl},
                             {"model_cycles", t.model},
                             {"error_pct", 100.0 * t.error()},
                             {"ops", ops}});
    }
    for (const auto& [opcode, s] : by_opcode) {
      j["ops"].push_back(
          {{"opcode", host::opcode_name(opcode)},
           {"count", s.count},
           {"rtl_cycles", s.rtl},
           {"model_cycles", s.model},
           {"error_pct", 100.0 * (static_cast<double>(s.model) - static_cast<double>(s.rtl)) /
                             static_cast<double>(std::max<uint64_t>(s.rtl, 1))},
           {"max_abs_op_error_pct", 100.0 * s.max_abs_error}});
    }
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf("%-10s %6s %14s %14s %9s %11s\n", "op", "count", "rtl cycles", "model cycles",
                "error", "worst op");
    for (const auto& [opcode, s] : by_opcode) {
      const double e = (static_cast<double>(s.model) - static_cast<double>(s.rtl)) /
                       static_cast<double>(std::max<uint64_t>(s.rtl, 1));
      std::printf("%-10s %6llu %14llu %14llu %8.2f%% %10.2f%%\n", host::opcode_name(opcode).c_str(),
                  static_cast<unsigned long long>(s.count), static_cast<unsigned long long>(s.rtl),
                  static_cast<unsigned long long>(s.model), 100.0 * e, 100.0 * s.max_abs_error);
    }
    for (size_t k = 0; k < r.tokens.size(); ++k) {
      const host::CalibratedToken& t = r.tokens[k];
      std::printf("token %zu: rtl %llu cycles, model %llu cycles, error %+.2f%%\n", k,
                  static_cast<unsigned long long>(t.rtl), static_cast<unsigned long long>(t.model),
                  100.0 * t.error());
    }
    std::printf("worst token error %.2f%% (limit %.2f%%); simulation %.2f s rtl, %.3f s model\n",
                worst, a.max_error, r.wall_rtl, r.wall_model);
  }
  if (worst > a.max_error) {
    throw Error("calibrate: the timed model is off by " + std::to_string(worst) +
                "% on a token, more than --max-error " + std::to_string(a.max_error) + "%");
  }
  return 0;
}

}  // namespace

void add_calibrate_command(CLI::App& app) {
  auto a = std::make_shared<CalibrateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate", "Compare the systemc backend's timed model with the RTL, cycle by cycle");
  cmd->add_option("--model", a->model, "tiny | PATH | random:CONFIG")->capture_default_str();
  cmd->add_option("--build", a->build, "Build descriptor: a name under bitstreams/ or a path")
      ->capture_default_str();
  cmd->add_option("--prompt", a->prompt, "Prompt whose tokens run")->capture_default_str();
  cmd->add_option("-n,--tokens", a->tokens, "Launches to compare (the prompt's tokens repeat)")
      ->capture_default_str();
  cmd->add_option("--max-error", a->max_error, "Fail above this token error, in percent")
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a] { run_calibrate(*a); });
}

}  // namespace mmf::cli

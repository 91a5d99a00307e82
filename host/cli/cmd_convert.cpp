// SPDX-License-Identifier: Apache-2.0
// `mmf convert HF_DIR -o OUT`: ternarize a released checkpoint once and write a converted model.
#include <chrono>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "mmf/convert.hpp"
#include "mmf/error.hpp"

namespace mmf::cli {
namespace {

struct ConvertArgs {
  std::string input;
  std::string output;
  std::string packing = "2bit";
  std::string name;
};

void convert(const ConvertArgs& a) {
  const Packing packing = parse_packing(a.packing, "--packing");
  const auto start = std::chrono::steady_clock::now();
  std::cerr << "[mmf] converting " << a.input << " (" << packing_name(packing) << ")\n";
  Model m = convert_hf_checkpoint(a.input, packing);
  if (!a.name.empty()) m.config.name = a.name;
  save_converted(m, a.output);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << "[mmf] wrote " << a.output << ": " << m.config.num_layers << " layers, hidden "
            << m.config.hidden_size << ", vocab " << m.config.vocab_size << " in " << s << " s\n";
}

}  // namespace

void add_convert_command(CLI::App& app) {
  auto a = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand(
      "convert", "Convert a Hugging Face HGRNBit checkpoint directory to an mmf model file");
  cmd->add_option("HF_DIR", a->input,
                  "Checkpoint directory (config.json, safetensors, tokenizer.model)")
      ->required();
  cmd->add_option("-o,--output", a->output, "Converted model file to write")->required();
  cmd->add_option("--packing", a->packing, "2bit | 1.6bit")->capture_default_str();
  cmd->add_option("--name", a->name,
                  "Model name recorded in the file (default: the directory name)");
  cmd->callback([a] { convert(*a); });
}

}  // namespace mmf::cli

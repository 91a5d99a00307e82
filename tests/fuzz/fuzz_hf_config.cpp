// SPDX-License-Identifier: Apache-2.0
// Fuzz target: a Hugging Face config.json (load_hf_config_json, both families), and the whole
// BitNet conversion behind it (convert_hf_checkpoint: quantization_config, tokenizer, tensors):
// the input becomes the config.json of a fixed small BitNet checkpoint in the packed layout, so
// that mutations of the valid config reach the converter. An accepted checkpoint must run a step.
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "common/bitnet_checkpoint.hpp"
#include "fuzz_targets.hpp"
#include "mmf/bitnet_fixed_model.hpp"
#include "mmf/convert.hpp"
#include "mmf/error.hpp"
#include "scratch_file.hpp"

namespace mmf::fuzz {
namespace {

namespace fs = std::filesystem;

// The fixed checkpoint, written once per process: a scratch directory with its tensors,
// tokenizer.json and generation_config.json (config.json is the input's).
const std::string& checkpoint_dir() {
  static const std::string dir = [] {
    const fs::path config = write_scratch_file("bitnet-ckpt-config.json", nullptr, 0);
    const fs::path d = config.parent_path() / "bitnet-ckpt";
    ModelConfig c = test::small_bitnet_config();
    c.num_layers = 1;
    test::write_hf_checkpoint(test::make_bitnet_checkpoint(c, 1, test::BitNetLayout::packed),
                              d.string(), 1);
    return d.string();
  }();
  return dir;
}

}  // namespace

std::string bitnet_config_seed_json() {
  ModelConfig c = test::small_bitnet_config();
  c.num_layers = 1;
  return test::make_bitnet_checkpoint(c, 1, test::BitNetLayout::packed).config.dump(2);
}

void fuzz_hf_config(const uint8_t* data, size_t size) {
  const std::string dir = checkpoint_dir();
  const std::string config = (fs::path(dir) / "config.json").string();
  {
    std::ofstream out(config, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const ModelConfig c = load_hf_config_json(config);
    c.parameter_count();
    c.packed_weight_bytes(Packing::five_trit);
  } catch (const Error&) {
    return;
  }
  try {
    const Model m = convert_hf_checkpoint(dir, Packing::two_bit);
    if (m.config.architecture == Architecture::bitnet) {
      BitNetFixedModel engine(m);
      engine.step(static_cast<int32_t>(m.config.bos_token_id));
    }
  } catch (const Error&) {
  }
}

}  // namespace mmf::fuzz

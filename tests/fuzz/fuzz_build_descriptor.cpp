// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the YAML loaders, build descriptors
// (host/include/mmf/host/build/build_descriptor.hpp) and model configs
// (models/include/mmf/model_config.hpp), on the same input.
#include <cctype>
#include <stdexcept>
#include <string>

#include "fuzz_targets.hpp"
#include "mmf/error.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/model_config.hpp"
#include "scratch_file.hpp"

namespace mmf::fuzz {
namespace {

// A build descriptor must be named after its file. The file is named after the input's first
// `name:` line (cleaned to a plain file name) so that mutations of a valid descriptor get past
// that check and reach the rest of the loader.
std::string file_stem(const std::string& text) {
  size_t begin = std::string::npos;
  if (text.compare(0, 5, "name:") == 0) {
    begin = 5;
  } else if (const size_t at = text.find("\nname:"); at != std::string::npos) {
    begin = at + 6;
  }
  std::string stem;
  for (size_t k = begin; k < text.size() && text[k] != '\n' && stem.size() < 64; ++k) {
    const char c = text[k];
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') stem += c;
  }
  return stem.empty() ? "fuzz" : stem;
}

}  // namespace

void fuzz_build_descriptor(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string stem = file_stem(text);
  const std::string path = write_scratch_file(stem + ".yaml", data, size);
  try {
    const host::BuildDescriptor b = host::load_build_descriptor(path);
    // Figures the generator and the backends derive from an accepted descriptor.
    if (b.weight_word_bytes() <= 0 || !(b.weight_bytes_per_cycle() > 0)) {
      throw std::logic_error("accepted build descriptor has no weight bandwidth");
    }
    b.fingerprint();
    b.kernel_name();
    b.weight_fifo_words();
  } catch (const Error&) {
    // A clean refusal of bad input.
  }
  try {
    const ModelConfig c = load_model_config_yaml(path);
    c.parameter_count();
    c.packed_weight_bytes(Packing::two_bit);
  } catch (const Error&) {
  }
}

}  // namespace mmf::fuzz

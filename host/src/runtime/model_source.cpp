// SPDX-License-Identifier: Apache-2.0
// --model resolution.
#include "mmf/host/runtime/model_source.hpp"

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "mmf/error.hpp"
#include "mmf/host/util/shipped_dir.hpp"

namespace mmf::host {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRandomPrefix = "random:";

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string config_path(const std::string& name) {
  if (ends_with(name, ".yaml") || ends_with(name, ".yml")) return name;
  const fs::path p = fs::path(models_dir()) / "configs" / (name + ".yaml");
  if (!fs::exists(p)) {
    std::string known;
    for (const auto& e : fs::directory_iterator(fs::path(models_dir()) / "configs")) {
      if (e.path().extension() == ".yaml") known += " " + e.path().stem().string();
    }
    throw Error("model config '" + name + "' not found in " + p.parent_path().string() +
                " (known:" + known + ")");
  }
  return p.string();
}

std::unique_ptr<Tokenizer> tokenizer_for(const Model& m, const std::string& where) {
  if (!m.tokenizer_json.empty()) {
    return make_bpe_tokenizer(m.tokenizer_json, where + " (tokenizer.json)",
                              static_cast<int32_t>(m.config.bos_token_id));
  }
  if (m.tokenizer_model.empty()) {
    return make_byte_tokenizer(static_cast<int32_t>(m.config.vocab_size),
                               static_cast<int32_t>(m.config.bos_token_id));
  }
  return make_sentencepiece_tokenizer(m.tokenizer_model, where);
}

// A shipped model: models/NAME/NAME.safetensors for a plain NAME (tiny, tiny-bitnet).
std::optional<fs::path> shipped_model(const std::string& spec) {
  if (spec.empty() || spec.find('/') != std::string::npos || spec.find('.') != std::string::npos) {
    return std::nullopt;
  }
  const fs::path p = fs::path(models_dir()) / spec / (spec + ".safetensors");
  if (!fs::exists(p)) return std::nullopt;
  return p;
}

}  // namespace

std::string models_dir() {
  return shipped_dir("MMF_MODELS_DIR", "models", MMF_DEFAULT_MODELS_DIR);
}

LoadedModel load_model(const std::string& spec, Packing random_packing) {
  LoadedModel out;
  out.spec = spec;
  if (spec.rfind(kRandomPrefix, 0) == 0) {
    const ModelConfig c = load_model_config_yaml(config_path(spec.substr(7)));
    out.model = make_random_model(c, kRandomModelSeed, random_packing);
  } else if (const std::optional<fs::path> shipped = shipped_model(spec)) {
    out.model = load_converted(shipped->string());
  } else {
    if (fs::is_directory(spec)) {
      throw Error(spec +
                  ": is a directory; --model takes a converted model file (convert a "
                  "Hugging Face checkpoint directory with `mmf convert DIR -o FILE`)");
    }
    if (!fs::exists(spec)) {
      throw Error(spec +
                  ": no such model (expected tiny, tiny-bitnet, random:CONFIG or a converted "
                  "model file)");
    }
    out.model = load_converted(spec);
  }
  out.tokenizer = tokenizer_for(out.model, spec);
  return out;
}

ModelConfig resolve_config(const std::string& spec) {
  std::string name = spec;
  if (name.rfind(kRandomPrefix, 0) == 0) name = name.substr(7);
  if (ends_with(name, ".safetensors")) return load_converted_config(name);
  return load_model_config_yaml(config_path(name));
}

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// Reading a YAML file with errors that name it (model configs, build descriptors).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "mmf/error.hpp"

namespace mmf {

// `what` says what the file should be ("model config", "build descriptor").
inline YAML::Node load_yaml_file(const std::string& path, const std::string& what) {
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw Error(path + ": cannot open " + what);
  } catch (const YAML::Exception& e) {
    throw Error(path + ": not valid YAML: " + e.what());
  }
}

}  // namespace mmf

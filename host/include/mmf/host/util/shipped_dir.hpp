// SPDX-License-Identifier: Apache-2.0
// Where the tool finds the directories shipped in the source tree (models/, bitstreams/).
#pragma once

#include <string>

namespace mmf::host {

// $env_var if set, else <name> beside the build directory that holds the running executable
// (build/bin/mmf -> <source>/<name>), else `fallback` (the configure-time source path).
std::string shipped_dir(const char* env_var, const std::string& name, const char* fallback);

}  // namespace mmf::host

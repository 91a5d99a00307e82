// SPDX-License-Identifier: Apache-2.0
// The one exception type of mmf: a user-facing message that names the file or argument.
#pragma once

#include <stdexcept>
#include <string>

namespace mmf {

// Thrown for bad input (files, arguments, configs). The message is complete and meant for
// the user: it names what was read and what was expected. The CLI prints it and exits 1.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace mmf

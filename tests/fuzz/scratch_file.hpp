// SPDX-License-Identifier: Apache-2.0
// Fuzz inputs as files, for readers that take a path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mmf::fuzz {

// Writes the input to `name` in a private temporary directory of this process (made on first
// use, removed with its files at exit) and returns the file's path. `name` is a plain file
// name; writing the same name again replaces the file.
std::string write_scratch_file(const std::string& name, const uint8_t* data, size_t size);

}  // namespace mmf::fuzz

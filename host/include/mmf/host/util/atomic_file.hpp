// SPDX-License-Identifier: Apache-2.0
// Writing a whole text file so that a reader sees the old file or the whole new one, never a
// part: generated build files, sweep results.
#pragma once

#include <string>

namespace mmf::host {

// Writes `text` to PATH.tmp (creating PATH's directory) and renames it over PATH; throws
// mmf::Error naming the file when either step fails, leaving no temporary file behind.
void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace mmf::host

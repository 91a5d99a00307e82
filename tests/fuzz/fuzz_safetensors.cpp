// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the safetensors reader (models/include/mmf/safetensors.hpp).
#include <stdexcept>

#include "fuzz_targets.hpp"
#include "mmf/error.hpp"
#include "mmf/safetensors.hpp"
#include "scratch_file.hpp"

namespace mmf::fuzz {

void fuzz_safetensors(const uint8_t* data, size_t size) {
  const std::string path = write_scratch_file("input.safetensors", data, size);
  try {
    const auto file = SafetensorsFile::open(path);
    // What open() promises a reader: every tensor's bytes lie in the mapping and match its
    // shape, and require() finds it as listed.
    uint64_t sum = 0;
    for (const TensorInfo& t : file->tensors()) {
      for (int64_t dim : t.shape) {
        if (dim < 0) throw std::logic_error("tensor '" + t.name + "': negative dimension");
      }
      if (t.numel() * static_cast<int64_t>(dtype_size(t.dtype)) !=
          static_cast<int64_t>(t.bytes())) {
        throw std::logic_error("tensor '" + t.name + "': size does not match its shape");
      }
      const uint8_t* p = file->data(t);
      for (size_t k = 0; k < t.bytes(); ++k) sum += p[k];
      if (&file->require(t.name, t.dtype, t.shape) != file->find(t.name)) {
        throw std::logic_error("tensor '" + t.name + "': require() and find() disagree");
      }
    }
    for (const auto& [key, value] : file->metadata()) sum += key.size() + value.size();
    // Keeps the reads above from being optimized away.
    if (sum == 1) file->find("");
  } catch (const Error&) {
    // A clean refusal of bad input.
  }
}

}  // namespace mmf::fuzz

// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point of one fuzz target: MMF_FUZZ_TARGET names its function
// (fuzz_targets.hpp), set per executable by tests/fuzz/CMakeLists.txt.
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mmf::fuzz::MMF_FUZZ_TARGET(data, size);
  return 0;
}

// SPDX-License-Identifier: Apache-2.0
// The fuzz targets' bodies (fuzz_targets.hpp) on every file of tests/fuzz/corpus/<target>/ (the
// seeds) and tests/fuzz/regressions/<target>/ (inputs that once crashed a target): each must
// be accepted or refused with mmf::Error, exactly as under libFuzzer. One check per file; a
// target with no file fails.
#include <algorithm>
#include <exception>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "fuzz_targets.hpp"

namespace mmf::test {
namespace {

namespace fs = std::filesystem;

struct FuzzTarget {
  std::string name;
  void (*run)(const uint8_t*, size_t);
  friend std::ostream& operator<<(std::ostream& os, const FuzzTarget& t) { return os << t.name; }
};

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class FuzzInputs : public ::testing::TestWithParam<FuzzTarget> {
 protected:
  // Runs every file of tests/fuzz/<folder>/<target>/; returns how many there were.
  size_t run_folder(const std::string& folder) {
    const fs::path dir = fs::path(MMF_FUZZ_DIR) / folder / GetParam().name;
    const std::vector<fs::path> files = files_in(dir);
    for (const fs::path& f : files) {
      const std::string bytes = read_file(f.string());
      std::string failure;
      try {
        GetParam().run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      } catch (const std::exception& e) {
        failure = e.what();
      } catch (...) {
        failure = "a non-standard exception";
      }
      MMF_EXPECT_EQ(failure, "") << f.string() << " escaped the target";
    }
    return files.size();
  }
};

// The seeds, then the inputs that once crashed the target (a target may have none yet: each
// file present is one check, and the seeds alone keep the test from passing empty).
TEST_P(FuzzInputs, SeedsAndFoundCrashesAreAcceptedOrRefusedCleanly) {
  MMF_EXPECT_GT(run_folder("corpus"), 0u) << "no seed for " << GetParam().name;
  const size_t crashes = run_folder("regressions");
  RecordProperty("regression_inputs", static_cast<int>(crashes));
}

INSTANTIATE_TEST_SUITE_P(
    Targets, FuzzInputs,
    ::testing::Values(FuzzTarget{"fuzz_safetensors", &fuzz::fuzz_safetensors},
                      FuzzTarget{"fuzz_converted_model", &fuzz::fuzz_converted_model},
                      FuzzTarget{"fuzz_build_descriptor", &fuzz::fuzz_build_descriptor},
                      FuzzTarget{"fuzz_token_program", &fuzz::fuzz_token_program},
                      FuzzTarget{"fuzz_tokenizer", &fuzz::fuzz_tokenizer},
                      FuzzTarget{"fuzz_bpe_tokenizer", &fuzz::fuzz_bpe_tokenizer},
                      FuzzTarget{"fuzz_hf_config", &fuzz::fuzz_hf_config}),
    [](const ::testing::TestParamInfo<FuzzTarget>& p) { return p.param.name; });

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// The direction of host/'s dependencies (host/README.md): each folder of host/src and of
// host/include/mmf/host includes only its own headers and those of the folders below it:
//   util <- build <- compiler <- backends <- power <- runtime <- dse <- cli
// CMake links each folder's target only to the targets below it, so a use of a symbol from above
// would fail to link in some program; this test fails on the #include already, naming the file
// and the line.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "common/checks.hpp"

namespace mmf::test {
namespace {

namespace fs = std::filesystem;

const std::string kHost = std::string(MMF_SOURCE_DIR) + "/host";

// The layers, lowest first: a folder may include the folders before it and itself.
const std::vector<std::string> kLayers = {"util",  "build",   "compiler", "backends",
                                          "power", "runtime", "dse",      "cli"};

int layer_of(const std::string& folder) {
  for (size_t k = 0; k < kLayers.size(); ++k) {
    if (kLayers[k] == folder) return static_cast<int>(k);
  }
  return -1;
}

struct Include {
  std::string file;  // relative to host/
  int line = 0;
  std::string target;  // the folder the included header belongs to
};

// The host folders `path` includes from: "mmf/host/<folder>/..." (public headers) and
// "<folder>/..." (private headers beside the sources, included by their path from src/).
std::vector<Include> host_includes(const fs::path& path) {
  std::vector<Include> out;
  std::ifstream in(path);
  const std::regex inc(R"re(^\s*#\s*include\s+"(?:mmf/host/)?([a-z_]+)/)re");
  std::string text;
  int line = 0;
  while (std::getline(in, text)) {
    ++line;
    std::smatch m;
    if (!std::regex_search(text, m, inc)) continue;
    if (layer_of(m[1]) < 0) continue;  // not a host folder (mmf/..., mmf_hls/..., common/...)
    out.push_back({fs::relative(path, kHost).string(), line, m[1]});
  }
  return out;
}

// Every C++ file of a folder: host/src/<folder>, host/include/mmf/host/<folder>, host/<folder>.
std::vector<fs::path> files_of(const std::string& folder) {
  std::vector<fs::path> out;
  for (const fs::path& dir :
       {fs::path(kHost) / "src" / folder, fs::path(kHost) / "include/mmf/host" / folder,
        fs::path(kHost) / folder}) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      const std::string ext = e.path().extension().string();
      if (ext == ".cpp" || ext == ".hpp") out.push_back(e.path());
    }
  }
  return out;
}

TEST(HostLayering, EveryFolderIncludesOnlyItselfAndTheFoldersBelow) {
  size_t files = 0, includes = 0;
  for (const std::string& folder : kLayers) {
    for (const fs::path& f : files_of(folder)) {
      ++files;
      for (const Include& i : host_includes(f)) {
        ++includes;
        MMF_EXPECT_LE(layer_of(i.target), layer_of(folder))
            << i.file << ":" << i.line << ": " << folder << " includes from " << i.target
            << ", a folder above it (host/README.md)";
      }
    }
  }
  // The walk saw the tree: a moved folder must not make this test vacuous.
  MMF_EXPECT_GT(files, size_t{80});
  MMF_EXPECT_GT(includes, size_t{100});
}

TEST(HostLayering, EverySourceFolderIsALayer) {
  for (const auto& e : fs::directory_iterator(fs::path(kHost) / "src")) {
    if (!e.is_directory()) continue;
    MMF_EXPECT_GE(layer_of(e.path().filename().string()), 0)
        << "host/src/" << e.path().filename().string() << " is in no layer of this test";
  }
  for (const auto& e : fs::directory_iterator(fs::path(kHost) / "include/mmf/host")) {
    MMF_EXPECT_TRUE(e.is_directory() && layer_of(e.path().filename().string()) >= 0)
        << "host/include/mmf/host/" << e.path().filename().string()
        << " mirrors no folder of host/src";
  }
}

// The check itself: a folder including from above is caught.
TEST(HostLayering, AnUpwardIncludeIsFound) {
  const fs::path dir = fs::temp_directory_path() / "mmf-layering-test";
  fs::create_directories(dir);
  const fs::path f = dir / "x.cpp";
  std::ofstream(f) << "#include <vector>\n#include \"mmf/host/runtime/session.hpp\"\n"
                   << "#include \"backends/cpu/cpu_engine.hpp\"\n#include \"mmf/error.hpp\"\n";
  const std::vector<Include> found = host_includes(f);
  fs::remove_all(dir);
  MMF_ASSERT_EQ(found.size(), size_t{2});
  MMF_EXPECT_EQ(found[0].target, "runtime");
  MMF_EXPECT_EQ(found[0].line, 2);
  MMF_EXPECT_EQ(found[1].target, "backends");
  MMF_EXPECT_GT(layer_of("runtime"), layer_of("compiler"));
}

}  // namespace
}  // namespace mmf::test

// SPDX-License-Identifier: Apache-2.0
// `mmf-gen-builds`: the build-file generator alone, the same as `mmf gen-builds`. It links
// without the generated kernels, so it still builds when they are stale (`make gen`).
#include <iostream>

#include "commands.hpp"
#include "mmf/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"mmf-gen-builds: generate HLS/Vitis/make files from bitstreams/*.yaml"};
  mmf::cli::configure_gen_builds(&app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const mmf::Error& e) {
    std::cerr << "mmf-gen-builds: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

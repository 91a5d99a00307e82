#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Idempotent installer for mmf's Debian packages: installs only what is missing,
# runs `apt-get update` at most once, and does nothing when everything is present.
#
# Usage: scripts/install-deps.sh [--training]
#   --training  also install the optional tools that retrain the shipped tiny model
#               (PyTorch, SentencePiece for Python, the fortunes corpus). Never needed
#               by the build or the tests.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  verilator libsystemc-dev libxrt-dev
  libgtest-dev libgmock-dev libyaml-cpp-dev yosys
  libsentencepiece-dev sentencepiece
  nlohmann-json3-dev libcli11-dev libbenchmark-dev gnuplot python3
  clang libclang-rt-14-dev tcl clang-format
)
# Reasons for packages beyond the list in DESIGN §6:
#   pkg-config     CMake finds sentencepiece and systemc through their .pc files.
#   libgmock-dev   GoogleTest's matchers (Debian splits gmock from gtest).
#   sentencepiece  spm_encode/spm_decode, used by tests to cross-check our tokenizer path.
#   clang-format   make format and make format-check (.ci/run).
#   tcl            tclsh runs scripts/package_rtl_xo.tcl in tests (PackageRtlXoScript);
#                  it is not in the closure of the packages above.
#   clang, libclang-rt-14-dev  make fuzz: libFuzzer ships with clang only (its runtime,
#                  libclang_rt.fuzzer, is in libclang-rt-14-dev); g++ has no fuzzing engine.
if [[ "${1:-}" == "--training" ]]; then
  packages+=(python3-torch python3-sentencepiece python3-numpy fortunes fortunes-min)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "deps: done"

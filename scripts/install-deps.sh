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
  libsentencepiece-dev sentencepiece libpcre2-dev
  nlohmann-json3-dev libcli11-dev libbenchmark-dev gnuplot python3
  clang libclang-rt-14-dev tcl clang-format python3-numpy
)
# Reasons for packages beyond the list in DESIGN §6:
#   pkg-config     CMake finds sentencepiece and systemc through their .pc files.
#   libgmock-dev   GoogleTest's matchers (Debian splits gmock from gtest).
#   sentencepiece  spm_encode/spm_decode, used by tests to cross-check our tokenizer path.
#   libpcre2-dev   the BPE tokenizer's pre-tokenizer pattern (\p{L}, lookahead; Unicode mode).
#   python3-numpy  tests/models/bitnet_reference.py, the independent BitNet forward pass the
#                  float reference is checked against (run by Debian's /usr/bin/python3).
#   clang-format   make format and make format-check (.ci/run).
#   tcl            tclsh runs scripts/package_rtl_xo.tcl in tests (PackageRtlXoScript);
#                  it is not in the closure of the packages above.
#   clang, libclang-rt-14-dev  make fuzz: libFuzzer ships with clang only (its runtime,
#                  libclang_rt.fuzzer, is in libclang-rt-14-dev); g++ has no fuzzing engine.
if [[ "${1:-}" == "--training" ]]; then
  packages+=(python3-torch python3-sentencepiece python3-numpy python3-regex fortunes fortunes-min)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js runs the tests' independent tokenizer (tests/npm). Debian's nodejs and npm, unless a
# node with npm is already on PATH (a vendor build of nodejs carries npm and conflicts with them).
if ! command -v npm >/dev/null 2>&1; then
  for p in nodejs npm; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "deps: all ${#packages[@]} packages present"
else
  echo "deps: installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  echo "deps: done"
fi

# npm packages of tests/npm (pinned by its package-lock.json) into build/npm, where the tests
# look for them (whatever the build tree); again only when the lock changed. Without them those tests skip, saying why.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
npm_dir="$here/build/npm"
if ! cmp -s "$here/tests/npm/package-lock.json" "$npm_dir/package-lock.json" ||
   [[ ! -d "$npm_dir/node_modules" ]]; then
  echo "deps: npm packages of tests/npm into $npm_dir"
  mkdir -p "$npm_dir"
  cp "$here/tests/npm/package.json" "$here/tests/npm/package-lock.json" "$npm_dir/"
  if ! (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error); then
    rm -f "$npm_dir/package-lock.json"
    echo "deps: warning: npm ci failed; the tokenizer cross-check tests will skip" >&2
  fi
fi

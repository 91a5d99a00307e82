#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make fuzz: builds the libFuzzer targets of tests/fuzz into build/fuzz (clang, ASan + UBSan,
# only the libraries they need) and runs each for FUZZ_SECONDS on a copy of its committed seed
# corpus. New inputs go to build/fuzz/corpus/<target>/, crash inputs to
# build/fuzz/artifacts/<target>/; the run fails if any target finds one. A crash input becomes
# a regression: commit it under tests/fuzz/regressions/<target>/ (regressions_test.cpp runs it).
#
# Usage: scripts/fuzz.sh           every target for FUZZ_SECONDS (default 60) seconds
#        scripts/fuzz.sh --seeds   rewrite tests/fuzz/corpus/ with the seed generator
# JOBS (build jobs, default 2) and FUZZ_DIR (default build/fuzz) override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${FUZZ_DIR:-build/fuzz}
jobs=${JOBS:-2}
seconds=${FUZZ_SECONDS:-60}
targets=(fuzz_safetensors fuzz_converted_model fuzz_build_descriptor fuzz_token_program
         fuzz_tokenizer fuzz_bpe_tokenizer fuzz_hf_config)

sanitizers=address,undefined
no_recover=-fno-sanitize-recover=all
start=$(date +%s)
# Libraries get coverage instrumentation without libFuzzer's main; the targets add
# -fsanitize=fuzzer themselves (tests/fuzz/CMakeLists.txt).
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,$sanitizers -fno-omit-frame-pointer $no_recover" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$sanitizers" \
  -DMMF_FUZZ=ON -DMMF_WITH_VERILATOR=OFF -DMMF_WITH_SYSTEMC=OFF -DBUILD_TESTING=OFF >/dev/null

export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export ASAN_OPTIONS="detect_leaks=1:print_stacktrace=1"

if [[ "${1:-}" == "--seeds" ]]; then
  cmake --build "$dir" -j "$jobs" --target fuzz_make_seeds
  "$dir/bin/fuzz_make_seeds" tests/fuzz/corpus
  du -sh tests/fuzz/corpus
  exit 0
fi

# The build's log is kept aside: clang warns about the HLS pragmas of every kernel source.
if ! cmake --build "$dir" -j "$jobs" --target "${targets[@]}" >"$dir/build.log" 2>&1; then
  grep -E "error|FAILED" "$dir/build.log" | head -40
  echo "fuzz: build failed (log $dir/build.log)"
  exit 1
fi
echo "fuzz: build took $(($(date +%s) - start)) s"

failed=()
summary=()
for t in "${targets[@]}"; do
  work="$dir/corpus/$t"
  artifacts="$dir/artifacts/$t"
  log="$dir/logs/$t.log"
  rm -rf "$work"
  mkdir -p "$work" "$artifacts" "$dir/logs"
  cp tests/fuzz/corpus/"$t"/* "$work"/
  echo "fuzz: $t for ${seconds} s"
  rc=0
  "$dir/bin/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "$work" >"$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  summary+=("$t: ${runs:-?} runs, ${rate:-?} exec/s, corpus $(ls "$work" | wc -l) files, exit $rc")
  if [[ $rc -ne 0 ]]; then
    failed+=("$t")
    echo "fuzz: $t FOUND A PROBLEM (log $log, inputs in $artifacts/):"
    grep -E "ERROR|SUMMARY|terminate|what\(\)|#[0-9]+ 0x" "$log" | head -40 || true
  fi
done

printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -ne 0 ]]; then
  echo "fuzz: crashes in ${failed[*]}: commit each input under tests/fuzz/regressions/<target>/"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds} s each with no crash"

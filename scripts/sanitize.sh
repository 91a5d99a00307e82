#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make sanitize: builds the native code and tests with AddressSanitizer and UBSan into
# build/asan (g++, no Verilated models) and runs the tests of the readers, the host image
# compiler, the cpu and csim backends, the CLI, sessions, power and bench (no SystemC platform
# either: its coroutine stack switches are outside what ASan follows). Any sanitizer report
# fails the run: reports halt the process and the test fails.
#
# Usage: scripts/sanitize.sh   (JOBS, ASAN_DIR and SANITIZE_LABELS override the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${ASAN_DIR:-build/asan}
jobs=${JOBS:-2}
# The test executables of the run (each one's tests carry its name as ctest label): the model
# readers, the host image compiler and sweep specs, the cpu and csim backends, the CLI and
# sessions, power, bench and the fuzz regressions. Left out: the HLS unit and ternary kernel sweeps and the float and
# fixed model comparisons (pure arithmetic, minutes under ASan), the RTL tests (no Verilator
# here), xrt (XRT's shim) and synth (yosys).
tests=(models_safetensors_test models_model_config_test models_convert_test models_tokenizer_test
       models_bpe_tokenizer_test models_bitnet_test models_bitnet_numerics_test
       models_ternary_pack_test models_numerics_test host_sampler_test host_cli_test
       host_build_descriptor_test host_device_image_test host_sweep_test host_device_test
       host_bench_test host_cpu_device_test host_cpu_alloc_test host_power_test sim_axi_memory_test
       e2e_backends_test hls_kernel_test fuzz_regressions_test)
labels=${SANITIZE_LABELS:-"^($(IFS='|'; echo "${tests[*]}"))\$"}
# Tests left out by name: the 370M-parameter model on two backends (minutes under ASan; the
# smaller models of the same test cover the same code).
exclude=${SANITIZE_EXCLUDE:-"random_370m"}

sanitize_flags="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
# Every report stops the process with a non-zero exit; leak checking at exit.
asan="halt_on_error=1:detect_leaks=1:print_stacktrace=1:strict_string_checks=1"
export ASAN_OPTIONS="$asan:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

start=$(date +%s)
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_CXX_FLAGS="$sanitize_flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DMMF_WITH_VERILATOR=OFF -DMMF_WITH_SYSTEMC=OFF >/dev/null
# Only what the run needs: the CLI (run by the CLI tests) and the test executables.
cmake --build "$dir" -j "$jobs" --target mmf "${tests[@]}"
built=$(date +%s)
echo "sanitize: build took $((built - start)) s"

ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 600 -L "$labels" -E "$exclude"
echo "sanitize: tests took $(($(date +%s) - built)) s"

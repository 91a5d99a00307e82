# SPDX-License-Identifier: Apache-2.0
# Top-level entry points. The README shows two of them: `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
MMF := $(BUILD_DIR)/bin/mmf
PROMPT ?= The meaning of life is
TOKENS ?= 40
FUZZ_SECONDS ?= 60

.PHONY: all deps configure build run test sanitize fuzz gen clean format format-check

all: build

## deps: install the Debian packages mmf needs (idempotent; apt-get update at most once)
deps:
	bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

## configure: configure the CMake build tree in $(BUILD_DIR)
configure: $(BUILD_DIR)/build.ninja

## build: configure and build everything into $(BUILD_DIR) (the CLI is $(MMF))
build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

## run: deps + build + the main job: generate text with the shipped tiny model
run: deps
	$(MAKE) --no-print-directory build
	$(MMF) run --model tiny --prompt "$(PROMPT)" -n $(TOKENS)

## test: deps + build + the whole test suite
test: deps
	$(MAKE) --no-print-directory build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

## sanitize: deps + ASan/UBSan build in build/asan (g++, no Verilator) + most tests under it
sanitize: deps
	JOBS=$(JOBS) bash scripts/sanitize.sh

## fuzz: deps + libFuzzer targets in build/fuzz (clang), each FUZZ_SECONDS s; fails on a crash
fuzz: deps
	JOBS=$(JOBS) FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh

## gen: regenerate bitstreams/generated/ after editing a build descriptor (bitstreams/*.yaml)
gen: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target mmf-gen-builds
	$(BUILD_DIR)/bin/mmf-gen-builds

CXX_SOURCES = git ls-files '*.cpp' '*.hpp' ':!bitstreams/generated'

## format: apply .clang-format to the C++ sources
format:
	$(CXX_SOURCES) | xargs clang-format -i

## format-check: fail, naming the lines, where a C++ source differs from .clang-format (CI runs it)
format-check: deps
	$(CXX_SOURCES) | xargs clang-format --dry-run -Werror

clean:
	rm -rf $(BUILD_DIR)

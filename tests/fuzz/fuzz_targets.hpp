// SPDX-License-Identifier: Apache-2.0
// The fuzz targets of tests/fuzz: one function each, called by the libFuzzer entry point
// (fuzz_main.cpp) and by the regression test (regressions_test.cpp), so both run the same code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mmf::fuzz {

// Each feeds one input to a project entry point. It returns normally when the input was
// accepted or refused with mmf::Error, the documented error for bad input. Anything else (a
// crash, another exception, a sanitizer report, a hang, a broken invariant) is a finding.

// SafetensorsFile::open on the input as a file, then every tensor's bytes and require().
void fuzz_safetensors(const uint8_t* data, size_t size);
// host::load_model on the input as a converted model file (load_converted, then the tokenizer
// the model carries), and load_converted_config.
void fuzz_converted_model(const uint8_t* data, size_t size);
// load_build_descriptor and load_model_config_yaml on the input as a YAML file.
void fuzz_build_descriptor(const uint8_t* data, size_t size);
// A fuzzed token program on a compiled tiny image: check_descriptor, validate_image,
// describe_status, and a run on the cpu and csim backends.
void fuzz_token_program(const uint8_t* data, size_t size);
// Encoding arbitrary bytes and decoding arbitrary ids with the shipped tiny model's
// SentencePiece tokenizer and with the byte tokenizer of random: models.
void fuzz_tokenizer(const uint8_t* data, size_t size);
// The byte-level BPE tokenizer: the input as a tokenizer.json, or as text for a fixed one whose
// encoding must round-trip (fuzz_bpe_tokenizer.cpp says which by the first byte).
void fuzz_bpe_tokenizer(const uint8_t* data, size_t size);
// The fixed tokenizer's tokenizer.json, for the seed corpus.
std::string bpe_tokenizer_seed_json();
// load_hf_config_json on the input as a config.json, then convert_hf_checkpoint with it as the
// config of a fixed small BitNet checkpoint (and one step of an accepted model).
void fuzz_hf_config(const uint8_t* data, size_t size);
// That checkpoint's own config.json, for the seed corpus.
std::string bitnet_config_seed_json();

}  // namespace mmf::fuzz

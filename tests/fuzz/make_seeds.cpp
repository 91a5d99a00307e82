// SPDX-License-Identifier: Apache-2.0
// Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/): small valid inputs
// made by mmf's own writers and loaders, and slightly broken copies of them. Run by
// `scripts/fuzz.sh --seeds`; the output is committed.
//
// Usage: fuzz_make_seeds CORPUS_DIR
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/bitnet_checkpoint.hpp"
#include "fuzz_targets.hpp"
#include "mmf/error.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf/model.hpp"
#include "mmf/safetensors.hpp"
#include "seed_model.hpp"

namespace {

namespace fs = std::filesystem;
using mmf::fuzz::make_seed_model;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw mmf::Error(p.string() + ": cannot write");
}

// The file save_converted writes for `model`, as bytes.
std::string converted_bytes(const mmf::Model& model, const fs::path& scratch) {
  mmf::save_converted(model, scratch.string());
  return read_file(scratch);
}

// `bytes` with the byte at `at` replaced.
std::string with_byte(std::string bytes, size_t at, char value) {
  bytes.at(at) = value;
  return bytes;
}

void converted_model_seeds(const fs::path& dir, const fs::path& scratch) {
  // The shipped tiny model's tokenizer: the seed carries a real SentencePiece model.
  const auto tiny = mmf::SafetensorsFile::open(mmf::host::models_dir() + "/tiny/tiny.safetensors");
  const mmf::TensorInfo& tok = *tiny->find("tokenizer.model");
  // The tokenizer's 4096 pieces must fit the vocabulary: a narrower model keeps the file small.
  mmf::ModelConfig c = make_seed_model(1).config;
  c.vocab_size = 4096;
  c.hidden_size = 4;
  c.intermediate_size = 4;
  mmf::Model with_tokenizer = mmf::make_random_model(c, 1, mmf::Packing::two_bit);
  with_tokenizer.tokenizer_model.assign(reinterpret_cast<const char*>(tiny->data(tok)),
                                        tok.bytes());
  write_file(dir / "with_tokenizer.safetensors", converted_bytes(with_tokenizer, scratch));

  // A BitNet model with its tokenizer.json (the fixed BPE tokenizer of fuzz_bpe_tokenizer).
  mmf::ModelConfig b = mmf::test::small_bitnet_config();
  b.num_layers = 1;
  b.vocab_size = 384;
  mmf::Model bitnet = mmf::make_random_model(b, 1, mmf::Packing::two_bit);
  bitnet.tokenizer_json = mmf::test::small_bitnet_tokenizer_json(b.vocab_size);
  write_file(dir / "bitnet.safetensors", converted_bytes(bitnet, scratch));

  const std::string two_bit = converted_bytes(make_seed_model(2), scratch);
  write_file(dir / "two_bit.safetensors", two_bit);
  write_file(dir / "five_trit.safetensors",
             converted_bytes(make_seed_model(3, mmf::Packing::five_trit), scratch));
  // Broken: truncated data, a header length past the end, a corrupt header byte, and the
  // last packed byte turned into an invalid one.
  write_file(dir / "truncated.safetensors", two_bit.substr(0, two_bit.size() * 3 / 4));
  write_file(dir / "bad_header_length.safetensors", with_byte(two_bit, 3, '\x7f'));
  write_file(dir / "bad_header_byte.safetensors", with_byte(two_bit, 40, '\x01'));
  write_file(dir / "bad_trit.safetensors", with_byte(two_bit, two_bit.size() - 5, '\xff'));
}

void safetensors_seeds(const fs::path& dir, const fs::path& scratch) {
  mmf::SafetensorsWriter w;
  w.add("u8", mmf::DType::U8, {3}, {1, 2, 3});
  w.add("f32", mmf::DType::F32, {1, 2}, std::vector<uint8_t>(8, 0));
  w.add("bf16.scalar", mmf::DType::BF16, {}, {0x80, 0x3f});
  w.add("empty", mmf::DType::I64, {0, 4}, {});
  w.set_metadata("note", "fuzz seed");
  w.write(scratch.string());
  const std::string small = read_file(scratch);
  write_file(dir / "dtypes.safetensors", small);
  write_file(dir / "truncated.safetensors", small.substr(0, small.size() - 3));
  write_file(dir / "header_only.safetensors", small.substr(0, 8));
  mmf::SafetensorsWriter empty;
  empty.write(scratch.string());
  write_file(dir / "empty.safetensors", read_file(scratch));
  write_file(dir / "converted.safetensors", converted_bytes(make_seed_model(4), scratch));
}

void build_descriptor_seeds(const fs::path& dir) {
  for (const fs::path& from :
       {fs::path(mmf::host::bitstreams_dir()), fs::path(mmf::host::models_dir()) / "configs"}) {
    for (const auto& e : fs::directory_iterator(from)) {
      if (e.path().extension() == ".yaml") fs::copy_file(e.path(), dir / e.path().filename());
    }
  }
  // Broken: lanes not a power of two.
  std::string text = read_file(fs::path(mmf::host::bitstreams_dir()) / "ci-tiny.yaml");
  const size_t at = text.find("lanes: 16");
  if (at == std::string::npos) throw mmf::Error("ci-tiny.yaml: no 'lanes: 16'");
  write_file(dir / "ci-tiny-bad-lanes.yaml", text.replace(at, 9, "lanes: 12"));
  // Broken: a packing no channel decodes.
  text = read_file(fs::path(mmf::host::bitstreams_dir()) / "ci-tiny.yaml");
  const std::string packings = "packings: [2bit, 1.6bit]";
  const size_t p = text.find(packings);
  if (p == std::string::npos) throw mmf::Error("ci-tiny.yaml: no '" + packings + "'");
  write_file(dir / "ci-tiny-bad-packings.yaml",
             text.replace(p, packings.size(), "packings: [1.6bit, 3bit]"));
}

// fuzz_token_program's input: token, status, passes (its word 2: 0, 1, 2 for 1 to 3 passes),
// then the descriptors.
std::string program_bytes(uint32_t token, uint32_t status, uint32_t passes,
                          const std::vector<mmf::host::Descriptor>& program) {
  constexpr size_t kHeader = sizeof(uint32_t) * 3;
  std::string out(kHeader + program.size() * sizeof(mmf::host::Descriptor), '\0');
  std::memcpy(out.data(), &token, sizeof(token));
  std::memcpy(out.data() + 4, &status, sizeof(status));
  std::memcpy(out.data() + 8, &passes, sizeof(passes));
  if (!program.empty()) {
    std::memcpy(out.data() + kHeader, program.data(), program.size() * sizeof(program[0]));
  }
  return out;
}

void token_program_seeds(const fs::path& dir) {
  const auto build = mmf::host::load_build_descriptor(mmf::host::build_descriptor_path("ci-tiny"));
  const mmf::host::DeviceImage image = mmf::host::compile_model(make_seed_model(1), build);
  std::vector<mmf::host::Descriptor> program = image.program;
  write_file(dir / "compiled.bin", program_bytes(5, 0, 0, program));
  write_file(dir / "compiled_three_passes.bin", program_bytes(5, 0, 2, program));
  write_file(dir / "no_passes.bin", program_bytes(5, 0, 3, program));  // 0 passes: refused
  write_file(dir / "bad_token.bin", program_bytes(1000, 0x306, 1, program));
  write_file(dir / "first_ops.bin", program_bytes(3, 0, 0,
                                                  std::vector<mmf::host::Descriptor>(
                                                      program.begin(), program.begin() + 3)));
  // The same program with 1.6-bit BitLinears: the 2-bit bytes read as five-trit ones.
  std::vector<mmf::host::Descriptor> five = program;
  for (auto& d : five) {
    if (d[mmf_hls::kFieldOpcode] == mmf_hls::kOpBitLinear) {
      d[mmf_hls::kFieldPacking] = mmf_hls::kPackFiveTrit;
    }
  }
  write_file(dir / "five_trit.bin", program_bytes(5, 0, 0, five));
  program[2][mmf_hls::kFieldOpcode] = 9;
  program[4][mmf_hls::kFieldReservedBegin] = 1;
  program[5][mmf_hls::kFieldPacking] = 2;
  write_file(dir / "bad_fields.bin", program_bytes(5, 0x201, 0, program));
}

void tokenizer_seeds(const fs::path& dir) {
  write_file(dir / "prompt.txt", "The meaning of life is");
  write_file(dir / "mixed.txt", "Numbers 12345, Ünïcödé → fall back");
  write_file(dir / "invalid_utf8.txt", std::string("\xff\xfe\xc3(\xa0\xa1\xe2\x28\xa1\0x", 12));
  // Ids as decode sees them: the prompt's ids, then some past either vocabulary and negative.
  std::vector<int32_t> ids = mmf::host::load_model("tiny").tokenizer->encode("A fool and his");
  ids.insert(ids.end(), {4095, 4096, 70000, -1, 2});
  std::string bytes(ids.size() * sizeof(int32_t), '\0');
  std::memcpy(bytes.data(), ids.data(), bytes.size());
  write_file(dir / "ids.bin", bytes);
}

void bpe_tokenizer_seeds(const fs::path& dir) {
  // First byte odd: text for the fixed tokenizer; even: a tokenizer.json.
  write_file(dir / "text.txt", "\x01The quick brown fox and the <|eot|> caf\xc3\xa9 \xff\r\n");
  write_file(dir / "stress.txt",
             "\x03  \xe4\xb8\xad\xe6\x96\x87 I'LL 1234567\xc2\x85 \xed\xa0\x80\n\n");
  const std::string json = mmf::fuzz::bpe_tokenizer_seed_json();
  write_file(dir / "tokenizer.json", "\x00" + json);
  write_file(dir / "tokenizer_cut.json", "\x00" + json.substr(0, json.size() / 2));
}

void hf_config_seeds(const fs::path& dir) {
  const std::string bitnet = mmf::fuzz::bitnet_config_seed_json();
  write_file(dir / "bitnet.json", bitnet);
  write_file(dir / "bitnet_cut.json", bitnet.substr(0, bitnet.size() / 2));
  write_file(dir / "hgrn_bit.json",
             R"({"model_type": "hgrn_bit", "vocab_size": 4096, "hidden_size": 64, )"
             R"("num_hidden_layers": 2, "intermediate_size": 192})");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_seeds CORPUS_DIR\n";
    return 2;
  }
  try {
    const fs::path corpus = argv[1];
    const fs::path scratch = fs::temp_directory_path() / "mmf-fuzz-seed.safetensors";
    for (const char* target :
         {"fuzz_safetensors", "fuzz_converted_model", "fuzz_build_descriptor", "fuzz_token_program",
          "fuzz_tokenizer", "fuzz_bpe_tokenizer", "fuzz_hf_config"}) {
      fs::remove_all(corpus / target);
      fs::create_directories(corpus / target);
    }
    safetensors_seeds(corpus / "fuzz_safetensors", scratch);
    converted_model_seeds(corpus / "fuzz_converted_model", scratch);
    build_descriptor_seeds(corpus / "fuzz_build_descriptor");
    token_program_seeds(corpus / "fuzz_token_program");
    tokenizer_seeds(corpus / "fuzz_tokenizer");
    bpe_tokenizer_seeds(corpus / "fuzz_bpe_tokenizer");
    hf_config_seeds(corpus / "fuzz_hf_config");
    fs::remove(scratch);
  } catch (const std::exception& e) {
    std::cerr << "fuzz_make_seeds: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

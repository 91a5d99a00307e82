// SPDX-License-Identifier: Apache-2.0
// Model compiler: device memory image and token program.
#include "mmf/host/compiler/device_image.hpp"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "image_builders.hpp"
#include "mmf/checksum.hpp"
#include "mmf/error.hpp"
#include "mmf/fixed_params.hpp"

namespace mmf::host {
namespace {

using namespace mmf_hls;
using namespace compiler_detail;

constexpr uint32_t kImageMagic = 0x49464D4Du;  // "MMFI" little-endian, word 0 of the bank
constexpr uint32_t kImageVersion = 2;          // 2: identity and checksums in words 4..9

}  // namespace

uint32_t device_packing(Packing packing) {
  return packing == Packing::five_trit ? kPackFiveTrit : kPackTwoBit;
}

void check_packing(Packing packing, const BuildDescriptor& b) {
  if (packing == Packing::five_trit && !b.accel.five_trit) {
    throw Error("--packing 1.6bit: " + build_where(b, "accelerator.packings") +
                " decodes 2-bit weights only; a build whose packings list 1.6bit has the "
                "decoder (ci-tiny; docs/resources.md)");
  }
}

void words_to_five_trit_block(const uint8_t* words, uint64_t count, uint32_t lanes,
                              uint8_t* beats) {
  const size_t trits = static_cast<size_t>(count) * lanes;
  std::vector<int8_t> t(trits);
  if (!unpack_row(words, trits, Packing::two_bit, t.data())) {
    throw Error("device image: invalid 2-bit code in a weight word (bug)");
  }
  const size_t beat_bytes = lanes / 4;
  std::memset(beats, 0, WeightTile::five_trit_beats(count) * beat_bytes);
  pack_row(t.data(), trits, Packing::five_trit, beats);
}

void five_trit_block_to_words(const uint8_t* beats, uint64_t count, uint32_t lanes,
                              uint8_t* words) {
  // Straight from bytes to codes, no trit buffer: the cpu engine decodes blocks per token.
  using TwoBit = PackingTraits<Packing::two_bit>;
  using FiveTrit = PackingTraits<Packing::five_trit>;
  constexpr uint8_t kCode[3] = {TwoBit::code_minus, TwoBit::code_zero, TwoBit::code_plus};
  const size_t trits = static_cast<size_t>(count) * lanes;
  std::memset(words, 0, packed_row_bytes(trits, Packing::two_bit));
  for (size_t j = 0; j < trits; j += FiveTrit::trits_per_byte) {
    // As the RTL's decoder: a byte no packing makes (243..255) gives zero trits (code 00).
    int v = beats[j / FiveTrit::trits_per_byte];
    if (v > FiveTrit::max_byte) continue;
    for (size_t k = j; k < std::min(trits, j + FiveTrit::trits_per_byte); ++k, v /= 3) {
      words[k / TwoBit::trits_per_byte] |=
          static_cast<uint8_t>(kCode[v % 3] << (2 * (k % TwoBit::trits_per_byte)));
    }
  }
}

int64_t program_ops(const ModelConfig& config) {
  // Embed first, the head and Argmax last.
  const int64_t per_layer =
      config.architecture == Architecture::bitnet ? kBitNetOpsPerLayer : kOpsPerLayer;
  return per_layer * config.num_layers + 3;
}

mmf_hls::DeviceLimits device_limits(const BuildDescriptor& b, uint64_t vec_words,
                                    uint64_t weight_words) {
  return DeviceLimits{static_cast<uint32_t>(b.accel.max_vector),
                      static_cast<uint32_t>(b.accel.lanes),
                      static_cast<uint32_t>(b.accel.tile_rows),
                      static_cast<uint32_t>(b.accel.weight_channels),
                      vec_words,
                      weight_words,
                      b.accel.five_trit,
                      static_cast<uint32_t>(b.accel.max_context),
                      static_cast<uint32_t>(b.accel.max_head_dim),
                      static_cast<uint32_t>(b.accel.vector_lanes)};
}

mmf_hls::WeightTile weight_tile(const BuildDescriptor& b) {
  return mmf_hls::weight_tile(device_limits(b, 0, 0));
}

void check_model_fits(const ModelConfig& c, const BuildDescriptor& b) {
  if (c.architecture == Architecture::bitnet) {
    check_bitnet_fits(c, b);
    return;
  }
  const auto fail = [&](const std::string& what, int64_t need, const std::string& key,
                        int64_t have) { fit_failure(c, b, what, need, key, have); };
  const int64_t max_vector = b.accel.max_vector;
  if (c.hidden_size > max_vector) {
    fail("hidden_size", c.hidden_size, "accelerator.max_vector", max_vector);
  }
  if (2 * c.intermediate_size > max_vector) {
    fail("2 x intermediate_size", 2 * c.intermediate_size, "accelerator.max_vector", max_vector);
  }
  const int64_t ops = program_ops(c);
  if (ops > b.accel.max_ops) fail("the token program", ops, "accelerator.max_ops", b.accel.max_ops);
  if (c.vocab_size > static_cast<int64_t>(kMaxRows)) {
    fail("vocab_size", c.vocab_size, "lm_head rows (kMaxRows)", kMaxRows);
  }
  // Weights per channel, exactly as compile_model lays them out; checked before compiling.
  const WeightTile tile = weight_tile(b);
  const auto words = [&](int64_t rows, int64_t n) {
    return tile.channel_words(to_u32(rows), to_u32(n));
  };
  const int64_t h = c.hidden_size, inter = c.intermediate_size;
  const uint64_t per_channel = (static_cast<uint64_t>(c.num_layers) *
                                    (4 * words(h, h) + words(2 * inter, h) + words(h, inter)) +
                                words(c.vocab_size, h)) *
                               static_cast<uint64_t>(b.weight_word_bytes());
  const uint64_t mib = 1 << 20;
  if (per_channel > channel_bytes(b)) {
    fail("weights per channel (MiB)", static_cast<int64_t>((per_channel + mib - 1) / mib),
         "board.channel_mib", b.board.channel_mib);
  }
}

namespace {

// Lays out the vector bank and the weight channels and emits the token program of a model of
// shape `c` on build `b`. The one layout of compile_model (model and params given: data
// written) and plan_program (null: shapes and addresses only). Returns the header's offset.
uint32_t emit_program(const ModelConfig& c, const Model* model, const FixedParams* params,
                      VecBuilder& vec, WeightBuilder& weights, ProgramPlan& plan) {
  const uint32_t h = to_u32(c.hidden_size), inter = to_u32(c.intermediate_size);
  ImageLayout& lay = plan.layout;
  lay.vocab = to_u32(c.vocab_size);
  const uint32_t header = vec.alloc(kHeaderWords);
  lay.token_in = vec.alloc(1);
  lay.logits = vec.alloc(lay.vocab);
  lay.token_ring = vec.alloc(kTokenRingWords);
  const auto num_ops = static_cast<uint32_t>(program_ops(c));
  lay.program = vec.alloc(uint64_t{num_ops} * kDescriptorWords);
  lay.embedding = vec.alloc(uint64_t{lay.vocab} * int16_vector_words(h));
  if (model != nullptr) {
    for (uint32_t v = 0; v < lay.vocab; ++v) {
      const uint32_t row = lay.embedding + v * to_u32(int16_vector_words(h));
      for (uint32_t k = 0; k < h; ++k) vec.set_half(row, k, model->embedding[size_t{v} * h + k]);
    }
  }
  lay.state_words = to_u32(c.num_layers) * h;
  lay.state = vec.alloc(lay.state_words);

  const auto shape = [&](uint32_t rows, uint32_t n, bool has_rms, const FixedBitLinear* data) {
    return BitLinearShape{rows, n, has_rms, data};
  };
  const auto layer_data = [&](size_t l) { return params ? &params->layers[l] : nullptr; };
  ProgramBuilder prog(vec, weights);
  Descriptor embed = op(kOpEmbed, h);
  embed[kFieldRows] = lay.vocab;
  embed[kFieldDst] = kBufX;
  embed[kFieldAddr0] = lay.embedding;
  embed[kFieldAddr1] = lay.token_in;
  prog.ops.push_back(embed);
  for (size_t l = 0; l < static_cast<size_t>(c.num_layers); ++l) {
    const FixedLayer* w = layer_data(l);
    prog.bitlinear(shape(h, h, true, w ? &w->i_proj : nullptr), kBufX, kBufI);
    prog.bitlinear(shape(h, h, true, w ? &w->f_proj : nullptr), kBufX, kBufF);
    prog.bitlinear(shape(h, h, true, w ? &w->g_proj : nullptr), kBufX, kBufG);
    Descriptor gru = op(kOpMlgru, h);
    gru[kFieldSrc0] = kBufI;
    gru[kFieldSrc1] = kBufF;
    gru[kFieldSrc2] = kBufG;
    gru[kFieldDst] = kBufP;
    gru[kFieldAddr0] = lay.state + to_u32(static_cast<int64_t>(l)) * h;
    gru[kFieldAddr1] = kNoAddress;
    // Every layer but the first has a forget-gate lower bound (compile_fixed_params).
    if (l > 0) {
      gru[kFieldAddr1] = vec.alloc(h);
      if (w) {
        std::copy(w->lower_bound.begin(), w->lower_bound.end(),
                  vec.words().begin() + gru[kFieldAddr1]);
      }
    }
    prog.ops.push_back(gru);
    prog.bitlinear(shape(h, h, true, w ? &w->o_proj : nullptr), kBufP, kBufA);
    prog.vector_op(kOpAdd, h, kBufA, kBufX);
    prog.bitlinear(shape(2 * inter, h, true, w ? &w->gate_proj : nullptr), kBufX, kBufGU);
    prog.vector_op(kOpGlu, inter, kBufGU, kBufP);
    prog.bitlinear(shape(h, inter, false, w ? &w->down_proj : nullptr), kBufP, kBufA);
    prog.vector_op(kOpAdd, h, kBufA, kBufX);
  }
  prog.bitlinear(shape(lay.vocab, h, true, params ? &params->lm_head : nullptr), kBufX, kDstMemory,
                 lay.logits);
  finish_program(prog, num_ops, vec, weights, plan);
  return header;
}

// The shapes compile_model assumes of the compiled parameters: a model whose own shapes
// differ would get a layout that does not describe its data.
void check_shapes(const Model& model, const FixedParams& params) {
  const ModelConfig& c = model.config;
  const auto same = [&](const FixedBitLinear& bl, int64_t rows, int64_t n, bool has_rms) {
    const bool ok = bl.weight != nullptr && bl.weight->rows == rows && bl.weight->cols == n &&
                    static_cast<int64_t>(bl.w_code.size()) == n &&
                    (has_rms ? static_cast<int64_t>(bl.w_rms.size()) == n : bl.w_rms.empty());
    if (!ok)
      throw Error("device image: model '" + c.name +
                  "' has a BitLinear of another shape "
                  "than its config");
  };
  const int64_t h = c.hidden_size, inter = c.intermediate_size;
  if (static_cast<int64_t>(params.layers.size()) != c.num_layers) {
    throw Error("device image: model '" + c.name +
                "' has another number of layers than its config");
  }
  for (size_t l = 0; l < params.layers.size(); ++l) {
    const FixedLayer& w = params.layers[l];
    for (const FixedBitLinear* bl : {&w.i_proj, &w.f_proj, &w.g_proj, &w.o_proj})
      same(*bl, h, h, true);
    same(w.gate_proj, 2 * inter, h, true);
    same(w.down_proj, h, inter, false);
    if (w.lower_bound.size() != (l > 0 ? static_cast<size_t>(h) : 0)) {
      throw Error("device image: model '" + c.name + "' has a lower bound of another shape");
    }
  }
  same(params.lm_head, c.vocab_size, h, true);
}

}  // namespace

ProgramPlan plan_program(const ModelConfig& c, const BuildDescriptor& b, Packing packing) {
  check_model_fits(c, b);
  VecBuilder vec(false);
  WeightBuilder weights(weight_tile(b), false, device_packing(packing));
  ProgramPlan plan;
  if (c.architecture == Architecture::bitnet) {
    emit_bitnet_program(c, nullptr, vec, weights, plan);
  } else {
    emit_program(c, nullptr, nullptr, vec, weights, plan);
  }
  return plan;
}

DeviceImage compile_model(const Model& model, const BuildDescriptor& b, Packing packing) {
  const ModelConfig& c = model.config;
  check_model_fits(c, b);
  check_packing(packing, b);
  const bool bitnet = c.architecture == Architecture::bitnet;
  FixedParams params;
  if (!bitnet) {
    params = compile_fixed_params(model);
    check_shapes(model, params);
  }

  DeviceImage img;
  img.build = b.name;
  img.lanes = b.accel.lanes;
  img.tile_rows = b.accel.tile_rows;
  img.weight_channels = b.accel.weight_channels;
  img.weight_word_bytes = b.weight_word_bytes();
  img.packing = packing;
  VecBuilder vec(true);
  WeightBuilder weights(weight_tile(b), true, device_packing(packing));
  ProgramPlan plan;
  const uint32_t header = bitnet ? emit_bitnet_program(c, &model, vec, weights, plan)
                                 : emit_program(c, &model, &params, vec, weights, plan);
  img.layout = plan.layout;
  img.program = std::move(plan.program);
  const ImageLayout& lay = img.layout;
  std::vector<uint32_t>& words = vec.words();
  for (uint32_t k = 0; k < lay.num_ops; ++k) {
    std::copy(img.program[k].begin(), img.program[k].end(),
              words.begin() + lay.program + k * kDescriptorWords);
  }
  words[header + kHeaderMagic] = kImageMagic;
  words[header + kHeaderVersion] = kImageVersion;
  words[header + kHeaderProgram] = lay.program;
  words[header + kHeaderNumOps] = lay.num_ops;
  img.weights = std::move(weights.images());
  for (auto& w : img.weights) w.resize(lay.weight_words * img.weight_word_bytes, 0);
  img.vec = std::move(words);
  img.identity.build_fingerprint = b.fingerprint();
  img.identity.model_id = model_id(model);
  seal_image(img);
  validate_image(img, b);
  return img;
}

std::string opcode_name(uint32_t opcode) {
  switch (opcode) {
    case kOpEmbed:
      return "Embed";
    case kOpBitLinear:
      return "BitLinear";
    case kOpMlgru:
      return "MLGRU";
    case kOpGlu:
      return "GLU";
    case kOpAdd:
      return "Add";
    case kOpStore:
      return "Store";
    case kOpArgmax:
      return "Argmax";
    case kOpRope:
      return "Rope";
    case kOpKvAppend:
      return "KvAppend";
    case kOpAttention:
      return "Attention";
    case kOpRelu2Glu:
      return "Relu2Glu";
    case kOpHead:
      return "Head";
    default: {
      std::ostringstream s;
      s << "opcode 0x" << std::hex << opcode;
      return s.str();
    }
  }
}

namespace {

const char* status_meaning(uint32_t code) {
  switch (code) {
    case kStatusBadOpcode:
      return "unknown opcode";
    case kStatusBadBuffer:
      return "buffer id out of range";
    case kStatusBadLength:
      return "length is 0 or exceeds the build's buffers, or a position past the KV cache";
    case kStatusBadVecAddress:
      return "vector-bank range runs past the bank";
    case kStatusBadWeightRange:
      return "weight range runs past the weight channel";
    case kStatusBadToken:
      return "token id is outside the vocabulary";
    case kStatusBadProgram:
      return "the program does not fit the vector bank or max_ops";
    case kStatusBadField:
      return "reserved field not zero, mantissa wider than 31 bits or exponent out of range, "
             "or a weight packing the build does not decode";
    default:
      return "unknown status code";
  }
}

}  // namespace

std::string describe_status(uint32_t status, const std::vector<Descriptor>& program) {
  const uint32_t code = status & ((1u << kStatusOpShift) - 1);
  const uint32_t index = status >> kStatusOpShift;
  std::string out = "op " + std::to_string(index);
  if (index < program.size()) out += " (" + opcode_name(program[index][kFieldOpcode]) + ")";
  return out + ": " + status_meaning(code) + " [status 0x" + [&] {
    std::ostringstream s;
    s << std::hex << status;
    return s.str();
  }() + "]";
}

uint32_t vector_bank_crc(const uint32_t* words, const ImageLayout& lay) {
  // Word ranges the checksum skips, in address order.
  std::vector<std::pair<uint64_t, uint64_t>> skip = {
      {kHeaderVecCrc, kHeaderVecCrc + 1},
      {lay.token_in, uint64_t{lay.token_in} + 1},
      {lay.logits, uint64_t{lay.logits} + lay.vocab},
      {lay.token_ring, uint64_t{lay.token_ring} + kTokenRingWords},
      {lay.state, uint64_t{lay.state} + lay.state_words}};
  if (lay.context > 0) skip.emplace_back(lay.position, uint64_t{lay.position} + 1);
  std::sort(skip.begin(), skip.end());
  uint32_t crc = 0;
  uint64_t at = 0;
  for (const auto& [begin, end] : skip) {
    const uint64_t stop = std::min<uint64_t>(begin, lay.vec_words);
    if (stop > at) crc = crc32c(words + at, (stop - at) * sizeof(uint32_t), crc);
    at = std::max(at, end);
  }
  if (lay.vec_words > at) crc = crc32c(words + at, (lay.vec_words - at) * sizeof(uint32_t), crc);
  return crc;
}

void seal_image(DeviceImage& img) {
  ImageIdentity& id = img.identity;
  if (img.vec.size() < kHeaderWords || img.vec.size() != img.layout.vec_words) {
    throw Error("device image: the vector bank has no header or differs from the layout's size");
  }
  uint32_t* header = img.vec.data();
  header[kHeaderBuildLo] = static_cast<uint32_t>(id.build_fingerprint);
  header[kHeaderBuildHi] = static_cast<uint32_t>(id.build_fingerprint >> 32);
  header[kHeaderModelLo] = static_cast<uint32_t>(id.model_id);
  header[kHeaderModelHi] = static_cast<uint32_t>(id.model_id >> 32);
  id.weight_crc.clear();
  uint32_t all_weights = 0;
  for (const auto& w : img.weights) {
    id.weight_crc.push_back(crc32c(w.data(), w.size()));
    all_weights = crc32c(w.data(), w.size(), all_weights);
  }
  header[kHeaderWeightCrc] = all_weights;
  id.vec_crc = vector_bank_crc(img.vec.data(), img.layout);
  header[kHeaderVecCrc] = id.vec_crc;
}

namespace {

// The image was made for this build: same name and fingerprint.
void check_build(const DeviceImage& img, const BuildDescriptor& b) {
  const ImageIdentity& id = img.identity;
  if (img.build != b.name || id.build_fingerprint != b.fingerprint()) {
    throw Error("device image was compiled for build '" + img.build + "' (fingerprint " +
                hex64_string(id.build_fingerprint) + "), but the device runs build '" + b.name +
                "' (fingerprint " + hex64_string(b.fingerprint()) + ", " + b.path +
                "); compile the model for the loaded build");
  }
}

// The banks still hold what the compiler wrote (sizes are checked before).
void check_checksums(const DeviceImage& img) {
  const ImageIdentity& id = img.identity;
  const ImageLayout& lay = img.layout;
  const uint32_t* header = img.vec.data();
  const auto word64 = [&](uint32_t lo) { return header[lo] | uint64_t{header[lo + 1]} << 32; };
  if (header[kHeaderMagic] != kImageMagic || header[kHeaderVersion] != kImageVersion ||
      word64(kHeaderBuildLo) != id.build_fingerprint || word64(kHeaderModelLo) != id.model_id ||
      header[kHeaderVecCrc] != id.vec_crc) {
    throw Error("device image: the header of the vector bank does not match the image's identity");
  }
  const uint32_t vec_crc = vector_bank_crc(img.vec.data(), lay);
  if (vec_crc != id.vec_crc) {
    throw Error("device image: the vector bank is corrupted (" + crc32c_string(vec_crc) +
                ", compiled as " + crc32c_string(id.vec_crc) + ")");
  }
  if (id.weight_crc.size() != img.weights.size()) {
    throw Error("device image: one checksum per weight channel expected");
  }
  for (size_t c = 0; c < img.weights.size(); ++c) {
    const uint32_t crc = crc32c(img.weights[c].data(), img.weights[c].size());
    if (crc != id.weight_crc[c]) {
      throw Error("device image: weight channel " + std::to_string(c) + " is corrupted (" +
                  crc32c_string(crc) + ", compiled as " + crc32c_string(id.weight_crc[c]) + ")");
    }
  }
}

}  // namespace

void validate_image(const DeviceImage& img, const BuildDescriptor& b) {
  const ImageLayout& lay = img.layout;
  check_build(img, b);
  if (img.vec.size() != lay.vec_words || lay.vec_words < kHeaderWords) {
    throw Error("device image: vector bank size mismatch");
  }
  if (img.lanes != b.accel.lanes || img.tile_rows != b.accel.tile_rows ||
      img.weight_channels != b.accel.weight_channels) {
    throw Error("device image: lanes/tile_rows/channels differ from " +
                build_where(b, "accelerator"));
  }
  if (img.weights.size() != static_cast<size_t>(img.weight_channels)) {
    throw Error("device image: one weight image per channel expected");
  }
  for (const auto& w : img.weights) {
    if (w.size() != lay.weight_words * img.weight_word_bytes) {
      throw Error("device image: weight channel size mismatch");
    }
  }
  check_checksums(img);
  const uint64_t cap = channel_bytes(b);
  const uint64_t weight_bytes = lay.weight_words * img.weight_word_bytes;
  const uint64_t vec_bytes = lay.vec_words * kVecWordBytes;
  const bool shared = b.accel.vector_channel < b.accel.weight_channels;
  if (weight_bytes + (shared ? vec_bytes : 0) > cap || vec_bytes > cap) {
    throw Error("device image: " + std::to_string((weight_bytes >> 20) + 1) +
                " MiB of weights per "
                "channel and " +
                std::to_string((vec_bytes >> 20) + 1) + " MiB of vectors exceed " +
                build_where(b, "board.channel_mib"));
  }
  if (lay.num_ops != img.program.size() ||
      !program_fits(lay.program, lay.num_ops, static_cast<uint32_t>(b.accel.max_ops),
                    lay.vec_words)) {
    throw Error("device image: the program (" + std::to_string(lay.num_ops) +
                " ops) does not fit the vector bank or " + build_where(b, "accelerator.max_ops"));
  }
  if (uint64_t{lay.token_in} >= lay.vec_words || uint64_t{lay.logits} + lay.vocab > lay.vec_words ||
      uint64_t{lay.state} + lay.state_words > lay.vec_words) {
    throw Error("device image: the I/O or state area lies outside the vector bank");
  }
  const DeviceLimits lim = device_limits(b, lay.vec_words, lay.weight_words);
  for (uint32_t k = 0; k < lay.num_ops; ++k) {
    const Descriptor& d = img.program[k];
    if (!std::equal(d.begin(), d.end(), img.vec.begin() + lay.program + k * kDescriptorWords)) {
      throw Error("device image: op " + std::to_string(k) +
                  " differs between the program and the vector bank");
    }
    const uint32_t code = check_descriptor(d.data(), lim);
    if (code != kStatusOk) {
      throw Error("token program rejected for " + build_where(b, "accelerator") + ": " +
                  describe_status(make_status(code, k), img.program));
    }
  }
}

}  // namespace mmf::host

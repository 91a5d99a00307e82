// SPDX-License-Identifier: Apache-2.0
// The host-side model compiler: a converted model plus a build descriptor become the device
// memory image (vector bank + one weight image per channel) and the token program
// (docs/device-format.md; descriptor format in hls/include/mmf_hls/program_format.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/model.hpp"
#include "mmf_hls/program_format.hpp"

namespace mmf::host {

using Descriptor = std::array<uint32_t, mmf_hls::kDescriptorWords>;

// Word offsets of the regions of the vector bank.
struct ImageLayout {
  uint32_t token_in = 0;  // the token id the host writes before a launch (each pass's Embed)
  uint32_t logits = 0;    // vocab Q16 logits the program stores
  // kTokenRingWords words: the program's Argmax writes the launch's token t to word t.
  uint32_t token_ring = 0;
  uint32_t program = 0;  // first descriptor
  uint32_t num_ops = 0;
  uint32_t embedding = 0;  // vocab rows of (hidden + 1) / 2 words (bf16 pairs)
  uint32_t state = 0;      // layers x hidden int32 recurrent state (Q16)
  uint32_t state_words = 0;
  uint64_t vec_words = 0;     // size of the vector bank
  uint64_t weight_words = 0;  // size of every weight channel, in weight words
  uint32_t vocab = 0;
  // BitNet b1.58 images: the position of the launch's first token (the host writes it, the
  // program's Rope, KvAppend and Attention read it) and the positions each layer's KV cache
  // holds. context 0: an hgrn_bit image (no position word).
  uint32_t position = 0;
  uint32_t context = 0;
};

// Words of the vector bank's header (docs/device-format.md).
enum ImageHeaderWord : uint32_t {
  kHeaderMagic = 0,  // "MMFI"
  kHeaderVersion = 1,
  kHeaderProgram = 2,  // word offset of the program
  kHeaderNumOps = 3,
  kHeaderBuildLo = 4,  // BuildDescriptor::fingerprint(), low word first
  kHeaderBuildHi = 5,
  kHeaderModelLo = 6,  // mmf::model_id(), low word first
  kHeaderModelHi = 7,
  kHeaderVecCrc = 8,     // vector_bank_crc()
  kHeaderWeightCrc = 9,  // CRC32C of all weight channels in channel order
  kHeaderWords = 16,     // words 10..15 are zero
};

// What an image was made from and checksums of what it holds, also written into the header of
// its vector bank (docs/device-format.md). validate_image() checks them against the banks and
// the build; the Accelerator checks them again on what it reads back after the upload.
struct ImageIdentity {
  uint64_t build_fingerprint = 0;    // BuildDescriptor::fingerprint() of the build
  uint64_t model_id = 0;             // mmf::model_id() of the model
  uint32_t vec_crc = 0;              // vector_bank_crc() of the bank as compiled
  std::vector<uint32_t> weight_crc;  // CRC32C of each weight channel's image
};

struct DeviceImage {
  std::string build;  // descriptor name
  ImageIdentity identity;
  int lanes = 0;
  int tile_rows = 1;  // the weight tile the image was laid out for (WeightTile)
  int weight_channels = 0;
  int weight_word_bytes = 0;
  Packing packing = Packing::two_bit;  // of every BitLinear's weights (kFieldPacking)
  ImageLayout layout;
  std::vector<uint32_t> vec;                  // the vector bank, program included
  std::vector<std::vector<uint8_t>> weights;  // one image per weight channel
  std::vector<Descriptor> program;            // the same descriptors, for inspection
};

// What a device of this build with banks of these sizes accepts (check_descriptor): the host's
// counterpart of mmf_hls::device_limits<Cfg>.
mmf_hls::DeviceLimits device_limits(const BuildDescriptor& build, uint64_t vec_words,
                                    uint64_t weight_words);
// The build's weight layout (lanes, tile_rows, weight_channels): the host's counterpart of
// mmf_hls::weight_tile_of<Cfg>.
mmf_hls::WeightTile weight_tile(const BuildDescriptor& build);

// Ops of a layer: BitLinear i, f, g, MLGRU, BitLinear o, Add, BitLinear gate, GLU, BitLinear
// down, Add.
constexpr int64_t kOpsPerLayer = 10;
// Ops of a BitNet layer: BitLinear q, k, v, Rope q, Rope k, KvAppend, Attention, BitLinear o,
// Add, BitLinear gate, BitLinear up, Relu2Glu, BitLinear down, Add.
constexpr int64_t kBitNetOpsPerLayer = 14;
// The token ring: at most this many tokens a launch (LaunchRegs::num_tokens).
constexpr uint32_t kTokenRingWords = 256;
// Length of the token program compile_model emits for a model of this shape.
int64_t program_ops(const ModelConfig& config);

// Fails (naming the build's YAML and key) when the model does not fit the build.
void check_model_fits(const ModelConfig& config, const BuildDescriptor& build);

// Compiles `model` for `build`; validates the result before returning it.
// packing: of every BitLinear's weights; five_trit needs a build that decodes it
// (check_packing).
DeviceImage compile_model(const Model& model, const BuildDescriptor& build,
                          Packing packing = Packing::two_bit);

// The layout and token program compile_model gives a model of this shape, every descriptor
// and address the same, without compiling weights or writing any bank (a BitLinear's
// constant is 0): what a timing model needs, in microseconds even for 2.7B (the sweep).
struct ProgramPlan {
  ImageLayout layout;
  std::vector<Descriptor> program;
};
// A plan may name a packing the build does not decode (the sweep prices a build with the
// decoder): nothing checks the plan's descriptors against the build.
ProgramPlan plan_program(const ModelConfig& config, const BuildDescriptor& build,
                         Packing packing = Packing::two_bit);

// The descriptor's kFieldPacking value of a packing.
uint32_t device_packing(Packing packing);
// Fails, naming the build's accelerator.packings, unless the build decodes `packing`.
void check_packing(Packing packing, const BuildDescriptor& build);

// A 1.6-bit row block (WeightTile): `count` 2-bit weight words of `lanes` trits at `words`
// re-packed into WeightTile::five_trit_beats(count) beats of lanes / 4 bytes at `beats`, the
// tail zero; and back, a byte no packing makes (243..255) giving zero trits as in the RTL.
void words_to_five_trit_block(const uint8_t* words, uint64_t count, uint32_t lanes, uint8_t* beats);
void five_trit_block_to_words(const uint8_t* beats, uint64_t count, uint32_t lanes, uint8_t* words);

// CRC32C of the vector bank's constant contents: every word except the token, the logits, the
// recurrent state (which the device writes) and the checksum word of the header itself.
uint32_t vector_bank_crc(const uint32_t* words, const ImageLayout& layout);

// Writes the identity into the header and recomputes every checksum from the banks as they are.
// compile_model() ends with it; a tool that edits an image on purpose (a test, a fuzzer) calls
// it so that validate_image() judges the edit rather than the checksum.
void seal_image(DeviceImage& image);

// Checks the identity and checksums (the build's fingerprint, the bank CRCs), then every
// descriptor against the image's banks (check_descriptor) and the layout against
// the build; throws an Error naming the op, its opcode and the problem. Run before any launch.
void validate_image(const DeviceImage& image, const BuildDescriptor& build);

// "BitLinear", "MLGRU", ...; "opcode 0x2a" for unknown ones.
std::string opcode_name(uint32_t opcode);
// Human-readable meaning of a status register value ("op 12 (BitLinear): weight range ...").
std::string describe_status(uint32_t status, const std::vector<Descriptor>& program);

}  // namespace mmf::host

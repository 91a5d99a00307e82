// SPDX-License-Identifier: Apache-2.0
// The SystemVerilog packages against their C++ definitions: rtl/mmf_format_pkg.sv must mirror
// program_format.hpp and the two_bit trit codes constant for constant; the generated build
// packages carry their descriptor's values. (Lint: lint_test.cpp.)
#include <map>
#include <regex>

#include "common/checks.hpp"
#include "common/temp_dir.hpp"
#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/ternary_pack.hpp"
#include "mmf_hls/controller_states.hpp"
#include "mmf_hls/kernel_regs.hpp"
#include "mmf_hls/program_format.hpp"

namespace mmf::test {
namespace {

using namespace mmf_hls;

const std::string kSource = MMF_SOURCE_DIR;

// Value of an SV constant expression of the forms the package uses: 12, 32'd1, 32'hFFFF_FFFF,
// 2'b01, and `a << b` of those.
uint64_t sv_value(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  const size_t shift = text.find("<<");
  if (shift != std::string::npos) {
    return sv_value(text.substr(0, shift)) << sv_value(text.substr(shift + 2));
  }
  const size_t tick = text.find('\'');
  if (tick == std::string::npos) return std::stoull(text);
  const char base = text[tick + 1];
  const std::string digits = text.substr(tick + 2);
  return std::stoull(digits, nullptr, base == 'h' ? 16 : (base == 'b' ? 2 : 10));
}

// name -> value of every localparam and enum member in an SV file.
std::map<std::string, uint64_t> sv_constants(const std::string& path) {
  const std::string text = read_file(path);
  std::map<std::string, uint64_t> out;
  const std::regex param(R"(localparam\s+[^=;]*?\b([A-Z]\w*)\s*=\s*([^;]+);)");
  const std::regex member(R"(\b([A-Z]\w*)\s*=\s*(\d+'[dhb][0-9A-Fa-f_]+)\s*[,\n])");
  for (std::sregex_iterator it(text.begin(), text.end(), param), end; it != end; ++it) {
    out[(*it)[1]] = sv_value((*it)[2]);
  }
  for (std::sregex_iterator it(text.begin(), text.end(), member), end; it != end; ++it) {
    out.emplace((*it)[1], sv_value((*it)[2]));
  }
  return out;
}

TEST(FormatPackage, MirrorsProgramFormatAndTritCodes) {
  using TwoBit = PackingTraits<Packing::two_bit>;
  const std::map<std::string, uint64_t> expected = {
      {"VecWordBits", kVecWordBytes * 8},
      {"DescriptorWords", kDescriptorWords},
      {"OpEmbed", kOpEmbed},
      {"OpBitLinear", kOpBitLinear},
      {"OpMlgru", kOpMlgru},
      {"OpGlu", kOpGlu},
      {"OpAdd", kOpAdd},
      {"OpStore", kOpStore},
      {"OpArgmax", kOpArgmax},
      {"OpRope", kOpRope},
      {"OpKvAppend", kOpKvAppend},
      {"OpAttention", kOpAttention},
      {"OpRelu2Glu", kOpRelu2Glu},
      {"OpHead", kOpHead},
      {"OpcodeMin", kOpcodeMin},
      {"OpcodeMax", kOpcodeMax},
      {"OpcodeBitNetMin", kOpcodeBitNetMin},
      {"FieldOpcode", kFieldOpcode},
      {"FieldN", kFieldN},
      {"FieldRows", kFieldRows},
      {"FieldSrc0", kFieldSrc0},
      {"FieldSrc1", kFieldSrc1},
      {"FieldSrc2", kFieldSrc2},
      {"FieldDst", kFieldDst},
      {"FieldAddr0", kFieldAddr0},
      {"FieldAddr1", kFieldAddr1},
      {"FieldAddr2", kFieldAddr2},
      {"FieldWeight", kFieldWeight},
      {"FieldMant", kFieldMant},
      {"FieldExp", kFieldExp},
      {"FieldPacking", kFieldPacking},
      {"FieldReservedBegin", kFieldReservedBegin},
      {"FieldHeadDim", kFieldHeadDim},
      {"FieldContext", kFieldContext},
      {"PackTwoBit", kPackTwoBit},
      {"PackFiveTrit", kPackFiveTrit},
      {"NoAddress", kNoAddress},
      {"DstMemory", kDstMemory},
      {"BufX", kBufX},
      {"BufI", kBufI},
      {"BufF", kBufF},
      {"BufG", kBufG},
      {"BufA", kBufA},
      {"BufGU", kBufGU},
      {"BufP", kBufP},
      {"NumBuffers", kNumBuffers},
      {"MaxRows", kMaxRows},
      {"MantLimit", kMantLimit},
      {"ExpLimit", static_cast<uint64_t>(kExpLimit)},
      {"MaxLaunchTokens", kMaxLaunchTokens},
      {"RopeLoRows", kRopeLoRows},
      {"MaxQueryGroup", kMaxQueryGroup},
      {"StatusOk", kStatusOk},
      {"StatusBadOpcode", kStatusBadOpcode},
      {"StatusBadBuffer", kStatusBadBuffer},
      {"StatusBadLength", kStatusBadLength},
      {"StatusBadVecAddress", kStatusBadVecAddress},
      {"StatusBadWeightRange", kStatusBadWeightRange},
      {"StatusBadToken", kStatusBadToken},
      {"StatusBadProgram", kStatusBadProgram},
      {"StatusBadField", kStatusBadField},
      {"StatusOpShift", kStatusOpShift},
      {"TritZero", TwoBit::code_zero},
      {"TritPlus", TwoBit::code_plus},
      {"TritMinus", TwoBit::code_minus},
      {"DotRegEvery", kDotRegEvery},
  };
  const auto sv = sv_constants(kSource + "/rtl/mmf_format_pkg.sv");
  for (const auto& [name, value] : expected) {
    const auto it = sv.find(name);
    MMF_EXPECT_TRUE(it != sv.end()) << name << " missing from mmf_format_pkg.sv";
    if (it != sv.end()) {
      MMF_EXPECT_EQ(it->second, value) << name;
    }
  }
  for (const auto& [name, value] : sv) {
    MMF_EXPECT_TRUE(expected.count(name) == 1)
        << name << " (= " << value << ") has no C++ counterpart in this test";
  }
}

// The generated control package carries kernel_regs.hpp's map and counters, every counter
// named (Cnt + the CamelCase of its name) at its index, and the state width.
TEST(ControlPackage, CarriesTheRegisterMapAndTheCounters) {
  const auto sv = sv_constants(kSource + "/bitstreams/generated/mmf_control_pkg.sv");
  std::map<std::string, uint64_t> expected = {{"ScalarRegBase", kScalarRegBase},
                                              {"PointerRegBase", kPointerRegBase},
                                              {"CounterRegBase", kCounterRegBase},
                                              {"NumScalarArgs", kNumScalarArgs},
                                              {"CntStatus", kRegStatus},
                                              {"CntOpsDone", kRegOpsDone},
                                              {"CntTernaryOps", kRegTernaryOps},
                                              {"CntWeightBytes", kRegWeightBytes},
                                              {"CntVectorBytes", kRegVectorBytes},
                                              {"CntBusyCycles", kRegBusyCycles},
                                              {"CntPassCycles", kRegPassCycles},
                                              {"CntVecWaitCycles", kRegVecWaitCycles},
                                              {"CntStarvedCycles", kRegStarvedCycles},
                                              {"CntAccumulateCycles", kRegAccumulateCycles},
                                              {"CntVecReadBytes", kRegVecReadBytes},
                                              {"CntVecWriteBytes", kRegVecWriteBytes},
                                              {"CntAxiErrors", kRegAxiErrors},
                                              {"CntChannelBytes", kRegChannelBytes},
                                              {"StateBits", kControllerStateBits}};
  MMF_EXPECT_EQ(sv, expected);
}

// The controller's state_e lists the states in controller_states.hpp's order, which the
// simulators use to name dbg_state_o and to time ops (kStFetchOp, kStDone).
TEST(ControllerStates, TheRtlEnumIsTheTablesOrder) {
  const std::string text = read_file(kSource + "/rtl/mmf/mmf_controller.sv");
  const std::regex decl(R"(typedef\s+enum\s+logic\s*\[[^\]]*\]\s*\{([^}]*)\}\s*state_e\s*;)");
  std::smatch m;
  MMF_ASSERT_TRUE(std::regex_search(text, m, decl)) << "no state_e in mmf_controller.sv";
  // The members, comments dropped.
  const std::string body = std::regex_replace(m[1].str(), std::regex(R"(//[^\n]*)"), "");
  std::vector<std::string> members;
  const std::regex name(R"(\b(St\w+)\b)");
  for (std::sregex_iterator it(body.begin(), body.end(), name), end; it != end; ++it) {
    members.push_back((*it)[1]);
  }
  std::vector<std::string> table;
  for (const ControllerStateInfo& s : kControllerStates) table.push_back(s.name);
  MMF_EXPECT_EQ(members, table);
  MMF_EXPECT_TRUE(body.find('=') == std::string::npos) << "state_e numbers its members by order";
}

// The generated build packages carry the build's values.
TEST(BuildPackage, CarriesTheDescriptorsValues) {
  for (const char* name : {"ci-tiny", "u280"}) {
    const host::BuildDescriptor b = host::load_build_descriptor(host::build_descriptor_path(name));
    const auto sv =
        sv_constants(kSource + "/bitstreams/generated/" + std::string(name) + "/mmf_build_pkg.sv");
    MMF_EXPECT_EQ(sv.at("Lanes"), static_cast<uint64_t>(b.accel.lanes)) << name;
    MMF_EXPECT_EQ(sv.at("WeightChannels"), static_cast<uint64_t>(b.accel.weight_channels));
    MMF_EXPECT_EQ(sv.at("VectorLanes"), static_cast<uint64_t>(b.accel.vector_lanes));
    MMF_EXPECT_EQ(sv.at("MaxVector"), static_cast<uint64_t>(b.accel.max_vector));
    MMF_EXPECT_EQ(sv.at("MaxOps"), static_cast<uint64_t>(b.accel.max_ops));
    MMF_EXPECT_EQ(sv.at("FiveTrit"), uint64_t{b.accel.five_trit}) << name;
    MMF_EXPECT_EQ(sv.at("MaxContext"), static_cast<uint64_t>(b.accel.max_context)) << name;
    MMF_EXPECT_EQ(sv.at("MaxHeadDim"), static_cast<uint64_t>(b.accel.max_head_dim)) << name;
    MMF_EXPECT_EQ(sv.at("Fingerprint"), b.fingerprint());
  }
}

}  // namespace
}  // namespace mmf::test

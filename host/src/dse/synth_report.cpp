// SPDX-License-Identifier: Apache-2.0
// Resource reports of the RTL: cell counting, `stat` parsing, the unit table and the Yosys
// script (see synth_report.hpp). Running Yosys is in synth_run.cpp.
#include "mmf/host/dse/synth_report.hpp"

#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mmf/error.hpp"
#include "mmf_hls/kernel_regs.hpp"

namespace mmf::host {
namespace {

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

}  // namespace

// ---- Parsing Yosys's stat -------------------------------------------------------------

ResourceCounts parse_stat_json(const std::string& text, const std::string& source) {
  using nlohmann::json;
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    // Yosys 0.23 prints the design hierarchy of `stat -top X -json` as text lines ("  name  1")
    // into the JSON; without them it parses.
    std::string cleaned;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (line.find_first_of("\"{}[]") != std::string::npos) cleaned += line + "\n";
    }
    try {
      j = json::parse(cleaned);
    } catch (const json::exception&) {
      throw Error(source + ": not the JSON of Yosys `stat -json` (" + e.what() + ")");
    }
  }
  const json* section = nullptr;
  if (j.is_object() && j.contains("design")) {
    section = &j["design"];
  } else if (j.is_object() && j.contains("modules") && j["modules"].is_object() &&
             j["modules"].size() == 1) {
    section = &j["modules"].begin().value();
  } else {
    throw Error(source + ": Yosys stat JSON without a \"design\" section or a single module");
  }
  if (!section->is_object() || !section->contains("num_cells_by_type") ||
      !(*section)["num_cells_by_type"].is_object()) {
    throw Error(source + ": Yosys stat JSON without an object \"num_cells_by_type\"");
  }
  std::map<std::string, int64_t> cells;
  for (const auto& [type, n] : (*section)["num_cells_by_type"].items()) {
    if (!n.is_number_integer() || n.get<int64_t>() < 0) {
      throw Error(source + ": cell count of '" + type + "' is " + n.dump() +
                  ", expected a non-negative integer");
    }
    cells[type] = n.get<int64_t>();
  }
  return count_cells(cells);
}

ResourceCounts parse_stat_text(const std::string& text, const std::string& source) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // The last "Number of cells:" belongs to the last block `stat` printed.
  size_t at = lines.size();
  for (size_t k = 0; k < lines.size(); ++k) {
    if (lines[k].find("Number of cells:") != std::string::npos) at = k;
  }
  if (at == lines.size()) throw Error(source + ": no \"Number of cells:\" in the Yosys stat text");
  int64_t declared = 0;
  {
    std::istringstream head(lines[at].substr(lines[at].find(':') + 1));
    if (!(head >> declared) || declared < 0) {
      throw Error(source + ":" + std::to_string(at + 1) + ": malformed \"Number of cells:\" line");
    }
  }
  // Then one "<type> <count>" line per cell type, up to a blank line.
  std::map<std::string, int64_t> cells;
  int64_t listed = 0;
  for (size_t k = at + 1; k < lines.size(); ++k) {
    std::istringstream row(lines[k]);
    std::string type, rest;
    int64_t n = 0;
    if (!(row >> type)) break;
    if (!(row >> n) || (row >> rest) || n < 0) {
      throw Error(source + ":" + std::to_string(k + 1) + ": expected '<cell type> <count>', got '" +
                  lines[k] + "'");
    }
    cells[type] += n;
    listed += n;
  }
  if (listed != declared) {
    throw Error(source + ": the cell list sums to " + std::to_string(listed) +
                ", but stat declared " + std::to_string(declared) + " cells (truncated output?)");
  }
  return count_cells(cells);
}

// ---- Units of the kernel ---------------------------------------------------------------------

BuildPackage parse_build_package(const std::string& text, const std::string& source) {
  // Lines "  localparam int unsigned <Name> = <integer>;" and the flags "  localparam bit <Name>
  // = 1'b0;" (or 1'b1) as 0 or 1; derived ones written as expressions (WeightWordBits =
  // 2 * Lanes) and the logic-typed fingerprint are left out.
  BuildPackage out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string localparam, type, sign, name, eq, value;
    if (!(words >> localparam >> type)) continue;
    if (localparam == "localparam" && type == "bit") {
      std::string rest;
      if ((words >> name >> eq >> value) && eq == "=" && !(words >> rest) &&
          (value == "1'b0;" || value == "1'b1;")) {
        out[name] = value == "1'b1;" ? 1 : 0;
      }
      continue;
    }
    if (!(words >> sign >> name >> eq >> value) || localparam != "localparam" || type != "int" ||
        sign != "unsigned" || eq != "=") {
      continue;
    }
    std::string rest;
    if (value.empty() || value.back() != ';' || (words >> rest)) continue;
    value.pop_back();
    if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) continue;
    out[name] = std::stoll(value);
  }
  if (out.empty()) throw Error(source + ": no integer localparam (not an mmf_build_pkg?)");
  return out;
}

namespace {

// A parameter of the build package; the error names it (an older generated package lacks it).
int64_t need(const BuildPackage& p, const char* name) {
  const auto it = p.find(name);
  if (it == p.end()) {
    throw Error(std::string("mmf_build_pkg has no localparam ") + name + " (run `make gen`?)");
  }
  return it->second;
}

// Parameter sets, each from the build package, as mmf_kernel sets them.
SynthParams no_params(const BuildPackage&) {
  return {};
}
SynthParams weight_params(const BuildPackage& p) {
  const int64_t lanes = need(p, "Lanes"), tile_rows = need(p, "TileRows");
  const int64_t cols = lanes / tile_rows;
  return {{"Lanes", lanes},
          {"TileRows", tile_rows},
          {"MaxRowWords", (need(p, "MaxVector") + cols - 1) / cols}};
}
// The 1.6-bit unpacker: a word's lanes and a row block's words, not the tile's shape (it sits at
// the memory port, before the FIFO).
SynthParams unpack_params(const BuildPackage& p) {
  SynthParams out = weight_params(p);
  out.erase(out.begin() + 1);  // TileRows
  return out;
}
SynthParams channel_params(const BuildPackage& p) {
  SynthParams out = weight_params(p);
  out.emplace_back("FifoDepth", need(p, "WeightFifoDepth"));
  out.emplace_back("FifoUltraRam", need(p, "WeightFifoUltraRam"));
  out.emplace_back("FiveTrit", need(p, "FiveTrit"));
  return out;
}
// The vector units: VectorLanes 32-bit values per beat (Lanes is the weight word's trits).
SynthParams vector_params(const BuildPackage& p) {
  return {{"VectorLanes", need(p, "VectorLanes")}};
}
// The RoPE unit: VectorLanes a beat, heads up to the build's max_head_dim (a build without
// attention units has none; its row then gives the size at 2B4T's 128).
SynthParams rope_params(const BuildPackage& p) {
  const int64_t head_dim = need(p, "MaxHeadDim");
  return {{"VectorLanes", need(p, "VectorLanes")}, {"MaxHeadDim", head_dim != 0 ? head_dim : 128}};
}
// One RoPE unit in a build with attention units (in mmf_vector_datapath), else none.
int64_t one_if_attention(const BuildPackage& p) {
  return need(p, "MaxContext") != 0 ? 1 : 0;
}
SynthParams vector_pass_params(const BuildPackage& p) {
  return {{"VectorLanes", need(p, "VectorLanes")}, {"MaxN", need(p, "MaxVector")}};
}
SynthParams merge_params(const BuildPackage& p) {
  return {{"Channels", need(p, "WeightChannels")}};
}
// The BitNet ops mmf_kernel runs so far (its BitNetOps, bit k for opcode 8 + k: Rope and
// Relu2Glu; and EmbedFromWeights), as its descriptor check is instantiated there. Temporary:
// both go once the kernel runs every BitNet op.
constexpr int64_t kKernelBitNetOps = 0b01001;
constexpr int64_t kKernelEmbedFromWeights = 1;
SynthParams check_params(const BuildPackage& p) {
  SynthParams out = {{"MaxVector", need(p, "MaxVector")},
                     {"Lanes", need(p, "Lanes")},
                     {"TileRows", need(p, "TileRows")},
                     {"WeightChannels", need(p, "WeightChannels")},
                     {"FiveTrit", need(p, "FiveTrit")}};
  if (need(p, "MaxContext") != 0) {
    out.emplace_back("MaxContext", need(p, "MaxContext"));
    out.emplace_back("MaxHeadDim", need(p, "MaxHeadDim"));
    out.emplace_back("VectorLanes", need(p, "VectorLanes"));
    out.emplace_back("BitNetOps", kKernelBitNetOps);
    out.emplace_back("EmbedFromWeights", kKernelEmbedFromWeights);
  }
  return out;
}
// s_axi_control as mmf_kernel has it: the launch scalars, one pointer per weight channel plus
// the vector bank, the counters (kernel_regs.hpp).
SynthParams control_params(const BuildPackage& p) {
  const int64_t channels = need(p, "WeightChannels");
  return {{"NumScalars", mmf_hls::kNumScalarArgs},
          {"NumPointers", channels + 1},
          {"NumCounters", mmf_hls::num_counters(static_cast<uint32_t>(channels))}};
}
// The vector bank's masters (inside mmf_vec_reader/_writer): one vector of VectorLanes 32-bit
// values per beat, bursts of 16, a 64-beat read FIFO.
SynthParams vector_read_params(const BuildPackage& p) {
  return {{"DataWidth", 32 * need(p, "VectorLanes")}, {"MaxBurst", 16}, {"FifoDepth", 64}};
}
SynthParams argmax_params(const BuildPackage& p) {
  return {{"VectorLanes", need(p, "VectorLanes")}};
}
SynthParams vector_write_params(const BuildPackage& p) {
  return {{"DataWidth", 32 * need(p, "VectorLanes")}, {"MaxBurst", 16}};
}
SynthParams kernel_params(const BuildPackage& p) {
  return {{"Lanes", need(p, "Lanes")},
          {"TileRows", need(p, "TileRows")},
          {"Channels", need(p, "WeightChannels")},
          {"VectorLanes", need(p, "VectorLanes")},
          {"MaxVector", need(p, "MaxVector")},
          {"MaxOps", need(p, "MaxOps")},
          {"WeightFifoDepth", need(p, "WeightFifoDepth")},
          {"WeightFifoUltraRam", need(p, "WeightFifoUltraRam")},
          {"FiveTrit", need(p, "FiveTrit")},
          {"MaxContext", need(p, "MaxContext")},
          {"MaxHeadDim", need(p, "MaxHeadDim")}};
}

int64_t none(const BuildPackage&) {
  return 0;
}
int64_t one(const BuildPackage&) {
  return 1;
}
int64_t per_weight_channel(const BuildPackage& p) {
  return need(p, "WeightChannels");
}
// One 1.6-bit unpacker per weight channel in a build that decodes 1.6-bit weights.
int64_t per_five_trit_channel(const BuildPackage& p) {
  return need(p, "FiveTrit") != 0 ? need(p, "WeightChannels") : 0;
}

struct UnitRow {
  const char* unit;
  const char* module;
  SynthParams (*params)(const BuildPackage&);
  int64_t (*instances)(const BuildPackage&);
  const char* within;  // "" or the unit whose netlist holds these instances
  bool kernel_top;
  bool boxed_in_top;  // mmf_kernel's hierarchy instantiates it with exactly `params`
};

// THE unit table, instances as in mmf_kernel's hierarchy (its parts mmf_vector_datapath and
// mmf_weight_array hold them): one of each vector unit; per weight channel an
// mmf_weight_channel (its own read master inside, and in a build with FiveTrit its
// mmf_weight_unpack) and an mmf_rescale. mmf_row_merge is not in the kernel (mmf_row_gather
// restores row order there): 0 instances, listed for its size.
// The kernel top is the total whenever rtl/ has its file; without it the total is the sum.
constexpr UnitRow kUnits[] = {
    {"mmf_ternary_acc", "mmf_ternary_acc", weight_params, per_weight_channel, "mmf_weight_channel",
     false, false},
    {"mmf_weight_channel", "mmf_weight_channel", channel_params, per_weight_channel, "", false,
     true},
    {"mmf_norm_quantize", "mmf_norm_quantize", vector_pass_params, one, "", false, true},
    {"mmf_mlgru_gate", "mmf_mlgru_gate", vector_params, one, "", false, true},
    {"mmf_silu", "mmf_silu", vector_params, one, "", false, true},
    {"mmf_rope", "mmf_rope", rope_params, one_if_attention, "", false, true},
    // BitNet b1.58's softmax numerators, RoPE and head quantizer (MaxHeadDim and MaxHeads at
    // their defaults, 128 and 8): not in mmf_kernel yet, 0 instances, listed for their size.
    {"mmf_attention_exp", "mmf_attention_exp", vector_params, none, "", false, false},
    {"mmf_head_quantize", "mmf_head_quantize", vector_params, none, "", false, false},
    {"mmf_rope_angle", "mmf_rope_angle", vector_params, none, "", false, false},
    {"mmf_rope_rotate", "mmf_rope_rotate", vector_params, none, "", false, false},
    // The rest of BitNet b1.58's attention arithmetic, not in mmf_kernel yet either: scores,
    // value weights and outputs (VectorLanes a beat), the softmax sum's reciprocal (MaxContext at
    // its default, the numerics' limit).
    {"mmf_attention_score", "mmf_attention_score", vector_params, none, "", false, false},
    {"mmf_attention_weight", "mmf_attention_weight", vector_params, none, "", false, false},
    {"mmf_attention_recip", "mmf_attention_recip", no_params, none, "", false, false},
    {"mmf_attention_out", "mmf_attention_out", vector_params, none, "", false, false},
    {"mmf_scaled_products", "mmf_scaled_products", vector_pass_params, one, "", false, true},
    {"mmf_residual_add", "mmf_residual_add", vector_params, one, "", false, true},
    {"mmf_bf16_to_q16", "mmf_bf16_to_q16", vector_params, one, "", false, true},
    {"mmf_rescale", "mmf_rescale", no_params, per_weight_channel, "", false, true},
    {"mmf_row_merge", "mmf_row_merge", merge_params, none, "", false, false},
    // The 1.6-bit weight unpacker, inside each weight channel of a build that decodes 1.6-bit
    // weights (accelerator.packings lists 1.6bit: FiveTrit), else 0 instances, listed for its
    // size.
    {"mmf_weight_unpack", "mmf_weight_unpack", unpack_params, per_five_trit_channel,
     "mmf_weight_channel", false, false},
    {"mmf_descriptor_check", "mmf_descriptor_check", check_params, one, "", false, true},
    // The greedy sampling unit inside mmf_vector_datapath: the top synthesizes it itself.
    {"mmf_argmax", "mmf_argmax", argmax_params, one, "", false, false},
    {"mmf_axil_control", "mmf_axil_control", control_params, one, "", false, true},
    // The kernel's read and write masters sit inside mmf_vec_reader / mmf_vec_writer: the top
    // synthesizes them itself.
    {"mmf_axi_read_master", "mmf_axi_read_master", vector_read_params, one, "", false, false},
    {"mmf_axi_write_master", "mmf_axi_write_master", vector_write_params, one, "", false, false},
    {"mmf_kernel", "mmf_kernel", kernel_params, one, "", true, false},
};

}  // namespace

std::vector<SynthUnit> synth_units(const BuildPackage& package) {
  std::vector<SynthUnit> out;
  for (const UnitRow& row : kUnits) {
    out.push_back({row.unit, row.module, row.params(package), row.instances(package), row.within,
                   row.kernel_top, row.boxed_in_top});
  }
  return out;
}

std::string yosys_family(const std::string& part) {
  std::string p = part;
  for (char& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Series number and the letter after it: "xcvu9p-..." -> digits "9", then 'p'.
  const auto plus_part = [&p](size_t prefix) {
    size_t k = prefix;
    while (k < p.size() && std::isdigit(static_cast<unsigned char>(p[k]))) ++k;
    return k > prefix && k < p.size() && p[k] == 'p';
  };
  if (starts_with(p, "xc7")) return "xc7";
  // Zynq UltraScale+ MPSoCs, and the Kria SOMs built on them (xck26: the KV260's K26).
  if (starts_with(p, "xczu")) return "xcup";
  if (starts_with(p, "xck") && p.size() > 3 && std::isdigit(static_cast<unsigned char>(p[3]))) {
    return "xcup";
  }
  if (starts_with(p, "xcvu") || starts_with(p, "xcku")) return plus_part(4) ? "xcup" : "xcu";
  // Alveo cards (xcu50, xcu55c, xcu200, xcu250, xcu280) are UltraScale+ devices.
  if (starts_with(p, "xcu") && p.size() > 3 && std::isdigit(static_cast<unsigned char>(p[3]))) {
    return "xcup";
  }
  throw Error("board.part '" + part +
              "': no Yosys synth_xilinx family known for it (expected xc7*, xcku*, xcvu*, "
              "xczu*, xck<N>* or an Alveo xcu<N>* part)");
}

int64_t instances_of(const ResourceCounts& top, const std::string& module) {
  int64_t n = 0;
  for (const auto& [type, count] : top.cells) {
    if (is_instance_of(type, module)) n += count;
  }
  return n;
}

std::string synth_script(const SynthUnit& unit, const std::string& family,
                         const std::vector<std::string>& sources, const std::string& stat_json,
                         const std::string& netlist_json,
                         const std::vector<std::string>& black_boxes) {
  for (const std::string& name : {stat_json, netlist_json}) {
    if (name.find_first_of(" \t\n\"") != std::string::npos) {
      throw Error("'" + name + "': Yosys `tee -o` and `json -o` take no quoted file names");
    }
  }
  const auto quoted = [](const std::string& s) { return "\"" + s + "\""; };
  std::ostringstream s;
  s << "# Generated by `mmf synth`: unit " << unit.unit << ".\n"
    << "read_verilog -defer -sv";
  for (const auto& f : sources) s << " " << quoted(f);
  s << "\nhierarchy -check -top " << unit.module;
  for (const auto& [name, value] : unit.params) s << " -chparam " << name << " " << value;
  if (unit.kernel_top && !black_boxes.empty()) {
    // After elaboration a module is `m`, `$paramod$<hash>\m` or `$paramod\m\<params>`.
    s << "\nblackbox";
    for (const std::string& m : black_boxes) {
      s << " " << m << " $paramod*\\" << m << " $paramod*\\" << m << "\\*";
    }
  }
  // Units are not chip tops: no I/O buffers, no clock buffer. A unit is flattened (one netlist,
  // optimized across its submodules, its depth walked across them). So is the kernel top with
  // its units as black boxes: what is left is the glue between them (controller, loader,
  // buffer bank, gearboxes), whose paths cross its submodules. Alone, with every unit inside,
  // the top is synthesized hierarchically: flattened, Yosys 0.23 needed more than 18 GB for
  // ci-tiny's, and hierarchically each distinct module is synthesized once (31 weight channels
  // cost one). `stat -top` then sums the hierarchy.
  const bool flatten = !unit.kernel_top || !black_boxes.empty();
  s << "\nsynth_xilinx -family " << family << " -top " << unit.module
    << (flatten ? " -flatten" : "")
    << " -noiopad -noclkbuf\n"
    // Yosys 0.23 leaves one INV per flip-flop on an active-low asynchronous reset, where Vivado
    // uses one inverted net; merging identical cells removes those copies.
    << "opt_merge -share_all\nopt_clean\n"
    << "tee -q -o " << stat_json << " stat -top " << unit.module
    << " -json\n"
    // The mapped netlist for the logic depth (logic_depth.hpp): `json` writes the selected
    // modules, so not the blackbox cell library `write_json` would add (9 MB for a small unit).
    << "json -o " << netlist_json << "\n";
  return s.str();
}

}  // namespace mmf::host

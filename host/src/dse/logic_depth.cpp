// SPDX-License-Identifier: Apache-2.0
// Logic depth of a Yosys JSON netlist (see logic_depth.hpp): a longest-path pass in Kahn's
// topological order over the net bits of each module, no recursion.
#include "mmf/host/dse/logic_depth.hpp"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <vector>

#include "mmf/error.hpp"

namespace mmf::host {
namespace {

using nlohmann::json;

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

// What a cell is on a path.
enum class Role {
  cut,      // a path starts at its outputs and ends at its inputs
  lut,      // one LUT level, every input to every output
  lutram,   // one LUT level, read address to data; write ports end paths
  carry,    // one carry level, bit i of S/DI to outputs i and up, CI/CYINIT/CI_TOP to all
  pass,     // no weight, every input to every output (MUXF*, buffers)
  unknown,  // as pass, and listed
};

Role role_of(const std::string& type, const std::set<std::string>& design_modules) {
  // Registers and hard blocks. A DSP48 is taken as registered (Yosys packs its pipeline
  // registers when the RTL has them); a combinational DSP would hide its depth here.
  for (const char* p : {"FD", "RAMB", "FIFO", "URAM", "DSP48", "SRL"}) {
    if (starts_with(type, p)) return Role::cut;
  }
  if (type == "GND" || type == "VCC" || design_modules.count(type) != 0) return Role::cut;
  if (type == "INV" ||
      (type.size() == 4 && starts_with(type, "LUT") && type[3] >= '1' && type[3] <= '6')) {
    return Role::lut;
  }
  if (type == "CARRY4" || type == "CARRY8") return Role::carry;
  // Distributed RAM: RAM32M, RAM64M8, RAM64X1D, RAM32X16DR8, ... (block RAM is RAMB*, above).
  if (starts_with(type, "RAM")) return Role::lutram;
  // MUXF7/F8/F9 are in the slice beside the LUTs: no level of their own. Buffers are wires here.
  static const std::set<std::string> kPass = {"MUXF7", "MUXF8",  "MUXF9", "BUFG", "BUFGCE",
                                              "BUFH",  "BUFHCE", "IBUF",  "OBUF", "BUFGCTRL"};
  if (kPass.count(type) != 0) return Role::pass;
  return Role::unknown;
}

// A distributed RAM input that only writes (clock, enable, data, write address): it ends a path
// instead of reaching the read data.
bool lutram_write_input(const std::string& port) {
  return port == "WCLK" || port == "WE" || port == "D" || starts_with(port, "DI") ||
         starts_with(port, "WA") || starts_with(port, "WS");
}

struct Arc {
  int32_t from;
  int32_t to;
  int32_t cell;  // index into the module's weighted cells
};

struct Weight {
  int lut = 0;
  int carry = 0;
};

// The net bits of one module, numbered densely as they are met.
class Bits {
 public:
  // -1 for a constant ("0", "1", "x", "z").
  int32_t id(const json& bit, const std::string& where) {
    if (bit.is_string()) return -1;
    if (!bit.is_number_integer()) throw Error(where + ": a connection bit is " + bit.dump());
    const auto [it, added] = ids_.emplace(bit.get<int64_t>(), static_cast<int32_t>(ids_.size()));
    return it->second;
  }
  size_t size() const { return ids_.size(); }

 private:
  std::unordered_map<int64_t, int32_t> ids_;
};

const json& member(const json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_object()) {
    throw Error(where + ": expected an object \"" + key + "\" (Yosys write_json)");
  }
  return *it;
}

// The depth of one module; cells of `design_modules` types are cuts.
LogicDepth module_depth(const std::string& name, const json& module,
                        const std::set<std::string>& design_modules, const std::string& source) {
  const std::string where = source + ": module " + name;
  LogicDepth out;
  out.module = name;
  Bits bits;
  std::vector<Arc> arcs;
  std::vector<std::string> cell_names;
  std::vector<Weight> weights;
  std::vector<std::pair<int32_t, int32_t>> outputs;  // (bit, cell): a weighted cell drives it
  const json& cells = member(module, "cells", where);
  for (const auto& [cell_name, cell] : cells.items()) {
    ++out.cells;
    const std::string at = where + ", cell " + cell_name;
    const auto type_it = cell.find("type");
    if (type_it == cell.end() || !type_it->is_string()) throw Error(at + ": no string \"type\"");
    const std::string type = type_it->get<std::string>();
    Role role = role_of(type, design_modules);
    const auto dirs_it = cell.find("port_directions");
    const bool has_dirs = dirs_it != cell.end() && dirs_it->is_object();
    if (role == Role::unknown) {
      ++out.unknown_cells[type];
      if (!has_dirs) role = Role::cut;  // no directions: nothing to follow through it
    }
    if (role == Role::cut) continue;
    if (!has_dirs) throw Error(at + " (" + type + "): no \"port_directions\"");
    const json& conns = member(cell, "connections", at);
    const auto index = static_cast<int32_t>(weights.size());
    cell_names.push_back(cell_name);
    weights.push_back(
        {role == Role::lut || role == Role::lutram ? 1 : 0, role == Role::carry ? 1 : 0});
    // Inputs as (bit, position in its port, whether it reaches every output); outputs likewise.
    struct Pin {
      int32_t bit;
      size_t pos;
      bool all;
    };
    std::vector<Pin> ins, outs;
    for (const auto& [port, dir] : dirs_it->items()) {
      const auto c = conns.find(port);
      if (c == conns.end()) continue;  // an unconnected port
      if (!c->is_array()) throw Error(at + ": connection " + port + " is not a list of bits");
      const std::string d = dir.is_string() ? dir.get<std::string>() : "";
      for (size_t k = 0; k < c->size(); ++k) {
        const int32_t b = bits.id((*c)[k], at);
        if (b < 0) continue;
        if (d == "output") {
          outs.push_back({b, k, true});
        } else if (d == "input") {
          if (role == Role::lutram && lutram_write_input(port)) continue;
          // The carry chain: S[i] and DI[i] reach outputs i and up; CI, CYINIT, CI_TOP all.
          const bool all = role != Role::carry || !(port == "S" || port == "DI");
          ins.push_back({b, k, all});
        }
        // inout: neither (no such cell in a synth_xilinx netlist without I/O buffers)
      }
    }
    for (const Pin& o : outs) {
      outputs.emplace_back(o.bit, index);
      for (const Pin& i : ins) {
        if (i.all || i.pos <= o.pos) arcs.push_back({i.bit, o.bit, index});
      }
    }
  }

  // Levels of each bit: 0 where a path starts (ports, cuts, constants, undriven), the driving
  // cell's weight plus its deepest input otherwise.
  const size_t n = bits.size();
  std::vector<Weight> level(n);
  std::vector<int32_t> driver(n, -1);
  for (const auto& [bit, cell] : outputs) {
    level[bit].lut = std::max(level[bit].lut, weights[cell].lut);
    level[bit].carry = std::max(level[bit].carry, weights[cell].carry);
    driver[bit] = cell;
  }
  // Arcs grouped by their source bit (counting sort), in-degrees for Kahn's order.
  std::vector<int32_t> first(n + 1, 0), indegree(n, 0);
  for (const Arc& a : arcs) {
    ++first[a.from + 1];
    ++indegree[a.to];
  }
  for (size_t k = 0; k < n; ++k) first[k + 1] += first[k];
  std::vector<Arc> by_from(arcs.size());
  {
    std::vector<int32_t> next(first.begin(), first.end() - 1);
    for (const Arc& a : arcs) by_from[next[a.from]++] = a;
  }
  std::vector<int32_t> queue;
  queue.reserve(n);
  for (size_t b = 0; b < n; ++b) {
    if (indegree[b] == 0) queue.push_back(static_cast<int32_t>(b));
  }
  for (size_t head = 0; head < queue.size(); ++head) {
    const int32_t b = queue[head];
    for (int32_t k = first[b]; k < first[b + 1]; ++k) {
      const Arc& a = by_from[k];
      level[a.to].lut = std::max(level[a.to].lut, level[b].lut + weights[a.cell].lut);
      level[a.to].carry = std::max(level[a.to].carry, level[b].carry + weights[a.cell].carry);
      if (--indegree[a.to] == 0) queue.push_back(a.to);
    }
  }

  if (queue.size() < n) {
    // A loop. Bits left with inputs are on a loop or after one; dropping, repeatedly, those
    // that lead to no other left bit keeps the loops (and what runs between them).
    std::vector<char> left(n, 0);
    for (size_t b = 0; b < n; ++b) left[b] = indegree[b] > 0;
    std::vector<int32_t> outdegree(n, 0);
    std::vector<std::vector<int32_t>> preds(n);
    for (const Arc& a : arcs) {
      if (left[a.from] && left[a.to]) {
        ++outdegree[a.from];
        preds[a.to].push_back(a.from);
      }
    }
    std::vector<int32_t> sinks;
    for (size_t b = 0; b < n; ++b) {
      if (left[b] && outdegree[b] == 0) sinks.push_back(static_cast<int32_t>(b));
    }
    while (!sinks.empty()) {
      const int32_t b = sinks.back();
      sinks.pop_back();
      left[b] = 0;
      for (int32_t p : preds[b]) {
        if (left[p] && --outdegree[p] == 0) sinks.push_back(p);
      }
    }
    std::set<std::string> named;
    for (size_t b = 0; b < n && named.size() < 4; ++b) {
      if (left[b] && driver[b] >= 0) named.insert(cell_names[driver[b]]);
    }
    std::string list;
    for (const auto& c : named) list += (list.empty() ? "" : ", ") + c;
    throw Error(where + ": combinational loop (no register on it) through cells " + list);
  }

  for (size_t b = 0; b < n; ++b) {
    if (level[b].lut > out.lut_levels) {
      out.lut_levels = level[b].lut;
      out.lut_end = driver[b] >= 0 ? cell_names[driver[b]] : "";
    }
    if (level[b].carry > out.carry_levels) {
      out.carry_levels = level[b].carry;
      out.carry_end = driver[b] >= 0 ? cell_names[driver[b]] : "";
    }
  }
  return out;
}

bool is_blackbox(const json& module) {
  const auto a = module.find("attributes");
  if (a == module.end() || !a->is_object()) return false;
  const auto b = a->find("blackbox");
  // Yosys writes attribute values as binary strings ("000...001").
  return b != a->end() && !(b->is_string() && b->get<std::string>().find('1') == std::string::npos);
}

}  // namespace

void LogicDepth::merge(const LogicDepth& o) {
  if (o.lut_levels > lut_levels) {
    lut_levels = o.lut_levels;
    lut_end = o.lut_end;
    module = o.module;
  }
  if (o.carry_levels > carry_levels) {
    carry_levels = o.carry_levels;
    carry_end = o.carry_end;
  }
  cells += o.cells;
  for (const auto& [type, count] : o.unknown_cells) unknown_cells[type] += count;
}

bool is_instance_of(const std::string& type, const std::string& module) {
  if (type == module) return true;
  if (!starts_with(type, "$paramod")) return false;
  const std::string name = "\\" + module;
  const bool named_last =
      type.size() >= name.size() && type.compare(type.size() - name.size(), name.size(), name) == 0;
  return named_last || type.find(name + "\\") != std::string::npos;
}

LogicDepth logic_depth_of_json(const std::string& text, const std::string& source,
                               const std::vector<std::string>& boxed_modules) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw Error(source + ": not the JSON of Yosys `write_json` (" + e.what() + ")");
  }
  if (!j.is_object()) throw Error(source + ": not the JSON of Yosys `write_json` (no object)");
  const json& modules = member(j, "modules", source);
  // Instances of the design's modules are path ends: those walked here, and black boxes that
  // are not cells of the library (units synthesized on their own, `mmf synth`'s kernel top).
  std::set<std::string> design, ends;
  for (const auto& [name, m] : modules.items()) {
    if (!m.is_object()) throw Error(source + ": module " + name + " is not an object");
    if (!is_blackbox(m)) {
      design.insert(name);
      ends.insert(name);
    } else if (role_of(name, {}) == Role::unknown) {
      ends.insert(name);
    }
  }
  if (design.empty()) throw Error(source + ": no module other than blackboxes (cell libraries)");
  for (const std::string& name : design) {
    const auto cells = modules[name].find("cells");
    if (cells == modules[name].end() || !cells->is_object()) continue;
    for (const auto& [cell, c] : cells->items()) {
      const auto type = c.find("type");
      if (type == c.end() || !type->is_string()) continue;
      for (const std::string& m : boxed_modules) {
        if (is_instance_of(type->get<std::string>(), m)) ends.insert(type->get<std::string>());
      }
    }
  }
  LogicDepth out;
  bool first = true;
  for (const std::string& name : design) {
    const LogicDepth d = module_depth(name, modules[name], ends, source);
    if (first) {
      out = d;
      first = false;
    } else {
      out.merge(d);
    }
  }
  return out;
}

}  // namespace mmf::host

// SPDX-License-Identifier: Apache-2.0
// The sweep spec: parsing, expansion into points and every check before a point runs.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "mmf/error.hpp"
#include "mmf/host/dse/sweep.hpp"
#include "mmf/host/runtime/model_source.hpp"
#include "mmf/host/util/join_list.hpp"
#include "mmf/yaml_file.hpp"

namespace mmf::host {
namespace {

const std::set<std::string> kTopKeys = {"name",       "models",           "boards",
                                        "grid",       "points",           "max_utilization",
                                        "references", "tokens_per_launch"};
// The parameters a grid or a point may set; any left out keeps the build's value.
const std::vector<std::string> kParams = {"lanes",           "tile_rows",    "clock_mhz",
                                          "weight_channels", "vector_lanes", "packing"};

bool power_of_two(int v) {
  return v > 0 && (v & (v - 1)) == 0;
}

class SpecReader {
 public:
  explicit SpecReader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw Error(path_ + ": '" + where + "' " + what);
  }

  void check_keys(const YAML::Node& node, const std::string& where,
                  const std::set<std::string>& keys) const {
    if (!node.IsMap()) fail(where, "must be a mapping");
    for (const auto& kv : node) {
      const std::string key = kv.first.IsScalar() ? kv.first.as<std::string>() : "?";
      if (!keys.count(key)) {
        fail(where.empty() ? key : where + "." + key,
             "is an unknown key (expected " + join_list({keys.begin(), keys.end()}) + ")");
      }
    }
  }

  // A scalar or a list of scalars.
  std::vector<std::string> words(const YAML::Node& node, const std::string& where) const {
    std::vector<std::string> out;
    if (node.IsScalar()) {
      out.push_back(node.as<std::string>());
    } else if (node.IsSequence() && node.size() > 0) {
      for (const auto& v : node) {
        if (!v.IsScalar()) fail(where, "must hold plain values");
        out.push_back(v.as<std::string>());
      }
    } else {
      fail(where, "must be a value or a non-empty list of values");
    }
    return out;
  }

  // Checks one parameter value and returns it in canonical text.
  std::string param(const std::string& key, const std::string& v, const std::string& where) const {
    const auto integer = [&](long lo, long hi, const std::string& what) {
      size_t used = 0;
      long n = 0;
      try {
        n = std::stol(v, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != v.size() || n < lo || n > hi) fail(where, "is '" + v + "'; expected " + what);
      return static_cast<int>(n);
    };
    if (key == "lanes") {
      const int n = integer(4, 512, "a power of two in 4..512 (trits per cycle per channel)");
      if (!power_of_two(n)) fail(where, "is '" + v + "'; expected a power of two in 4..512");
      return std::to_string(n);
    }
    if (key == "tile_rows") {
      const int n = integer(1, 64, "a power of two in 1..64 (rows of the weight tile)");
      if (!power_of_two(n)) fail(where, "is '" + v + "'; expected a power of two in 1..64");
      return std::to_string(n);
    }
    if (key == "vector_lanes") {
      const int n = integer(2, 32, "a power of two in 2..32");
      if (!power_of_two(n)) fail(where, "is '" + v + "'; expected a power of two in 2..32");
      return std::to_string(n);
    }
    if (key == "weight_channels") {
      if (v == "all") return v;
      return std::to_string(integer(1, 64, "all or a channel count in 1..64"));
    }
    if (key == "clock_mhz") {
      size_t used = 0;
      double mhz = 0;
      try {
        mhz = std::stod(v, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != v.size() || !std::isfinite(mhz) || mhz < 1 || mhz > 1000) {
        fail(where, "is '" + v + "'; expected a clock in MHz, 1 to 1000");
      }
      std::ostringstream s;
      s << mhz;
      return s.str();
    }
    // packing
    if (v != "2bit" && v != "1.6bit") fail(where, "is '" + v + "'; expected 2bit or 1.6bit");
    return v;
  }

  // A grid: parameter -> its values (each checked).
  std::map<std::string, std::vector<std::string>> grid(const YAML::Node& node,
                                                       const std::string& where) const {
    check_keys(node, where, {kParams.begin(), kParams.end()});
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>(), at = where + "." + key;
      for (const auto& v : words(kv.second, at)) out[key].push_back(param(key, v, at));
    }
    return out;
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

using Params = std::map<std::string, std::string>;

// Every combination of the grid's values, in the order of kParams.
std::vector<Params> combinations(const std::map<std::string, std::vector<std::string>>& grid) {
  std::vector<Params> out(1);
  for (const std::string& key : kParams) {
    const auto it = grid.find(key);
    if (it == grid.end()) continue;
    std::vector<Params> next;
    for (const Params& p : out) {
      for (const std::string& v : it->second) {
        Params q = p;
        q[key] = v;
        next.push_back(std::move(q));
      }
    }
    out = std::move(next);
  }
  return out;
}

// The channel count "all" means on a board: as many as the descriptor allows.
int all_channels(const BuildDescriptor& b) {
  const int most = b.board.is_soc() ? kSocHpPorts - 1 : 31;
  return std::min(b.board.memory_channels, most);
}

}  // namespace

uint32_t packed_word_bytes(int lanes, Packing packing) {
  return static_cast<uint32_t>(packed_row_bytes(static_cast<size_t>(lanes), packing));
}

std::string SweepPoint::key() const {
  std::ostringstream s;
  s << board << ' ' << model << " lanes=" << build.accel.lanes
    << " tile_rows=" << build.accel.tile_rows << " clock_mhz=" << build.accel.clock_mhz
    << " weight_channels=" << build.accel.weight_channels
    << " vector_lanes=" << build.accel.vector_lanes << " packing=" << packing_name(packing);
  if (tokens_per_launch != 1) s << " tokens_per_launch=" << tokens_per_launch;
  return s.str();
}

namespace {

SweepSpec read_sweep_spec(const std::string& path, int only_point) {
  const YAML::Node root = load_yaml_file(path, "sweep spec");
  const SpecReader r(path);
  r.check_keys(root, "", kTopKeys);
  SweepSpec spec;
  spec.path = path;
  spec.name = root["name"] ? root["name"].as<std::string>() : "sweep";
  if (root["max_utilization"]) {
    const double u = root["max_utilization"].as<double>(0.0);
    if (!(u > 0 && u <= 1)) r.fail("max_utilization", "must be a share in (0, 1]");
    spec.budget.logic_share = u;
    spec.budget.block_share = u;
  }
  uint32_t tokens_per_launch = 1;
  if (root["tokens_per_launch"]) {
    const int64_t k = root["tokens_per_launch"].as<int64_t>(0);
    if (k < 1 || k > kTokenRingWords) {
      r.fail("tokens_per_launch",
             "must be 1 to " + std::to_string(kTokenRingWords) + " (the device's token ring)");
    }
    tokens_per_launch = static_cast<uint32_t>(k);
  }
  if (root["references"]) {
    if (!root["references"].IsSequence()) r.fail("references", "must be a list");
    for (size_t k = 0; k < root["references"].size(); ++k) {
      const YAML::Node n = root["references"][k];
      const std::string where = "references[" + std::to_string(k) + "]";
      r.check_keys(n, where, {"model", "label", "tok_per_s", "watts"});
      SweepReference ref;
      try {
        ref = {n["model"].as<std::string>(), n["label"].as<std::string>(),
               n["tok_per_s"].as<double>(), n["watts"].as<double>()};
      } catch (const YAML::Exception&) {
        r.fail(where, "needs model, label, tok_per_s and watts");
      }
      if (!(ref.tok_per_s > 0) || !(ref.watts > 0)) r.fail(where, "needs tok_per_s and watts > 0");
      spec.references.push_back(ref);
    }
  }
  if (!root["models"]) r.fail("models", "is missing: the model shapes to time (370m, 1.3b, ...)");
  const std::vector<std::string> models = r.words(root["models"], "models");
  std::map<std::string, ModelConfig> configs;
  for (const std::string& m : models) {
    try {
      configs[m] = resolve_config(m);
    } catch (const Error& e) {
      r.fail("models", "names '" + m + "', which is not a model shape: " + e.what());
    }
  }

  // Boards: a list of builds, or a map build -> the grid values that board uses instead.
  const auto global = root["grid"] ? r.grid(root["grid"], "grid")
                                   : std::map<std::string, std::vector<std::string>>{};
  std::vector<std::pair<std::string, std::map<std::string, std::vector<std::string>>>> boards;
  if (root["boards"] && root["boards"].IsMap()) {
    for (const auto& kv : root["boards"]) {
      const std::string name = kv.first.as<std::string>();
      auto grid = global;
      if (!kv.second.IsNull()) {
        for (auto& [k, v] : r.grid(kv.second, "boards." + name)) grid[k] = v;
      }
      boards.emplace_back(name, grid);
    }
  } else if (root["boards"]) {
    for (const std::string& b : r.words(root["boards"], "boards")) boards.emplace_back(b, global);
  }
  if (boards.empty() && !root["points"]) {
    r.fail("boards", "is missing: the builds to sweep (or give 'points')");
  }

  // The points as written: board, model, parameters.
  struct Raw {
    std::string board, model, where;
    Params params;
  };
  std::vector<Raw> raws;
  for (const auto& [board, grid] : boards) {
    for (const std::string& m : models) {
      for (const Params& p : combinations(grid)) raws.push_back({board, m, "boards." + board, p});
    }
  }
  if (root["points"]) {
    if (!root["points"].IsSequence()) r.fail("points", "must be a list of points");
    std::set<std::string> keys = {"board", "model"};
    keys.insert(kParams.begin(), kParams.end());
    for (size_t k = 0; k < root["points"].size(); ++k) {
      const YAML::Node p = root["points"][k];
      const std::string where = "points[" + std::to_string(k) + "]";
      r.check_keys(p, where, keys);
      if (!p["board"] || !p["model"]) r.fail(where, "needs a board and a model");
      Raw raw{p["board"].as<std::string>(), p["model"].as<std::string>(), where, {}};
      if (!configs.count(raw.model)) {
        try {
          configs[raw.model] = resolve_config(raw.model);
        } catch (const Error& e) {
          r.fail(where + ".model", "names '" + raw.model + "', not a model shape: " + e.what());
        }
      }
      for (const std::string& key : kParams) {
        if (p[key]) {
          if (!p[key].IsScalar()) r.fail(where + "." + key, "must be one value");
          raw.params[key] = r.param(key, p[key].as<std::string>(), where + "." + key);
        }
      }
      raws.push_back(std::move(raw));
    }
  }
  if (raws.empty()) r.fail("points", "the spec gives no point");

  if (only_point >= static_cast<int>(raws.size())) {
    throw Error("--index " + std::to_string(only_point) + ": the spec " + path + " has points 0.." +
                std::to_string(raws.size() - 1));
  }
  // Each point's build as the validator sees it, and the model on it.
  std::map<std::string, BuildDescriptor> bases;
  std::map<std::string, int> seen;
  for (size_t k = 0; k < raws.size(); ++k) {
    if (only_point >= 0 && k != static_cast<size_t>(only_point)) continue;
    const Raw& raw = raws[k];
    SweepPoint pt;
    pt.index = static_cast<int>(k);
    pt.model = raw.model;
    pt.tokens_per_launch = tokens_per_launch;
    pt.config = configs.at(raw.model);
    const std::string where = path + ": point " + std::to_string(pt.index) + " (" + raw.where +
                              ", " + raw.board + ", " + raw.model + ")";
    std::string file;
    try {
      file = build_descriptor_path(raw.board);
      if (!bases.count(file)) bases[file] = load_build_descriptor(file);
    } catch (const Error& e) {
      throw Error(where + ": " + e.what());
    }
    const BuildDescriptor& base = bases.at(file);
    pt.board = base.name;
    AcceleratorOverrides o;
    const auto get = [&](const std::string& key) -> const std::string* {
      const auto it = raw.params.find(key);
      return it == raw.params.end() ? nullptr : &it->second;
    };
    if (const auto* v = get("lanes")) o.lanes = std::stoi(*v);
    if (const auto* v = get("clock_mhz")) o.clock_mhz = std::stod(*v);
    if (const auto* v = get("vector_lanes")) o.vector_lanes = std::stoi(*v);
    if (const auto* v = get("tile_rows")) o.tile_rows = std::stoi(*v);
    if (const auto* v = get("weight_channels")) {
      o.weight_channels = *v == "all" ? all_channels(base) : std::stoi(*v);
    }
    if (const auto* v = get("packing")) {
      pt.packing = parse_packing(*v, where);
    }
    try {
      pt.build = load_build_descriptor(file, o);
      check_model_fits(pt.config, pt.build);
    } catch (const Error& e) {
      throw Error(where + ": " + e.what());
    }
    const auto [it, fresh] = seen.emplace(pt.key(), pt.index);
    if (!fresh) {
      throw Error(where + " repeats point " + std::to_string(it->second) + " (" + pt.key() + ")");
    }
    spec.points.push_back(std::move(pt));
  }
  return spec;
}

}  // namespace

SweepSpec load_sweep_spec(const std::string& path, int only_point) {
  try {
    return read_sweep_spec(path, only_point);
  } catch (const YAML::Exception& e) {
    // A value of the wrong kind where the reader asked for another (a map for a name).
    throw Error(path + ": a value has the wrong type (" + e.msg + ")");
  }
}

}  // namespace mmf::host

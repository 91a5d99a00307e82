// SPDX-License-Identifier: Apache-2.0
// The sweep's results: results.csv, and the Pareto plots drawn by gnuplot.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "mmf/error.hpp"
#include "mmf/host/util/csv.hpp"
#include "sweep_files.hpp"

namespace mmf::host {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The columns of results.csv, in order (the point file's fields, its key and status left out).
const std::vector<std::string> kColumns = {"index",
                                           "board",
                                           "model",
                                           "lanes",
                                           "clock_mhz",
                                           "weight_channels",
                                           "vector_lanes",
                                           "packing",
                                           "tokens_per_launch",
                                           "kernel_cycles",
                                           "link_cycles",
                                           "tok_per_s",
                                           "watts",
                                           "joules_per_token",
                                           "tok_per_s_per_w",
                                           "static_share",
                                           "weight_bytes",
                                           "stream_gbps",
                                           "channel_gbps",
                                           "memory_bound",
                                           "lut",
                                           "decoder_lut",
                                           "ff",
                                           "dsp",
                                           "bram",
                                           "uram",
                                           "lut_share",
                                           "ff_share",
                                           "dsp_share",
                                           "bram_share",
                                           "uram_share",
                                           "fits",
                                           "limit",
                                           "sim_seconds"};

std::string csv_field(const json& v) {
  if (v.is_string()) return csv_escape(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  if (v.is_number_float()) {
    std::ostringstream s;
    s.precision(6);
    s << v.get<double>();
    return s.str();
  }
  return v.dump();
}

// A model's name as a file name part: a shape's name (1.3b) as it is, a file's stem.
std::string file_part(const std::string& model) {
  const bool file = model.find('/') != std::string::npos ||
                    fs::path(model).extension() == ".yaml" ||
                    fs::path(model).extension() == ".safetensors";
  std::string out = file ? fs::path(model).stem().string() : model;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  }
  return out;
}

bool have_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string d; std::getline(dirs, d, ':');) {
    if (!d.empty() && ::access((fs::path(d) / name).c_str(), X_OK) == 0) return true;
  }
  return false;
}

// One model's plot: a point block per board (those that fit), one for the points over their
// device, and the front. Returns the files written.
std::vector<std::string> plot_model(const std::string& dir, const std::string& model,
                                    const std::vector<const json*>& rows,
                                    const std::vector<SweepReference>& refs) {
  const std::string stem = "pareto-" + file_part(model);
  std::map<std::string, std::vector<const json*>> by_board;
  std::vector<const json*> over, front;
  for (const json* r : rows) {
    ((*r)["fits"].get<bool>() ? by_board[(*r)["board"].get<std::string>()] : over).push_back(r);
    if ((*r)["pareto"].get<bool>()) front.push_back(r);
  }
  std::sort(front.begin(), front.end(), [](const json* a, const json* b) {
    return (*a)["tok_per_s"].get<double>() < (*b)["tok_per_s"].get<double>();
  });
  std::ostringstream data, plot;
  int block = 0;
  const auto put = [&](const std::vector<const json*>& points, const std::string& style,
                       const std::string& title) {
    for (const json* r : points) {
      data << (*r)["tok_per_s"].get<double>() << ' ' << (*r)["tok_per_s_per_w"].get<double>()
           << '\n';
    }
    data << "\n\n";
    plot << (block == 0 ? "plot " : ", \\\n     ") << "'" << stem << ".dat' index " << block
         << " using 1:2 " << style << " title '" << title << "'";
    ++block;
  };
  for (const auto& [board, points] : by_board) put(points, "with points pt 7 ps 1.2", board);
  if (!over.empty()) put(over, "with points pt 1 lc rgb 'gray60'", "over the device (estimate)");
  if (!front.empty())
    put(front, "with linespoints lw 2 pt 6 ps 2.5 lc rgb 'black'", "Pareto front");
  for (const SweepReference& ref : refs) {
    if (ref.model != model) continue;
    data << ref.tok_per_s << ' ' << ref.tok_per_s / ref.watts << "\n\n\n";
    plot << (block == 0 ? "plot " : ", \\\n     ") << "'" << stem << ".dat' index " << block
         << " using 1:2 with points pt 3 ps 2.5 lc rgb 'red' title '" << ref.label << "'";
    ++block;
  }
  if (block == 0) return {};
  write_text_atomically((fs::path(dir) / (stem + ".dat")).string(), data.str());
  std::ostringstream gp;
  gp << "# Drawn by mmf sweep; rerun: cd "
     << "<sweep dir> && gnuplot " << stem << ".gp\n"
     << "set title '" << model << ": " << rows.size()
     << " points, tokens/s simulated (SystemC platform), energy modeled' noenhanced\n"
     << "set xlabel 'tokens/s (simulated)'\n"
     << "set ylabel 'tokens/s per W (modeled, wall power incl. static)'\n"
     << "set logscale xy\nset grid\nset key inside left top noenhanced box opaque\n";
  for (const auto& [term, ext] :
       {std::pair<std::string, std::string>{"pngcairo size 1100,650", "png"},
        {"svg size 1100,650", "svg"}}) {
    gp << "set terminal " << term << "\nset output '" << stem << "." << ext << "'\n"
       << plot.str() << "\n";
  }
  write_text_atomically((fs::path(dir) / (stem + ".gp")).string(), gp.str());
  const std::string cmd =
      "cd '" + dir + "' && gnuplot '" + stem + ".gp' > '" + stem + ".gnuplot.log' 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    throw Error("mmf sweep: gnuplot failed on " + (fs::path(dir) / (stem + ".gp")).string() +
                "; see " + stem + ".gnuplot.log");
  }
  return {(fs::path(dir) / (stem + ".png")).string(), (fs::path(dir) / (stem + ".svg")).string()};
}

}  // namespace

void write_sweep_results(const SweepSpec& spec, const SweepRunOptions& o,
                         const std::vector<json>& rows_in, SweepSummary& summary) {
  std::vector<json> rows = rows_in;
  // The Pareto front of each model's points.
  std::map<std::string, std::vector<size_t>> by_model;
  for (size_t k = 0; k < rows.size(); ++k) by_model[rows[k]["model"]].push_back(k);
  for (const auto& [model, ks] : by_model) {
    std::vector<SweepRow> sr;
    for (size_t k : ks) {
      SweepRow r;
      r.point = &spec.points[rows[k]["index"].get<size_t>()];
      r.result.tok_per_s = rows[k]["tok_per_s"];
      r.result.tok_per_s_per_w = rows[k]["tok_per_s_per_w"];
      r.result.resources.fits = rows[k]["fits"];
      sr.push_back(r);
    }
    for (size_t k : ks) rows[k]["pareto"] = false;
    for (size_t f : pareto_front(sr)) rows[ks[f]]["pareto"] = true;
  }
  std::ostringstream csv;
  for (size_t c = 0; c < kColumns.size(); ++c) csv << (c ? "," : "") << kColumns[c];
  csv << ",pareto\n";
  for (const json& r : rows) {
    for (size_t c = 0; c < kColumns.size(); ++c) csv << (c ? "," : "") << csv_field(r[kColumns[c]]);
    csv << "," << csv_field(r["pareto"]) << "\n";
  }
  write_text_atomically((fs::path(o.out_dir) / "results.csv").string(), csv.str());
  if (!o.plot) return;
  if (!have_program("gnuplot")) {
    std::cerr << "mmf sweep: gnuplot is not installed: no Pareto plots (make deps installs it)\n";
    return;
  }
  for (const auto& [model, ks] : by_model) {
    std::vector<const json*> rs;
    for (size_t k : ks) rs.push_back(&rows[k]);
    for (auto& f : plot_model(o.out_dir, model, rs, spec.references)) summary.plots.push_back(f);
  }
}

}  // namespace mmf::host

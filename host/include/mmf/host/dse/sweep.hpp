// SPDX-License-Identifier: Apache-2.0
// Design-space sweeps (`mmf sweep`): a YAML spec names boards, model shapes and a grid (or a
// list) of build parameters; every point is the board's build descriptor with those values,
// timed for one steady-state token on the SystemC platform (no weights: the token program of
// the shape, plan_program), with the build's energy model, a resource estimate from
// whole-kernel Yosys runs and a bandwidth check. docs/sweep.md has the spec's keys and the
// outputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mmf/host/build/build_descriptor.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/host/dse/synth_report.hpp"
#include "mmf/model.hpp"
#include "mmf_hls/kernel_regs.hpp"

namespace mmf::host {

// Bytes of a weight word of `lanes` trits on a channel in `packing`. The RTL decodes
// two_bit; five_trit (1.6-bit) is modeled only: the platform moves ceil(lanes / 5) bytes a word.
uint32_t packed_word_bytes(int lanes, Packing packing);

// One point: a board's build with accelerator values replaced, a model shape, a packing.
struct SweepPoint {
  int index = 0;
  std::string board;  // the build's name (the YAML's stem)
  std::string model;  // as the spec names it (370m, 1.3b, a path)
  Packing packing = Packing::two_bit;
  // Tokens a launch (the spec's tokens_per_launch): the launch's passes are timed back to back
  // and the host link is paid once for them.
  uint32_t tokens_per_launch = 1;
  BuildDescriptor build;  // after the point's values
  ModelConfig config;
  std::string key() const;  // "u280 1.3b lanes=512 clock_mhz=300 weight_channels=31 ..."
};

// A published figure drawn beside a model's points (e.g. the paper's FPGA projection).
struct SweepReference {
  std::string model, label;
  double tok_per_s = 0, watts = 0;
};

struct SweepSpec {
  std::string name;
  std::string path;
  // What a point may take of the device, shell included: `mmf synth --check`'s budget, or
  // the spec's max_utilization for every resource.
  FitBudget budget;
  std::vector<SweepPoint> points;
  std::vector<SweepReference> references;
};

// Reads the spec, expands its grid and list into points and checks every one (unknown keys,
// impossible values, each point's build as the YAML validator would, the model fitting the
// build's memory and buffers) before anything runs; errors name the file, key or point.
// only_point >= 0 builds and checks that point alone (what its process needs; the pool
// checked them all): `points` then holds just it.
SweepSpec load_sweep_spec(const std::string& path, int only_point = -1);

// The counters a run of `plan` reports: what the kernel counts (mmf_hls::run_program), derived
// from the descriptors alone (a 1.6-bit BitLinear's weight bytes are its beats').
mmf_hls::KernelCounters planned_counters(const ProgramPlan& plan, const BuildDescriptor& build);

struct PointResult {
  uint64_t kernel_cycles = 0, link_cycles = 0;
  double tok_per_s = 0, watts = 0, joules_per_token = 0, tok_per_s_per_w = 0;
  double static_share = 0;    // of the energy per token
  double stream_gbps = 0;     // one weight streamer's demand at the clock
  double channel_gbps = 0;    // one channel's sustained rate (board.memory_timing)
  bool memory_bound = false;  // the streamer wants more than its channel gives
  uint64_t weight_bytes = 0;
  ResourceEstimate resources;
  double sim_seconds = 0;
};
// Times one point on the SystemC platform (needs MMF_WITH_SYSTEMC; else an Error says so).
PointResult evaluate_point(const SweepPoint& point, const FitBudget& budget);

struct SweepRow {
  const SweepPoint* point = nullptr;
  PointResult result;
};
// Indices into `rows` of the Pareto front (tok/s and tok/s per W both higher is better) among
// the rows that fit their board, by descending tok/s.
std::vector<size_t> pareto_front(const std::vector<SweepRow>& rows);

// Running a sweep (runner.cpp). Every point runs in a process of its own (SystemC elaborates
// once per process): `mmf sweep-point SPEC -o DIR --index I` writes DIR/points/I.json; the
// pool keeps `jobs` of them running and reports each as it ends. A point whose file holds its
// key is done and is not run again, so an interrupted sweep resumes where it stopped.
struct SweepRunOptions {
  std::string out_dir;
  int jobs = 2;
  std::string self_exe;  // the mmf binary the pool starts (its own, by default)
  bool plot = true;      // draw the Pareto plots with gnuplot when it is installed
};
struct SweepSummary {
  int points = 0, ran = 0, skipped = 0, failed = 0;
  double wall_seconds = 0;
  std::vector<std::string> plots;  // files written
};
SweepSummary run_sweep(const SweepSpec& spec, const SweepRunOptions& options);
// The child's work: evaluates point `index` of the spec and writes its file (atomically).
void run_sweep_point(const std::string& spec_path, int index, const std::string& out_dir);
// Writes DIR/sweep.sbatch, a Slurm job array of the points not done yet; returns its path.
std::string write_slurm_array(const SweepSpec& spec, const SweepRunOptions& options);

}  // namespace mmf::host

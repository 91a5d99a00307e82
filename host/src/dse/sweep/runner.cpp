// SPDX-License-Identifier: Apache-2.0
// The sweep's process pool, its files (points/, results.csv, manifest.json, the Slurm array)
// and resuming.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "mmf/checksum.hpp"
#include "mmf/error.hpp"
#include "mmf/host/dse/sweep.hpp"
#include "sweep_files.hpp"

extern char** environ;

namespace mmf::host {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::atomic<int> g_signal{0};  // the signal that asked the pool to stop (0: none)
void on_sweep_signal(int sig) {
  g_signal = sig;
}

std::string point_file(const std::string& dir, int index) {
  return (fs::path(dir) / "points" / (std::to_string(index) + ".json")).string();
}

// What a point's result depends on beyond its key: the board's YAML as a whole (its memory
// timing and energy coefficients time and price the point) and the mmf that ran it (the timed
// and resource models are its code). A result whose inputs differ is run again.
std::string point_inputs(const SweepPoint& p) {
  std::ifstream yaml(p.build.path, std::ios::binary);
  std::ostringstream all;
  all << yaml.rdbuf() << '|';
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    all << self.string() << '|' << fs::file_size(self, ec) << '|'
        << fs::last_write_time(self, ec).time_since_epoch().count();
  }
  return hex64_string(fnv1a64(all.str()));
}

json result_json(const SweepPoint& p, const PointResult& r) {
  const ResourceEstimate& e = r.resources;
  return {{"index", p.index},
          {"key", p.key()},
          {"inputs", point_inputs(p)},
          {"status", "ok"},
          {"board", p.board},
          {"model", p.model},
          {"lanes", p.build.accel.lanes},
          {"clock_mhz", p.build.accel.clock_mhz},
          {"weight_channels", p.build.accel.weight_channels},
          {"vector_lanes", p.build.accel.vector_lanes},
          {"packing", packing_name(p.packing)},
          {"tokens_per_launch", p.tokens_per_launch},
          {"kernel_cycles", r.kernel_cycles},
          {"link_cycles", r.link_cycles},
          {"tok_per_s", r.tok_per_s},
          {"watts", r.watts},
          {"joules_per_token", r.joules_per_token},
          {"tok_per_s_per_w", r.tok_per_s_per_w},
          {"static_share", r.static_share},
          {"weight_bytes", r.weight_bytes},
          {"stream_gbps", r.stream_gbps},
          {"channel_gbps", r.channel_gbps},
          {"memory_bound", r.memory_bound},
          {"lut", std::round(e.lut)},
          {"decoder_lut", std::round(e.decoder_lut)},
          {"ff", std::round(e.ff)},
          {"dsp", std::round(e.dsp)},
          {"bram", e.bram},
          {"uram", e.uram},
          {"lut_share", e.lut_share},
          {"ff_share", e.ff_share},
          {"dsp_share", e.dsp_share},
          {"bram_share", e.bram_share},
          {"uram_share", e.uram_share},
          {"fits", e.fits},
          {"limit", e.limit},
          {"sim_seconds", r.sim_seconds}};
}

// The point's file when it holds a finished run of this very point.
std::optional<json> finished(const std::string& dir, const SweepPoint& p) {
  std::ifstream in(point_file(dir, p.index));
  if (!in) return std::nullopt;
  const json j = json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("key", "") != p.key() ||
      j.value("inputs", "") != point_inputs(p) || j.value("status", "") != "ok") {
    return std::nullopt;
  }
  return j;
}

std::string clock_text(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// A fingerprint of the spec's points: the manifest says which points a directory holds.
std::string points_fingerprint(const SweepSpec& spec) {
  std::string keys;
  for (const SweepPoint& p : spec.points) keys += p.key() + "\n";
  return hex64_string(fnv1a64(keys));
}

void write_manifest(const SweepSpec& spec, const SweepRunOptions& o, const SweepSummary& s,
                    const std::string& state, const std::string& started) {
  json points = json::array();
  for (const SweepPoint& p : spec.points) points.push_back(p.key());
  const json m = {
      {"spec", fs::absolute(spec.path).string()},
      {"name", spec.name},
      {"points_fingerprint", points_fingerprint(spec)},
      {"state", state},
      {"started", started},
      {"updated", now_utc()},
      {"jobs", o.jobs},
      {"budget",
       {{"logic_share", spec.budget.logic_share}, {"block_share", spec.budget.block_share}}},
      {"points", s.points},
      {"ran", s.ran},
      {"skipped_done", s.skipped},
      {"failed", s.failed},
      {"wall_seconds", s.wall_seconds},
      {"timing", "simulated (SystemC platform, one steady-state token per point)"},
      {"energy", "modeled (each build's energy: coefficients)"},
      {"resources", "estimated (whole-kernel Yosys runs of the shipped builds, docs/resources.md)"},
      {"keys", points}};
  write_text_atomically((fs::path(o.out_dir) / "manifest.json").string(), m.dump(2) + "\n");
}

struct Running {
  int index;
  Clock::time_point start;
};

pid_t spawn_point(const SweepSpec& spec, const SweepRunOptions& o, int index) {
  const std::string log =
      (fs::path(o.out_dir) / "points" / (std::to_string(index) + ".log")).string();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  const std::string idx = std::to_string(index);
  std::vector<std::string> args = {o.self_exe, "sweep-point", spec.path, "-o",
                                   o.out_dir,  "--index",     idx};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, o.self_exe.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw Error("mmf sweep: cannot start " + o.self_exe + ": " + std::strerror(rc));
  return pid;
}

std::string log_tail(const std::string& dir, int index) {
  std::ifstream in(fs::path(dir) / "points" / (std::to_string(index) + ".log"));
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last.empty() ? "no output" : last;
}

}  // namespace

void run_sweep_point(const std::string& spec_path, int index, const std::string& out_dir) {
  if (index < 0) throw Error("--index " + std::to_string(index) + ": expected a point index >= 0");
  const SweepSpec spec = load_sweep_spec(spec_path, index);
  const SweepPoint& p = spec.points.front();
  if (finished(out_dir, p)) return;  // done already (a resumed Slurm array)
  json j;
  try {
    j = result_json(p, evaluate_point(p, spec.budget));
  } catch (const Error& e) {
    j = {{"index", p.index}, {"key", p.key()}, {"status", "failed"}, {"error", e.what()}};
    write_text_atomically(point_file(out_dir, index), j.dump(2) + "\n");
    throw;
  }
  write_text_atomically(point_file(out_dir, index), j.dump(2) + "\n");
}

SweepSummary run_sweep(const SweepSpec& spec, const SweepRunOptions& o) {
  if (o.jobs < 1) throw Error("--jobs must be at least 1");
  std::error_code ec;
  fs::create_directories(fs::path(o.out_dir) / "points", ec);
  if (ec) throw Error("-o " + o.out_dir + ": cannot create the directory (" + ec.message() + ")");
  const auto t0 = Clock::now();
  const std::string started = now_utc();
  SweepSummary s;
  s.points = static_cast<int>(spec.points.size());
  std::vector<int> pending;
  for (const SweepPoint& p : spec.points) {
    if (finished(o.out_dir, p)) {
      ++s.skipped;
    } else {
      pending.push_back(p.index);
    }
  }
  std::cerr << "mmf sweep: " << s.points << " points (" << s.skipped << " done before, "
            << pending.size() << " to run) on " << o.jobs << " processes -> " << o.out_dir << "\n";
  write_manifest(spec, o, s, "running", started);

  struct sigaction sa {};
  sa.sa_handler = on_sweep_signal;
  struct sigaction old_int {
  }, old_term{};
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  g_signal = 0;
  std::map<pid_t, Running> running;
  size_t next = 0;
  int ended = 0;
  const auto report = [&](const Running& r, int status) {
    ++ended;
    const SweepPoint& p = spec.points[static_cast<size_t>(r.index)];
    const double secs = std::chrono::duration<double>(Clock::now() - r.start).count();
    std::ostringstream line;
    line << "[" << ended << "/" << pending.size() << "] " << p.key() << ": ";
    if (const auto j = finished(o.out_dir, p); j && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      ++s.ran;
      char buf[160];
      std::snprintf(buf, sizeof buf, "%.1f tok/s, %.2f tok/s/W%s", (*j)["tok_per_s"].get<double>(),
                    (*j)["tok_per_s_per_w"].get<double>(),
                    (*j)["fits"].get<bool>() ? "" : ", over the device");
      line << buf;
    } else {
      ++s.failed;
      line << "FAILED: " << log_tail(o.out_dir, r.index);
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    const double left = elapsed / ended * static_cast<double>(pending.size() - ended);
    line << " (" << clock_text(secs) << ") | " << clock_text(elapsed) << " elapsed, ~"
         << clock_text(left) << " left";
    std::cerr << line.str() << "\n";
  };
  while ((next < pending.size() || !running.empty())) {
    while (g_signal == 0 && next < pending.size() && running.size() < static_cast<size_t>(o.jobs)) {
      const int index = pending[next++];
      running[spawn_point(spec, o, index)] = Running{index, Clock::now()};
    }
    if (running.empty()) break;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) {
        // Stop: the children get the signal too when it came from the terminal; otherwise
        // pass it on, and wait for them so that no point file is left half written.
        for (const auto& [child, r] : running) kill(child, SIGTERM);
        continue;
      }
      throw Error(std::string("mmf sweep: waitpid: ") + std::strerror(errno));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const Running r = it->second;
    running.erase(it);
    if (g_signal == 0) report(r, status);
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  s.wall_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (g_signal != 0) {
    int done = 0;
    for (const SweepPoint& p : spec.points) done += finished(o.out_dir, p) ? 1 : 0;
    write_manifest(spec, o, s, "interrupted", started);
    throw Error("mmf sweep: interrupted; " + std::to_string(done) + " of " +
                std::to_string(s.points) + " points are done and kept in " + o.out_dir +
                "; run the same command again to resume");
  }

  std::vector<json> rows;
  for (const SweepPoint& p : spec.points) {
    if (auto j = finished(o.out_dir, p)) {
      (*j)["index"] = p.index;  // the spec's, whatever the file says
      rows.push_back(std::move(*j));
    }
  }
  write_sweep_results(spec, o, rows, s);
  write_manifest(spec, o, s, s.failed == 0 ? "complete" : "incomplete", started);
  return s;
}

std::string write_slurm_array(const SweepSpec& spec, const SweepRunOptions& o) {
  std::error_code ec;
  fs::create_directories(fs::path(o.out_dir) / "points", ec);
  if (ec) throw Error("-o " + o.out_dir + ": cannot create the directory (" + ec.message() + ")");
  const std::string dir = fs::absolute(o.out_dir).string();
  const std::string spec_path = fs::absolute(spec.path).string();
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# Slurm job array of the sweep '" << spec.name << "' (" << spec.points.size()
    << " points), written by mmf sweep --emit-slurm.\n"
    << "# Submit: sbatch " << dir << "/sweep.sbatch\n"
    << "# Each task times one point (one core, a few seconds to minutes) and writes\n"
    << "# points/<index>.json; a finished point is skipped, so the array can be resubmitted.\n"
    << "# When all tasks are done, collect results.csv, the manifest and the plots with:\n"
    << "#   mmf sweep " << spec_path << " -o " << dir << "\n"
    << "#SBATCH --job-name=mmf-sweep-" << spec.name << "\n"
    << "#SBATCH --array=0-" << spec.points.size() - 1 << "\n"
    << "#SBATCH --cpus-per-task=1\n"
    << "#SBATCH --mem=4G\n"
    << "#SBATCH --time=00:30:00\n"
    << "#SBATCH --output=" << dir << "/points/slurm-%A_%a.log\n"
    << "set -euo pipefail\n"
    << "MMF=\"${MMF:-" << o.self_exe << "}\"\n"
    << "exec \"$MMF\" sweep-point '" << spec_path << "' -o '" << dir
    << "' --index \"$SLURM_ARRAY_TASK_ID\"\n";
  const std::string path = (fs::path(o.out_dir) / "sweep.sbatch").string();
  write_text_atomically(path, s.str());
  fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add, ec);
  return path;
}

}  // namespace mmf::host

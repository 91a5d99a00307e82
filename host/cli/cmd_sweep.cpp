// SPDX-License-Identifier: Apache-2.0
// `mmf sweep SPEC -o DIR`: a design-space sweep on the SystemC platform (mmf/host/dse/sweep.hpp),
// and `mmf sweep-point`, the one point each process of its pool (or a Slurm task) runs.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "mmf/error.hpp"
#include "mmf/host/dse/sweep.hpp"

namespace mmf::cli {
namespace {

struct SweepArgs {
  std::string spec;
  std::string out;
  int jobs = 0;
  bool emit_slurm = false;
  bool no_plot = false;
  bool dry_run = false;
  int index = -1;
};

// This process's executable, which the pool starts for each point.
std::string self_exe() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw Error("mmf sweep: cannot find its own executable (/proc/self/exe)");
  return std::string(buf, static_cast<size_t>(n));
}

void run_sweep_command(const SweepArgs& a) {
  if (a.jobs < 0) throw Error("--jobs must be >= 0 (0: every core)");
  const host::SweepSpec spec = host::load_sweep_spec(a.spec);
  host::SweepRunOptions o;
  o.out_dir = a.out;
  o.jobs = thread_count(a.jobs);
  o.self_exe = self_exe();
  o.plot = !a.no_plot;
  if (a.dry_run) {
    for (const host::SweepPoint& p : spec.points) std::printf("%d %s\n", p.index, p.key().c_str());
    std::cerr << "mmf sweep: " << spec.points.size()
              << " points, all valid; none run (--dry-run)\n";
    return;
  }
  if (a.emit_slurm) {
    const std::string file = host::write_slurm_array(spec, o);
    std::cout << file << "\n";
    std::cerr << "mmf sweep: wrote a Slurm array of " << spec.points.size()
              << " points; submit it with sbatch, then run this command without --emit-slurm "
                 "to collect the results\n";
    return;
  }
  const host::SweepSummary s = host::run_sweep(spec, o);
  const std::filesystem::path dir(o.out_dir);
  std::cout << (dir / "results.csv").string() << "\n" << (dir / "manifest.json").string() << "\n";
  for (const std::string& f : s.plots) std::cout << f << "\n";
  std::fprintf(stderr, "mmf sweep: %d points: %d ran, %d done before, %d failed, in %.1f s\n",
               s.points, s.ran, s.skipped, s.failed, s.wall_seconds);
  if (s.failed > 0) {
    throw Error("mmf sweep: " + std::to_string(s.failed) + " points failed; their errors are in " +
                (dir / "points").string() + "/<index>.log; rerun to retry them");
  }
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Design-space sweep on the SystemC platform: results.csv, manifest, Pareto plots");
  cmd->add_option("spec", a->spec, "Sweep spec (YAML; docs/sweep.md)")->required();
  cmd->add_option("-o,--out", a->out, "Output directory (resumes what it holds)")->required();
  cmd->add_option("-j,--jobs", a->jobs, "Points run at once (0: every core)")
      ->capture_default_str();
  cmd->add_flag("--emit-slurm", a->emit_slurm,
                "Write DIR/sweep.sbatch, a Slurm job array of the points, and run nothing");
  cmd->add_flag("--no-plot", a->no_plot, "Skip the gnuplot Pareto plots");
  cmd->add_flag("--dry-run", a->dry_run, "Check the spec and list its points; run nothing");
  cmd->callback([a] { run_sweep_command(*a); });

  CLI::App* point = app.add_subcommand(
      "sweep-point", "One point of a sweep (what mmf sweep and its Slurm array run)");
  point->group("");  // internal: not listed in mmf --help
  point->add_option("spec", a->spec, "Sweep spec (YAML)")->required();
  point->add_option("-o,--out", a->out, "Sweep output directory")->required();
  point->add_option("--index", a->index, "Point index")->required();
  point->callback([a] { host::run_sweep_point(a->spec, a->index, a->out); });
}

}  // namespace mmf::cli

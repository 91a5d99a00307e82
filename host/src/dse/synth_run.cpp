// SPDX-License-Identifier: Apache-2.0
// Running `mmf synth`: the plan for a build, one Yosys process per unit in a work directory, and
// the report (see synth_report.hpp). Parsing and the unit table are in synth_report.cpp.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "mmf/error.hpp"
#include "mmf/host/build/build_generator.hpp"
#include "mmf/host/build/rtl_sources.hpp"
#include "mmf/host/dse/synth_report.hpp"

extern char** environ;

namespace mmf::host {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw Error(p.string() + ": cannot write");
}

// The last `n` lines of a file, indented, for error messages.
std::string tail_of(const fs::path& p, size_t n) {
  std::vector<std::string> lines;
  std::istringstream in(read_text(p));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out;
  for (size_t k = lines.size() > n ? lines.size() - n : 0; k < lines.size(); ++k) {
    out += "\n  " + lines[k];
  }
  return out;
}

// A directory made with mkdtemp (a unique name), removed with its contents unless kept.
class WorkDir {
 public:
  WorkDir(const fs::path& parent, bool keep) : keep_(keep) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    std::string tmpl = (parent / "mmf-synth-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw Error(parent.string() + ": cannot create a work directory for Yosys");
    }
    path_ = tmpl;
  }
  ~WorkDir() {
    std::error_code ec;
    if (!keep_) fs::remove_all(path_, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  bool keep_;
};

struct RunOutcome {
  bool started = false;  // false: the executable was not found or not runnable
  bool timed_out = false;
  bool out_of_memory = false;  // failed with std::bad_alloc (the address-space limit)
  int status = 0;              // exit status, or 128 + signal
};

// The signal that asked mmf to stop while a child ran. A global because a signal handler can
// reach nothing else; written only by the handler, read by run_process.
volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int signal_number) {
  g_stop_signal = signal_number;
}

// While alive: SIGINT, SIGTERM and SIGHUP set g_stop_signal instead of ending mmf, so that
// run_process can stop the child's process group first (Yosys runs ABC as a child of its own).
class StopSignals {
 public:
  StopSignals() {
    g_stop_signal = 0;
    struct sigaction action = {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    for (size_t k = 0; k < kSignals.size(); ++k) sigaction(kSignals[k], &action, &old_[k]);
  }
  ~StopSignals() {
    for (size_t k = 0; k < kSignals.size(); ++k) sigaction(kSignals[k], &old_[k], nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  static constexpr std::array<int, 3> kSignals = {SIGINT, SIGTERM, SIGHUP};
  std::array<struct sigaction, 3> old_{};
};

// While alive: the soft address-space limit of this process is `bytes` (0: unchanged), so that
// a child spawned meanwhile inherits it; restored afterwards. mmf itself is single-threaded and
// small, so the limit does not bind it.
class AddressSpaceLimit {
 public:
  explicit AddressSpaceLimit(uint64_t bytes) {
    if (bytes == 0 || ::getrlimit(RLIMIT_AS, &old_) != 0) return;
    struct rlimit limit = old_;
    limit.rlim_cur = std::min<rlim_t>(bytes, old_.rlim_max);
    active_ = ::setrlimit(RLIMIT_AS, &limit) == 0;
  }
  ~AddressSpaceLimit() {
    if (active_) ::setrlimit(RLIMIT_AS, &old_);
  }
  AddressSpaceLimit(const AddressSpaceLimit&) = delete;
  AddressSpaceLimit& operator=(const AddressSpaceLimit&) = delete;

 private:
  struct rlimit old_ {};
  bool active_ = false;
};

// A process started by spawn_process: argv[0] (looked up in PATH) in directory `cwd` and in a
// process group of its own, stdout and stderr into `console`, at most `memory_bytes` of address
// space (0: no limit).
struct Child {
  pid_t pid = -1;  // -1: the executable was not found or not runnable
  Clock::time_point start;
};

Child spawn_process(const std::vector<std::string>& args, const fs::path& console,
                    const fs::path& cwd, uint64_t memory_bytes) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, console.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  Child child;
  int rc = 0;
  {
    const AddressSpaceLimit limit(memory_bytes);
    rc = posix_spawnp(&child.pid, argv[0], &actions, &attr, argv.data(), environ);
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) child.pid = -1;
  child.start = Clock::now();
  return child;
}

// The outcome of a child that ended with wait status `wstatus`.
RunOutcome outcome_of(int wstatus, const fs::path& console) {
  RunOutcome out;
  out.started = true;
  // glibc's posix_spawnp reports an exec failure as exit status 127.
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 127 && read_text(console).empty()) {
    out.started = false;
  }
  out.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  out.out_of_memory = out.status != 0 && read_text(console).find("bad_alloc") != std::string::npos;
  return out;
}

// Stops a child's whole process group (Yosys runs ABC as a child of its own) and reaps it.
void stop_child(pid_t pid) {
  ::kill(-pid, SIGKILL);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
}

// The children still running, stopped when it goes out of scope (an error in one unit's run
// stops the others).
class Children {
 public:
  Children() = default;
  ~Children() {
    for (pid_t pid : pids_) stop_child(pid);
  }
  Children(const Children&) = delete;
  Children& operator=(const Children&) = delete;
  void add(pid_t pid) { pids_.insert(pid); }
  void forget(pid_t pid) { pids_.erase(pid); }

 private:
  std::set<pid_t> pids_;
};

// Whether `child` has ended (then `out` says how), polled without blocking. Stops it after
// `timeout_seconds` (when > 0).
bool poll_child(const Child& child, const fs::path& console, double timeout_seconds,
                const std::string& name, RunOutcome& out) {
  int wstatus = 0;
  const pid_t done = ::waitpid(child.pid, &wstatus, WNOHANG);
  if (done == child.pid) {
    out = outcome_of(wstatus, console);
    return true;
  }
  if (done < 0 && errno != EINTR) throw Error(name + ": lost track of the process");
  if (timeout_seconds > 0 &&
      std::chrono::duration<double>(Clock::now() - child.start).count() > timeout_seconds) {
    stop_child(child.pid);
    out = RunOutcome{};
    out.started = true;
    out.timed_out = true;
    return true;
  }
  return false;
}

void throw_if_asked_to_stop(const std::string& name) {
  if (g_stop_signal != 0) {
    throw Error("stopped by signal " + std::to_string(g_stop_signal) + " while running " + name);
  }
}

// Runs one process to its end (see spawn_process), stopping it after `timeout_seconds` (when
// > 0) or when mmf is asked to stop (then throws mmf::Error).
RunOutcome run_process(const std::vector<std::string>& args, const fs::path& console,
                       const fs::path& cwd, double timeout_seconds, uint64_t memory_bytes) {
  const StopSignals stop_signals;
  const Child child = spawn_process(args, console, cwd, memory_bytes);
  if (child.pid < 0) return RunOutcome{};
  Children children;
  children.add(child.pid);
  RunOutcome out;
  while (!poll_child(child, console, timeout_seconds, args[0], out)) {
    throw_if_asked_to_stop(args[0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  children.forget(child.pid);
  return out;
}

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// The address-space limit of each of `jobs` Yosys runs: their share of the memory asked for,
// or of half the physical memory.
uint64_t memory_limit_bytes(double gib, int jobs) {
  if (gib == 0) return 0;
  uint64_t total = 0;
  if (gib > 0) {
    total = static_cast<uint64_t>(gib * 1073741824.0);
  } else {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return 0;
    total = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 2;
  }
  return total / static_cast<uint64_t>(std::max(jobs, 1));
}

std::string missing_yosys(const std::string& context, const std::string& yosys) {
  return context + ": cannot run Yosys ('" + yosys +
         "' not found or not executable); install it (make deps installs yosys) or pass --yosys";
}

bool has_module_file(const std::vector<std::string>& files, const std::string& module) {
  return std::any_of(files.begin(), files.end(), [&module](const std::string& f) {
    return fs::path(f).filename() == module + ".sv";
  });
}

// Identifiers of SystemVerilog text outside comments.
std::set<std::string> identifiers(const std::string& text) {
  std::set<std::string> out;
  const auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t k = 0; k < text.size();) {
    if (text.compare(k, 2, "//") == 0) {
      k = text.find('\n', k);
    } else if (text.compare(k, 2, "/*") == 0) {
      k = text.find("*/", k + 2);
      if (k != std::string::npos) k += 2;
    } else if (ident(text[k])) {
      const size_t start = k;
      while (k < text.size() && ident(text[k])) ++k;
      out.insert(text.substr(start, k - start));
      continue;
    } else {
      ++k;
    }
    if (k == std::string::npos) break;
  }
  return out;
}

// The module files `top` needs: rtl/**/<top>.sv (one module per file, named after it) and,
// transitively, those of every module it names. Reading only these keeps a unit's report
// independent of unrelated files: a syntax error in a file being edited would stop every run.
std::vector<std::string> module_closure(const std::string& top,
                                        const std::vector<std::string>& files) {
  std::map<std::string, std::string> by_name;
  for (const auto& f : files) by_name[fs::path(f).stem().string()] = f;
  std::set<std::string> seen = {top};
  std::vector<std::string> todo = {top}, out;
  while (!todo.empty()) {
    const auto it = by_name.find(todo.back());
    todo.pop_back();
    if (it == by_name.end()) continue;  // `hierarchy -check` names what is missing
    out.push_back(it->second);
    for (const std::string& word : identifiers(read_text(it->second))) {
      if (by_name.count(word) != 0 && seen.insert(word).second) todo.push_back(word);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void apply_overrides(const SynthOptions& o, AcceleratorSpec& accel) {
  const auto power_of_two = [](int v) { return v > 0 && (v & (v - 1)) == 0; };
  if (o.lanes != 0) {
    if (!power_of_two(o.lanes) || o.lanes < 4 || o.lanes > 512) {
      throw Error("--lanes " + std::to_string(o.lanes) +
                  ": expected a power of two in 4..512 (as accelerator.lanes)");
    }
    accel.lanes = o.lanes;
  }
  if (o.vector_lanes != 0) {
    if (!power_of_two(o.vector_lanes) || o.vector_lanes > 64) {
      throw Error("--vector-lanes " + std::to_string(o.vector_lanes) +
                  ": expected a power of two in 1..64 (as accelerator.vector_lanes)");
    }
    accel.vector_lanes = o.vector_lanes;
  }
  if (o.tile_rows != 0) {
    if (!power_of_two(o.tile_rows)) {
      throw Error("--tile-rows " + std::to_string(o.tile_rows) +
                  ": expected a power of two (as accelerator.tile_rows)");
    }
    accel.tile_rows = o.tile_rows;
  }
  if (accel.lanes / accel.tile_rows < 4) {
    throw Error("lanes " + std::to_string(accel.lanes) + " with tile rows " +
                std::to_string(accel.tile_rows) +
                ": a tile row needs at least 4 columns (--tile-rows at most lanes / 4)");
  }
}

// The units to run: the table's rows whose module exists, or the one asked for.
std::vector<SynthUnit> select_units(const std::vector<SynthUnit>& all,
                                    const std::vector<std::string>& files, const std::string& build,
                                    const std::string& wanted, bool units_only) {
  std::vector<SynthUnit> out;
  std::string names;
  for (const SynthUnit& u : all) {
    const bool present = has_module_file(files, u.module);
    if (!wanted.empty()) {
      if (u.unit == wanted && !present) {
        throw Error("build '" + build + "', unit '" + wanted + "': rtl/ has no " + u.module +
                    ".sv yet");
      }
      if (u.unit == wanted) out.push_back(u);
    } else if (!u.kernel_top || (present && !units_only)) {
      out.push_back(u);
    }
    names += (names.empty() ? "" : ", ") + u.unit;
  }
  if (out.empty()) throw Error("--unit '" + wanted + "': unknown unit (one of " + names + ")");
  return out;
}

fs::path default_work_parent() {
  // The build directory that holds bin/mmf (one with a CMakeCache.txt), so scratch files stay
  // inside the build tree; anywhere else (an installed or copied binary) the temporary directory.
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  const fs::path build = exe.parent_path().parent_path();
  if (!ec && exe.parent_path().filename() == "bin" && fs::exists(build / "CMakeCache.txt", ec)) {
    return build;
  }
  return fs::temp_directory_path();
}

}  // namespace

SynthPlan plan_synth(const SynthOptions& options) {
  SynthPlan plan;
  plan.build = load_build_descriptor(build_descriptor_path(options.build));
  apply_overrides(options, plan.build.accel);
  if (plan.build.board.vendor != "amd") {
    throw Error(plan.build.path + ": board.vendor is " + plan.build.board.vendor +
                ": mmf synth runs Yosys synth_xilinx, which maps to AMD cells only");
  }
  plan.family = yosys_family(plan.build.board.part);
  // The build package as `mmf gen-builds` writes it to bitstreams/generated/<build>/ (CI keeps
  // the two equal), rendered here so that --lanes and YAMLs outside bitstreams/ get theirs.
  plan.build_package = generate_build_files(plan.build).at(plan.build.name + "/mmf_build_pkg.sv");
  // The RTL's sources from their one list (rtl/mmf.f), found beside the shipped rtl/.
  RtlSources rtl = read_rtl_sources(fs::path(rtl_dir()).parent_path().string());
  plan.package_files = std::move(rtl.packages);
  plan.module_files = std::move(rtl.modules);
  plan.units = select_units(synth_units(parse_build_package(plan.build_package, "mmf_build_pkg")),
                            plan.module_files, plan.build.name, options.unit, options.units_only);
  return plan;
}

SynthReport run_synth(const SynthOptions& options, const SynthProgress& progress) {
  if (options.jobs < 1 || options.jobs > 256) {
    throw Error("-j " + std::to_string(options.jobs) + ": expected 1 to 256 Yosys runs at once");
  }
  const SynthPlan plan = plan_synth(options);
  const BuildDescriptor& build = plan.build;
  const std::vector<std::string>& modules = plan.module_files;
  const std::vector<SynthUnit>& units = plan.units;
  SynthReport report;
  report.build = build.name;
  report.part = build.board.part;
  report.family = plan.family;
  report.accel = build.accel;

  WorkDir work(options.work_parent.empty() ? default_work_parent() : fs::path(options.work_parent),
               options.keep);
  if (options.keep) report.work_dir = work.path().string();
  const fs::path build_pkg = work.path() / "mmf_build_pkg.sv";
  write_text(build_pkg, plan.build_package);
  // The shared packages of rtl/mmf.f (read_rtl_sources checks they exist), then the build's.
  std::vector<std::string> packages = plan.package_files;
  packages.push_back(build_pkg.string());

  const std::string context = "build '" + build.name + "'";
  const std::string kept =
      options.keep ? "\n(work directory kept: " + work.path().string() + ")" : "";
  const fs::path version_log = work.path() / "yosys-version.txt";
  const RunOutcome v = run_process({options.yosys, "-V"}, version_log, work.path(), 60, 0);
  if (!v.started) throw Error(missing_yosys(context, options.yosys));
  if (v.status != 0 || v.timed_out) {
    throw Error(context + ": `" + options.yosys + " -V` failed:" + tail_of(version_log, 5));
  }
  std::istringstream version(read_text(version_log));
  std::getline(version >> std::ws, report.yosys_version);

  const uint64_t memory_bytes = memory_limit_bytes(options.max_memory_gib, options.jobs);
  const int count = static_cast<int>(units.size());
  // The files of unit k in the work directory.
  const auto file = [&work, &units](size_t k, const char* suffix) {
    return work.path() / (units[k].unit + suffix);
  };
  // Checks a finished run of unit k and reads its results; throws naming the unit.
  // Beside its units the kernel top takes them as black boxes: the units' own runs give their
  // counts and depth, and the top maps only what is left (hierarchically it mapped every unit a
  // second time, in one process: u280's ran out of 10 GiB after 52 min).
  std::vector<std::string> black_boxes;
  const std::vector<std::string> no_boxes;
  const bool has_top =
      std::any_of(units.begin(), units.end(), [](const SynthUnit& u) { return u.kernel_top; });
  for (const SynthUnit& u : units) {
    if (has_top && u.boxed_in_top) black_boxes.push_back(u.module);
  }

  const auto finish = [&](size_t k, const RunOutcome& r, double seconds) {
    const SynthUnit& u = units[k];
    const std::string where = context + ", unit '" + u.unit + "'";
    const fs::path log = file(k, ".log"), console = file(k, ".console.txt");
    if (!r.started) throw Error(missing_yosys(where, options.yosys));
    if (r.timed_out) {
      throw Error(where + ": Yosys ran longer than " + number_text(options.timeout_seconds) +
                  " s (--timeout) and was stopped; last lines of its log:" + tail_of(log, 10) +
                  kept);
    }
    if (r.out_of_memory) {
      throw Error(where + ": Yosys ran out of memory (limit " +
                  number_text(static_cast<double>(memory_bytes) / 1073741824.0) +
                  " GiB, --max-memory" + (options.jobs > 1 ? " / -j" : "") + ")" +
                  (u.kernel_top ? "; --units-only sums the units" : "") +
                  "; last lines of its log:" + tail_of(log, 5) + kept);
    }
    if (r.status != 0) {
      throw Error(where + ": Yosys failed (exit status " + std::to_string(r.status) +
                  "); last lines of its log:" + tail_of(log, 15) +
                  "\nlast lines of its console output:" + tail_of(console, 5) + kept);
    }
    const fs::path stat = file(k, ".stat.json"), netlist = file(k, ".netlist.json");
    UnitResult result{u, parse_stat_json(read_text(stat), stat.string()), seconds, {}};
    try {
      result.depth = logic_depth_of_json(read_text(netlist), netlist.string(),
                                         u.kernel_top ? black_boxes : no_boxes);
    } catch (const Error& e) {
      throw Error(where + ": logic depth: " + e.what() + kept);
    }
    return result;
  };

  // Up to options.jobs Yosys runs at once, each unit's in its own files; results in unit order.
  // The kernel top starts first: it takes longest (500 s of ci-tiny's 11 min when it came
  // last), so the units run beside it instead of before it.
  std::vector<size_t> order;
  for (size_t k = 0; k < units.size(); ++k) {
    if (units[k].kernel_top) order.push_back(k);
  }
  for (size_t k = 0; k < units.size(); ++k) {
    if (!units[k].kernel_top) order.push_back(k);
  }
  std::vector<UnitResult> results(units.size());
  {
    const StopSignals stop_signals;
    Children children;
    struct Running {
      size_t unit;
      Child child;
    };
    std::vector<Running> running;
    size_t next = 0;
    while (next < units.size() || !running.empty()) {
      while (running.size() < static_cast<size_t>(options.jobs) && next < units.size()) {
        const size_t k = order[next++];
        const SynthUnit& u = units[k];
        std::vector<std::string> sources = packages;
        for (const auto& f : module_closure(u.module, modules)) sources.push_back(f);
        write_text(file(k, ".ys"),
                   synth_script(u, report.family, sources, u.unit + ".stat.json",
                                u.unit + ".netlist.json", u.kernel_top ? black_boxes : no_boxes));
        if (progress) progress(static_cast<int>(k) + 1, count, u.unit, -1);
        const Child child = spawn_process(
            {options.yosys, "-q", "-l", file(k, ".log").string(), "-s", file(k, ".ys").string()},
            file(k, ".console.txt"), work.path(), memory_bytes);
        if (child.pid < 0)
          throw Error(missing_yosys(context + ", unit '" + u.unit + "'", options.yosys));
        children.add(child.pid);
        running.push_back({k, child});
      }
      bool any_done = false;
      for (size_t i = 0; i < running.size();) {
        RunOutcome r;
        const size_t k = running[i].unit;
        if (!poll_child(running[i].child, file(k, ".console.txt"), options.timeout_seconds,
                        options.yosys, r)) {
          ++i;
          continue;
        }
        any_done = true;
        children.forget(running[i].child.pid);
        const double seconds =
            std::chrono::duration<double>(Clock::now() - running[i].child.start).count();
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
        if (progress) progress(static_cast<int>(k) + 1, count, units[k].unit, seconds);
        results[k] = finish(k, r, seconds);  // throws: `children` stops the other runs
      }
      throw_if_asked_to_stop(options.yosys);
      if (!any_done) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  for (const UnitResult& result : results) {
    if (result.unit.kernel_top) {
      report.total = result.counts;
      report.total_seconds = result.seconds;
      report.total_module = result.unit.module;
      report.total_depth = result.depth;
    } else {
      report.units.push_back(result);
    }
  }
  // The black boxes: each unit's counts times its instances in the top, which must be the ones
  // the unit table expects (else the table and mmf_kernel disagree).
  for (const UnitResult& r : report.units) {
    if (std::find(black_boxes.begin(), black_boxes.end(), r.unit.module) == black_boxes.end()) {
      continue;
    }
    const int64_t n = instances_of(report.total, r.unit.module);
    if (n != r.unit.instances) {
      throw Error(context + ": the kernel top holds " + std::to_string(n) + " instance(s) of " +
                  r.unit.module + ", the unit table expects " + std::to_string(r.unit.instances) +
                  " (host/src/dse/synth_report.cpp)");
    }
    report.total += r.counts.times(n);
    report.boxed_units.push_back(r.unit.unit);
  }
  if (has_top) {
    report.total_method = "kernel_top";
  } else {
    // Units held inside another unit of this run are in that unit's counts already.
    report.total_method = "sum_of_units";
    for (const UnitResult& r : report.units) {
      const bool counted_elsewhere =
          !r.unit.within.empty() &&
          std::any_of(report.units.begin(), report.units.end(),
                      [&r](const UnitResult& o) { return o.unit.unit == r.unit.within; });
      if (!counted_elsewhere) report.total += r.counts.times(r.unit.instances);
      report.total_seconds += r.seconds;
    }
  }
  for (const UnitResult& r : results) {
    report.max_lut_levels = std::max(report.max_lut_levels, r.depth.lut_levels);
    report.max_carry_levels = std::max(report.max_carry_levels, r.depth.carry_levels);
  }
  report.board = build.board.resources;
  report.fit = fit_on_board(report.total, report.board, report.budget);
  return report;
}

}  // namespace mmf::host

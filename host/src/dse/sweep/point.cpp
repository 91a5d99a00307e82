// SPDX-License-Identifier: Apache-2.0
// One sweep point: the token program of the model shape on the point's build, timed on the
// SystemC platform for one steady-state token, with the build's energy model.
#include <algorithm>
#include <chrono>

#include "mmf/error.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/host/dse/sweep.hpp"
#include "mmf/host/power/power.hpp"
#include "mmf_hls/program_format.hpp"
#include "mmf_hls/program_walk.hpp"
#ifdef MMF_HAVE_SYSTEMC
#include "backends/channel_timing.hpp"
#endif

namespace mmf::host {

using namespace mmf_hls;

KernelCounters planned_counters(const ProgramPlan& plan, const BuildDescriptor& b) {
  // The counting rule of every engine (mmf_hls::walk_program): each descriptor read, an Embed's
  // token read, then the op's own traffic (count_op_traffic); sweep_test holds the result equal
  // to the cpu engine's counters. Only lanes and the tile matter here, so the bank sizes are 0.
  const DeviceLimits lim = device_limits(b, 0, 0);
  KernelCounters c;
  for (const Descriptor& d : plan.program) {
    c.vector_bytes += kDescriptorWords * kVecWordBytes;
    if (d[kFieldOpcode] == kOpEmbed) c.vector_bytes += kVecWordBytes;
    count_op_traffic(d.data(), lim, /*position=*/0, c);  // no op of an hgrn_bit plan reads one
    ++c.ops_done;
  }
  return c;
}

PointResult evaluate_point(const SweepPoint& point, const FitBudget& budget) {
  const BuildDescriptor& b = point.build;
  PointResult r;
  r.resources = estimate_resources(b, point.packing, budget);
  const uint32_t word_bytes = packed_word_bytes(b.accel.lanes, point.packing);
  r.stream_gbps = b.accel.clock_mhz * 1e6 * word_bytes / 1e9;
  r.channel_gbps = b.sustained_channel_gbps();
  r.memory_bound = r.stream_gbps > r.channel_gbps;
#ifdef MMF_HAVE_SYSTEMC
  // The image as the compiler lays it out in the point's packing (1.6-bit: five trits a byte
  // in whole beats a row block, WeightTile), timed as the decoding channels take it.
  const ProgramPlan plan = plan_program(point.config, b, point.packing);
  const KernelCounters counters = planned_counters(plan, b);  // a token's
  const uint32_t k = point.tokens_per_launch;
  // A steady-state launch: the host writes the token id before it, then reads the token's
  // logits (one token a launch, Accelerator::step) or the launch's picks from the token ring
  // (Accelerator::generate), both over the link; the passes run back to back.
  sim::PlatformLaunch launch;
  launch.num_ops = plan.layout.num_ops;
  for (uint32_t t = 0; t < k; ++t) {
    for (const Descriptor& d : plan.program) launch.ops_run.push_back(d);
  }
  launch.host_to_device_bytes = sizeof(uint32_t);
  launch.device_to_host_bytes =
      (k == 1 ? uint64_t{plan.layout.vocab} : uint64_t{k}) * sizeof(int32_t);
  const auto start = std::chrono::steady_clock::now();
  const sim::PlatformResult timed =
      sim::make_platform(platform_params(b, "mmf sweep"))->run(launch);
  r.sim_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (timed.weight_bytes != counters.weight_bytes * k) {
    throw Error("mmf sweep: point " + std::to_string(point.index) + ": the platform read " +
                std::to_string(timed.weight_bytes) + " weight bytes, the program needs " +
                std::to_string(counters.weight_bytes * k) + " (bug)");
  }
  // Per token, as the results report them.
  r.kernel_cycles = (timed.kernel_cycles + k / 2) / k;
  r.link_cycles = (timed.link_cycles + k / 2) / k;
  r.weight_bytes = counters.weight_bytes;

  CounterTotals activity;
  activity.launches = 1;
  activity.tokens = k;
  activity.ops = counters.ops_done * uint64_t{k};
  activity.ternary_ops = counters.ternary_ops * k;
  activity.weight_bytes = counters.weight_bytes * k;
  activity.vector_bytes = counters.vector_bytes * k;
  activity.cycles = timed.kernel_cycles + timed.link_cycles;
  activity.link_cycles = timed.link_cycles;
  const auto meter = make_energy_model_meter(b, "systemc", point.packing);
  meter->begin();
  const PowerReport power = meter->end(activity, 0.0);
  r.tok_per_s = k / power.seconds;
  r.joules_per_token = power.joules / k;
  r.watts = power.watts();
  r.tok_per_s_per_w = k / power.joules;
  r.static_share = power.idle_watts.value_or(0.0) * power.seconds / power.joules;
#else
  throw Error(
      "mmf sweep: this mmf was built without the SystemC platform (MMF_WITH_SYSTEMC=OFF); "
      "configure with -DMMF_WITH_SYSTEMC=ON");
#endif
  return r;
}

std::vector<size_t> pareto_front(const std::vector<SweepRow>& rows) {
  std::vector<size_t> fit;
  for (size_t k = 0; k < rows.size(); ++k) {
    if (rows[k].result.resources.fits) fit.push_back(k);
  }
  std::sort(fit.begin(), fit.end(), [&](size_t a, size_t b) {
    const PointResult &x = rows[a].result, &y = rows[b].result;
    return x.tok_per_s != y.tok_per_s ? x.tok_per_s > y.tok_per_s
                                      : x.tok_per_s_per_w > y.tok_per_s_per_w;
  });
  // By descending tok/s, a point is on the front when no faster one is as efficient.
  std::vector<size_t> front;
  double best = -1.0;
  for (size_t k : fit) {
    if (rows[k].result.tok_per_s_per_w > best) {
      front.push_back(k);
      best = rows[k].result.tok_per_s_per_w;
    }
  }
  return front;
}

}  // namespace mmf::host

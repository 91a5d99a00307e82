// SPDX-License-Identifier: Apache-2.0
// The sweep's output files, shared by the runner (runner.cpp) and the results (results.cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mmf/host/dse/sweep.hpp"
#include "mmf/host/util/atomic_file.hpp"

namespace mmf::host {

// results.csv (one row per finished point, in point order, with its Pareto flag) and, when
// gnuplot is installed and options.plot is set, pareto-<model>.png and .svg per model;
// adds the files it wrote to summary.plots.
void write_sweep_results(const SweepSpec& spec, const SweepRunOptions& options,
                         const std::vector<nlohmann::json>& rows, SweepSummary& summary);

}  // namespace mmf::host

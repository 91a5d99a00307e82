#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# mmf's read-bandwidth figure beside an independent probe (scripts/read-probe.c, a tight AVX2
# load loop sharing no code with mmf), run right after it, RUNS times; then the matvec's
# fraction of mmf's same-run bandwidth, RUNS times. Prints one line per run and the median and
# range, for docs/results-cpu.md. Measured on whatever else the machine runs.
#   scripts/bandwidth-check.sh [RUNS]   (default 5; THREADS defaults to every core)
# Environment: MMF (default build/bin/mmf), BYTES (default 1 GiB).
set -euo pipefail
runs=${1:-5}
mmf=${MMF:-build/bin/mmf}
threads=${THREADS:-$(nproc)}
bytes=${BYTES:-1073741824}
[[ -x $mmf ]] || { echo "bandwidth-check: $mmf not found; run make build first" >&2; exit 1; }
grep -q avx2 /proc/cpuinfo || { echo "bandwidth-check: the probe needs AVX2" >&2; exit 1; }
probe=build/read-probe
mkdir -p build
cc -O2 -mavx2 -pthread -o "$probe" scripts/read-probe.c
ratios=() fractions=()
for ((k = 1; k <= runs; k++)); do
  # The probe times as many passes as mmf did (both report their best pass).
  read -r m passes <<< "$("$mmf" bench --op bandwidth --threads "$threads" --bytes "$bytes" \
      --json | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["gbps"], j["passes"])')"
  p=$("$probe" "$bytes" "$threads" "$passes")
  r=$(python3 -c "print(f'{$m / $p:.3f}')")
  ratios+=("$r")
  echo "run $k: mmf bench --op bandwidth $m GB/s, probe $p GB/s (best of $passes passes each), ratio $r"
done
for ((k = 1; k <= runs; k++)); do
  f=$("$mmf" bench --op matvec --rows 16384 --cols 16384 --threads "$threads" \
      --compare-bandwidth --json |
      python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["gbps"], j["bandwidth_gbps"], j["bandwidth_fraction"])')
  read -r g b fr <<< "$f"
  fractions+=("$fr")
  echo "matvec run $k: $g GB/s of packed weights, same-run bandwidth $b GB/s, fraction $fr"
done
summary() {
  python3 -c 'import statistics,sys; v=sorted(map(float,sys.argv[2:])); print(f"{sys.argv[1]}: median {statistics.median(v):.3f}, range {v[0]:.3f} to {v[-1]:.3f} over {len(v)} runs")' "$@"
}
summary "bandwidth ratio mmf/probe" "${ratios[@]}"
summary "matvec fraction of bandwidth" "${fractions[@]}"

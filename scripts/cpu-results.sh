#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The cpu backend's figures of docs/results-cpu.md, measured on this host in one run: read
# bandwidth, the matvec against it (same run), the cache-resident 1.3B shapes per instruction
# set, and 1.3B decode beside its roofline. Each line is one `mmf bench` call's JSON, condensed.
#   scripts/cpu-results.sh [THREADS]     (default 2)
set -euo pipefail
threads=${1:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
mmf=${MMF:-$root/build/bin/mmf}
[[ -x $mmf ]] || { echo "$0: $mmf not built (run make build)" >&2; exit 1; }
show() { python3 -c '
import json, sys
d = json.load(sys.stdin)
keys = sys.argv[1].split(",")
print(" | ".join(f"{k}={d[k]:.4g}" if isinstance(d[k], float) else f"{k}={d[k]}" for k in keys))
' "$1"; }
echo "## $(date +%F) $(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo unknown)," \
  "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for t in 1 "$threads"; do
  "$mmf" bench --op bandwidth --threads "$t" --min-seconds 2 --json | show op,threads,gbps
done
for packing in 2bit 1.6bit; do
  "$mmf" bench --op matvec --rows 16384 --cols 16384 --packing "$packing" --threads "$threads" \
    --compare-bandwidth --min-seconds 3 --json |
    show rows,cols,packing,isa,threads,us,gops,gbps,bandwidth_gbps,bandwidth_fraction
done
for isa in avx512 avx2 scalar; do
  for shape in "2048 5632" "5632 2048" "2048 2048"; do
    set -- $shape
    "$mmf" bench --op matvec --rows "$1" --cols "$2" --isa "$isa" --threads "$threads" \
      --min-seconds 1 --json | show rows,cols,isa,threads,us,gops,gbps
  done
done
"$mmf" bench --model random:1.3b --backend cpu --threads "$threads" -n 64 --compare-bandwidth \
  --json | show model,backend,prompt_tokens,tokens,prefill_tok_per_s,tok_per_s,bandwidth_gbps,roofline_tok_per_s,roofline_fraction

#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# BitNet b1.58 2B4T's shapes on the cpu backend, as docs/bitnet.md reports them: decode tok/s of
# `mmf bench --model random:bitnet-2b4t` (random ternary weights, the real shapes) from a KV cache
# filled to each context, with the same-run read-bandwidth roofline over the bytes a token reads.
# Each context runs RUNS times (default 3) in separate processes; the table gives the range over
# runs, not the best. Measured on this host; every run rebuilds the random model (~10 s, 2.7 GB).
#
#   scripts/bitnet-cpu-results.sh [CONTEXT...]     # default: 128 2048
#   RUNS=5 THREADS=2 TOKENS=8 scripts/bitnet-cpu-results.sh 128
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mmf=${MMF:-$root/build/bin/mmf}
[[ -x $mmf ]] || { echo "$0: $mmf not built (run make build)" >&2; exit 1; }
contexts=("$@")
[[ ${#contexts[@]} -gt 0 ]] || contexts=(128 2048)
runs=${RUNS:-3}
threads=${THREADS:-2}
tokens=${TOKENS:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| context | tok/s (range over $runs runs) | bytes/token (MB) | read GB/s | roofline tok/s | fraction |"
echo "|---|---|---|---|---|---|"
for ctx in "${contexts[@]}"; do
  for r in $(seq "$runs"); do
    echo "[bitnet-cpu-results] context $ctx, run $r/$runs" >&2
    "$mmf" bench --model random:bitnet-2b4t --backend cpu --threads "$threads" -n "$tokens" \
      --context-fill "$ctx" --compare-bandwidth --json > "$work/$ctx-$r.json"
  done
  python3 - "$work" "$ctx" "$runs" <<'PY'
import json, sys
work, ctx, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [json.load(open("%s/%s-%d.json" % (work, ctx, r))) for r in range(1, runs + 1)]
def span(key, scale=1.0, fmt="%.2f"):
    v = [row[key] * scale for row in rows]
    return (fmt % min(v)) + " - " + (fmt % max(v))
mb = rows[0]["bytes_per_token"]["total"] / 1e6
print("| %s | %s | %.1f | %s | %s | %s |" % (
    ctx, span("tok_per_s"), mb, span("bandwidth_gbps", fmt="%.1f"),
    span("roofline_tok_per_s", fmt="%.1f"), span("roofline_fraction", fmt="%.3f")))
PY
done
python3 - "$work/${contexts[0]}-1.json" "$threads" "$tokens" <<'PY'
import json, sys
row = json.load(open(sys.argv[1]))
print("(cpu backend, %s threads, %s, %s decode tokens a run; measured)" % (sys.argv[2], row["isa"], sys.argv[3]))
PY

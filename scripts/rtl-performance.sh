#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Cycle-accurate performance of the RTL kernel: one `mmf run --backend verilator` and the
# figures docs/results-rtl.md reports (simulated cycles per token against the weight-streaming
# bound, device tokens/s at the build's clock, simulator speed on this host; on stderr the
# token ids and the performance registers per token).
#
#   scripts/rtl-performance.sh MODEL BUILD [TOKENS] [PROMPT]
#   scripts/rtl-performance.sh random:1.3b u280 1 Hi
#
# The first run of a build without a compiled-in kernel (u280) builds one (about 17 minutes on
# 2 cores). A launch may take minutes of wall clock (a 2.7B token on u280 about 5): the
# per-token wait is two hours, not the CLI's default five minutes.
set -euo pipefail
model=${1:?usage: $0 MODEL BUILD [TOKENS] [PROMPT]}
build=${2:?usage: $0 MODEL BUILD [TOKENS] [PROMPT]}
tokens=${3:-1}
prompt=${4:-Hi}
root=$(cd "$(dirname "$0")/.." && pwd)
mmf=${MMF:-$root/build/bin/mmf}
[[ -x $mmf ]] || { echo "$0: $mmf not built (run make build)" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$mmf" run --backend verilator --build "$build" --model "$model" --prompt "$prompt" \
  -n "$tokens" --ignore-eos --temperature 0 --timeout-ms 7200000 --json > "$out"
python3 - "$out" "$model" "$build" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c, b = d["cycles_per_token"], d["weight_bound_cycles_per_token"]
print(f"| {sys.argv[2]} | {sys.argv[3]} | {d['counters']['launches']} | {c:,.0f} | {b:,.0f} | "
      f"{c / b:.3f} | {d['tok_per_s_device']:.1f} | {d['sim_cycles_per_s']:,.0f} | "
      f"{d['seconds']:.1f} |")
print("token_ids:", d["token_ids"], file=sys.stderr)
# The performance registers per token, as shares of the busy cycles (they overlap).
p, n = d["perf"], d["counters"]["launches"]
busy = p["busy_cycles"]
share = lambda k: f"{p[k] / n:,.0f} ({100 * p[k] / busy:.1f} %)"
print(f"perf: | {sys.argv[2]} | {sys.argv[3]} | {busy / n:,.0f} | {share('accumulate_cycles')} | "
      f"{share('starved_cycles')} | {share('pass_cycles')} | {share('vec_wait_cycles')} |",
      file=sys.stderr)
PY

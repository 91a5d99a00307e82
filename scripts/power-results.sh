#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Modeled energy per token of the RTL kernel: one `mmf bench --backend verilator` and the row
# docs/results-power.md reports (cycles per token, device tokens/s at the build's clock, modeled
# watts, joules per token, tokens/s per watt wall and dynamic, and the energy shares: memory
# (the DRAM and the FPGA side of its interface), fabric, compute + on-chip + vector, static).
#
#   scripts/power-results.sh MODEL BUILD [TOKENS] [PROMPT]
#   scripts/power-results.sh random:1.3b u280 2 a
#
# The first run of a build without a compiled-in kernel (u280) builds one (about 17 minutes on
# 2 cores). A launch may take minutes of wall clock (a 2.7B token on u280 about 5): the
# per-token wait is two hours, not the CLI's default five minutes.
set -euo pipefail
model=${1:?usage: $0 MODEL BUILD [TOKENS] [PROMPT]}
build=${2:?usage: $0 MODEL BUILD [TOKENS] [PROMPT]}
tokens=${3:-2}
prompt=${4:-a}
root=$(cd "$(dirname "$0")/.." && pwd)
mmf=${MMF:-$root/build/bin/mmf}
[[ -x $mmf ]] || { echo "$0: $mmf not built (run make build)" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$mmf" bench --backend verilator --build "$build" --model "$model" --prompt "$prompt" \
  -n "$tokens" --warmup 0 --timeout-ms 7200000 --json > "$out"
python3 - "$out" "$model" "$build" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["power_source"] == "modeled", d.get("power_reason")
share = {t["name"]: 100 * t["share"] for t in d["energy_breakdown"]}
print(f"| {sys.argv[2]} | {sys.argv[3]} | {d['tokens_metered']} | {d['cycles_per_token']:,.0f} | "
      f"{d['tok_per_s_device']:,.0f} | {d['power_w']:.1f} | {1000 * d['joules_per_token']:.2f} | "
      f"{d['tok_per_s_per_w']:.1f} | {d['tok_per_s_per_w_dynamic']:.1f} | "
      f"{share['memory'] + share['memory_interface']:.1f} / {share['fabric']:.1f} / "
      f"{share['compute'] + share['on_chip'] + share['vector']:.1f} / {share['static']:.1f} |")
PY

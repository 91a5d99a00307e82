#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The tables of docs/sweep.md from a finished sweep: per board, the point with the most tokens/s
# per W among those that fit, for one model and packing; then how many points fit.
#   scripts/sweep-best.sh RESULTS_CSV [MODEL] [PACKING]
#   scripts/sweep-best.sh build/sweeps/five-boards/results.csv 1.3b 2bit
set -euo pipefail
csv=${1:?usage: $0 RESULTS_CSV [MODEL] [PACKING]}
model=${2:-1.3b}
packing=${3:-2bit}
[[ -r $csv ]] || { echo "$0: $csv: cannot read (run mmf sweep first)" >&2; exit 1; }
python3 - "$csv" "$model" "$packing" <<'PY'
import csv, sys
path, model, packing = sys.argv[1:]
rows = list(csv.DictReader(open(path)))
need = {"board", "model", "packing", "fits", "tok_per_s", "tok_per_s_per_w", "watts", "lut_share",
        "bram", "memory_bound", "static_share", "lanes", "weight_channels", "clock_mhz"}
missing = need - set(rows[0].keys() if rows else [])
if missing:
    sys.exit(f"sweep-best: {path}: not a results.csv of mmf sweep (missing {sorted(missing)})")
mine = [r for r in rows if r["model"] == model and r["packing"] == packing]
if not mine:
    sys.exit(f"sweep-best: {path}: no points of model {model} with packing {packing}")
best = {}
for r in mine:
    if r["fits"] != "1":
        continue
    b = best.get(r["board"])
    if b is None or float(r["tok_per_s_per_w"]) > float(b["tok_per_s_per_w"]):
        best[r["board"]] = r
print("| board | lanes | weight channels | clock MHz | tok/s (sim.) | W (modeled) | tok/s per W "
      "| static share | CLB LUT (est.) | FF | BRAM36 | URAM | bound |")
print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
for r in sorted(best.values(), key=lambda r: -float(r["tok_per_s_per_w"])):
    pct = lambda k: f'{100 * float(r[k]):.0f}%' if r.get(k) not in (None, "", "null") else "-"
    print(f'| {r["board"]} | {r["lanes"]} | {r["weight_channels"]} | {float(r["clock_mhz"]):g} '
          f'| {float(r["tok_per_s"]):.1f} | {float(r["watts"]):.1f} '
          f'| {float(r["tok_per_s_per_w"]):.2f} | {pct("static_share")} | {pct("lut_share")} '
          f'| {pct("ff_share")} | {float(r["bram"]):g} | {r.get("uram", "-")} '
          f'| {"memory" if r["memory_bound"] == "1" else "streamer"} |')
fit = sum(r["fits"] == "1" for r in rows)
print(f"\n{fit} of {len(rows)} points fit their device on the estimates; "
      f"{sum(r['fits'] == '1' for r in mine)} of the {len(mine)} {model} {packing} points.")
PY

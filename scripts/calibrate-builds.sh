#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The timed model's calibration error on several builds: `mmf calibrate` (the systemc timed
# model against the Verilated RTL, kernel cycles per token and per op) on the shipped tiny model
# and on a held-out shape that set no cost (random, H=200, I=330, V=777, 3 layers), one table
# row each, as docs/platform.md ("Calibration against the RTL") reports them. Simulated, not
# measured. A build without a compiled-in kernel is Verilated on first use (u280, u55c: about
# 17 minutes each on 2 cores; u250 a few).
#
#   scripts/calibrate-builds.sh [BUILD...]      # default: ci-tiny kv260 u250 u55c u280
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mmf=${MMF:-$root/build/bin/mmf}
[[ -x $mmf ]] || { echo "$0: $mmf not built (run make build)" >&2; exit 1; }
builds=("$@")
[[ ${#builds[@]} -gt 0 ]] || builds=(ci-tiny kv260 u250 u55c u280)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/ragged.yaml" <<'YAML'
name: ragged
description: a held-out shape for calibration (sizes that are no multiple of the lanes)
vocab_size: 777
hidden_size: 200
num_layers: 3
intermediate_size: 330
rms_norm_eps: 1.0e-6
bos_token_id: 1
eos_token_id: 2
max_position_embeddings: 2048
YAML
echo "| Model | Build | RTL cycles/token | Model cycles/token | Token error | Worst BitLinear | Worst op |"
echo "|---|---|--:|--:|--:|--:|--:|"
for b in "${builds[@]}"; do
  for m in tiny "random:$work/ragged.yaml"; do
    echo "[calibrate-builds] $m on $b ..." >&2
    "$mmf" calibrate --model "$m" --build "$b" -n 3 --max-error 100 --json > "$work/out.json"
    python3 - "$work/out.json" "$m" "$b" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
name = "tiny" if sys.argv[2] == "tiny" else "random:ragged"
t = max(d["tokens"], key=lambda k: abs(k["error_pct"]))  # the worst of the 3 tokens
bl = [o for o in d["ops"] if o["opcode"] == "BitLinear"]
worst_bl = max((o["max_abs_op_error_pct"] for o in bl), default=0.0)
worst = max(d["ops"], key=lambda o: o["max_abs_op_error_pct"])
print(f"| {name} | {sys.argv[3]} | {t['rtl_cycles']:,} | {t['model_cycles']:,} | "
      f"{t['error_pct']:+.2f}% | {worst_bl:.2f}% | "
      f"{worst['max_abs_op_error_pct']:.1f}% ({worst['opcode']}) |")
PY
  done
done

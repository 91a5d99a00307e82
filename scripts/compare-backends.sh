#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs `mmf run` greedily on two backends and prints whether the token ids are identical, the
# weight bytes per token (kernel counters) and the decode speed of each (wall clock of this
# host). The figures of docs/results-hls.md come from this script.
#   scripts/compare-backends.sh MODEL BUILD PROMPT TOKENS [BACKEND_A] [BACKEND_B]
# e.g. scripts/compare-backends.sh tiny ci-tiny "The meaning of life is" 40
set -euo pipefail
if [[ $# -lt 4 ]]; then
  sed -n '3,7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
model=$1 build=$2 prompt=$3 tokens=$4 a=${5:-cpu} b=${6:-csim}
mmf=${MMF:-build/bin/mmf}
[[ -x $mmf ]] || { echo "compare-backends: $mmf not found; run make build first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for backend in "$a" "$b"; do
  "$mmf" run --model "$model" --build "$build" --backend "$backend" --prompt "$prompt" \
    -n "$tokens" --temperature 0 --ignore-eos --json > "$tmp/$backend.json"
done
python3 - "$tmp/$a.json" "$tmp/$b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def per_token(j):
    steps = max(len(j["token_ids"]) - 1, 1)  # decode steps: every generated token but the first
    return j["decode_seconds"] / steps
c = b["counters"]
print(f'model {b["model"]}  build {b["build"]["name"]}  tokens {len(b["token_ids"])}  '
      f'identical {a["token_ids"] == b["token_ids"]}  '
      f'weight bytes/token {c["weight_bytes"] // c["launches"]}')
for j in (a, b):
    s = per_token(j)
    print(f'  {j["backend"]:>5}: {s:.4f} s/token ({1 / s:.1f} tok/s), measured wall clock')
PY

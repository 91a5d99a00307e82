#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# BitNet b1.58 2B4T on the accelerator's builds, as docs/bitnet.md reports them: one decode token
# of `mmf bench --model random:bitnet-2b4t` (random ternary weights, the real shapes) on the
# systemc platform's timed form, from a device KV cache filled to each context, for each build:
# cycles a token against the memory bound (every byte the weight channels read: ternary
# weights, the int8 head, the KV cache), tokens/s at the build's clock and tokens/s per watt of
# the energy model. MODELED: no RTL runs BitNet yet; the attention units, the head and the KV
# cache are timed as their design (docs/bitnet.md, "On the accelerator"). The platform is
# deterministic, so one run a point. Each point compiles the 2B4T image (~30 s, ~4 GB).
#
#   scripts/bitnet-accelerator-results.sh [CONTEXT...]    # default: 128 512 1024 2048 4095
#   BUILDS="u280" scripts/bitnet-accelerator-results.sh 128 2048
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mmf=${MMF:-$root/build/bin/mmf}
[[ -x $mmf ]] || { echo "$0: $mmf not built (run make build)" >&2; exit 1; }
contexts=("$@")
[[ ${#contexts[@]} -gt 0 ]] || contexts=(128 512 1024 2048 4095)
builds=${BUILDS:-"u280 u55c"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| build | context | cycles/token | memory bound | fraction | tok/s | W | tok/s/W |"
echo "|---|---|---|---|---|---|---|---|"
for b in $builds; do
  for ctx in "${contexts[@]}"; do
    echo "[bitnet-accelerator-results] $b, context $ctx" >&2
    "$mmf" bench --model random:bitnet-2b4t --backend systemc --build "$b" \
      --context-fill "$ctx" -n 1 --warmup 0 --json > "$work/$b-$ctx.json"
    python3 - "$work/$b-$ctx.json" "$b" "$ctx" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
print("| %s | %s | %.0f | %.0f | %.3f | %.1f | %.1f | %.2f |" % (
    sys.argv[2], sys.argv[3], j["cycles_per_token"], j["memory_bound_cycles_per_token"],
    j["memory_bound_fraction"], j["tok_per_s_device"], j["power_w"], j["tok_per_s_per_w"]))
PY
  done
done

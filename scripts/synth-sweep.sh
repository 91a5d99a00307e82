#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Yosys resource estimates of the RTL units (`mmf synth --json`, one unit per run), printed as the
# markdown tables of docs/resources.md. A unit that fails or exceeds the timeout is listed as
# skipped with the reason; the others still print.
#   scripts/synth-sweep.sh [builds|lanes|vector-lanes|all]   (default: all)
#   scripts/synth-sweep.sh json FILE...   the tables of whole-build runs already made
#                                         (`mmf synth --build B --json > FILE`), with the kernel total
# Environment: MMF (default build/bin/mmf), SYNTH_TIMEOUT seconds per unit (default 600),
# SYNTH_BUILDS (default "ci-tiny u280"), SWEEP_BUILD (base of the sweeps, default u280).
set -euo pipefail
what=${1:-all}
case $what in
  builds | lanes | vector-lanes | all) ;;
  json) [[ $# -ge 2 ]] || { echo "synth-sweep: json needs at least one FILE" >&2; exit 2; } ;;
  *) sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
mmf=${MMF:-build/bin/mmf}
timeout=${SYNTH_TIMEOUT:-600}
builds=${SYNTH_BUILDS:-ci-tiny u280}
sweep_build=${SWEEP_BUILD:-u280}
[[ -x $mmf ]] || { echo "synth-sweep: $mmf not found; run make build first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME ARGS...: one `mmf synth --json` into $tmp/NAME.json, or its error into $tmp/NAME.err.
run() {
  local name=$1
  shift
  if ! "$mmf" synth --json --timeout "$timeout" "$@" > "$tmp/$name.json" 2> "$tmp/$name.log"; then
    grep 'mmf: error' "$tmp/$name.log" | head -1 > "$tmp/$name.err" || true
    rm -f "$tmp/$name.json"
  fi
  grep -v '^mmf: error' "$tmp/$name.log" >&2 || true
}

# sweep_unit UNIT OPTION TAG VALUE...: UNIT of $sweep_build at each VALUE of OPTION, smallest
# first, appended to names; after a run exceeds the timeout the larger ones are not run (a unit
# only grows with its lanes).
sweep_unit() {
  local unit=$1 option=$2 tag=$3 skip=""
  shift 3
  for v in "$@"; do
    local name="$unit@$tag$v"
    names+=("$name")
    if [[ -n $skip ]]; then
      echo "$skip" > "$tmp/$name.err"
      continue
    fi
    run "$name" --build "$sweep_build" "$option" "$v" --unit "$unit"
    if grep -q -- '--timeout' "$tmp/$name.err" 2> /dev/null; then
      skip="not run: it exceeded the ${timeout} s timeout already at ${option#--} $v"
    fi
  done
}

# table TITLE COLUMN KIND NAME...: the markdown table of the runs NAME (KIND: build or sweep).
table() {
  python3 - "$tmp" "$@" <<'PY'
import json, os, sys
tmp, title, column, kind, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
keys = ["lut", "ff", "carry", "bram36", "uram", "dsp", "lutram"]
head = ["LUT", "FF", "CARRY", "BRAM36", "URAM", "DSP", "LUTRAM"]
print(f"\n{title}\n")
if kind == "build":
    print("| unit | parameters | inst. | " + " | ".join(head) + " | Yosys s |")
    print("|---|---|--:|" + "--:|" * len(head) + "--:|")
else:
    print(f"| unit | {column} | parameters | " + " | ".join(head) + " | LUT per lane | Yosys s |")
    print("|---|--:|---|" + "--:|" * len(head) + "--:|--:|")
done, skipped, total = [], [], {k: 0 for k in keys}
for name in names:
    path = os.path.join(tmp, name + ".json")
    if not os.path.exists(path):
        err = open(os.path.join(tmp, name + ".err")).read().strip() if os.path.exists(
            os.path.join(tmp, name + ".err")) else "no output"
        unit, _, suffix = name.partition("@")
        label = unit if kind == "build" else f"{unit} ({column} {suffix.lstrip('lv')})"
        skipped.append((label, err.replace("mmf: error: ", "").split("; last lines")[0]))
        continue
    j = json.load(open(path))
    u = j["units"][0]
    params = " ".join(f"{k}={v}" for k, v in u["params"].items()) or "-"
    cells = " | ".join(f'{u[k]:g}' if k == "bram36" else str(u[k]) for k in keys)
    if kind == "build":
        inst = str(u["instances"]) + (f' (in {u["within"]})' if "within" in u else "")
        print(f'| {u["unit"]} | {params} | {inst} | {cells} | {u["seconds"]:.0f} |')
        done.append(u)
    else:
        # Weight units count trits per word (Lanes), vector units values per beat (VectorLanes).
        lanes = u["params"]["Lanes" if "Lanes" in u["params"] else "VectorLanes"]
        print(f'| {u["unit"]} | {lanes} | {params} | {cells} | {u["lut"] / lanes:.0f} | '
              f'{u["seconds"]:.0f} |')
if kind == "build" and done:
    names_done = {u["unit"] for u in done}
    for u in done:
        if u.get("within") in names_done:
            continue  # already inside the unit that holds it
        for k in keys:
            total[k] += u[k] * u["instances"]
    cells = " | ".join(f'{total[k]:g}' if k == "bram36" else str(total[k]) for k in keys)
    seconds = sum(u["seconds"] for u in done)
    label = "sum of units × instances" + (" (skipped units left out)" if skipped else "")
    print(f'| **{label}** | | | {cells} | {seconds:.0f} |')
if skipped:
    print()
for unit, why in skipped:
    print(f"- skipped {unit}: {why}")
PY
}

if [[ $what == json ]]; then
  # Each FILE: its units as the per-unit runs of `builds` would leave them, the same table, then
  # the kernel's total as `mmf synth` measured it (the flattened top with the units as boxes,
  # plus the units times their instances: the kernel's own logic is in it).
  for f in "${@:2}"; do
    [[ -r $f ]] || { echo "synth-sweep: $f: cannot read" >&2; exit 1; }
    b=$(python3 - "$f" "$tmp" <<'PY'
import json, os, sys
try:
    d = json.load(open(sys.argv[1]))
    units, build = d["units"], d["build"]
except (OSError, ValueError, KeyError, TypeError) as e:
    sys.exit(f"synth-sweep: {sys.argv[1]}: not the output of mmf synth --json ({e})")
for u in units:
    json.dump({"units": [u]}, open(os.path.join(sys.argv[2], f'{u["unit"]}@{build}.json'), "w"))
print(build, " ".join(f'{u["unit"]}@{build}' for u in units))
PY
) || exit 1
    read -r build names_line <<< "$b"
    read -r -a names <<< "$names_line"
    echo "Yosys synth_xilinx estimates (not Vivado) from \`$f\`."
    table "Build \`$build\`:" "" build "${names[@]}"
    python3 - "$f" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t, keys = d["total"], ["lut", "ff", "carry", "bram36", "uram", "dsp", "lutram"]
cells = " | ".join(f'{t[k]:g}' if k == "bram36" else str(t[k]) for k in keys)
print(f'| **kernel ({d["total_method"]}: the top with its units as boxes, plus the units)** '
      f'| | 1 | {cells} | |')
print(f'\nDepth: at most {d["max_lut_levels"]} LUT and {d["max_carry_levels"]} carry levels; '
      f'fits: {str(d["fits"]).lower()}; problems: {d["problems"] or "none"}.')
PY
  done
  exit 0
fi

commit=$(git rev-parse --short HEAD 2> /dev/null || echo unknown)
echo "Yosys synth_xilinx estimates (not Vivado), measured on $(date +%F) at commit $commit with" \
  "\`scripts/synth-sweep.sh $what\` ($("$mmf" synth --help > /dev/null && yosys -V), up to" \
  "${timeout} s per unit)."

if [[ $what == builds || $what == all ]]; then
  for b in $builds; do
    names=()
    units=$("$mmf" synth --build "$b" --units-only --list --json | python3 -c \
      'import json, sys; print(" ".join(u["unit"] for u in json.load(sys.stdin)["units"]))')
    for unit in $units; do
      run "$unit@$b" --build "$b" --units-only --unit "$unit"
      names+=("$unit@$b")
    done
    table "Build \`$b\`:" "" build "${names[@]}"
  done
fi
if [[ $what == lanes || $what == all ]]; then
  names=()
  for unit in mmf_ternary_acc mmf_weight_channel; do
    sweep_unit "$unit" --lanes l 16 64 256 512
  done
  table "Weight path against \`lanes\` (build \`$sweep_build\` with --lanes):" lanes sweep \
    "${names[@]}"
fi
if [[ $what == vector-lanes || $what == all ]]; then
  names=()
  for unit in mmf_norm_quantize mmf_mlgru_gate mmf_silu mmf_scaled_products mmf_residual_add; do
    sweep_unit "$unit" --vector-lanes v 4 8 32
  done
  table "Vector units against \`vector_lanes\` (build \`$sweep_build\` with --vector-lanes):" \
    vector_lanes sweep "${names[@]}"
fi

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Where the deep paths of a mapped netlist are: the register-to-register paths over N LUT levels.

    scripts/depth-paths.py NETLIST.json [--top mmf_kernel] [--over 6] [--show 30]
                           [--cut MODULE ...]

NETLIST.json is a Yosys `write_json` netlist after synth_xilinx, e.g. the
`<unit>.netlist.json` that `mmf synth --keep` leaves in its work directory. Instances of the
netlist's own modules are inlined into the top (so a hierarchical netlist is walked as if it were
flat, without the optimization flattening would allow: an upper bound of sorts), except those
named with --cut and those the netlist does not define (boxed units), which end paths like
flip-flops. Levels are counted as `mmf synth` counts them (host/src/dse/logic_depth.hpp): LUT1-6,
INV and a distributed RAM's read one level each; MUXF7/8/9 and carries none here. Paths start and
end at flip-flops, block RAM, UltraRAM, DSPs, shift registers, constants, ports and cut instances.

Prints the deepest level, then one line per distinct path over --over levels, deepest first: its
start, the named nets it passes and its end. A diagnostic, not a check: `mmf synth --check` is
the check.
"""
import argparse
import itertools
import json
import sys

CUT_PREFIXES = ("FD", "RAMB", "FIFO", "URAM", "DSP48", "SRL", "GND", "VCC")


def weight(cell_type):
    if cell_type == "INV" or (cell_type.startswith("LUT") and len(cell_type) == 4):
        return 1
    if cell_type.startswith("RAM") and not cell_type.startswith("RAMB"):
        return 1
    return 0


def write_only(cell_type, port):
    """A distributed RAM input that only writes: it ends a path."""
    if not (cell_type.startswith("RAM") and not cell_type.startswith("RAMB")):
        return False
    return port in ("WCLK", "WE", "D") or port.startswith(("DI", "WA", "WS"))


def base_name(module):
    """mmf_fifo for `$paramod$<hash>\\mmf_fifo` or `$paramod\\mmf_fifo\\Width=...`."""
    if module.startswith("$paramod"):
        return module.split("\\")[1]
    return module


class Flat:
    def __init__(self, modules, top, cut):
        self.modules = modules
        self.cut_modules = set(cut)
        self.ids = itertools.count(1)
        self.cells = []  # (name, type, directions, connections with global bit ids)
        self.names = {}
        self.inline(top, "", {})

    def inline(self, module, prefix, port_bits):
        m = self.modules[module]
        local = {}

        def bit(b):
            if not isinstance(b, int):
                return b  # a constant
            if b in port_bits:
                return port_bits[b]
            if b not in local:
                local[b] = next(self.ids)
            return local[b]

        for net, v in m["netnames"].items():
            for i, b in enumerate(v["bits"]):
                g = bit(b)
                if isinstance(g, int) and not net.startswith("$") and g not in self.names:
                    self.names[g] = f"{prefix}{net}[{i}]"
        for name, c in m["cells"].items():
            t = c["type"]
            inner = self.modules.get(t)
            if inner is not None and base_name(t) not in self.cut_modules and \
                    not inner.get("attributes", {}).get("blackbox"):
                sub_ports = {}
                for port, bits in c["connections"].items():
                    for a, b in zip(inner["ports"][port]["bits"], bits):
                        if isinstance(a, int):
                            sub_ports[a] = bit(b)
                self.inline(t, prefix + name.split("\\")[-1] + ".", sub_ports)
            else:
                conns = {p: [bit(b) for b in bits] for p, bits in c["connections"].items()}
                self.cells.append((prefix + name, t, c.get("port_directions", {}), conns))


def is_cut(cell_type):
    if cell_type.startswith(CUT_PREFIXES):
        return True
    return not (weight(cell_type) or cell_type.startswith(("MUXF", "CARRY", "RAM")))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("netlist")
    ap.add_argument("--top", default="mmf_kernel")
    ap.add_argument("--over", type=int, default=6, help="list paths over this many LUT levels")
    ap.add_argument("--show", type=int, default=30, help="at most this many paths")
    ap.add_argument("--cut", nargs="*", default=[], help="modules whose instances end paths")
    args = ap.parse_args()
    try:
        with open(args.netlist) as f:
            modules = json.load(f)["modules"]
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"{sys.argv[0]}: {args.netlist}: not a Yosys JSON netlist ({e})")
    if args.top not in modules:
        sys.exit(f"{sys.argv[0]}: {args.netlist}: no module {args.top}")
    flat = Flat(modules, args.top, args.cut)
    cells, names = flat.cells, flat.names

    driver = {}
    for i, (_, _, dirs, conns) in enumerate(cells):
        for p, bits in conns.items():
            if dirs.get(p) == "output":
                for b in bits:
                    if isinstance(b, int):
                        driver[b] = i

    def fanin(i):
        _, t, dirs, conns = cells[i]
        for p, bits in conns.items():
            if dirs.get(p) == "input" and not write_only(t, p):
                for b in bits:
                    if isinstance(b, int) and b in driver:
                        yield b

    # Levels at each cell's output, iteratively (netlists of 10^5..10^6 cells).
    depth = [None] * len(cells)
    pred = [None] * len(cells)
    for start in range(len(cells)):
        stack = [(start, False)]
        while stack:
            i, expanded = stack.pop()
            if is_cut(cells[i][1]):
                depth[i] = 0
                continue
            if not expanded:
                if depth[i] is not None:
                    continue
                depth[i] = -1  # on the stack
                stack.append((i, True))
                stack.extend((driver[b], False) for b in fanin(i) if depth[driver[b]] is None)
                continue
            best, via = 0, None
            for b in fanin(i):
                j = driver[b]
                d = 0 if is_cut(cells[j][1]) else max(depth[j], 0)
                if via is None or d > best:
                    best, via = d, (j, b)
            depth[i] = best + weight(cells[i][1])
            pred[i] = via

    def label(i):
        _, _, dirs, conns = cells[i]
        for p, bits in conns.items():
            if dirs.get(p) == "output":
                for b in bits:
                    n = names.get(b)
                    if n:
                        return n.split("[")[0]
        return None

    def path(i):
        out = []
        while i is not None and not is_cut(cells[i][1]):
            n = label(i)
            if n and (not out or out[-1] != n):
                out.append(n)
            via = pred[i]
            if via is None:
                break
            if is_cut(cells[via[0]][1]):
                out.append("<" + (names.get(via[1]) or cells[via[0]][0]).split("[")[0] + ">")
                break
            i = via[0]
        return list(reversed(out))

    ends = []
    for i, (name, t, dirs, conns) in enumerate(cells):
        if not is_cut(t):
            continue
        for p, bits in conns.items():
            if dirs.get(p) != "input":
                continue
            for b in bits:
                if isinstance(b, int) and b in driver and depth[driver[b]] > args.over:
                    ends.append((depth[driver[b]], driver[b], f"{name}.{p}"))
    deepest = max((d for d in depth if d is not None), default=0)
    print(f"{args.netlist}: {len(cells)} cells, deepest {deepest} LUT levels; "
          f"paths over {args.over}:")
    seen = set()
    for d, j, end in sorted(ends, key=lambda e: -e[0]):
        key = tuple(path(j))
        if key in seen:
            continue
        seen.add(key)
        print(f"{d:3d}  {' -> '.join(key)} => {end}")
        if len(seen) >= args.show:
            break


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""How much of models/tiny/heldout.txt also occurs in the tiny model's training fortunes.

Optional tooling, standard library only. The corpus is not deduplicated, so a fortune that
is held out by index (index % 33 == 16) can still have a copy among the training fortunes.
This script rebuilds the split with train_tiny.py's own corpus code (its read_fortunes,
split_fortunes and constants, taken from its source without importing torch) and, for each
fortune of heldout.txt, reports
 * whether it is in the held-out split,
 * whether it is verbatim a training fortune, or verbatim inside one,
 * its highest 8-word-shingle overlap with any one training fortune: the share of its
   8-word shingles (whitespace-separated words, case kept) that also occur in that fortune.
   A fortune of fewer than 8 words is one shingle.

Needs Debian's `fortunes` and `fortunes-min` (scripts/install-deps.sh --training).
    python3 models/train/heldout_overlap.py            # counts and the overlapping fortunes
    python3 models/train/heldout_overlap.py --all      # one line per held-out fortune
"""

import argparse
import ast
import os
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SHINGLE = 8
CORPUS_NAMES = ["FORTUNE_DIR", "SKIP_FILES", "HOLDOUT_EVERY", "HOLDOUT_PHASE",
                "read_fortunes", "split_fortunes"]


def load_corpus_code():
    """train_tiny.py's corpus constants and functions, without running its imports."""
    path = os.path.join(HERE, "train_tiny.py")
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), path)
    keep = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in CORPUS_NAMES:
            keep.append(node)
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in CORPUS_NAMES for t in node.targets):
            keep.append(node)
    ns = {"os": os}
    exec(compile(ast.Module(body=keep, type_ignores=[]), path, "exec"), ns)
    missing = [n for n in CORPUS_NAMES if n not in ns]
    if missing:
        sys.exit("heldout_overlap: train_tiny.py has no %s" % ", ".join(missing))
    return ns


def shingles(text):
    words = text.split()
    if len(words) < SHINGLE:
        return {tuple(words)}
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--heldout", default=os.path.join(REPO_ROOT, "models", "tiny", "heldout.txt"))
    ap.add_argument("--fortunes", help="fortune directory (default: train_tiny.py's)")
    ap.add_argument("--threshold", type=float, default=0.5,
                    help="list fortunes whose best overlap is at least this (default 0.5)")
    ap.add_argument("--all", action="store_true", help="one line per held-out fortune")
    args = ap.parse_args()

    code = load_corpus_code()
    directory = args.fortunes or code["FORTUNE_DIR"]
    if not os.path.isdir(directory):
        sys.exit("heldout_overlap: %s is missing; install Debian's fortunes and fortunes-min"
                 % directory)
    fortunes = code["read_fortunes"](directory)
    train, held = code["split_fortunes"](fortunes)
    print("corpus: %d fortunes, %d train, %d held out (index %% %d == %d)"
          % (len(fortunes), len(train), len(held), code["HOLDOUT_EVERY"], code["HOLDOUT_PHASE"]))

    with open(args.heldout, encoding="utf-8") as fh:
        sub = fh.read().rstrip("\n").split("\n\n")
    print("%s: %d fortunes" % (os.path.relpath(args.heldout), len(sub)))

    train_set = set(train)
    held_set = set(held)
    index = defaultdict(set)
    for k, t in enumerate(train):
        for s in shingles(t):
            index[s].add(k)

    rows = []
    for h in sub:
        sh = shingles(h)
        hits = defaultdict(int)
        for s in sh:
            for k in index.get(s, ()):
                hits[k] += 1
        best_k, best_n = max(hits.items(), key=lambda kv: kv[1], default=(None, 0))
        exact = h in train_set
        inside = exact or any(h in t for t in train)
        rows.append((h, h in held_set, exact, inside, best_n / len(sh), best_k))

    def show(h, in_held, exact, inside, share, k):
        first = h.split("\n")[0][:60]
        kind = "exact" if exact else ("inside" if inside else "-")
        held_mark = "yes" if in_held else "NO"
        print("  %5.1f%%  %-6s  held=%s  %r" % (100 * share, kind, held_mark, first))
        if k is not None and share >= args.threshold and not exact:
            print("          training: %r" % train[k].split("\n")[0][:60])

    listed = rows if args.all else [r for r in rows if r[2] or r[3] or r[4] >= args.threshold]
    if listed:
        print("best 8-word-shingle overlap with one training fortune, verbatim match, in split:")
        for r in listed:
            show(*r)

    n = len(rows)
    print("in the held-out split: %d of %d" % (sum(r[1] for r in rows), n))
    print("verbatim a training fortune: %d of %d" % (sum(r[2] for r in rows), n))
    print("verbatim inside a training fortune (exact ones included): %d of %d"
          % (sum(r[3] for r in rows), n))
    for lo in (1.0, 0.75, 0.5, 0.25):
        print("best shingle overlap >= %3d%%: %d of %d"
              % (round(100 * lo), sum(r[4] >= lo for r in rows), n))
    print("some shingle shared (> 0%%): %d of %d" % (sum(r[4] > 0 for r in rows), n))
    text = sum(len(r[0]) for r in rows)
    print("characters in fortunes with best overlap >= 75%%: %d of %d"
          % (sum(len(r[0]) for r in rows if r[4] >= 0.75), text))


if __name__ == "__main__":
    main()

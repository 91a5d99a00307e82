#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Yosys cost of one 1.6-bit decoder ROM: a registered 256 x 10-bit table from a packed byte
# (five base-3 digits, mmf/ternary_pack.hpp) to its five 2-bit trit codes (mmf_format_pkg),
# written out as a case statement and synthesized for UltraScale+ (synth_xilinx -family xcup).
# The sweep's resource estimate charges 40 LUT a byte (host/src/dse/sweep/resources.cpp); this
# is the check of that figure. No decoder is part of the RTL yet.
#   scripts/trit5-rom-cost.sh     (needs yosys and python3; make deps installs both)
set -euo pipefail
command -v yosys > /dev/null || { echo "trit5-rom-cost: yosys not found (make deps)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/rom.sv" <<'PY'
import sys
code = {-1: 0b11, 0: 0b00, 1: 0b01}  # the 2-bit trit codes of mmf_format_pkg
rows = []
for byte in range(243):  # 3^5 - 1 is the largest valid byte
    v, word = byte, 0
    for j in range(5):
        word |= code[v % 3 - 1] << (2 * j)
        v //= 3
    rows.append(f"      8'd{byte}: trits_q <= 10'b{word:010b};")
open(sys.argv[1], "w").write("\n".join([
    "module trit5_rom (input logic clk_i, input logic [7:0] byte_i, output logic [9:0] trits_o);",
    "  logic [9:0] trits_q;",
    "  assign trits_o = trits_q;",
    "  always_ff @(posedge clk_i) begin",
    "    unique case (byte_i)", *rows,
    "      default: trits_q <= 10'b0;",
    "    endcase",
    "  end",
    "endmodule", ""]))
PY
(cd "$tmp" && yosys -q -p "read_verilog -sv rom.sv; synth_xilinx -family xcup -top trit5_rom \
  -noiopad -noclkbuf; tee -q -o stat.txt stat" > yosys.log 2>&1) ||
  { cat "$tmp/yosys.log" >&2; exit 1; }
python3 - "$tmp/stat.txt" <<'PY'
import re, sys
cells = dict((m[0], int(m[1])) for m in re.findall(r"^\s+(\w+)\s+(\d+)\s*$", open(sys.argv[1]).read(), re.M))
luts = sum(n for c, n in cells.items() if re.fullmatch(r"LUT\d", c))
print(f"one byte's decoder ROM (Yosys synth_xilinx, xcup): {luts} LUT, "
      f"{cells.get('MUXF7', 0)} MUXF7, {cells.get('MUXF8', 0)} MUXF8, {cells.get('FDRE', 0)} FF")
PY

#!/usr/bin/env bash
# Unit tests: the C program built by make (UNIT=path), printing PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 1
unit=${UNIT:-build/opt/unit}
[ -x "$unit" ] || make -s "$unit" >/dev/null || { echo "FAIL: unit: cannot build $unit"; exit 1; }
"$unit"

#!/usr/bin/env bash
# Unit tests: the C program built by make (UNIT=path), printing PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 1
unit=${UNIT:-build/opt/unit}
[ -x "$unit" ] || make -s "$unit" >/dev/null || { echo "FAIL: unit: cannot build $unit"; exit 1; }
"$unit"

# guest/xenshm_channel.h builds freestanding and needs nothing from anywhere
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
freestanding() {	# NAME COMPILER FLAGS...
	local name=$1
	shift
	if "$@" -std=c99 -O2 -Wall -Wextra -Werror -pedantic -ffreestanding -nostdlib -fno-builtin \
		-Iguest -c tests/guest/freestanding.c -o "$tmp/$name.o" 2>"$tmp/err" &&
		nm -u "$tmp/$name.o" >"$tmp/needs" 2>>"$tmp/err" && [ ! -s "$tmp/needs" ]; then
		echo "PASS: unit channel header: freestanding $name build needs no symbol"
	else
		echo "FAIL: unit channel header: freestanding $name build"
		cat "$tmp/err"; sed 's/^/    | needs /' "$tmp/needs" 2>/dev/null
	fi
}
freestanding x86_64 cc
freestanding arm64 clang --target=aarch64-linux-gnu -mgeneral-regs-only -mstrict-align

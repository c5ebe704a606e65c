#!/usr/bin/env bash
# Builds the test guest once per VM, against that VM's generated xenshm.h.
# Usage: build.sh [--no-scrub] BUILD_DIR OUT_DIR   (BUILD_DIR from `xenshm-compose build`)
# --no-scrub: for dom0less, where nothing zeroes a region between boots (guest.c, NO_SCRUB)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
defs=""
if [ "${1:-}" = --no-scrub ]; then
	defs=-DNO_SCRUB
	shift
fi
build=$1 out=$2
mkdir -p "$out"
flags="-std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib -mstrict-align
-mgeneral-regs-only -fno-pic -fno-pie -fno-stack-protector -static -no-pie $defs"
for dir in "$build"/guest/*/; do
	vm=$(basename "$dir")
	# shellcheck disable=SC2086 # flags are words
	aarch64-linux-gnu-gcc $flags -I"$dir" -T "$here/guest.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		"$here/start.S" "$here/guest.c" -o "$out/$vm.elf"
	aarch64-linux-gnu-objcopy -O binary "$out/$vm.elf" "$out/$vm.img"
done

#!/usr/bin/env bash
# Builds the test guest once per VM, against that VM's generated xenshm.h.
# Usage: build.sh [--no-scrub] [-DNAME=VALUE...] BUILD_DIR OUT_DIR
#   BUILD_DIR: from `xenshm-compose build`
#   --no-scrub: for dom0less, where nothing zeroes a region between boots (guest.c, NO_SCRUB)
#   -D...: guest.c's other knobs (PLAIN_COUNT and friends: a peer of xenshm-guest)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
defs=""
while [ $# -gt 2 ]; do
	case $1 in
	--no-scrub) defs="$defs -DNO_SCRUB" ;;
	-D*) defs="$defs $1" ;;
	*) echo "build.sh: unknown option $1" >&2; exit 64 ;;
	esac
	shift
done
build=$1 out=$2
mkdir -p "$out"
flags="-std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib -mstrict-align
-mgeneral-regs-only -fno-pic -fno-pie -fno-stack-protector -static -no-pie $defs"
for dir in "$build"/guest/*/; do
	vm=$(basename "$dir")
	# shellcheck disable=SC2086 # flags are words
	aarch64-linux-gnu-gcc $flags -I"$dir" -I"$here/../../../guest" -T "$here/guest.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		"$here/start.S" "$here/guest.c" -o "$out/$vm.elf"
	aarch64-linux-gnu-objcopy -O binary "$out/$vm.elf" "$out/$vm.img"
done

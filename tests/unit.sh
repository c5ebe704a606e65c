#!/usr/bin/env bash
# Unit tests: the C program built by make (UNIT=path), printing PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 1
bin=${1:-./xenshm-compose}
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

# guest/libxenshm.c: regions found in the device trees the compiler writes
# (guest/VM/xenshm.dtsi compiled by dtc), mapped through a stand-in for /dev/mem
cc -std=c11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Iguest -o "$tmp/find" tests/guest/find.c \
	guest/libxenshm.c -lfdt -lxenstore 2>"$tmp/err" || { echo "FAIL: unit libxenshm builds"; cat "$tmp/err"; }
export XENSHM_NO_XENSTORE=1
for f in examples/*.yaml tests/artifacts/*.yaml; do
	[ -x "$tmp/find" ] || break
	"$bin" config --format json "$f" >"$tmp/cfg" || continue
	jq -e '.xen.arch == "arm64"' "$tmp/cfg" >/dev/null || continue
	rm -rf "$tmp/b"
	"$bin" build -q "$f" -o "$tmp/b" || continue
	for vm in $(jq -r '.vms[].name' "$tmp/cfg"); do
		printf '/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>; };\n/include/ "%s"\n' \
			"$tmp/b/guest/$vm/xenshm.dtsi" >"$tmp/g.dts"
		jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .shm[] |
			"\(.id) \(.at | ltrimstr("0x") | ascii_downcase | sub("^0+(?=.)"; "") | "0x" + .) \(.size | ltrimstr("0x") | ascii_downcase | sub("^0+(?=.)"; "") | "0x" + .) device tree"' \
			"$tmp/cfg" >"$tmp/want"
		if dtc -q -I dts -O dtb -o "$tmp/g.dtb" "$tmp/g.dts" && XENSHM_FDT=$tmp/g.dtb "$tmp/find" list >"$tmp/got" 2>&1 &&
			diff "$tmp/want" "$tmp/got" >"$tmp/diff"; then
			echo "PASS: unit libxenshm finds $(basename "$f" .yaml)/$vm's regions in its device tree"
		else
			echo "FAIL: unit libxenshm finds $(basename "$f" .yaml)/$vm's regions in its device tree"
			sed 's/^/    | /' "$tmp/diff" "$tmp/got" | head -10
		fi
	done
	last=$tmp/g.dtb
done
libxenshm_case() {	# NAME WANT-EXIT WANT-OUTPUT-PATTERN ENV... -- ARGS...
	local name=$1 want=$2 pat=$3 out rc
	shift 3
	out=$(env "$@" 2>&1); rc=$?
	if [ "$rc" = "$want" ] && grep -qE "$pat" <<<"$out"; then
		echo "PASS: unit libxenshm $name"
	else
		echo "FAIL: unit libxenshm $name: exit $rc, '$out'"
	fi
}
if [ -x "$tmp/find" ] && [ -n "${last:-}" ]; then
	id=$(XENSHM_FDT=$last "$tmp/find" list | awk 'NR == 1 { print $1 }')
	base=$(XENSHM_FDT=$last "$tmp/find" list | awk 'NR == 1 { print $2 }')
	truncate -s $((base + 0x1000000)) "$tmp/mem"
	libxenshm_case "maps a region and writes through it" 0 "^$id $base .*: 0xfeedf00d$" \
		XENSHM_FDT="$last" XENSHM_DEVMEM="$tmp/mem" "$tmp/find" open "$id" 0xfeedf00d
	if [ "$(od -A n -t x4 -j $((base)) -N 4 "$tmp/mem" | tr -d ' ')" = feedf00d ]; then
		echo "PASS: unit libxenshm the word landed at the region's guest-physical address"
	else
		echo "FAIL: unit libxenshm the word is not at $base"
	fi
	libxenshm_case "no such region: exit 1, says so" 1 "^no region 'nosuch' for this guest" \
		XENSHM_FDT="$last" "$tmp/find" open nosuch 1
	libxenshm_case "no /dev/mem: exit 3, says which" 3 "^cannot open $tmp/none: " \
		XENSHM_FDT="$last" XENSHM_DEVMEM="$tmp/none" "$tmp/find" open "$id" 1
	libxenshm_case "a device tree that is not one: exit 4" 4 "not a valid flattened tree" \
		XENSHM_FDT=/etc/hostname "$tmp/find" list
fi

# xenshm-guest: two processes talk through a region of a stand-in /dev/mem
guest=${XENSHM_GUEST:-build/opt/xenshm-guest}
[ -x "$guest" ] || make -s "$guest" >/dev/null 2>&1
if [ -x "$guest" ] && [ -n "${last:-}" ] && [ -n "${id:-}" ]; then
	export XENSHM_FDT=$last XENSHM_DEVMEM=$tmp/mem2
	truncate -s $((base + 0x1000000)) "$tmp/mem2"
	"$guest" recv --init --count 20000 --timeout 60 "$id" >"$tmp/recv.out" 2>&1 &
	pid=$!
	"$guest" send --count 20000 --timeout 60 "$id" >"$tmp/send.out" 2>&1
	wait "$pid"
	if grep -qx "RESULT recv $id: 20000 messages, 0 bad -> PASS" "$tmp/recv.out" &&
		grep -qx "sent 20000 checked messages through '$id'" "$tmp/send.out"; then
		echo "PASS: unit xenshm-guest: 20000 numbered, checksummed messages from one process to another through '$id'"
	else
		echo "FAIL: unit xenshm-guest send/recv"; sed 's/^/    | /' "$tmp/recv.out" "$tmp/send.out"
	fi
	"$guest" recv --count 0 --timeout 5 "$id" >"$tmp/text.out" 2>&1 &
	pid=$!
	"$guest" send "$id" hello from a guest && "$guest" send "$id" second message
	wait "$pid"
	if [ "$(head -2 "$tmp/text.out")" = "hello from a guest"$'\n'"second message" ]; then
		echo "PASS: unit xenshm-guest: text messages arrive in order"
	else
		echo "FAIL: unit xenshm-guest text messages"; sed 's/^/    | /' "$tmp/text.out"
	fi
	# a sender that attached to the ring an earlier run left (a warm reboot) is
	# told by the epoch when the owner lays it out again, and starts over
	word() { od -A n -t u4 -j $(($1)) -N 4 "$tmp/mem2" | tr -d ' '; }
	head0=$(word "$base + 64")
	"$guest" send --count 20000 --timeout 60 "$id" >"$tmp/send2.out" 2>&1 &
	pid=$!
	for _ in $(seq 600); do	# until the stale ring's head moves
		[ "$(word "$base + 64")" = "$head0" ] || break
		sleep 0.1
	done
	"$guest" recv --init --count 20000 --timeout 60 "$id" >"$tmp/recv2.out" 2>&1
	wait "$pid"
	if [ "$(word "$base + 64")" != "$head0" ] && grep -q "starting over" "$tmp/send2.out" &&
		grep -qx "RESULT recv $id: 20000 messages, 0 bad -> PASS" "$tmp/recv2.out"; then
		echo "PASS: unit xenshm-guest: a sender on the ring an earlier run left starts over when the owner lays it out again"
	else
		echo "FAIL: unit xenshm-guest stale ring"; sed 's/^/    | /' "$tmp/send2.out" "$tmp/recv2.out"
	fi
	out=$("$guest" recv nosuch 2>&1); rc=$?
	if [ "$rc" = 1 ] && [ "$out" = "xenshm-guest: no region 'nosuch' for this guest (neither in its device tree nor in xenstore)" ]; then
		echo "PASS: unit xenshm-guest: an unknown region is an error that says so"
	else
		echo "FAIL: unit xenshm-guest unknown region: exit $rc, '$out'"
	fi
	printf '\002' | dd of="$tmp/mem2" bs=1 seek=$((base + 4)) conv=notrunc status=none
	out=$("$guest" send --timeout 2 "$id" x 2>&1); rc=$?
	if [ "$rc" = 1 ] && [ "$out" = "xenshm-guest: the channel has another layout version" ]; then
		echo "PASS: unit xenshm-guest: a ring of another layout version is refused"
	else
		echo "FAIL: unit xenshm-guest layout version: exit $rc, '$out'"
	fi
	unset XENSHM_FDT XENSHM_DEVMEM
	if "$guest" bench --local --count 20000 | grep -qE '^bench local .*: 20000 messages of 64 bytes in .* messages/s, .* MB/s$'; then
		echo "PASS: unit xenshm-guest: bench --local between two threads"
	else
		echo "FAIL: unit xenshm-guest bench --local"
	fi
fi

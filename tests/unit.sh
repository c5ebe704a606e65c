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
	"$bin" config --format json "$f" >"$tmp/cfg" 2>/dev/null || continue
	jq -e '.xen.arch == "arm64"' "$tmp/cfg" >/dev/null || continue
	rm -rf "$tmp/b"
	"$bin" build -q "$f" -o "$tmp/b" 2>/dev/null || continue
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
		[ -f "$tmp/b/guest/$vm/xenshm.dtb" ] || continue
		if XENSHM_FDT=$tmp/b/guest/$vm/xenshm.dtb "$tmp/find" list >"$tmp/got" 2>&1 &&
			diff "$tmp/want" "$tmp/got" >"$tmp/diff"; then
			echo "PASS: unit libxenshm finds $(basename "$f" .yaml)/$vm's regions under /passthrough in guest/$vm/xenshm.dtb"
		else
			echo "FAIL: unit libxenshm finds $(basename "$f" .yaml)/$vm's regions in guest/$vm/xenshm.dtb"
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
	out=$("$guest" list "$id" nosuch 2>&1); rc=$?
	if [ "$rc" = 1 ] && grep -qE "^$id +$base 0x[0-9a-f]+ \(device tree\)$" <<<"$out" &&
		grep -qx "xenshm-guest: no region 'nosuch' for this guest (neither in its device tree nor in xenstore)" <<<"$out"; then
		echo "PASS: unit xenshm-guest: list by ID prints the regions found and says which are not"
	else
		echo "FAIL: unit xenshm-guest list by ID: exit $rc, '$out'"
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

# The E2E test guest (tests/e2e/guest/guest.c) as a Linux program, over a file
# standing in for guest memory: its ring sessions between the three members of
# tests/e2e/e2e.yaml; a warm reboot (NO_SCRUB), borrowers first on the rings
# the first run left; a leftover refused; and its xenshm-guest peer mode
# against xenshm-guest, through the regions of tests/e2e/linux.yaml
tg() {	# OUT VM BUILD_DIR DEFINES...: the test guest of VM, built on $tmp/tgmem
	local out=$1 vm=$2 b=$3
	shift 3
	cc -std=c11 -DHOSTED -DDEVMEM="\"$tmp/tgmem\"" -O2 -Wall -Wextra -Werror "$@" -I"$b/guest/$vm" -Iguest \
		-o "$out" tests/e2e/guest/guest.c 2>>"$tmp/tg.err"
}
tg_word() { od -A n -t u4 -j $(($1)) -N 4 "$tmp/tgmem" | tr -d ' '; }
tg_pass() {	# NAME WANT-PASS WANT-FAIL [PATTERN]: the RESULT lines of the runs' outputs
	local p f
	cat "$tmp"/tg-*.out | tr -d '\r' >"$tmp/tg.all"	# the guest ends its lines with CR LF
	p=$(grep -c 'RESULT.*-> PASS$' "$tmp/tg.all")
	f=$(grep -c 'RESULT.*-> FAIL$' "$tmp/tg.all")
	if [ "$p" = "$2" ] && [ "$f" = "$3" ] && { [ -z "${4:-}" ] || grep -qE "$4" "$tmp/tg.all"; }; then
		echo "PASS: unit test guest: $1"
	else
		echo "FAIL: unit test guest: $1 ($p PASS, $f FAIL lines)"
		sed 's/^/    | /' "$tmp/tg.all" "$tmp/tg.err" | head -30
	fi
	rm -f "$tmp"/tg-*.out
}
"$bin" build -q tests/e2e/e2e.yaml -o "$tmp/tg" && "$bin" build -q tests/e2e/linux.yaml -o "$tmp/tgl" &&
	for vm in alpha beta gamma; do
		tg "$tmp/tg-$vm" "$vm" "$tmp/tg" && tg "$tmp/tgn-$vm" "$vm" "$tmp/tg" -DNO_SCRUB
	done && tg "$tmp/tg-bm" bm "$tmp/tgl" -DPLAIN_COUNT=2000 -DPLAIN_SIZE=64 '-DPLAIN_SEND="to-linux"' -DTIMEOUT_S=60
if [ -x "$tmp/tg-bm" ]; then
	truncate -s 100M "$tmp/tgmem"
	for vm in gamma alpha beta; do "$tmp/tg-$vm" >"$tmp/tg-$vm.out" & done
	wait
	tg_pass "alpha, beta, gamma: 5 sessions of 100 checked messages each way through 'all' and 'pair'" 5 0
	# warm reboot: alpha and gamma attach to the old rings and say HELLO there
	# (alpha's ring up in 'all', after the 64-byte beacon and its ring down of
	# 192 + 16 x 128 bytes: its head word moves), then beta lays them out anew
	up=$((0x5000000 + 64 + 2240 + 64))
	head0=$(tg_word $up)
	"$tmp/tgn-alpha" >"$tmp/tg-alpha.out" & a=$!
	"$tmp/tgn-gamma" >"$tmp/tg-gamma.out" & g=$!
	for _ in $(seq 600); do
		[ "$(tg_word $up)" = "$head0" ] || break
		sleep 0.1
	done
	moved=$(tg_word $up)
	"$tmp/tgn-beta" >"$tmp/tg-beta.out"
	wait $a $g
	[ "$moved" != "$head0" ] || echo "(the borrowers' HELLO never reached the old ring)" >>"$tmp/tg-alpha.out"
	tg_pass "warm reboot (NO_SCRUB): borrowers on the old rings start over when the owner lays them out anew" 5 0 \
		"region pair held data from an earlier boot: zeroing it"
	"$tmp/tg-beta" >"$tmp/tg-beta.out"
	tg_pass "an owner refuses a region an earlier run left data in (up scrubs)" 0 2 "not zeroed before the guests ran"
	rm -f "$tmp/tgmem" && truncate -s 100M "$tmp/tgmem"
	"$tmp/tg-bm" >"$tmp/tg-bm.out" &
	XENSHM_FDT=$tmp/tgl/guest/lx/xenshm.dtb XENSHM_DEVMEM=$tmp/tgmem XENSHM_NO_XENSTORE=1 \
		"$guest" send --count 2000 --timeout 60 to-bm >"$tmp/tg-send.out" 2>&1 &
	if XENSHM_FDT=$tmp/tgl/guest/lx/xenshm.dtb XENSHM_DEVMEM=$tmp/tgmem XENSHM_NO_XENSTORE=1 \
		"$guest" recv --count 2000 --timeout 60 to-linux >"$tmp/tg-recv.out" 2>&1; then :; fi
	wait
	tg_pass "its xenshm-guest peer mode and xenshm-guest (lx's xenshm.dtb): 2000 checked messages each way" 3 0 \
		"sent 2000 checked messages through 'to-bm'"
else
	echo "FAIL: unit test guest builds"; sed 's/^/    | /' "$tmp/tg.err"
fi

#!/usr/bin/env bash
# Untrusted topologies: each finding of the hardening review, as a test named
# after it. Severity flags change what is reported, never what is written or
# applied; no input or flag may crash an emitter, write outside DIR, or point
# at memory nobody placed (docs/diagnostics.md, "Severity options").
set -u
cd "$(dirname "$0")/.." || exit 1
bin=${1:-./xenshm-compose}
[[ $bin == /* ]] || bin=$PWD/$bin
xlparse=${XLPARSE:-build/opt/xlparse}
[[ $xlparse == /* ]] || xlparse=$PWD/$xlparse
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS: untrusted $1"; }
failed() {
	echo "FAIL: untrusted $1: $2"
	[ -f "$tmp/out" ] && head -5 "$tmp/out" | sed 's/^/    | /'
	fail=1
}

# run NAME WANT_EXIT ARGS...: runs the tool (output in $tmp/out), checks the exit
# code, that no signal killed it and that no "(null)" reached the output
run() {
	local name=$1 want=$2 rc
	shift 2
	"$bin" "$@" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -ge 128 ]; then
		failed "$name" "killed by signal $((rc - 128))"
	elif [ "$rc" != "$want" ]; then
		failed "$name" "exit $rc, expected $want"
	elif grep -q '(null)' "$tmp/out"; then
		failed "$name" "'(null)' in the output"
	else
		return 0
	fi
	return 1
}

topology() { # FILE VM-LINES...: a small valid arm64 iomem topology around the VMs given
	local f=$1
	shift
	{
		printf '%s\n' 'version: 1' 'name: lab' 'xen: { arch: arm64, pool: { base: 0x60000000, size: 16M } }' 'vms:'
		printf '%s\n' "$@"
	} >"$f"
}

# ---- severity flags never let a broken model reach an emitter ----

topology "$tmp/escape.yaml" '  - { name: ../../../../'"${tmp#/}"'/escaped, kernel: /k, memory: 64M }'
for flag in -Wno-vm-name "-W vm-name"; do
	# shellcheck disable=SC2086 # the flag is one or two words
	if run "path-escape build $flag" 2 build $flag "$tmp/escape.yaml" -o "$tmp/site/out"; then
		if [ -e "$tmp/escaped" ] || [ -e "$tmp/escaped.cfg" ] || [ -e "$tmp/site" ]; then
			failed "path-escape build $flag" "wrote outside DIR or created DIR"
		elif ! grep -q 'refused: \[vm-name\]' "$tmp/out"; then
			failed "path-escape build $flag" "no refusal naming [vm-name]"
		else
			pass "path-escape build $flag"
		fi
	fi
done

run "check-not-ok -Wno-vm-name" 0 check -Wno-vm-name "$tmp/escape.yaml" &&
	{ grep -q 'not ok for build, plan or up: \[vm-name\]' "$tmp/out" && ! grep -q ': ok:' "$tmp/out" ||
		failed "check-not-ok -Wno-vm-name" "check says ok"; } &&
	pass "check-not-ok -Wno-vm-name"

topology "$tmp/bad-id.yaml" '  - { name: a, kernel: /k, memory: 64M, shm: [ "bad id!" ] }' \
	'  - { name: b, kernel: /k, memory: 64M, shm: [ { size: 1M } ] }'
topology "$tmp/no-name.yaml" '  - { kernel: /k, memory: 64M, shm: [ { id: r, size: 1M } ] }' \
	'  - { name: b, kernel: /k, memory: 64M, shm: [ r ] }'
topology "$tmp/no-kernel.yaml" '  - { name: a, memory: 64M, shm: [ { id: r, size: 1M } ] }' \
	'  - { name: b, kernel: /k, memory: 64M, shm: [ r ] }'
sed 's/^name: lab$/name: Bad_Project!/' "$tmp/no-kernel.yaml" | sed 's/name: a, memory/name: a, kernel: \/k, memory/' >"$tmp/bad-project.yaml"
for c in "-Wno-region-id bad-id" "-Wno-missing-key bad-id" "-Wno-missing-key no-name" \
	"-W missing-key no-kernel" "-Wno-missing-key no-kernel" "-W type bad-project" "-Wno-type bad-project"; do
	read -r flag file <<<"$c"
	[ "$flag" = -W ] && { read -r _ check file <<<"$c"; flag="-W $check"; }
	for cmd in config plan graph build; do
		out=()
		[ "$cmd" = build ] && out=(-o "$tmp/b-$file")
		# shellcheck disable=SC2086 # the flag is one or two words
		run "segfault $cmd $flag ($file)" 2 $cmd $flag "$tmp/$file.yaml" "${out[@]}" &&
			{ [ ! -e "$tmp/b-$file" ] || failed "segfault $cmd $flag ($file)" "build wrote DIR"; } &&
			pass "segfault $cmd $flag ($file)"
	done
done

# found by the fuzzer: an alias where a value goes leaves it unread, missing-key silent
printf '*My\r' >"$tmp/root-alias.yaml"
topology "$tmp/name-alias.yaml" '  - { name: *a, kernel: /k, memory: 64M }'
for file in root-alias name-alias; do
	run "fuzz-alias-unread config -Wno-yaml-alias ($file)" 2 config -Wno-yaml-alias "$tmp/$file.yaml" &&
		{ grep -q 'refused: \[yaml-alias\]' "$tmp/out" || failed "fuzz-alias-unread config -Wno-yaml-alias ($file)" "not refused"; } &&
		pass "fuzz-alias-unread config -Wno-yaml-alias ($file)"
done

printf '%s\n' 'version: 1' 'name: lab' 'xen: { arch: arm64 }' 'vms:' \
	'  - { name: a, kernel: /k, memory: 64M, shm: [ { id: r, size: 1M } ] }' \
	'  - { name: b, kernel: /k, memory: 64M, shm: [ r ] }' >"$tmp/no-pool.yaml"
sed 's/^xen: .*/xen: { arch: arm64, pool: { base: 0x60000000, size: 64K } }/' "$tmp/no-pool.yaml" >"$tmp/small-pool.yaml"
for c in "-Wno-pool-required no-pool" "-Wno-pool-exhausted small-pool"; do
	read -r flag file <<<"$c"
	run "pool-page-0 plan $flag" 2 plan "$flag" "$tmp/$file.yaml" &&
		{ ! grep -q 'iomem\|0,100@' "$tmp/out" || failed "pool-page-0 plan $flag" "a mapping of host page 0"; } &&
		pass "pool-page-0 plan $flag"
	run "pool-page-0 build $flag" 2 build "$flag" "$tmp/$file.yaml" -o "$tmp/p0" &&
		{ [ ! -e "$tmp/p0" ] || failed "pool-page-0 build $flag" "build wrote DIR"; } &&
		pass "pool-page-0 build $flag"
done

# ---- what xl can read ----

for byte in 01 07 08 0b 0c 0d 1b 7f; do
	topology "$tmp/ctl.yaml" "  - { name: a, kernel: /k, memory: 64M, cmdline: \"x\\x${byte}y\" }"
	run "control-byte 0x$byte in cmdline" 2 check "$tmp/ctl.yaml" &&
		{ grep -q "\[type\] 'cmdline' contains a control character (byte 0x$byte)" "$tmp/out" ||
			failed "control-byte 0x$byte in cmdline" "no [type] error naming the byte"; } &&
		pass "control-byte 0x$byte in cmdline"
done
# tab and newline in every free-text field: the xl config still parses
topology "$tmp/tabs.yaml" '  - { name: a, kernel: "/k\tx\ny", ramdisk: "r\t", cmdline: "c\nd", memory: 64M, xl: { on_crash: "p\tq" } }'
if run "control-byte tab and newline parse" 0 build -q "$tmp/tabs.yaml" -o "$tmp/tabs" &&
	"$xlparse" "$tmp/tabs/xl/a.cfg" kernel ramdisk cmdline on_crash >"$tmp/xl.out" 2>&1; then
	pass "control-byte tab and newline parse"
elif [ -d "$tmp/tabs" ]; then
	failed "control-byte tab and newline parse" "libxlutil rejects the config: $(head -1 "$tmp/xl.out")"
fi

for key in Foo _bar maxMem 9x; do
	topology "$tmp/xlkey.yaml" "  - { name: a, kernel: /k, memory: 64M, xl: { $key: 1 } }"
	run "xl-key-lexer '$key'" 2 check "$tmp/xlkey.yaml" &&
		{ grep -q "\[type\] '$key' is not an xl key" "$tmp/out" || failed "xl-key-lexer '$key'" "no [type] error"; } &&
		pass "xl-key-lexer '$key'"
done

# every key our xl configs hold (the examples have no raw keys) is refused as a raw key
keys=$(for ex in examples/*.yaml; do
	rm -rf "$tmp/ex" && "$bin" build -q "$ex" -o "$tmp/ex" && cat "$tmp/ex"/xl/*.cfg
done | sed -n 's/^\([a-z_][a-z0-9_]*\) = .*/\1/p' | sort -u)
grep -qx gic_version <<<"$keys" || failed "xl-generated-keys" "no example writes gic_version"
for key in $keys; do
	topology "$tmp/xlgen.yaml" "  - { name: a, kernel: /k, memory: 64M, xl: { $key: \"x\" } }"
	run "xl-generated-key $key" 2 check "$tmp/xlgen.yaml" &&
		{ grep -q "\[duplicate-key\] xl key '$key' is written by xenshm-compose" "$tmp/out" ||
			failed "xl-generated-key $key" "not refused as a key the tool writes"; } &&
		pass "xl-generated-key $key"
done

for name in 0 7 0042; do
	topology "$tmp/digits.yaml" "  - { name: \"$name\", kernel: /k, memory: 64M }"
	run "digit-vm-name '$name'" 2 check "$tmp/digits.yaml" &&
		{ grep -q "\[vm-name\] invalid VM name '$name': xl reads a name of digits only as a domain ID" "$tmp/out" ||
			failed "digit-vm-name '$name'" "no [vm-name] error"; } &&
		pass "digit-vm-name '$name'"
done

# ---- device trees dtc accepts ----

printf '%s\n' 'version: 1' 'name: lab' 'xen: { arch: arm64, backend: dom0less, version: "4.19" }' 'vms:' \
	'  - { name: a, kernel: /k, memory: 64M, shm: [ { id: fixed, size: 1M, at: 0x06000000 }, "0x05000000+1M = free" ] }' \
	'  - { name: b, kernel: /k, memory: 64M, shm: [ fixed, free ] }' \
	'regions:' '  fixed: { host: 0x5000000 }' >"$tmp/nodes.yaml"
printf '/dts-v1/;\n/include/ "xenshm.dtsi"\n/ { #address-cells = <2>; #size-cells = <2>; };\n' >"$tmp/nodes.dts"
if run "dom0less-node-names unique" 0 build -q "$tmp/nodes.yaml" -o "$tmp/nodes" &&
	dtc -q -I dts -O dtb -i "$tmp/nodes/dom0less" -o "$tmp/nodes.dtb" "$tmp/nodes.dts" >"$tmp/out" 2>&1; then
	pass "dom0less-node-names unique"
else
	failed "dom0less-node-names unique" "dtc refuses dom0less/xenshm.dtsi"
fi

# ---- input shapes ----

for shape in flow block; do
	if [ $shape = flow ]; then
		nest=$(printf '%100000s' '' | tr ' ' '['); close=$(printf '%100000s' '' | tr ' ' ']')
		printf 'version: 1\nname: lab\nx-deep: %s%s\nxen: { arch: arm64 }\nvms: []\n' "$nest" "$close" >"$tmp/deep.yaml"
	else
		printf 'version: 1\nname: lab\nx-deep:\n%sx\nxen: { arch: arm64 }\nvms: []\n' "$(printf '%100000s' '' | sed 's/ /- /g')" >"$tmp/deep.yaml"
	fi
	# time linear in the size: 100 000 levels took 49 s before the limit
	if timeout 20 "$bin" check "$tmp/deep.yaml" >"$tmp/out" 2>&1; then
		failed "nesting-depth $shape 100000" "accepted"
	elif [ $? = 124 ]; then
		failed "nesting-depth $shape 100000" "still running after 20 s"
	elif grep -q 'fatal error: \[yaml-syntax\] nesting deeper than 64 levels' "$tmp/out"; then
		pass "nesting-depth $shape 100000"
	else
		failed "nesting-depth $shape 100000" "no yaml-syntax error naming the limit"
	fi
done
# 64 levels are fine
printf 'version: 1\nname: lab\nx-deep: %s%s\nxen: { arch: arm64 }\nvms: []\n' \
	"$(printf '%63s' '' | tr ' ' '[')" "$(printf '%63s' '' | tr ' ' ']')" >"$tmp/deep64.yaml"
run "nesting-depth 64 levels accepted" 0 check "$tmp/deep64.yaml" && pass "nesting-depth 64 levels accepted"

printf '\xef\xbb\xbfversion: 1\nname: lab\nxen: { arch: arm64 }\nvms:\n  - { name: a, kernel: /k, memory: 64M, type: hvm }\n' >"$tmp/bom.yaml"
run "utf8-bom before a block mapping" 2 check "$tmp/bom.yaml" &&
	{ grep -q "^$tmp/bom.yaml:5:47: error: \[type\]" "$tmp/out" || failed "utf8-bom before a block mapping" "position not counted from after the BOM"; } &&
	pass "utf8-bom before a block mapping"

# inputs of every kind: a regular file is read on demand, the rest whole, all
# bounded by the 64 MiB limit (docs/limits.md)
truncate -s $((64 * 1048576 + 1)) "$tmp/huge.yaml"
run "input over 64 MiB, a file" 1 check "$tmp/huge.yaml" &&
	{ grep -q "is larger than 64 MiB, the limit for a topology" "$tmp/out" || failed "input over 64 MiB, a file" "no limit named"; } &&
	pass "input over 64 MiB, a file"
if "$bin" check - <"$tmp/huge.yaml" >"$tmp/out" 2>&1; [ $? = 1 ] && grep -q "larger than 64 MiB" "$tmp/out"; then
	pass "input over 64 MiB, standard input"
else
	failed "input over 64 MiB, standard input" "not refused by its size"
fi
rm -f "$tmp/huge.yaml"
run "input a directory" 1 check "$tmp" &&
	{ grep -q "^xenshm-compose: cannot read '$tmp': Is a directory" "$tmp/out" || failed "input a directory" "no I/O error"; } &&
	pass "input a directory"
mkfifo "$tmp/fifo.yaml"
cat "$tmp/bom.yaml" >"$tmp/fifo.yaml" &
run "input a fifo, read whole" 2 check "$tmp/fifo.yaml" &&
	{ grep -q "^$tmp/fifo.yaml:5:47: error: \[type\]" "$tmp/out" && grep -q '^ 5 |   - { name: a' "$tmp/out" ||
		failed "input a fifo, read whole" "position or excerpt lost"; } &&
	pass "input a fifo, read whole"
wait
# the excerpt is read again from the file: CR LF, NEL and LS breaks, and a line
# past the first 64 KiB block
{
	printf 'version: 1\r\nname: lab\xc2\x85xen: { arch: arm64 }\xe2\x80\xa8# '
	head -c 70000 /dev/zero | tr '\0' '#'
	printf '\nvms:\n  - { name: a, kernel: /k, memory: 64M, type: hvm }\n'
} >"$tmp/breaks.yaml"
run "excerpt read on demand past the first block" 2 check "$tmp/breaks.yaml" &&
	{ grep -q "^$tmp/breaks.yaml:6:47: error: \[type\]" "$tmp/out" &&
		grep -q '^ 6 |   - { name: a, kernel: /k, memory: 64M, type: hvm }$' "$tmp/out" ||
		failed "excerpt read on demand past the first block" "line or excerpt wrong"; } &&
	pass "excerpt read on demand past the first block"

# one region shared by 8 000 VMs: output grows with the input, not with its square
{
	printf '%s\n' 'version: 1' 'name: lab' 'xen: { arch: arm64, pool: { base: 0x60000000, size: 16M } }' \
		'defaults: { kernel: /k, memory: 16M }' 'vms:'
	for i in $(seq 1 8000); do echo "  - { name: vm$i, shm: [ { id: r, size: 64K } ] }"; done
} >"$tmp/wide.yaml"
if run "region-8000-members build" 0 build -q "$tmp/wide.yaml" -o "$tmp/wide"; then
	in=$(stat -c %s "$tmp/wide.yaml")
	biggest=$(find "$tmp/wide/xl" -type f -printf '%s\n' | sort -n | tail -1)
	total=$(find "$tmp/wide" -type f -printf '%s\n' | awk '{ n += $1 } END { print n }')
	if [ "$biggest" -gt 4096 ]; then
		failed "region-8000-members build" "an xl config of $biggest bytes"
	elif [ "$total" -gt $((8000 * 4096 + in * 16)) ]; then	# quadratic was 664 MB
		failed "region-8000-members build" "$total bytes written from $in"
	else
		pass "region-8000-members build ($total bytes from $in, largest xl config $biggest)"
	fi
fi

# ---- the command line ----

run "graph-o-without-suffix" 1 graph examples/qemu-demo.yaml -o "$tmp/g" &&
	{ [ ! -e "$tmp/g" ] && grep -q '^usage: xenshm-compose graph' "$tmp/out" || failed "graph-o-without-suffix" "wrote it, or no usage"; } &&
	pass "graph-o-without-suffix"
run "graph-o-unknown-suffix" 1 graph examples/qemu-demo.yaml -o "$tmp/g.bmpx" &&
	{ grep -q '^usage: xenshm-compose graph' "$tmp/out" || failed "graph-o-unknown-suffix" "no usage"; } &&
	pass "graph-o-unknown-suffix"
run "format-xml-usage" 1 check --format xml examples/qemu-demo.yaml &&
	{ grep -q '^usage: xenshm-compose check' "$tmp/out" || failed "format-xml-usage" "no usage"; } &&
	pass "format-xml-usage"

if (umask 022 && "$bin" build -q examples/qemu-demo.yaml -o "$tmp/modes") &&
	[ "$(stat -c %a "$tmp/modes" "$tmp/modes/xl" "$tmp/modes/xl/sensor.cfg" "$tmp/modes/plan.sh" | tr '\n' ' ')" = "755 755 644 755 " ]; then
	pass "dir-mode follows the umask"
else
	failed "dir-mode follows the umask" "$(stat -c '%a %n' "$tmp/modes" "$tmp/modes/xl" 2>&1 | tr '\n' ' ')"
fi

echo old >"$tmp/target.dot"
ln -s "$tmp/target.dot" "$tmp/link.dot"
run "output-symlink graph -o" 1 graph examples/qemu-demo.yaml -o "$tmp/link.dot" &&
	{ [ -L "$tmp/link.dot" ] && [ "$(cat "$tmp/target.dot")" = old ] || failed "output-symlink graph -o" "link or target changed"; } &&
	pass "output-symlink graph -o"
mkdir "$tmp/realdir"
ln -s "$tmp/realdir" "$tmp/linkdir"
run "output-symlink build -o" 1 build -q examples/qemu-demo.yaml -o "$tmp/linkdir" &&
	{ [ -L "$tmp/linkdir" ] || failed "output-symlink build -o" "the link was replaced"; } &&
	pass "output-symlink build -o"

exit $fail

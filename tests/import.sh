#!/usr/bin/env bash
# import: xl configs to a topology (docs/import.md).
#  - round trip: for every example and artifact fixture, build, import the
#    generated xl configs, and `config` of the result equals `config` of the
#    original; the same without the import lines (as if hand-written), where
#    each VM's settings and mappings (guest and host range) must still agree;
#  - hand-written configs in the styles of xl.cfg(5) and the Xilinx wiki:
#    imported, built, and every setting of the original read back by
#    libxlutil from the config the imported topology builds;
#  - errors: each with its exit code, its position, and no file written.
set -u
cd "$(dirname "$0")/.." || exit 1
bin=$(realpath "${1:-./xenshm-compose}")
SUITE=import
# shellcheck source=tests/lib.sh
. tests/lib.sh
xlparse=${XLPARSE:-build/opt/xlparse}
[ -x "$xlparse" ] || make -s "$xlparse" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
I=tests/import

# ---- round trips ----
# what config says of each VM, with region IDs replaced by host ranges and
# the order of VMs left aside: what hand-written configs keep
per_vm() {
	jq -S '. as $t | [.vms[] | {name, type, memory, vcpus, kernel, ramdisk, cmdline, vuart,
		passthrough, xl, shm: [.shm[] | {at, size, host: $t.regions[.id].host,
		role: (if $t.xen.backend == "static-shm" then .["x-role"] else null end)}]}]
		| sort_by(.name)' "$1"
}

echo "$SUITE: round trip, by example: configs, VMs, regions; config after import"
for f in examples/*.yaml tests/artifacts/*.yaml; do
	n=$(basename "$f" .yaml)
	out=$tmp/$n
	"$bin" build -q "$f" -o "$out" 2>/dev/null || { fail "round trip $n" "build failed"; continue; }
	"$bin" config "$f" >"$out.orig.yaml" 2>/dev/null
	ncfg=$(find "$out/xl" -name '*.cfg' | wc -l)
	# the configs in the shell's order (by name), not the topology's
	if ! "$bin" import "$out"/xl/*.cfg -o "$out.yaml" 2>"$out.err"; then
		fail "round trip $n" "import failed: $(head -3 "$out.err" | tr '\n' ' ')"
		continue
	fi
	"$bin" config "$out.yaml" >"$out.back.yaml" 2>/dev/null
	nvm=$(grep -c '^- name:' "$out.back.yaml")
	nreg=$(jq '.regions | length' <("$bin" config --format json "$out.yaml" 2>/dev/null))
	if diff "$out.orig.yaml" "$out.back.yaml" >"$out.diff"; then
		pass "round trip $n: $ncfg configs -> $nvm VMs, $nreg regions; config identical"
	else
		fail "round trip $n" "config differs: $(head -6 "$out.diff" | tr '\n' ' ')"
	fi

	# as if hand-written: the import lines removed
	backend=$(sed -n 's/^  backend: //p' "$out.orig.yaml")
	arch=$(sed -n 's/^  arch: //p' "$out.orig.yaml")
	[ "$backend" = dom0less ] && continue	# its regions are in the device tree only
	mkdir -p "$out.hand"
	for c in "$out"/xl/*.cfg; do grep -v '^# xenshm-compose-import:' "$c" >"$out.hand/${c##*/}"; done
	if ! "$bin" import --arch "$arch" "$out.hand"/*.cfg -o "$out.hand.yaml" 2>"$out.err"; then
		fail "hand-written $n" "import failed: $(head -3 "$out.err" | tr '\n' ' ')"
		continue
	fi
	"$bin" config --format json "$f" >"$out.o.json" 2>/dev/null
	"$bin" config --format json "$out.hand.yaml" >"$out.h.json" 2>/dev/null
	if diff <(per_vm "$out.o.json") <(per_vm "$out.h.json") >"$out.diff"; then
		ids=$(jq -r '[.regions | keys_unsorted[]] | join(" ")' "$out.h.json")
		pass "hand-written $n: every VM's settings and mappings (guest and host ranges) agree; regions $ids"
	else
		fail "hand-written $n" "differs: $(head -8 "$out.diff" | tr '\n' ' ')"
	fi
done

# ---- hand-written configs ----
# every key of the original, read back by libxlutil from the config built from the import
keys_of() { grep -o '^[a-z][a-z0-9_]*' "$1" | sort -u | grep -vx -e root -e extra -e maxmem -e maxvcpus -e builder; }
xl_values() { # FILE KEY...: libxlutil's values, lists sorted, hex numbers by value (0x05 = 5)
	"$xlparse" "$@" | sed 's/^\([a-z_]*\)\[[0-9]*\]=/\1[]=/' |
		perl -pe 's/0x0*(?=[0-9a-f])//gi; s/(?<=[=,@])0+(?=[0-9a-f])//gi' | sort
}
hand() { # ARCH NAME CONFIG...
	local arch=$1 name=$2 c vm want got
	shift 2
	if ! "$bin" import --arch "$arch" "$@" -o "$tmp/$name.yaml" 2>"$tmp/$name.err"; then
		fail "hand-written $name" "import: $(head -4 "$tmp/$name.err" | tr '\n' ' ')"
		return
	fi
	pass "hand-written $name: imported, checked (0 errors)"
	if ! diff "$I/$name.expected.yaml" <(sed 1d "$tmp/$name.yaml") >"$tmp/$name.diff"; then
		fail "hand-written $name" "not the expected topology: $(head -6 "$tmp/$name.diff" | tr '\n' ' ')"
	else
		pass "hand-written $name: the expected topology ($I/$name.expected.yaml)"
	fi
	"$bin" build -q "$tmp/$name.yaml" -o "$tmp/$name.out" 2>/dev/null || { fail "hand-written $name" "build failed"; return; }
	for c in "$@"; do
		vm=$("$xlparse" "$c" name | sed 's/^name=//')
		# shellcheck disable=SC2046 # a word list
		want=$(xl_values "$c" $(keys_of "$c"))
		# shellcheck disable=SC2046
		got=$(xl_values "$tmp/$name.out/xl/$vm.cfg" $(keys_of "$c"))
		if [ "$want" = "$got" ]; then
			pass "hand-written $name: $(basename "$c"): libxlutil reads the same $(keys_of "$c" | wc -l) keys from the config built again"
		else
			fail "hand-written $name: $(basename "$c")" "$(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | head -4 | tr '\n' ' ')"
		fi
	done
	# xl joins root= and extra into cmdline: the built config has it as cmdline
	for c in "$@"; do
		vm=$("$xlparse" "$c" name | sed 's/^name=//')
		if grep -q '^extra\|^root' "$c"; then
			got=$("$xlparse" "$tmp/$name.out/xl/$vm.cfg" cmdline)
			want=$(jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | "cmdline=" + .cmdline' \
				<("$bin" config --format json "$tmp/$name.yaml" 2>/dev/null))
			[ "$got" = "$want" ] && pass "hand-written $name: $vm: root=/extra= became $got" ||
				fail "hand-written $name: $vm" "cmdline '$got', want '$want'"
		fi
	done
}
hand x86_64 xlcfg5-pvh "$I/pvh-writer.cfg" "$I/pvh-reader.cfg"
hand arm64 xilinx-zcu102 "$I/zcu102-dom1.cfg" "$I/zcu102-dom2.cfg"
hand arm64 static-shm "$I/static-owner.cfg" "$I/static-borrower.cfg"
# the arch from the keys: gic_version is arm64's
"$bin" import "$I/zcu102-dom1.cfg" "$I/zcu102-dom2.cfg" 2>/dev/null | grep -qx '  arch: arm64' &&
	pass "arch arm64 told by gic_version, no --arch" || fail "arch from keys" "not arm64"

# ---- errors: code, message at the line, nothing written ----
err_case() { # NAME CODE PATTERN ARGS...
	local name=$1 code=$2 pat=$3 rc
	shift 3
	rm -f "$tmp/never.yaml"
	"$bin" import "$@" -o "$tmp/never.yaml" >"$tmp/e.out" 2>&1
	rc=$?
	if [ "$rc" != "$code" ]; then
		fail "error $name" "exit $rc, want $code: $(head -3 "$tmp/e.out" | tr '\n' ' ')"
	elif ! grep -Eq -- "$pat" "$tmp/e.out"; then
		fail "error $name" "no '$pat' in: $(head -3 "$tmp/e.out" | tr '\n' ' ')"
	elif [ -e "$tmp/never.yaml" ]; then
		fail "error $name" "-o file written"
	else
		pass "error $name: exit $code, $(grep -Em1 -- "$pat" "$tmp/e.out" | cut -c1-150)"
	fi
}
err_case "overlapping host ranges name both configs" 2 \
	"overlap-b.cfg:6:11: error: \[host-overlap\] .*overlap-a.cfg' line 5" "$I/overlap-a.cfg" "$I/overlap-b.cfg"
err_case "-Wno-host-overlap silences it, does not let it through" 2 "import stopped" \
	-Wno-host-overlap "$I/overlap-a.cfg" "$I/overlap-b.cfg"
err_case "-W host-overlap demotes it, does not let it through" 2 "import stopped" \
	-W host-overlap "$I/overlap-a.cfg" "$I/overlap-b.cfg"
err_case "iomem xl cannot read" 2 "bad-iomem.cfg:5:11: error: \[bad-number\]" "$I/bad-iomem.cfg"
err_case "syntax: libxlutil's own message" 1 "syntax.cfg:2: config parsing error" "$I/syntax.cfg"
err_case "keys of two arches" 2 "x86-builder.cfg:2:1: error: \[type\] 'builder' is x86_64's" \
	"$I/overlap-a.cfg" "$I/x86-builder.cfg"
err_case "no arch told" 1 "give --arch" "$I/pvh-writer.cfg"
err_case "missing file" 1 "cannot open" "$tmp/none.cfg"
err_case "standard input refused" 1 "not -" -
err_case "no config" 1 "missing FILE" --arch arm64
err_case "unknown arch" 1 "unknown arch" --arch riscv "$I/pvh-writer.cfg"

printf 'name = "h"\nkernel = "/k"\nmemory = 64\nfoo.bar = 1\nnest = [ [ "a" ] ]\nmaxmem = 128\n' >"$tmp/h1.cfg"
err_case "a key xl: cannot hold" 2 "h1.cfg:4:1: error: \[type\] 'foo.bar' cannot be kept" --arch arm64 "$tmp/h1.cfg"
err_case "nested list" 2 "h1.cfg:5:1: error: \[type\] 'nest' holds lists in a list" --arch arm64 "$tmp/h1.cfg"
err_case "maxmem above memory" 2 "h1.cfg:6:1: error: \[type\] 'maxmem' \(128\) differs" --arch arm64 "$tmp/h1.cfg"
"$bin" build -q examples/seed-three-vm.yaml -o "$tmp/seed"
sed 's/"vm":0/"vm":"zero"/' "$tmp/seed/xl/sensor.cfg" >"$tmp/tampered.cfg"
err_case "a tampered import line" 2 "tampered.cfg:5:1: error: \[type\] this is not an import line" "$tmp/tampered.cfg"
printf 'name = "s"\nkernel = "/k"\nmemory = 64\nstatic_shm = [ "id=x, begin=0x5000000, role=owner" ]\n' >"$tmp/s.cfg"
err_case "static_shm without size" 2 "s.cfg:4:16: error: \[type\] static_shm entry" "$tmp/s.cfg"

# a file name that would end the comment it is written in
nl="$tmp/new
line.cfg"
cp "$I/zcu102-dom2.cfg" "$nl"
if "$bin" import "$nl" | "$bin" check - >/dev/null 2>&1; then
	pass "a config named with a newline: the topology written still checks"
else
	fail "newline in a file name" "the written topology does not check"
fi
# the written topology's own problems: reported against it, exit 2, still written
if "$bin" import --arch arm64 "$I/static-borrower.cfg" -o "$tmp/half.yaml" 2>"$tmp/e.out"; then
	fail "result with check errors" "exit 0"
elif grep -q "half.yaml:[0-9]*:[0-9]*: error:" "$tmp/e.out" && [ -s "$tmp/half.yaml" ]; then
	pass "the topology's own errors point into the written file, exit 2: $(grep -m1 'half.yaml:.*error:' "$tmp/e.out" | cut -c1-150)"
else
	fail "result with check errors" "$(head -3 "$tmp/e.out" | tr '\n' ' ')"
fi
# hostile sizes: bounded, each in time (timeout 60 s is a hang, not a benchmark)
awk 'BEGIN { printf "name = \"big\"\nkernel = \""; for (i = 0; i < 70000; i++) printf "/0123456789abcdef"; print "\"" }' >"$tmp/big.cfg"
err_case "a config over 1 MiB" 1 "larger than 1 MiB" --arch arm64 "$tmp/big.cfg"
awk 'BEGIN { printf "name = \"many\"\n"; for (i = 0; i < 4200; i++) printf "k%d = 1\n", i }' >"$tmp/many.cfg"
err_case "more keys than an xl config holds" 1 "more than 4096 keys" --arch arm64 "$tmp/many.cfg"
awk 'BEGIN { printf "name = \"keys\"\nkernel = \"/k\"\nmemory = 64\n"; for (i = 0; i < 4000; i++) printf "k%d = [ \"a\", \"b\" ]\n", i }' >"$tmp/keys.cfg"
if timeout 60 "$bin" import --arch arm64 "$tmp/keys.cfg" -o "$tmp/keys.yaml" 2>/dev/null &&
	[ "$(grep -c '^    k[0-9]*: \[a, b\]$' "$tmp/keys.yaml")" = 4000 ]; then
	pass "4000 raw keys: all kept under xl:, in bounded time"
else
	fail "4000 raw keys" "not imported within 60 s"
fi
for vm in a b; do
	awk -v vm=$vm 'BEGIN { printf "name = \"%s\"\nkernel = \"/k\"\nmemory = 64\ngic_version = \"v3\"\niomem = [", vm;
		for (i = 0; i < 20000; i++) printf "\"%x,1@%x\",", 0x100000 + i, 0x5000 + i; print "]" }' >"$tmp/wide-$vm.cfg"
done
if timeout 60 "$bin" import "$tmp/wide-a.cfg" "$tmp/wide-b.cfg" -o "$tmp/wide.yaml" 2>/dev/null; [ -s "$tmp/wide.yaml" ] &&
	[ "$(grep -c '^  r[0-9a-f]*:$' "$tmp/wide.yaml")" = 20000 ]; then
	pass "two configs sharing 20000 iomem pages: 20000 regions, in bounded time"
else
	fail "20000 shared pages" "not imported within 60 s"
fi
"$bin" import --help | grep -q '^usage: xenshm-compose import CONFIG' && pass "import --help" ||
	fail "import --help" "no usage"
finish

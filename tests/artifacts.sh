#!/usr/bin/env bash
# Artifacts (spec 6): every file `build` writes, read back by the real tools:
# libxlutil for xl configs, dtc/fdtget for device trees, Graphviz for DOT,
# gcc for guest headers, ajv for plan.json, sh -n and shellcheck for plan.sh;
# golden copies of every artifact; atomic output; injection.
set -u
cd "$(dirname "$0")/.." || exit 1
bin=${1:-./xenshm-compose}
xlparse=${XLPARSE:-build/opt/xlparse}
[ -x "$xlparse" ] || make -s "$xlparse" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "PASS: artifacts $1"; }
ko() { echo "FAIL: artifacts $1"; fail=1; }
check() { local name=$1; shift; if "$@" >"$tmp/log" 2>&1; then ok "$name"; else ko "$name"; sed 's/^/    | /' "$tmp/log" | head -15; fi; }

hex() { printf '%x' "$1"; }
# xlparse prints \n and \\ escaped; the expected side does the same
esc() { jq -r "$1"' | gsub("\\\\"; "\\\\") | gsub("\n"; "\\n")' "$2"; }

# xl/VM.cfg read back by libxlutil must say what the model says
xl_agrees() {
	local out=$1 cfg=$2 vm=$3 backend
	backend=$(jq -r .xen.backend "$cfg")
	{
		echo "name=$vm"
		jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | "memory=\((.memory | ltrimstr("0x")))", "vcpus=\(.vcpus)"' "$cfg" |
			while IFS="=" read -r k v; do
				if [ "$k" = memory ]; then echo "memory=$(( 0x$v / 1048576 ))"; else echo "$k=$v"; fi
			done
		echo "kernel=$(esc ".vms[] | select(.name == \"$vm\") | .kernel" "$cfg")"
		i=0
		if [ "$backend" = iomem ]; then
			while read -r id at size; do
				host=$(jq -r --arg id "$id" '.regions[$id].host' "$cfg")
				echo "iomem[$i]=$(hex $((host / 4096))),$(hex $((size / 4096)))@$(hex $((at / 4096)))"
				i=$((i + 1))
			done < <(jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .shm[] | "\(.id) \(.at) \(.size)"' "$cfg")
		fi
		while read -r pt; do
			[ -n "$pt" ] && echo "iomem[$i]=$pt" && i=$((i + 1))
		done < <(jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .passthrough.iomem // [] | .[]' "$cfg")
		[ "$i" = 0 ] && echo "iomem?"
		i=0
		if [ "$backend" = static-shm ]; then
			while read -r id at size role; do
				extra=""
				[ "$role" = owner ] && extra=", cache_policy=ARM_normal"
				echo "static_shm[$i]=id=$id, begin=$at, size=$size, role=$role$extra"
				i=$((i + 1))
			done < <(jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .shm[] | "\(.id) \(.at) \(.size) \(.["x-role"])"' "$cfg")
		fi
		[ "$i" = 0 ] && echo "static_shm?"
	} >"$tmp/want"
	"$xlparse" "$out/xl/$vm.cfg" name memory vcpus kernel iomem static_shm >"$tmp/got" &&
		diff "$tmp/want" "$tmp/got"
}

# a C program that includes the header and asserts every constant
header_agrees() {
	local out=$1 cfg=$2 vm=$3 n
	n=$(jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .shm | length' "$cfg")
	{
		echo "#include \"xenshm.h\""
		echo "#ifdef EVIL"
		echo "#error a description defined a macro"
		echo "#endif"
		echo "_Static_assert(XENSHM_NREGIONS == ${n}u, \"count\");"
		jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .shm[] | "\(.id) \(.at) \(.size) \(.["x-role"])"' "$cfg" |
			while read -r id at size role; do
				p=XENSHM_$(tr 'a-z-' 'A-Z_' <<<"$id")
				members=$(jq -r --arg id "$id" '.regions[$id]["x-members"] | length' "$cfg")
				idx=$(jq -r --arg id "$id" --arg vm "$vm" '.regions[$id]["x-members"] | index($vm)' "$cfg")
				echo "_Static_assert(${p}_BASE == ${at}ULL, \"base $id\");"
				echo "_Static_assert(${p}_SIZE == ${size}ULL, \"size $id\");"
				echo "_Static_assert(${p}_OWNER == $([ "$role" = owner ] && echo 1 || echo 0), \"owner $id\");"
				echo "_Static_assert(${p}_MEMBERS == ${members}u, \"members $id\");"
				echo "_Static_assert(${p}_MEMBER_INDEX == ${idx}u, \"index $id\");"
				echo "static const char role_${p}[] = ${p}_ROLE; static const char id_${p}[] = ${p}_ID;"
			done
		echo "#define SUM(P, B, S) + (B) + (S)"
		echo "int main(void) { return (0 XENSHM_REGIONS(SUM)) == 0 && XENSHM_NREGIONS; }"
	} >"$tmp/h.c"
	cp "$out/guest/$vm/xenshm.h" "$tmp/xenshm.h"
	gcc -std=c11 -Wall -Wextra -Werror -Wno-unused-const-variable -pedantic -I"$tmp" -o "$tmp/h" "$tmp/h.c" && "$tmp/h"
}

dtc_compiles() {	# FILE.dtsi [root cells]
	printf '/dts-v1/;\n/include/ "%s"\n/ { #address-cells = <2>; #size-cells = <2>; };\n' "$(basename "$1")" >"$tmp/w.dts"
	# shellcheck disable=SC2086 # flags are words
	dtc -I dts -O dtb ${DTC_FLAGS:-} -i "$(dirname "$1")" -o "$tmp/w.dtb" "$tmp/w.dts" 2>"$tmp/dtc.err" &&
		! grep -q . "$tmp/dtc.err" || { cat "$tmp/dtc.err"; return 1; }
}

# dom0less: every node and property, fdtget against the model
dom0less_agrees() {
	local out=$1 cfg=$2 want got
	# the fragment has no module nodes, hence no child "reg" for the cells it
	# sets; and the nodes are named by guest address, without a reg property
	DTC_FLAGS="-W no-avoid_unnecessary_addr_size -W no-unit_address_vs_reg" dtc_compiles "$out/dom0less/xenshm.dtsi" || return 1
	# complete domain nodes, in start order (Xen creates them in /chosen order)
	want=$(jq -r '.vms | sort_by(.start_index) | .[].name' "$out/plan.json" |
		while read -r vm; do jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .dom0less_node // .name' "$cfg"; done)
	got=$(fdtget -l "$tmp/w.dtb" /chosen)
	[ "$want" = "$got" ] || { echo "/chosen order: $(echo $got), start order: $(echo $want)"; return 1; }
	jq -r '.vms[] | "\(.dom0less_node // .name) \(.memory) \(.vcpus) \(.vuart // "-")"' "$cfg" |
		while read -r node mem cpus vuart; do
			p=/chosen/$node
			[ "$(fdtget "$tmp/w.dtb" "$p" compatible)" = xen,domain ] || { echo "$p compatible"; return 1; }
			[ "$(fdtget -t x "$tmp/w.dtb" "$p" memory)" = "$(printf '%x %x' $(( mem / 1024 >> 32 )) $(( mem / 1024 & 0xffffffff )))" ] ||
				{ echo "$p memory $(fdtget -t x "$tmp/w.dtb" "$p" memory) for $mem"; return 1; }
			[ "$(fdtget "$tmp/w.dtb" "$p" cpus)" = "$cpus" ] || { echo "$p cpus"; return 1; }
			if [ "$vuart" = - ]; then
				! fdtget "$tmp/w.dtb" "$p" vpl011 >/dev/null 2>&1 || { echo "$p vpl011 without a vuart"; return 1; }
			else
				fdtget "$tmp/w.dtb" "$p" vpl011 >/dev/null || { echo "$p no vpl011"; return 1; }
			fi
		done || return 1
	jq -r '.vms[] | .name as $vm | (.dom0less_node // .name) as $node | .shm[] | "\($vm) \($node) \(.id) \(.at) \(.size) \(.["x-role"])"' "$cfg" |
		while read -r vm node id at size role; do
			host=$(jq -r --arg id "$id" '.regions[$id].host // empty' "$cfg")
			unit=$(hex $(( at )))
			p=/chosen/$node/shared-mem@$unit
			[ "$(fdtget "$tmp/w.dtb" "$p" compatible)" = xen,domain-shared-memory-v1 ] || { echo "$p compatible"; return 1; }
			[ "$(fdtget "$tmp/w.dtb" "$p" xen,shm-id)" = "$id" ] || { echo "$p id"; return 1; }
			[ "$(fdtget "$tmp/w.dtb" "$p" role)" = "$role" ] || { echo "$p role"; return 1; }
			cells() { printf '%x %x ' $(( $1 >> 32 )) $(( $1 & 0xffffffff )); }
			want="$( [ -n "$host" ] && cells "$host")$(cells "$at")$(cells "$size")"
			[ "$(fdtget -t x "$tmp/w.dtb" "$p" xen,shared-mem) " = "$want" ] || { echo "$p cells: $(fdtget -t x "$tmp/w.dtb" "$p" xen,shared-mem) != $want"; return 1; }
		done
}

guest_dtsi_agrees() {
	local out=$1 cfg=$2 vm=$3 mem node
	dtc_compiles "$out/guest/$vm/xenshm.dtsi" || return 1
	# dom0less Xen >= 4.19 also lists each region as guest memory (7846f769)
	mem=$(fdtget -l "$tmp/w.dtb" / | grep -c '^memory@' || true)
	if [ "$(jq -r '.xen.backend' "$cfg")" = dom0less ] &&
		[ "$(jq -r '.xen.version | split(".")[1] | tonumber >= 19' "$cfg")" = true ]; then
		jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .shm[] | "\(.at) \(.size)"' "$cfg" |
			while read -r at size; do
				node=/memory@$(hex $((at)))
				[ "$(fdtget "$tmp/w.dtb" "$node" device_type)" = memory ] &&
					[ "$(fdtget -t x "$tmp/w.dtb" "$node" reg)" = "$(printf '%x %x %x %x' $((at >> 32)) $((at & 0xffffffff)) $((size >> 32)) $((size & 0xffffffff)))" ] ||
					{ echo "no memory node for the region at $at"; return 1; }
			done || return 1
	elif [ "$mem" != 0 ]; then
		echo "memory nodes, but the regions are not guest memory here"; return 1
	fi
	want=$(jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .shm | length' "$cfg")
	got=$(fdtget -l "$tmp/w.dtb" /reserved-memory 2>/dev/null | grep -c '^xen-shmem@' || true)
	[ "$want" = "$got" ] || { echo "$want regions, $got nodes"; return 1; }
	jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .shm[] | "\(.id) \(.at) \(.size)"' "$cfg" |
		while read -r id at size; do
			p=/reserved-memory/xen-shmem@$(hex $((at)))
			[ "$(fdtget "$tmp/w.dtb" "$p" xen,id)" = "$id" ] || return 1
			[ "$(fdtget "$tmp/w.dtb" "$p" compatible)" = xen,shared-memory-v1 ] || return 1
			[ "$(fdtget -t x "$tmp/w.dtb" "$p" reg)" = "$(printf '%x %x %x %x' $((at >> 32)) $((at & 0xffffffff)) $((size >> 32)) $((size & 0xffffffff)))" ] || return 1
		done
}

# guest/VM/xenshm.dtb: exactly for arm64 xl guests with regions, named by their
# xl config's device_tree unless the VM has its own; read back by fdtget
guest_dtb_agrees() {
	local out=$1 cfg=$2 vm=$3 dtb=$1/guest/$3/xenshm.dtb want got own
	want=$(jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .shm | length' "$cfg")
	own=$(jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .device_tree // empty' "$cfg")
	got=$("$xlparse" "$out/xl/$vm.cfg" device_tree)
	if [ "$(jq -r '.xen.arch' "$cfg")" != arm64 ] || [ "$(jq -r '.xen.backend' "$cfg")" = dom0less ] ||
		[ "$want" = 0 ]; then
		[ ! -e "$dtb" ] || { echo "$dtb written for a VM that cannot use it"; return 1; }
		[ -n "$own" ] && want="device_tree=$own" || want="device_tree?"
		[ "$got" = "$want" ] || { echo "xl config: $got, not $want"; return 1; }
		return 0
	fi
	[ "$got" = "device_tree=${own:-guest/$vm/xenshm.dtb}" ] || { echo "xl config: $got"; return 1; }
	[ "$(fdtget "$dtb" / '#address-cells') $(fdtget "$dtb" / '#size-cells')" = "2 2" ] || return 1
	[ "$(fdtget "$dtb" /passthrough compatible)" = simple-bus ] || return 1
	fdtget -p "$dtb" /passthrough | grep -qx ranges || { echo "no ranges in /passthrough"; return 1; }
	[ "$(fdtget -l "$dtb" /passthrough | grep -c '^xen-shmem@')" = "$want" ] || { echo "not $want nodes"; return 1; }
	jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .shm[] | "\(.id) \(.at) \(.size)"' "$cfg" |
		while read -r id at size; do
			p=/passthrough/xen-shmem@$(hex $((at)))
			[ "$(fdtget "$dtb" "$p" xen,id)" = "$id" ] &&
				[ "$(fdtget "$dtb" "$p" compatible)" = xen,shared-memory-v1 ] &&
				[ "$(fdtget -t x "$dtb" "$p" reg)" = "$(printf '%x %x %x %x' $((at >> 32)) $((at & 0xffffffff)) $((size >> 32)) $((size & 0xffffffff)))" ] ||
				{ echo "$p does not hold region $id at $at, $size bytes"; return 1; }
		done
}

dot_renders() {	# without a warning, with one edge per mapping
	local out=$1 cfg=$2 edges
	dot -Tsvg "$out/topology.dot" -o "$tmp/g.svg" 2>"$tmp/dot.err" && ! grep -q . "$tmp/dot.err" || { cat "$tmp/dot.err"; return 1; }
	edges=$(dot -Tplain "$out/topology.dot" | grep -c '^edge ')
	[ "$edges" = "$(jq '[.vms[].shm[]] | length' "$cfg")" ] || { echo "edges: $edges"; return 1; }
}

plan_valid() {
	local out=$1
	node tests/tools/node_modules/ajv-cli/dist/index.js validate --spec=draft7 -c ajv-formats --strict=true \
		-s schemas/plan.schema.json -d "$out/plan.json" &&
		sh -n "$out/plan.sh" && bash -n "$out/plan.sh" && shellcheck -s sh "$out/plan.sh" && [ -x "$out/plan.sh" ]
}

[ -d tests/tools/node_modules ] || npm ci --prefix tests/tools --silent >/dev/null 2>&1

for f in examples/*.yaml tests/artifacts/*.yaml; do
	n=$(basename "$f" .yaml)
	out=$tmp/$n
	cfg=$tmp/$n.json
	check "$n builds" "$bin" build -q "$f" -o "$out"
	[ -d "$out" ] || continue
	"$bin" config --format json "$f" >"$cfg"
	for vm in $(jq -r '.vms[].name' "$cfg"); do
		check "$n xl/$vm.cfg read back by libxlutil" xl_agrees "$out" "$cfg" "$vm"
		check "$n guest/$vm/xenshm.h compiles and agrees" header_agrees "$out" "$cfg" "$vm"
		check "$n guest/$vm/xenshm.dtsi compiles and agrees" guest_dtsi_agrees "$out" "$cfg" "$vm"
		check "$n guest/$vm/xenshm.dtb (device_tree=) agrees" guest_dtb_agrees "$out" "$cfg" "$vm"
	done
	[ -f "$out/host/xenshm-pool.dtsi" ] && check "$n host/xenshm-pool.dtsi compiles" dtc_compiles "$out/host/xenshm-pool.dtsi"
	[ -f "$out/dom0less/xenshm.dtsi" ] && check "$n dom0less/xenshm.dtsi agrees node by node" dom0less_agrees "$out" "$cfg"
	check "$n topology.dot renders" dot_renders "$out" "$cfg"
	check "$n plan.json valid, plan.sh clean" plan_valid "$out"
	"$bin" build -q "$f" -o "$tmp/again-$n"
	check "$n byte-identical across runs" diff -r "$out" "$tmp/again-$n"
	# golden copies of every artifact (UPDATE_GOLDEN=1 rewrites them)
	golden=tests/golden/build/$n
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		rm -rf "$golden" && mkdir -p "$(dirname "$golden")" && cp -r "$out" "$golden"
	fi
	check "$n golden artifacts" diff -r "$golden" "$out"
done

# injection: the hostile strings came back intact and added nothing
inj=$tmp/inject
cfg=$tmp/inject.json
inject_reads_back() {
	{
		echo "cmdline=$(esc '.vms[0].cmdline' "$cfg")"
		echo "ramdisk=$(esc '.vms[0].ramdisk' "$cfg")"
		echo "on_crash=$(esc '.vms[0].xl.on_crash' "$cfg")"
		echo "cpus[0]=$(esc '.vms[0].xl.cpus[0]' "$cfg")"
		echo "cpus[1]=$(esc '.vms[0].xl.cpus[1]' "$cfg")"
		echo "memory=64"
		echo "extra?"
	} >"$tmp/want"
	"$xlparse" "$inj/xl/a.cfg" cmdline ramdisk on_crash cpus memory extra >"$tmp/got" &&
		diff "$tmp/want" "$tmp/got" &&
		"$xlparse" "$inj/xl/b.cfg" device_tree dtdev >"$tmp/got" &&
		grep -qxF "device_tree=$(esc '.vms[1].device_tree' "$cfg")" "$tmp/got"
}
check "inject: kernel, cmdline, ramdisk, device_tree, raw xl values read back exactly" inject_reads_back
check "inject: every xl line is a known key" bash -c "! grep -vE '^(#.*|[a-z_]+ = .*|    \".*\",|\\]|)\$' '$inj/xl/a.cfg' '$inj/xl/b.cfg'"
check "inject: no extra device-tree node" bash -c "! grep -rq evil '$inj/guest' '$inj/host'"
check "inject: DOT has one edge per mapping" dot_renders "$inj" "$cfg"

# atomic output
ex=examples/seed-three-vm.yaml
"$bin" build -q "$ex" -o "$tmp/site" && cp -r "$tmp/site" "$tmp/site.copy"
check "a rebuild replaces an earlier build" "$bin" build -q examples/arm64-ring-pair.yaml -o "$tmp/site"
"$bin" build -q "$ex" -o "$tmp/site"
check "a topology with errors leaves DIR as it was" bash -c "! '$bin' build -q tests/golden/inputs/many-errors.yaml -o '$tmp/site' 2>/dev/null; [ \$? = 0 ] && diff -r '$tmp/site' '$tmp/site.copy'"
mkdir -p "$tmp/mine" && echo precious >"$tmp/mine/notes.txt"
check "a directory that is not a build is refused and kept" bash -c "! '$bin' build -q '$ex' -o '$tmp/mine' 2>/dev/null && [ \"\$(cat '$tmp/mine/notes.txt')\" = precious ]"
check "a write error leaves DIR as it was and nothing partial" bash -c "
	(trap '' XFSZ; ulimit -f 1; '$bin' build -q '$ex' -o '$tmp/site') 2>/dev/null; rc=\$?
	[ \$rc = 1 ] && diff -r '$tmp/site' '$tmp/site.copy' && ! ls -a '$tmp' | grep -q '^\\.xenshm-'"
check "a missing parent directory is an I/O error" bash -c "'$bin' build -q '$ex' -o '$tmp/no/such/dir' 2>/dev/null; [ \$? = 1 ] && [ ! -e '$tmp/no' ]"
check "invalid names never reach an artifact" bash -c "
	printf 'version: 1\nname: x\nxen: {arch: arm64}\nvms:\n  - {name: \"a\\\\\"b\", kernel: /k, memory: 64M}\n' |
	'$bin' build -q - -o '$tmp/never' 2>/dev/null; [ \$? = 2 ] && [ ! -e '$tmp/never' ]"

# graph renders through libgvc
check "graph -o .svg" bash -c "'$bin' graph '$ex' -o '$tmp/g.svg' && grep -q '<svg' '$tmp/g.svg'"
check "graph -o .png" bash -c "'$bin' graph '$ex' -o '$tmp/g.png' && file '$tmp/g.png' | grep -q 'PNG image'"
check "graph -o .dot equals build's topology.dot" bash -c "'$bin' graph '$ex' -o '$tmp/g.dot' && cmp '$tmp/g.dot' '$tmp/site/topology.dot'"
check "graph to stdout is DOT" bash -c "'$bin' graph '$ex' | head -1 | grep -q '^digraph'"
check "graph refuses an unknown extension" bash -c "! '$bin' graph '$ex' -o '$tmp/g.bmpx' 2>/dev/null"
check "plan --format json equals build's plan.json" bash -c "'$bin' plan --format json '$ex' | cmp - '$tmp/site/plan.json'"
check "plan text lists every step" bash -c "'$bin' plan '$ex' | grep -c '^ *[0-9]*\\. ' | grep -qx 11"
check "plan --no-scrub drops the scrub steps" bash -c "! '$bin' plan --no-scrub '$ex' | grep -q scrub"
exit $fail

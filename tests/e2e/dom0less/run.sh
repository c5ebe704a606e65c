#!/usr/bin/env bash
# dom0less end to end on real Xen: Xen 4.17, built from Debian's source package
# with static shared memory, boots under QEMU (TCG) with no dom0 and creates
# the domains of dom0less.yaml from the host device tree alone: QEMU's own
# tree, the generated dom0less/xenshm.dtsi unchanged, and the boot modules.
# The bare-metal test guests prove each mapping on Xen's console; a warm boot
# from the same RAM proves the exchange does not pass on what the first boot
# left; a topology `check` refuses is shown to make Xen panic.
# Prints "PASS: e2e dom0less ..." / "FAIL: e2e dom0less ..." lines and ends
# with "N passed, N failed".
# Knobs: E2E_CACHE, E2E_TIMEOUT (s per boot, default 300), E2E_KEEP=1
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
cache=${E2E_CACHE:-$top/build/e2e}/dom0less
work=$cache/work
timeout_s=${E2E_TIMEOUT:-300}
topo=$here/dom0less.yaml
passed=0 failed=0
export DEBIAN_FRONTEND=noninteractive

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
t_start=$(now)
say() { echo "e2e: dom0less: $*"; }
pass() { echo "PASS: e2e dom0less $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: e2e dom0less $*"; failed=$((failed + 1)); }
die() { echo "FAIL: e2e dom0less setup: $*"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }

# jq reads the plan; flex and bison make Xen's kconfig; dpkg-dev unpacks its source
host_pkgs="qemu-system-arm device-tree-compiler gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
gcc libc6-dev make flex bison dpkg-dev xz-utils debian-archive-keyring jq"
# shellcheck disable=SC2086 # word list
if ! dpkg -s $host_pkgs >/dev/null 2>&1; then
	[ "$(id -u)" = 0 ] || die "installing the host packages needs root: run it as root once"
	apt-get install -y -qq --no-install-recommends $host_pkgs >/dev/null ||
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $host_pkgs >/dev/null; } ||
		die "cannot install the host packages ($(tr "\n" " " <<<"$host_pkgs"))"
fi

# Xen, once per kconfig: the static-shm build boots the topology, the
# early-printk one the negative case (Xen 4.17 prints its device-tree errors
# before its console is up)
xdir=$cache/xen
mkdir -p "$xdir"
times=""
for v in shm earlyprintk; do
	if [ -f "$xdir/xen-$v" ] && cmp -s "$here/xen-$v.kconfig" "$xdir/xen-$v.kconfig"; then
		times="$times, Xen $v cached"
		continue
	fi
	# the first build's "source" is apt-get source (download) + unpack, the second's an unpack
	out=$("$here/build-xen.sh" "$xdir" "$v") || die "Xen 4.17 ($v) from Debian's source package does not build: $out"
	cp "$here/xen-$v.kconfig" "$xdir/xen-$v.kconfig"
	times="$times, Xen $v: $(echo "$out" | sed -n 's/^\(source [0-9.]* s\).*/\1/p'), $(echo "$out" | grep '^build ')"
done
times=${times#, }
t_xen=$(now)

make -s -C "$top" xenshm-compose >/dev/null || die "build of xenshm-compose failed"
xc=$top/xenshm-compose
rm -rf "$work" && mkdir -p "$work"
"$xc" build -q "$topo" -o "$work/build" || die "xenshm-compose build of $topo failed"
"$xc" config --format json "$topo" >"$work/config.json" || die "xenshm-compose config failed"
plan=$work/build/plan.json
"$here/../guest/build.sh" --no-scrub "$work/build" "$work/guest" || die "guest build failed"

# the board: QEMU virt, Xen's console on its PL011, the guest images as boot
# modules from 0x49000000 (QEMU puts its DTB at 0x48000000), 2 MiB apart
mem=1024
machine="-machine virt,virtualization=on,gic-version=3 -cpu cortex-a57 -smp 2 -m $mem -nic none"
bootargs="console=dtuart dtuart=/pl011@9000000 loglvl=all guest_loglvl=all"
mod_base=0x49000000 mod_step=0x200000
# shellcheck disable=SC2086 # machine is words
qemu-system-aarch64 $machine -nographic -machine dumpdtb="$work/qemu.dtb" >/dev/null 2>&1 ||
	die "QEMU could not dump its device tree"
dtc -q -I dtb -O dts "$work/qemu.dtb" | sed '1{/^\/dts-v1\/;/d}' >"$work/qemu-body.dts"
# VM name -> dom0less node name, in start order (the plan's order)
jq -r '.vms[].name' "$plan" >"$work/order"
nodes=()
while read -r vm; do
	nodes+=("$(jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .dom0less_node' "$work/config.json")")
done <"$work/order"
[ "${#nodes[@]}" -gt 0 ] || die "the plan names no VM"
for img in "$work"/guest/*.img; do
	[ "$(stat -c %s "$img")" -le $((mod_step)) ] || die "$img is larger than the $mod_step between two modules"
done

# host_tree DIR FRAGMENT: DIR/host.dtb from the fragment, included first (its
# order of /chosen's domain nodes is the order Xen creates them in), QEMU's
# tree, and DIR/board.dtsi: Xen's command line and each domain's kernel module
host_tree() {
	local d=$1 i=0 vm node img addr size
	mkdir -p "$d"
	cp "$2" "$d/xenshm.dtsi"
	cp "$work/qemu-body.dts" "$d/"
	: >"$d/loaders"
	{
		printf '/ {\n\tchosen {\n\t\txen,xen-bootargs = "%s";\n' "$bootargs"
		while read -r vm; do
			node=${nodes[$i]} img=$work/guest/$vm.img
			addr=$((mod_base + i * mod_step)) size=$(stat -c %s "$img")
			printf '\t\t%s {\n\t\t\tmodule@%x {\n' "$node" "$addr"
			printf '\t\t\t\tcompatible = "multiboot,kernel", "multiboot,module";\n'
			printf '\t\t\t\treg = <0x0 0x%x 0x0 0x%x>;\n\t\t\t};\n\t\t};\n' "$addr" "$size"
			printf -- '-device loader,file=%s,addr=0x%x,force-raw=on\n' "$img" "$addr" >>"$d/loaders"
			i=$((i + 1))
		done <"$work/order"
		printf '\t};\n};\n'
	} >"$d/board.dtsi"
	printf '/dts-v1/;\n/include/ "xenshm.dtsi"\n/include/ "qemu-body.dts"\n/include/ "board.dtsi"\n' >"$d/host.dts"
	# the binding's shared-mem@ADDR nodes have no reg; QEMU's clocks and gpios cells
	dtc -q -W no-unit_address_vs_reg -W no-clocks_property -W no-gpios_property \
		-I dts -O dtb -i "$d" -o "$d/host.dtb" "$d/host.dts"
}
host_tree "$work/pos" "$work/build/dom0less/xenshm.dtsi" || die "the host tree with dom0less/xenshm.dtsi does not compile"
t_built=$(now)

# 1. the fragment alone: /chosen holds complete domain nodes in start order
printf '/dts-v1/;\n/include/ "xenshm.dtsi"\n' >"$work/pos/fragment.dts"
problems=""
if dtc -q -W no-unit_address_vs_reg -I dts -O dtb -i "$work/pos" -o "$work/fragment.dtb" "$work/pos/fragment.dts"; then
	got=$(fdtget -l "$work/fragment.dtb" /chosen | tr '\n' ' ')
	[ "$got" = "${nodes[*]} " ] || problems="$problems; /chosen holds '$got', the start order is '${nodes[*]}'"
	i=0
	while read -r vm; do
		c=/chosen/${nodes[$i]}
		want_mem=$(jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .memory' "$plan")
		want_cpus=$(jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .vcpus' "$plan")
		vuart=$(jq -r --arg vm "$vm" '.vms[] | select(.name == $vm) | .vuart // ""' "$plan")
		[ "$(fdtget "$work/fragment.dtb" "$c" compatible 2>/dev/null)" = xen,domain ] ||
			problems="$problems; $c is not \"xen,domain\""
		m=$(fdtget -t x "$work/fragment.dtb" "$c" memory 2>/dev/null)
		[ "$m" = "0 $(printf %x $((want_mem / 1024)))" ] || problems="$problems; $c memory is '$m' (KiB), the plan says $want_mem bytes"
		[ "$(fdtget "$work/fragment.dtb" "$c" cpus 2>/dev/null)" = "$want_cpus" ] || problems="$problems; $c cpus is not $want_cpus"
		if [ "$vuart" = sbsa_uart ]; then
			fdtget "$work/fragment.dtb" "$c" vpl011 >/dev/null 2>&1 || problems="$problems; $c has no vpl011"
		fi
		i=$((i + 1))
	done <"$work/order"
else
	problems="; the fragment alone does not compile"
fi
if [ -z "$problems" ]; then
	pass "1 fragment: /chosen holds complete xen,domain nodes (memory, cpus, vpl011) in the plan's start order: ${nodes[*]}"
else
	fail "1 fragment: ${problems#; }"
fi

# a QEMU of ours still running when the suite ends (interrupted) goes with it
qemu_pid=""
trap '[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null' EXIT
# what ends a boot that must pass
crash_re='Panic on CPU|Xen BUG at|Xen WARN at|Assertion .* failed|crashed on cpu|reported crashed by'
# boot NAME XEN DIR RAMFILE DONE_RE N [STOP_RE]: QEMU boots Xen with DIR's host
# tree and modules (guest RAM in RAMFILE, kept between boots, unless it is "-")
# until its console holds N lines matching DONE_RE or one matching STOP_RE
# (default crash_re), QEMU exits, or the timeout; the console goes to
# $cache/NAME.log; sets why and boot_s
boot() {
	local name=$1 xen=$2 d=$3 ram=$4 done_re=$5 n=$6 stop_re=${7-$crash_re} log=$cache/$1.log t0 pid backend=""
	[ "$ram" = - ] || backend="-object memory-backend-file,id=ram,size=${mem}M,mem-path=$ram,share=on -machine memory-backend=ram"
	say "booting Xen 4.17 ($name, timeout ${timeout_s}s), log in $log"
	t0=$(now)
	# shellcheck disable=SC2046,SC2086 # words
	qemu-system-aarch64 $machine $backend -nographic -no-reboot -dtb "$d/host.dtb" -kernel "$xen" \
		$(cat "$d/loaders") -serial stdio -monitor none </dev/null >"$log.raw" 2>&1 &
	pid=$! qemu_pid=$!
	why=timeout
	while [ "$(secs "$t0" "$(now)" | cut -d. -f1)" -lt "$timeout_s" ]; do
		if [ "$(grep -a -c -E "$done_re" "$log.raw")" -ge "$n" ]; then
			why=ok
			break
		fi
		if [ -n "$stop_re" ] && grep -a -q -E "$stop_re" "$log.raw"; then
			why="Xen said '$(grep -a -m1 -E "$stop_re" "$log.raw" | tr -d '\r')'"
			break
		fi
		kill -0 "$pid" 2>/dev/null || { why="QEMU exited"; break; }
		sleep 0.2
	done
	boot_s=$(secs "$t0" "$(now)")
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	qemu_pid=""
	tr -d '\r' <"$log.raw" >"$log" && rm -f "$log.raw"
	if [ "$why" = ok ]; then
		say "$name: the awaited console lines came after $boot_s s"
	else
		say "$name: $why after $boot_s s"
	fi
}

# domids LOG: sets domid[VM] from the guests' "DOMn: guest VM ... started"
declare -A domid
domids() {
	local d vm
	domid=()
	while read -r d vm; do
		domid[$vm]=$d
	done < <(sed -n 's/.*DOM\([0-9]*\): guest \([^ ]*\) of project .* started$/\1 \2/p' "$1")
}

# mappings STEP LOG: one PASS or FAIL line per mapping of the plan, from the
# guest's RESULT line on Xen's console; a FAIL too for RESULT lines beyond them
mappings() {
	local step=$1 log=$2 vm id role line d n
	n=$(jq '[.vms[].mappings[]] | length' "$plan")
	[ "$(grep -a -c 'DOM[0-9]*: RESULT ' "$log")" -le "$n" ] ||
		fail "$step $(grep -a -c 'DOM[0-9]*: RESULT ' "$log") RESULT lines on Xen's console for $n mappings"
	while read -r vm id role; do
		d=${domid[$vm]:-?}
		line=$(grep -a -E "DOM$d: RESULT $vm $id: " "$log" | head -1 | sed 's/.*DOM[0-9]*: RESULT //')
		case $line in
		*" -> PASS") pass "$step $vm (d$d, $role) $id: ${line#* * }" ;;
		"") fail "$step $vm (d$d, $role) $id: no RESULT line on Xen's console" ;;
		*) fail "$step $vm (d$d, $role) $id: ${line#* * }" ;;
		esac
	done < <(jq -r '.vms[] | .name as $vm | .mappings[] | "\($vm) \(.region) \(.role)"' "$plan")
}

# ram_view RAMFILE: "ID MAGIC TOKEN" per region, the first two words at its
# host address in guest RAM (from 0x40000000)
ram_view() {
	local id host
	while read -r id host; do
		echo "$id $(od -A n -t x4 -v -j $((host - 0x40000000)) -N 8 "$1")"
	done < <(jq -r '.regions[] | "\(.id) \(.host)"' "$plan")
}

# tokens_in_ram STEP BOOT LOG RAMFILE: each region's host range holds MAGIC and
# the token its owner published on the console
tokens_in_ram() {
	local step=$1 what=$2 log=$3 id magic word tok ok=1 said=""
	while read -r id magic word; do
		tok=$(sed -n "s/.*DOM[0-9]*: token 0x\([0-9a-f]*\) published in $id\$/\1/p" "$log" | tail -1)
		said="$said, '$id' $magic $word (published ${tok:-nothing})"
		[ "$magic" = 53484d31 ] && [ -n "$tok" ] && [ "$word" = "$tok" ] || ok=0
	done < <(ram_view "$4")
	if [ $ok = 1 ]; then
		pass "$step RAM after the $what: each region's host range holds MAGIC and its owner's token:${said#,}"
	else
		fail "$step RAM after the $what: ${said#, }"
	fi
}

nvms=${#nodes[@]}
ram=$work/ram
rm -f "$ram"

# 2. cold boot: every mapping proves itself
boot cold "$xdir/xen-shm" "$work/pos" "$ram" 'DOM[0-9]+: guest .* done' "$nvms"
cold_s=$boot_s cold_why=$why
log=$cache/cold.log
domids "$log"
[ "$cold_why" = ok ] || fail "2 cold boot: $cold_why before the $nvms guests were done (see $log)"
mappings "2 cold boot:" "$log"

# 3. Xen creates /chosen's domains in order: domids follow the start order
want="" got=""
i=1
while read -r vm; do
	want="$want $vm d$i" got="$got $vm d${domid[$vm]:-?}"
	i=$((i + 1))
done <"$work/order"
if [ "$want" = "$got" ]; then
	pass "3 domids follow the start order:$got"
else
	fail "3 domids: want$want, got$got"
fi
if grep -a -q 'held data from an earlier boot' "$log"; then
	fail "3b cold boot: an owner found data in a region of fresh RAM"
fi

# 4. the host view: what the cold boot left in RAM, which the warm boot finds
cold_view=$(ram_view "$ram")
tokens_in_ram 4 "cold boot" "$log" "$ram"

# 5. warm boot from the same RAM: the owners find the cold boot's data, zero
# it (nothing scrubs under dom0less), and every mapping passes again
boot warm "$xdir/xen-shm" "$work/pos" "$ram" 'DOM[0-9]+: guest .* done' "$nvms"
warm_s=$boot_s warm_why=$why
log=$cache/warm.log
domids "$log"
[ "$warm_why" = ok ] || fail "5 warm boot: $warm_why before the $nvms guests were done (see $log)"
ok=1 said=""
while read -r id owner; do
	d=${domid[$owner]:-?}
	if grep -a -q "DOM$d: region $id held data from an earlier boot: zeroing it" "$log"; then
		said="$said, '$id'"
	else
		ok=0 said="$said, not '$id'"
	fi
done < <(jq -r '.regions[] | "\(.id) \(.owner)"' "$plan")
if [ $ok = 1 ] && [ -n "$cold_view" ]; then
	pass "5 warm boot: the owners found the cold boot's data in${said#,} and zeroed it (nothing scrubs under dom0less)"
else
	fail "5 warm boot: the owners found the cold boot's data in${said#,} (the cold boot left: $cold_view)"
fi
mappings "6 warm boot:" "$log"
tokens_in_ram 7 "warm boot" "$log" "$ram"
if [ "$(ram_view "$ram")" = "$cold_view" ]; then
	fail "7b warm boot: RAM holds the cold boot's tokens still"
fi

# shm_nodes DTB: the /reserved-memory/xen-shmem@ nodes of a device tree, on one line
shm_nodes() {
	local n r=/reserved-memory
	for n in $(fdtget -l "$1" $r 2>/dev/null); do
		case $n in
		xen-shmem@*)
			echo "$n $(fdtget -t s "$1" $r/"$n" compatible) reg <$(fdtget -t x "$1" $r/"$n" reg)>" \
				"id $(fdtget -t s "$1" $r/"$n" xen,id) offset <$(fdtget -t x "$1" $r/"$n" xen,offset)>;"
			;;
		esac
	done | sort | tr -d '\n'
}

# 8. the trees Xen built for the guests, found in guest RAM (a DTB each,
# and copies), hold exactly the nodes of the generated guest/VM/xenshm.dtsi
for dir in "$work"/build/guest/*/; do
	printf '/dts-v1/;\n/ { };\n/include/ "%s"\n' "$dir/xenshm.dtsi" >"$work/guest-frag.dts"
	dtc -q -I dts -O dtb -o "$work/guest-frag.dtb" "$work/guest-frag.dts" && shm_nodes "$work/guest-frag.dtb"
	echo
done | sort -u >"$work/guest-nodes.want"
found=0
: >"$work/guest-nodes.got"
while read -r off; do
	# a blob's header: magic, then its total size, big endian
	read -r b0 b1 b2 b3 < <(od -A n -t u1 -j $((off + 4)) -N 4 "$ram")
	size=$(((b0 << 24) | (b1 << 16) | (b2 << 8) | b3))
	if [ "$size" -le 64 ] || [ "$size" -gt 1048576 ]; then
		continue
	fi
	tail -c +$((off + 1)) "$ram" | head -c "$size" >"$work/blob.dtb"
	nodes_here=$(shm_nodes "$work/blob.dtb")
	[ -n "$nodes_here" ] || continue
	echo "$nodes_here" >>"$work/guest-nodes.got"
	found=$((found + 1))
done < <(LC_ALL=C grep -obUaF $'\xd0\x0d\xfe\xed' "$ram" | cut -d: -f1)
if [ "$found" -ge "$nvms" ] && [ "$(sort -u "$work/guest-nodes.got")" = "$(cat "$work/guest-nodes.want")" ]; then
	pass "8 guest trees: the $found device trees in guest RAM with xen-shmem nodes hold exactly those of the generated guest/VM/xenshm.dtsi ($(wc -l <"$work/guest-nodes.want") distinct sets)"
else
	fail "8 guest trees: $found device trees with xen-shmem nodes in guest RAM; theirs: $(sort -u "$work/guest-nodes.got" | tr '\n' '|'); generated: $(tr '\n' '|' <"$work/guest-nodes.want")"
fi

# 9. a topology check refuses makes real Xen fail: for 4.19 without a pool the
# fragment has no host addresses; check for 4.17 says [dom0less-limits]; Xen
# 4.17 (early printk) given that fragment says why, then panics. Its early
# walk of the tree stops at the first bad shared-mem node, before that
# domain's module (the board's, after the fragment): with no domU kernel
# found it is not in dom0less mode, and panics for want of a dom0.
neg=$work/neg
mkdir -p "$neg"
sed 's/version: "4.19"/version: "4.17"/' "$here/nohost.yaml" >"$neg/nohost-4.17.yaml"
"$xc" check "$neg/nohost-4.17.yaml" >"$neg/check.out" 2>&1
check_rc=$?
check_line=$(grep -m1 'error: \[dom0less-limits\]' "$neg/check.out" | sed 's/.*error: //')
neg_s=""
if "$xc" build -q "$here/nohost.yaml" -o "$neg/build" && host_tree "$neg" "$neg/build/dom0less/xenshm.dtsi"; then
	# the panic is expected: the boot ends on its message, or when Xen reboots
	boot negative "$xdir/xen-earlyprintk" "$neg" - 'Could not set up' 1 ""
	neg_s=$boot_s
	log=$cache/negative.log
	fdt=$(grep -a -m1 'fdt: host physical address must be chosen' "$log" | sed 's/^(XEN) //')
	panic=$(grep -a -A1 'Panic on CPU' "$log" | grep -a -m1 'Could not set up' | sed 's/^(XEN) //')
	if [ "$check_rc" = 2 ] && [ -n "$check_line" ] && [ -n "$fdt" ] && [ -n "$panic" ]; then
		pass "9 negative: check for 4.17 exits 2 with '$check_line'; Xen 4.17 (early printk) given the 4.19 fragment says '$fdt', then 'Panic on CPU 0: $panic'"
	else
		fail "9 negative: check exit $check_rc ('$check_line'); Xen: '${fdt:-no fdt line}', '${panic:-no panic}' ($why; see $log)"
	fi
else
	fail "9 negative: the 4.19 topology's fragment does not build into a host tree"
fi

# 10. no panic, no BUG or WARN, no crashed domain in the boots that must pass
crash=$(grep -a -h -E "$crash_re" "$cache/cold.log" "$cache/warm.log" | head -3)
if [ -z "$crash" ]; then
	pass "10 no crash: Xen reported no panic, BUG, WARN or crashed domain in the cold and warm boots"
else
	fail "10 crash in a positive boot: $(echo "$crash" | tr '\n' ' ')"
fi

t_done=$(now)
say "times: $times, topology and guests $(secs "$t_xen" "$t_built") s, cold boot $cold_s s, warm boot $warm_s s, negative boot ${neg_s:-?} s, total $(secs "$t_start" "$t_done") s"
[ "${E2E_KEEP:-0}" = 1 ] || rm -rf "$work"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

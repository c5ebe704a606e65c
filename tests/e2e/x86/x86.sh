#!/bin/sh
# dom0 side of the x86_64 E2E (steps 1, 2 and 4 of the arm64 suite, PVH guests).
cd /e2e || exit 1
X=/usr/bin/xenshm-compose
T=/e2e/x86.yaml
LOGS=/var/log/xen/console
pass() { echo "E2E PASS: x86_64 $*"; }
fail() { echo "E2E FAIL: x86_64 $*"; }
domains() { xl list | awk 'NR > 2 { print $1 }' | sort | tr '\n' ' '; }
# dom0 boots quiet; from here its kernel's informational lines (a program's
# segfault among them) reach the console as they happen (issue 9)
echo 7 >/proc/sys/kernel/printk

# the pool is ivshmem-plain's BAR2: enable it and check it is where the topology says
dev=""
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1af4 ] && [ "$(cat "$d/device")" = 0x1110 ] && dev=$d
done
[ -n "$dev" ] || { fail "0 setup: no ivshmem device"; exit 1; }
echo 1 >"$dev/enable"
bar=$(sed -n 3p "$dev/resource" | cut -d' ' -f1)
echo "E2E: ivshmem BAR2 at $bar"
[ $((bar)) = $((0xfe000000)) ] || { fail "0 setup: BAR2 at $bar, not at the pool's 0xfe000000"; exit 1; }

# 1. up: every guest proves the sharing
$X up $T; rc=$?
i=0
while [ $i -lt 300 ]; do
	n=$(grep -s -h RESULT $LOGS/guest-*.log | wc -l)
	[ "${n:-0}" -ge 5 ] && break
	# a guest that shut down (crashed) will never report: stop waiting
	if xl list | awk 'NR > 1 && $5 ~ /[sc]/ { bad = 1 } END { exit !bad }'; then
		echo "E2E: a guest shut down or crashed:"
		xl list
		break
	fi
	sleep 1
	i=$((i + 1))
done
# dom0's kernel names any user program that crashed while we waited (issue 9)
dmesg | grep -a -i -E 'segfault|general protection|trap invalid opcode' | sed 's/^/E2E: dom0 dmesg: /'
for vm in alpha beta gamma; do
	grep -a -E 'guest |token |RESULT' "$LOGS/guest-$vm.log" | sed "s/^/E2E GUEST $vm: /"
	grep -a -q 'guest .* started' "$LOGS/guest-$vm.log" ||
		tail -n 5 "$LOGS/guest-$vm.log" 2>/dev/null | sed "s/^/E2E GUEST $vm (no start): /"
done
if [ $rc = 0 ] && [ "$(cat $LOGS/guest-*.log | grep -c 'RESULT.*PASS')" = 5 ]; then
	pass "1 up: three PVH guests saw both regions shared (5 PASS lines)"
else
	fail "1 up: exit $rc, $(cat $LOGS/guest-*.log 2>/dev/null | grep -c 'RESULT.*PASS') of 5 PASS lines"
fi

# 2. ps and xenstore
a=$(xl domid alpha); b=$(xl domid beta); g=$(xl domid gamma)
$X ps | tee /tmp/ps.txt
$X ps --format json >/tmp/ps.json
xenstore-ls -fp /local/shared_mem | tee /tmp/xs.txt
ok=1
# ps: the project, its three VMs alive with their domids, both regions
grep -q '^project e2e-x86 ' /tmp/ps.txt || ok=0
for vm in "alpha $a" "beta $b" "gamma $g"; do
	set -- $vm
	grep -q "^  $1 *$2 " /tmp/ps.txt || { echo "E2E: ps does not show $1 as domain $2"; ok=0; }
done
[ "$(grep -c '"state": "\(running\|blocked\)"' /tmp/ps.json)" = 3 ] || { echo "E2E: ps: not 3 live VMs"; ok=0; }
grep -q '^  all ' /tmp/ps.txt && grep -q '^  pair ' /tmp/ps.txt || { echo "E2E: ps: a region is missing"; ok=0; }
grep -q "^/local/shared_mem/all/owner = \"$b\"" /tmp/xs.txt || ok=0
grep -q "^/local/shared_mem/all/mappings/$g = \"0x3b000000-0x3b00ffff\"" /tmp/xs.txt || ok=0
grep -q "^/local/shared_mem/pair/host = \"0xfe010000\"" /tmp/xs.txt || ok=0
grep '^/local/shared_mem/pair/owner ' /tmp/xs.txt | grep -q "(n0,r$a,r$b)" || ok=0
[ $ok = 1 ] && pass "2 ps and xenstore: 3 live VMs and 2 regions in ps; seed layout, domids $a $b $g, readable by members only" ||
	fail "2 ps and xenstore records"

# 4. down
$X down $T; rc=$?
left=$(domains)
recs=$(xenstore-ls /local/shared_mem | wc -l)
if [ $rc = 0 ] && [ -z "$left" ] && [ "$recs" = 0 ]; then
	pass "4 down: no domain left, no record left"
else
	fail "4 down (exit $rc): domains '$left', $recs records"
fi

#!/bin/sh
# dom0 side of the x86_64 E2E (PVH guests): steps 1, 2, 10 and 4 of the arm64
# suite, 6 (a guest reads the records: members may, others may not), 16 (two
# guests find regions through xenstore and talk with xenshm-guest), 14 (the
# default placement, above 4 GiB) and 15 (no program crashed anywhere).
cd /e2e || exit 1
X=/usr/bin/xenshm-compose
T=/e2e/x86.yaml
LOGS=/var/log/xen/console
pass() { echo "E2E PASS: x86_64 $*"; }
fail() { echo "E2E FAIL: x86_64 $*"; }
domains() { xl list | awk 'NR > 2 { print $1 }' | sort | tr '\n' ' '; }
# dom0 boots quiet; from here its kernel's informational lines (a program's
# segfault among them) reach the console as they happen
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

# wait_guests N: until the guests' consoles hold N RESULT lines, up to 300 s,
# unless a guest shut down or crashed (it would never report)
wait_guests() {
	i=0
	while [ $i -lt 300 ]; do
		n=$(grep -s -h '^RESULT' $LOGS/guest-*.log | wc -l)
		[ "${n:-0}" -ge "$1" ] && return 0
		if xl list | awk 'NR > 1 && $5 ~ /[sc]/ { bad = 1 } END { exit !bad }'; then
			echo "E2E: a guest shut down or crashed:"
			xl list
			return 1
		fi
		sleep 1
		i=$((i + 1))
	done
	return 1
}

# crashed_guests WHEN: names each guest domain that crashed, with its console's
# lines before the panic, and keeps the names for step 15: a later project's
# guest of the same name overwrites the console that step 15 reads
: >/tmp/guest-crashes
crashed_guests() {
	for vm in $(xl list | awk 'NR > 1 && $5 ~ /c/ { print $1 }'); do
		echo "guest $vm crashed ($1)" | tee -a /tmp/guest-crashes | sed 's/^/E2E: crash: /'
		grep -a -i -B 12 -E 'kernel panic|Oops' "$LOGS/guest-$vm.log" | head -40 |
			sed "s|^|E2E: crash context guest-$vm.log: |"
	done
}

# 1. up: every guest proves the sharing, one RESULT line per mapping: 11 (all
# has 3 members; pair, a2b, b2a and bench 2), before step 16 uses the last three
$X up $T; rc=$?
wait_guests 11
for vm in alpha beta gamma; do
	grep -a -E 'guest |token |RESULT' "$LOGS/guest-$vm.log" | sed "s/^/E2E GUEST $vm: /"
	grep -a -q 'guest .* started' "$LOGS/guest-$vm.log" ||
		tail -n 5 "$LOGS/guest-$vm.log" 2>/dev/null | sed "s/^/E2E GUEST $vm (no start): /"
done
crashed_guests "after up"
npass=$(grep -h -c '^RESULT.*PASS' $LOGS/guest-*.log | awk '{ n += $1 } END { print n + 0 }')
if [ $rc = 0 ] && [ "$npass" = 11 ]; then
	pass "1 up: three PVH guests saw every region shared (11 PASS lines)"
else
	fail "1 up: exit $rc, $npass of 11 PASS lines"
fi

# 2. ps and xenstore
a=$(xl domid alpha); b=$(xl domid beta); g=$(xl domid gamma)
$X ps >/tmp/ps.txt
cat /tmp/ps.txt
$X ps --format json >/tmp/ps.json
xenstore-ls -fp /local/shared_mem | tee /tmp/xs.txt
ok=1
# ps: the project, its three VMs alive with their domids, both regions
grep -q '^project e2e-x86 ' /tmp/ps.txt || { echo "E2E: ps does not show project e2e-x86"; ok=0; }
for vm in "alpha $a" "beta $b" "gamma $g"; do
	set -- $vm
	grep -q "^  $1 *$2 " /tmp/ps.txt || { echo "E2E: ps does not show $1 as domain $2"; ok=0; }
done
[ "$(grep -c '"state": "\(running\|blocked\)"' /tmp/ps.json)" = 3 ] || { echo "E2E: ps: not 3 live VMs"; ok=0; }
grep -q '^  all ' /tmp/ps.txt && grep -q '^  pair ' /tmp/ps.txt || { echo "E2E: ps: a region is missing"; ok=0; }
grep -q "^/local/shared_mem/all/owner = \"$b\"" /tmp/xs.txt || { echo "E2E: xenstore: all/owner is not beta's $b"; ok=0; }
grep -q "^/local/shared_mem/all/mappings/$g = \"0x3b000000-0x3b00ffff\"" /tmp/xs.txt ||
	{ echo "E2E: xenstore: all/mappings/$g is not gamma's 0x3b000000-0x3b00ffff"; ok=0; }
grep -q "^/local/shared_mem/pair/host = \"0xfe010000\"" /tmp/xs.txt || { echo "E2E: xenstore: pair/host is not 0xfe010000"; ok=0; }
grep '^/local/shared_mem/pair/owner ' /tmp/xs.txt | grep -q "(n0,r$a,r$b)" ||
	{ echo "E2E: xenstore: pair/owner's permissions are not (n0,r$a,r$b)"; ok=0; }
[ $ok = 1 ] && pass "2 ps and xenstore: 3 live VMs and 2 regions in ps; seed layout, domids $a $b $g, readable by members only" ||
	fail "2 ps and xenstore records"

# 10. the records tie to the memory: the host range a record names holds its owner's token
ok=1
for id in all pair; do
	host=$(xenstore-read /local/shared_mem/$id/host)
	tok=$(grep -a -h "published in $id" $LOGS/guest-*.log | tail -n 1 | awk '{ print $2 }')
	magic=$(devmem "$host" 32); word=$(devmem $((host + 4)) 32)
	echo "E2E: region $id: record says host $host; owner published ${tok:-nothing}; memory holds $magic $word"
	[ -n "$tok" ] && [ "$magic" = 0x53484D31 ] && [ $((word)) = $((tok)) ] || ok=0
done
[ $ok = 1 ] && pass "10 records tie to memory: the host ranges of 'all' and 'pair' hold the owners' published tokens" ||
	fail "10 records tie to memory"

# 6. members only: each guest tries xenstore-read on both records once its exchange is done
i=0
while [ $i -lt 120 ] && [ "$(grep -s -h '^XSREAD' $LOGS/guest-*.log | wc -l)" -lt 6 ]; do
	sleep 1
	i=$((i + 1))
done
grep -a -h '^XSREAD' $LOGS/guest-*.log /dev/null | sed 's/^/E2E GUEST: /'
if grep -a -q "^XSREAD pair: refused" $LOGS/guest-gamma.log && grep -a -q "^XSREAD all: read $b" $LOGS/guest-gamma.log &&
	grep -a -q "^XSREAD pair: read $b" $LOGS/guest-alpha.log && grep -a -q "^XSREAD all: read $b" $LOGS/guest-alpha.log; then
	pass "6 members only: gamma's xenstore-read of 'pair' (not a member) refused, of 'all' read $b; alpha read both"
else
	fail "6 members only: the guests' xenstore-read results are not as the permissions say"
fi

# 16. alpha and beta find a2b, b2a and bench by ID through xenstore and talk
# with xenshm-guest: 2000 checked messages each way, then the bench beta -> alpha
i=0
while [ $i -lt 300 ] && [ "$(grep -s -h -c '^TALK: done' $LOGS/guest-alpha.log $LOGS/guest-beta.log |
	awk '{ n += $1 } END { print n + 0 }')" -lt 2 ]; do
	sleep 1
	i=$((i + 1))
done
for vm in alpha beta; do
	grep -a '^TALK' "$LOGS/guest-$vm.log" | tr -d '\r' | sed "s/^/E2E GUEST $vm: /"
done
ok=1 said=""
for id in a2b b2a bench; do
	m=$(xenstore-read "/local/shared_mem/$id/mappings/$a")
	base=${m%-*}
	line=$(grep -a "^TALK LIST: $id " $LOGS/guest-alpha.log | tr -d '\r' | tr -s ' ')
	[ -n "$m" ] && [ "$line" = "TALK LIST: $id $base $(printf '0x%x' $((${m#*-} - base + 1))) (xenstore)" ] || ok=0
	said="$said, $id at $base"
done
[ $ok = 1 ] && pass "16 xenstore discovery: alpha found by ID, through its xenstore records:${said#,}" ||
	fail "16 xenstore discovery: alpha's xenshm-guest list does not match the records:${said#,}"
talks=$(tr -d '\r' <$LOGS/guest-alpha.log; tr -d '\r' <$LOGS/guest-beta.log)
if [ "$(echo "$talks" | grep -c '^TALK: xenshm-guest .* -> PASS$')" = 6 ] &&
	[ "$(echo "$talks" | grep -c '^TALK: RESULT recv .*: 2000 messages, 0 bad -> PASS$')" = 2 ]; then
	pass "16b alpha and beta: 2000 checked messages each way over rings (a2b, b2a), every one checked"
else
	fail "16b alpha and beta talking: $(echo "$talks" | grep -c -- '-> PASS$') PASS lines"
fi
bench=$(echo "$talks" | sed -n 's/^TALK: bench: //p')
if [ -n "$bench" ]; then
	echo "E2E BENCH: x86_64, beta -> alpha (xenshm-guest bench, two PVH guests), under TCG: $bench"
	pass "16c bench between two guests, beta -> alpha, under emulation: $bench"
else
	fail "16c bench: no figure from alpha"
fi

# 4. down
crashed_guests "before down"
$X down $T; rc=$?
left=$(domains)
recs=$(xenstore-ls /local/shared_mem | wc -l)
if [ $rc = 0 ] && [ -z "$left" ] && [ "$recs" = 0 ]; then
	pass "4 down: no domain left, no record left"
else
	fail "4 down (exit $rc): domains '$left', $recs records"
fi

# 14. default placement: no `at`, so the regions go above 4 GiB in every guest
rm -f $LOGS/guest-*.log
$X up /e2e/x86-high.yaml; rc=$?
wait_guests 5
for vm in alpha beta gamma; do
	grep -a -E 'RESULT' "$LOGS/guest-$vm.log" | sed "s/^/E2E GUEST $vm: /"
done
g=$(xl domid gamma)
m=$(xenstore-read /local/shared_mem/all/mappings/$g)
if [ $rc = 0 ] && [ "$(cat $LOGS/guest-*.log | grep -c '^RESULT.*PASS')" = 5 ] && [ "$m" = 0x100000000-0x10000ffff ]; then
	pass "14 default placement: regions at guest $m (above 4 GiB) shared by the three PVH guests (5 PASS lines)"
else
	fail "14 default placement: exit $rc, gamma maps 'all' at '$m', $(cat $LOGS/guest-*.log | grep -c '^RESULT.*PASS') of 5 PASS lines"
fi
crashed_guests "before down of x86-high"
$X down -q /e2e/x86-high.yaml

# 15. nothing crashed: no user program in dom0 (its kernel names each one), no
# domain (Xen's console names each domain_crash), no guest kernel
crashes=$(dmesg | grep -a -i -E 'segfault|general protection|trap invalid opcode|traps:')
xcrashes=$(xl dmesg | grep -a -i -E 'domain_crash|crashed')
oops=$(grep -a -i -E 'kernel panic|Oops' $LOGS/guest-*.log 2>/dev/null; cat /tmp/guest-crashes)
printf '%s\n%s\n%s\n' "$crashes" "$xcrashes" "$oops" | grep . | sed 's/^/E2E: crash: /'
# what the guest was doing: the console lines before its panic
for f in $LOGS/guest-*.log; do
	grep -a -q -i -E 'kernel panic|Oops' "$f" 2>/dev/null &&
		grep -a -i -B 12 -E 'kernel panic|Oops' "$f" | head -40 | sed "s|^|E2E: crash context ${f##*/}: |"
done
if [ -z "$crashes$xcrashes$oops" ]; then
	pass "15 no crash: no program crashed in dom0, Xen crashed no domain, no guest kernel oopsed"
else
	fail "15 a program or a domain crashed (see above)"
fi

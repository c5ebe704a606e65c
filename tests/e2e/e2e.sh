#!/bin/sh
# dom0 side of the E2E test: each step prints one "E2E PASS: ..." or "E2E FAIL: ..." line.
cd /e2e || exit 1
X=/usr/bin/xenshm-compose
T=/e2e/e2e.yaml
LOGS=/var/log/xen/console

pass() { echo "E2E PASS: $*"; }
fail() { echo "E2E FAIL: $*"; }
now() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
domains() { xl list | awk 'NR > 2 { print $1 }' | sort | tr '\n' ' '; }
domid() { xl domid "$1" 2>/dev/null; }
# waits for N "RESULT" lines in the vuart logs of the VMs given, up to 120 s
wait_results() {
	n=$1; shift
	i=0
	while [ $i -lt 240 ]; do
		got=0
		for vm in "$@"; do
			c=$(grep -c RESULT "$LOGS/guest-$vm-vuart0.log" 2>/dev/null)
			got=$((got + ${c:-0}))
		done
		[ "$got" -ge "$n" ] && return 0
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

# the token the owner of region $1 printed on its console ("token 0x... published in ID")
published() {
	grep -a -h "published in $1" $LOGS/guest-*-vuart0.log 2>/dev/null | tail -n 1 | awk '{ print $2 }'
}
# records_hold_tokens ID...: for each region, the host range its record names holds
# the owner's MAGIC and the token that owner printed (read by dom0 through /dev/mem)
records_hold_tokens() {
	all_ok=0
	for id in "$@"; do
		host=$(xenstore-read /local/shared_mem/$id/host)
		owner=$(xenstore-read /local/shared_mem/$id/owner)
		tok=$(published "$id")
		magic=$(devmem "$host" 32)
		word=$(devmem $((host + 4)) 32)
		echo "E2E: region $id: record says host $host, owner domain $owner; owner published ${tok:-nothing}; memory holds $magic $word"
		[ -n "$tok" ] && [ "$magic" = 0x53484D31 ] && [ $((word)) = $((tok)) ] || all_ok=1
	done
	return $all_ok
}
# live N: exactly N VMs of the project are running or blocked, per ps --format json
live() {
	[ "$($X ps --format json | grep -c '"state": "\(running\|blocked\)"')" = "$1" ]
}
nothing_left() {
	[ -z "$(domains)" ] && [ "$(xenstore-ls /local/shared_mem | wc -l)" = 0 ] &&
		[ "$(xenstore-ls /local/xenshm-compose | wc -l)" = 0 ]
}

# the checks below must not pass for want of their tools
for tool in xl xenstore-ls xenstore-read xenstore-list devmem; do
	command -v $tool >/dev/null || fail "0 setup: $tool is missing in dom0"
done

# 1. up: every guest proves the sharing (5 mappings: alpha 2, beta 2, gamma 1)
t0=$(now)
$X up $T; rc=$?
t1=$(now)
echo "E2E TIME: up (exit $rc) took $(elapsed "$t0" "$t1") s"
if [ $rc = 0 ] && wait_results 5 alpha beta gamma; then
	for vm in alpha beta gamma; do sed "s/^/E2E GUEST $vm: /" "$LOGS/guest-$vm-vuart0.log"; done
	if [ "$(cat $LOGS/guest-*-vuart0.log | grep -c 'RESULT.*PASS')" = 5 ]; then
		pass "1 up: every guest saw every region shared (5 PASS lines on the vuarts)"
	else
		fail "1 up: a guest reported a failure"
	fi
else
	for vm in alpha beta gamma; do sed "s/^/E2E GUEST $vm: /" "$LOGS/guest-$vm-vuart0.log" 2>/dev/null; done
	fail "1 up: exit $rc, or the guests did not report in time"
fi

# 2. ps and the xenstore records: seed layout, domids, permissions
a=$(domid alpha); b=$(domid beta); g=$(domid gamma)
$X ps
$X ps --format json >/tmp/ps.json
xenstore-ls -fp /local/shared_mem | tee /tmp/xs.txt
ok=1
check() { grep -q "$1" /tmp/xs.txt || { echo "E2E: missing in xenstore: $1"; ok=0; }; }
check "^/local/shared_mem/all/owner = \"$b\""
check "^/local/shared_mem/all/size = \"0x100000\""
check "^/local/shared_mem/all/mappings/$a = \"0x5000000-0x50fffff\""
check "^/local/shared_mem/all/mappings/$b = \"0x5000000-0x50fffff\""
check "^/local/shared_mem/all/mappings/$g = \"0x5000000-0x50fffff\""
check "^/local/shared_mem/pair/owner = \"$b\""
check "^/local/shared_mem/pair/mappings/$a = \"0x5100000-0x51fffff\""
check "^/local/shared_mem/pair/project = \"e2e\""
check "^/local/shared_mem/pair/host = \"0x60100000\""
# dom0 owns every node; only members may read: gamma does not map 'pair'
grep '^/local/shared_mem/pair/owner ' /tmp/xs.txt | grep -q "(n0,r$a,r$b)" || { echo "E2E: bad permissions on pair"; ok=0; }
grep '^/local/shared_mem/pair' /tmp/xs.txt | grep -q "r${g}[,)]" && { echo "E2E: gamma can read pair"; ok=0; }
grep '^/local/shared_mem/all/owner ' /tmp/xs.txt | grep -q "(n0,r$a,r$b,r$g)" || { echo "E2E: bad permissions on all"; ok=0; }
[ "$(grep -c '"state": "\(running\|blocked\)"' /tmp/ps.json)" = 3 ] || { echo "E2E: ps: not 3 live VMs"; ok=0; }
[ $ok = 1 ] && pass "2 ps and xenstore: seed layout, domids $a $b $g, dom0-owned, readable by members only" ||
	fail "2 ps and xenstore records"

# 10. the records tie to the memory: where a record says a region is, its owner's token is
if records_hold_tokens all pair; then
	pass "10 records tie to memory: the host range of 'all' and 'pair' in their records holds each owner's published token"
else
	fail "10 records tie to memory"
fi

# 3. a second up changes nothing
before="$(domains) $a $b $g"
out=$($X up $T); rc=$?
echo "$out"
after="$(domains) $(domid alpha) $(domid beta) $(domid gamma)"
if [ $rc = 0 ] && echo "$out" | grep -q "up to date" && [ "$before" = "$after" ]; then
	pass "3 second up: up to date, same domains"
else
	fail "3 second up (exit $rc)"
fi

# 11. health: a guest destroyed behind the tool's back is recreated, and only that one
a0=$(domid alpha); b0=$(domid beta); g0=$(domid gamma)
xl destroy gamma
rm -f $LOGS/guest-gamma-vuart0.log
$X ps | tee /tmp/ps.txt
out=$($X up $T 2>&1); rc=$?
echo "$out"
g1=$(domid gamma)
if [ $rc = 0 ] && grep -q "^  gamma  *$g0  gone " /tmp/ps.txt && echo "$out" | grep -q "^created gamma (domain $g1, paused): it was gone" &&
	[ "$(echo "$out" | grep -c '^created')" = 1 ] && [ "$(domid alpha)" = "$a0" ] && [ "$(domid beta)" = "$b0" ] &&
	[ -n "$g1" ] && [ "$g1" != "$g0" ] && wait_results 1 gamma && grep -q 'RESULT.*PASS' $LOGS/guest-gamma-vuart0.log &&
	[ "$(xenstore-read /local/shared_mem/all/mappings/$g1)" = 0x5000000-0x50fffff ] &&
	! xenstore-read /local/shared_mem/all/mappings/$g0 2>/dev/null && live 3; then
	pass "11 health: gamma destroyed behind our back (ps: gone); up recreated only gamma (domain $g0 -> $g1), whose exchange passed again; records follow"
else
	fail "11 health: exit $rc, gamma $g0 -> '$g1', alpha $a0 -> $(domid alpha), beta $b0 -> $(domid beta)"
fi
# 11b. a paused guest is resumed, not recreated
xl pause alpha
$X ps | tee /tmp/ps.txt
out=$($X up $T 2>&1); rc=$?
echo "$out"
if [ $rc = 0 ] && grep -q "^  alpha  *$a0  paused " /tmp/ps.txt && echo "$out" | grep -q "^resumed alpha (domain $a0): it was paused" &&
	! echo "$out" | grep -q '^created' && [ "$(domid alpha)" = "$a0" ] && live 3 &&
	$X up $T | grep -q "up to date"; then
	pass "11b health: alpha paused behind our back (ps: paused); up resumed it, created nothing, then says up to date"
else
	fail "11b health: exit $rc"
fi

# 4c (setup): a pattern in 'all' where the guests never write, read back after down
devmem 0x600ffff8 32 0xdeadbeef
pattern=$(devmem 0x600ffff8 32)

# 4. down: no domain of the project, no record
$X down $T; rc=$?
left=$(domains)
recs=$(xenstore-ls /local/shared_mem | wc -l)
proj=$(xenstore-ls /local/xenshm-compose | wc -l)
if [ $rc = 0 ] && [ -z "$left" ] && [ "$recs" = 0 ] && [ "$proj" = 0 ]; then
	pass "4 down: no domain left, no record left"
else
	fail "4 down (exit $rc): domains '$left', $recs region records, $proj project records"
fi
$X down $T >/dev/null && pass "4b down again: nothing to do, exit 0" || fail "4b down is not idempotent"

# 4c. down zeroes the memory it releases
value=$(devmem 0x600ffff8 32)
if [ "$pattern" = 0xDEADBEEF ] && [ "$value" = 0x00000000 ]; then
	pass "4c down scrubs: $pattern written before down reads $value after it"
else
	fail "4c down scrubs: wrote $pattern, read $value after down"
fi

# 5. scrub: a pattern written while nothing runs reads as zero after the next up
devmem 0x600ffff8 32 0xdeadbeef
pattern=$(devmem 0x600ffff8 32)
rm -f $LOGS/guest-*-vuart0.log
$X up -q $T; rc=$?
value=$(devmem 0x600ffff8 32)
if [ "$pattern" = 0xDEADBEEF ] && [ "$value" = 0x00000000 ] && [ $rc = 0 ]; then
	pass "5 scrub: $pattern written while no VM ran reads $value after up"
else
	fail "5 scrub: wrote $pattern, read $value after up (exit $rc)"
fi
wait_results 5 alpha beta gamma >/dev/null

# 7. conflict: another project using region ID 'all' is refused before any change,
# and the memory of project e2e is untouched (its guests never write at 0x600ffff8)
before="$(domains)"
xs_before=$(xenstore-ls -f /local/shared_mem | md5sum)
devmem 0x600ffff8 32 0x0badc0de
out=$($X up conflict.yaml 2>&1); rc=$?
echo "$out"
value=$(devmem 0x600ffff8 32)
if [ $rc = 3 ] && echo "$out" | grep -q "region ID 'all' is already recorded by project 'e2e'" &&
	echo "$out" | grep -q "up refused before any change" && [ "$(domains)" = "$before" ] &&
	[ "$(xenstore-ls -f /local/shared_mem | md5sum)" = "$xs_before" ] && [ "$value" = 0x0BADC0DE ]; then
	pass "7 conflict: a second project using region 'all' refused before any change (exit 3); domains, records and memory unchanged"
else
	fail "7 conflict: exit $rc, domains '$(domains)' (were '$before'), memory $value"
fi
$X down -q $T

# 9. foreign mapping: a domain made with plain xl create holds the pool range 'all' uses
$X build -q $T -o /tmp/fb
sed 's/^name = .*/name = "foreign"/' /tmp/fb/xl/gamma.cfg >/tmp/foreign.cfg
# from the build directory, as plan.sh runs xl: device_tree names guest/gamma/xenshm.dtb there
if (cd /tmp/fb && xl create -p /tmp/foreign.cfg >/dev/null 2>&1); then
	devmem 0x600ffff8 32 0xcafef00d
	out=$($X up $T 2>&1); rc=$?
	echo "$out"
	value=$(devmem 0x600ffff8 32)
	if [ $rc = 3 ] && echo "$out" | grep -q "is memory that domain [0-9]* ('foreign') maps" &&
		[ "$(domains)" = "foreign " ] && [ "$value" = 0xCAFEF00D ]; then
		pass "9 foreign mapping: up refused, naming the xl-created domain; its memory unchanged ($value)"
	else
		fail "9 foreign mapping: exit $rc, domains '$(domains)', memory $value"
	fi
	xl destroy foreign
else
	fail "9 foreign mapping: xl create of the foreign domain failed"
fi

# 6. rollback: the last VM cannot be built (its kernel image is garbage)
$X up rollback.yaml; rc=$?
left=$(domains)
if [ $rc = 3 ] && nothing_left; then
	pass "6 rollback: invalid kernel image of the last VM: exit 3, no domain, no record, no journal"
else
	fail "6 rollback: exit $rc, domains '$left'"
fi

# 6b. rollback that fails (destroy faulted by LD_PRELOAD): exit 4, what remains is named
out=$(XENSHM_FAULT=destroy LD_PRELOAD=/e2e/faults.so $X up rollback.yaml 2>&1); rc=$?
echo "$out"
left=$(domains)
if [ $rc = 4 ] && echo "$out" | grep -q "('rb-one') remains" && echo "$out" | grep -q "('rb-two') remains" &&
	[ "$left" = "rb-one rb-two " ]; then
	pass "6b failed rollback: exit 4, names the domains that remain ($left)"
else
	fail "6b failed rollback: exit $rc, domains '$left'"
fi
# 6d. what that rollback left, its journal knows: down -p removes it all
$X ps -p rollback
$X down -p rollback; rc=$?
if [ $rc = 0 ] && nothing_left; then
	pass "6d down -p after a failed rollback: the journal named what remained; no domain, no record left"
else
	fail "6d down -p after a failed rollback: exit $rc, domains '$(domains)'"
	for vm in rb-one rb-two; do xl destroy $vm 2>/dev/null; done
fi

# 6c. rollback after the records: the first unpause fails (faulted), so the records go too
out=$(XENSHM_FAULT=unpause LD_PRELOAD=/e2e/faults.so $X up $T 2>&1); rc=$?
echo "$out"
left=$(domains)
recs=$(xenstore-ls /local/shared_mem | wc -l)
proj=$(xenstore-ls /local/xenshm-compose | wc -l)
if [ $rc = 3 ] && [ -z "$left" ] && [ "$recs" = 0 ] && [ "$proj" = 0 ] &&
	echo "$out" | grep -q "everything it changed was undone"; then
	pass "6c rollback at unpause: exit 3, no domain, no region or project record"
else
	fail "6c rollback at unpause: exit $rc, domains '$left', $recs region and $proj project records"
fi

# 12. SIGKILL of up at each step (tests/e2e/faults.c), then up again: the journal
# lets it finish into a clean running topology; then down leaves nothing
for point in state:creating create:1 create:2 create:3 before-state:starting state:starting \
	unpause:1 unpause:2 unpause:3; do
	rm -f $LOGS/guest-*-vuart0.log
	XENSHM_KILL=$point LD_PRELOAD=/e2e/faults.so $X up -q $T >/dev/null 2>&1; krc=$?
	killed=$(domains)
	$X ps -p e2e >/tmp/ps.txt
	out=$($X up $T 2>&1); rc=$?
	echo "$out" | sed "s/^/E2E: after kill at $point: /"
	a=$(domid alpha); b=$(domid beta); g=$(domid gamma)
	ok=1
	[ $krc = 137 ] || { echo "E2E: up was not killed at $point (exit $krc)"; ok=0; }
	grep -q INTERRUPTED /tmp/ps.txt || { echo "E2E: ps did not show the interrupted up"; ok=0; }
	[ $rc = 0 ] && live 3 || { echo "E2E: up after the kill: exit $rc"; ok=0; }
	wait_results 5 alpha beta gamma && [ "$(cat $LOGS/guest-*-vuart0.log | grep -c 'RESULT.*PASS')" = 5 ] ||
		{ echo "E2E: the guests did not all pass"; cat $LOGS/guest-*-vuart0.log; ok=0; }
	[ "$(xenstore-read /local/xenshm-compose/e2e/state)" = up ] &&
		[ "$(xenstore-read /local/shared_mem/all/mappings/$g)" = 0x5000000-0x50fffff ] &&
		[ "$(xenstore-read /local/shared_mem/pair/owner)" = "$b" ] &&
		[ "$(xenstore-list /local/shared_mem/all/mappings | sort -n | tr '\n' ' ')" = "$(printf '%s\n' $a $b $g | sort -n | tr '\n' ' ')" ] ||
		{ echo "E2E: records do not match domains $a $b $g"; xenstore-ls -f /local; ok=0; }
	records_hold_tokens all pair || ok=0
	$X down -q $T; drc=$?
	[ $drc = 0 ] && nothing_left || { echo "E2E: down after the recovery: exit $drc, domains '$(domains)'"; ok=0; }
	if [ $ok = 1 ]; then
		pass "12 kill -9 at $point: left '${killed}', ps said INTERRUPTED; up finished it (5 PASS, 3 running, records match memory); down left nothing"
	else
		fail "12 kill -9 at $point"
		$X down -q -p e2e
	fi
done
# 12b. down -p of an interrupted up: killed right after the 2nd create, before it journaled that domid
XENSHM_KILL=create:2 LD_PRELOAD=/e2e/faults.so $X up -q $T >/dev/null 2>&1
killed=$(domains)
out=$($X down -p e2e); rc=$?
echo "$out"
if [ $rc = 0 ] && [ "$(echo "$killed" | wc -w)" = 2 ] && nothing_left && echo "$out" | grep -q "an interrupted up"; then
	pass "12b down -p after a kill at create:2: both domains ('${killed}'), one found by its journaled UUID, destroyed; no record left"
else
	fail "12b down -p after a kill: exit $rc, left '${killed}', now '$(domains)'"
	$X down -q -p e2e
fi

# 13. two projects claiming the same memory, started at the same moment: exactly one
# comes up, the other is refused, and the winner's exchange survives (memory read back)
for round in 1 2 3; do
	rm -f $LOGS/guest-*-vuart0.log
	first=$T; second=conflict.yaml
	[ $round = 2 ] && { first=conflict.yaml; second=$T; }
	$X up -q $first >/tmp/race1.out 2>&1 &
	p1=$!
	$X up -q $second >/tmp/race2.out 2>&1 &
	p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	cat /tmp/race1.out /tmp/race2.out
	winner=""; lost=""
	[ $r1 = 0 ] && [ $r2 = 3 ] && { winner=$first; lost=/tmp/race2.out; }
	[ $r2 = 0 ] && [ $r1 = 3 ] && { winner=$second; lost=/tmp/race1.out; }
	ok=0
	if [ "$winner" = "$T" ]; then
		wait_results 5 alpha beta gamma && [ "$(cat $LOGS/guest-*-vuart0.log | grep -c 'RESULT.*PASS')" = 5 ] &&
			[ "$(domains)" = "alpha beta gamma " ] && records_hold_tokens all pair && ok=1
		name=e2e
	elif [ -n "$winner" ]; then
		wait_results 2 other-one other-two && [ "$(cat $LOGS/guest-*-vuart0.log | grep -c 'RESULT.*PASS')" = 2 ] &&
			[ "$(domains)" = "other-one other-two " ] && records_hold_tokens all && ok=1
		name=other
	fi
	[ -n "$lost" ] && grep -q "up refused before any change" "$lost" || ok=0
	if [ $ok = 1 ]; then
		pass "13 race, round $round: project '$name' came up, the other was refused (exit 3); the winner's guests passed and its memory holds their tokens"
	else
		fail "13 race, round $round: exits $r1 and $r2, domains '$(domains)'"
	fi
	$X down -q -p e2e; $X down -q -p other
done

# 4d. down --no-scrub leaves the released memory as the guests left it
$X up -q $T
wait_results 5 alpha beta gamma >/dev/null
devmem 0x600ffff8 32 0x5ca1ab1e
$X down --no-scrub -q $T; rc=$?
value=$(devmem 0x600ffff8 32)
if [ $rc = 0 ] && [ "$value" = 0x5CA1AB1E ]; then
	pass "4d down --no-scrub: the released memory keeps $value"
else
	fail "4d down --no-scrub: exit $rc, read $value"
fi

# 8. timing: up versus the generated plan.sh (xl), alternated, same VMs, same boot
$X build -q $T -o /tmp/build
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: >/tmp/t-up; : >/tmp/t-xl
ok=1
for round in 1 2 3; do
	t0=$(now); $X up -q $T || ok=0; t1=$(now)
	$X down -q --no-scrub $T || ok=0
	t2=$(now); sh /tmp/build/plan.sh >/dev/null 2>&1 || ok=0; t3=$(now)
	for vm in gamma beta alpha; do xl destroy $vm 2>/dev/null; done
	elapsed "$t0" "$t1" >>/tmp/t-up; echo >>/tmp/t-up
	elapsed "$t2" "$t3" >>/tmp/t-xl; echo >>/tmp/t-xl
	echo "E2E TIME: round $round: up $(tail -1 /tmp/t-up) s, plan.sh $(tail -1 /tmp/t-xl) s"
done
tu=$(median </tmp/t-up); tx=$(median </tmp/t-xl)
ratio=$(awk -v a="$tu" -v b="$tx" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }')
echo "E2E TIME: up $tu s, plan.sh (xl) $tx s, ratio up/xl $ratio (medians of 3)"
if [ $ok = 1 ] && awk -v a="$tu" -v b="$tx" 'BEGIN { exit !(a <= b) }'; then
	pass "8 timing: median up $tu s vs plan.sh $tx s over 3 rounds each (ratio $ratio)"
else
	fail "8 timing: median up $tu s vs plan.sh $tx s (ratio $ratio; every command ok: $ok)"
fi

# 16. a Linux guest: up gives it guest/lx/xenshm.dtb as its device tree; it finds
# its regions there by ID (xenshm-guest list, xenstore off) and talks with the
# bare-metal guest bm over rings, each side checking every message; the
# receiving side of bm -> lx is timed (the bench)
L=/e2e/linux.yaml
LX=$LOGS/guest-lx.log
rm -f "$LX" $LOGS/guest-bm-vuart0.log
$X up $L; rc=$?
i=0
while [ $i -lt 1200 ] && ! grep -a -q 'LINUX: done' "$LX" 2>/dev/null; do	# up to 600 s: Linux boots slowly under TCG
	sleep 0.5
	i=$((i + 1))
done
wait_results 2 bm
grep -a -E 'LINUX|RESULT' "$LX" 2>/dev/null | tr -d '\r' | sed 's/^/E2E GUEST lx: /'
tr -d '\r' <$LOGS/guest-bm-vuart0.log 2>/dev/null | sed 's/^/E2E GUEST bm: /'
lxd=$(domid lx)
ok=1 said=""
for id in to-linux to-bm; do
	m=$(xenstore-read "/local/shared_mem/$id/mappings/$lxd" 2>/dev/null)
	base=${m%-*}
	size=$(printf '0x%x' $((${m#*-} - base + 1)))
	line=$(grep -a "LINUX LIST: $id " "$LX" | tr -d '\r' | tr -s ' ')
	[ -n "$m" ] && [ "$line" = "LINUX LIST: $id $base $size (device tree)" ] || ok=0
	said="$said, $id at $base ($size)"
done
if [ $rc = 0 ] && [ $ok = 1 ]; then
	pass "16 Linux guest: created by up with guest/lx/xenshm.dtb, it found its regions by ID in its device tree (xenstore off):${said#,}"
else
	fail "16 Linux guest: up exit $rc; its device tree did not give the regions xenstore records:${said#,}"
fi
npass=$( (tr -d '\r' <"$LX"; tr -d '\r' <$LOGS/guest-bm-vuart0.log) 2>/dev/null | grep -c 'RESULT.*-> PASS$')
if [ "$npass" = 4 ]; then
	pass "16b Linux guest and bare-metal guest: 20000 checked messages each way over rings (both sides PASS)"
else
	fail "16b Linux guest and bare-metal guest: $npass of 4 RESULT lines PASS"
fi
bench=$(grep -a '^LINUX: bench: ' "$LX" | tr -d '\r' | sed 's/^LINUX: bench: //')
if [ -n "$bench" ]; then
	echo "E2E BENCH: arm64, bm (bare metal) -> lx (Linux, xenshm-guest bench recv), under TCG: $bench"
	pass "16c bench between two guests, bm -> lx, under emulation: $bench"
else
	fail "16c bench: no figure from the Linux guest"
fi
$X down -q $L || fail "16 down of the Linux guest's project"

# 15. nothing crashed: no user program in dom0 (its kernel names each one), no
# domain (Xen's console names each domain_crash)
crashes=$(dmesg | grep -a -i -E 'segfault|general protection|unhandled|traps:')
xcrashes=$(xl dmesg | grep -a -i -E 'domain_crash|crashed')
echo "$crashes$xcrashes" | grep . | sed 's/^/E2E: crash: /'
if [ -z "$crashes$xcrashes" ]; then
	pass "15 no crash: dom0's kernel logged no crashed program, Xen no crashed domain"
else
	fail "15 a program or a domain crashed (see above)"
fi

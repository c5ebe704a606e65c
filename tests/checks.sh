#!/usr/bin/env bash
# Check fixtures: each tests/checks/*.yaml says in its header what `check` must print and exit.
#   # expect-exit: 2
#   # expect: error size-mismatch 14:9     (SEVERITY CHECK [LINE:COL])
#   # expect: note 8:40
#   # expect-not: guest-overlap
set -u
cd "$(dirname "$0")/.." || exit 1
bin=${1:-./xenshm-compose}
fail=0

for f in tests/checks/*.yaml; do
	name=${f#tests/checks/}
	out=$("$bin" check "$f" 2>&1)
	rc=$?
	why=""
	want=$(sed -n 's/^# expect-exit: *//p' "$f" | head -1)
	if [ -z "$want" ]; then
		why="no expect-exit header"
	elif [ "$rc" != "$want" ]; then
		why="exit $rc, expected $want"
	fi
	while read -r sev chk pos; do
		[ -n "$why" ] && break
		if [ "$sev" = note ]; then
			grep -qF "$f:$chk: note:" <<<"$out" || why="no note at $chk"
		else
			[ "$sev" = fatal ] && sev="fatal error"	# gcc's words
			if [ -n "$pos" ]; then
				grep -qF "$f:$pos: $sev: [$chk]" <<<"$out" || why="no '$sev: [$chk]' at $pos"
			else
				grep -qE "^$f:[0-9]+:[0-9]+: $sev: \[$chk\]" <<<"$out" || why="no '$sev: [$chk]'"
			fi
		fi
	done < <(sed -n 's/^# expect: *//p' "$f")
	while read -r chk; do
		[ -n "$why" ] && break
		grep -qF "[$chk]" <<<"$out" && why="[$chk] fired but must not"
	done < <(sed -n 's/^# expect-not: *//p' "$f")
	if [ -n "$why" ]; then
		echo "FAIL: check $name: $why"
		sed 's/^/    | /' <<<"$out" | head -30
		fail=1
	else
		echo "PASS: check $name"
	fi
done

# checks only read the model: the table run reversed gives the same diagnostics
order=${CHECK_ORDER:-build/opt/check_order}
[ -x "$order" ] || make -s "$order" >/dev/null || { echo "FAIL: check order: cannot build $order"; exit 1; }
"$order" tests/checks/*.yaml examples/*.yaml tests/golden/inputs/*.yaml tests/artifacts/*.yaml \
	tests/cli/*.yaml || fail=1
# on large topologies the checks share two threads (compiler/checks.c): with a
# few errors, and with thousands past the 1 000 kept, the merged sets must be
# what the reversed table gives on one thread
big=$(mktemp -d)
bench/gen.sh 3000 ring | awk '/at: 0x/ && ++n == 4000 { sub(/at: 0x[0-9a-f]+/, "at: 0x5000010") }
	/size: 64K/ && ++k == 700 { sub(/size: 64K/, "size: 128K") } { print }' >"$big/big-few-errors.yaml"
bench/gen.sh 3000 ring | awk '/at: 0x/ && (++n % 7 == 0) { sub(/at: 0x[0-9a-f]+/, "at: 0x5000010") }
	/size: 64K/ && (++k % 5 == 0) { sub(/size: 64K/, "size: 128K") }
	/name: vm/ && (++v % 9 == 0) { print "    depends_on: [nobody]" } { print }' >"$big/big-many-errors.yaml"
"$order" "$big"/*.yaml || fail=1
# and guest placement shares them too: the same config as on one thread (XENSHM_THREADS=1)
bench/gen.sh 3000 ring-auto >"$big/big-auto.yaml"
# owners later in the file than their borrowers: a start order that is not the
# file's, host placement by its counting sort, both beside the guests' threads
awk 'BEGIN {
	n = 3000
	print "version: 1\nname: rev\nxen:\n  arch: arm64\n  pool: { base: 0x800000000, size: 16G }"
	print "defaults: { memory: 64M, kernel: /k }\nregions:"
	for (i = 0; i < n - 1; i++)
		printf "  r%d: { size: 64K, owner: vm%d }\n", i, i + 1
	print "vms:\n  - { name: vm0, shm: [r0] }"
	for (i = 1; i < n - 1; i++)
		printf "  - { name: vm%d, shm: [r%d, r%d] }\n", i, i, i - 1
	printf "  - { name: vm%d, shm: [r%d] }\n", n - 1, n - 2
}' >"$big/big-owners-later.yaml"
if "$bin" plan "$big/big-owners-later.yaml" 2>&1 | grep -q '^  2\. create vm2999 paused' &&
	"$bin" plan "$big/big-owners-later.yaml" 2>&1 | grep -q '^  3\. create vm2998 paused'; then
	echo "PASS: threads: big-owners-later.yaml: owners later in the file start first"
else
	echo "FAIL: threads: big-owners-later.yaml: not the start order its owners give"; fail=1
fi
for f in "$big"/*.yaml; do
	if cmp -s <("$bin" config "$f" 2>&1) <(XENSHM_THREADS=1 "$bin" config "$f" 2>&1); then
		echo "PASS: threads: $(basename "$f"): the same config and diagnostics on one thread"
	else
		echo "FAIL: threads: $(basename "$f"): XENSHM_THREADS=1 gives another config"; fail=1
	fi
done
# documents written in chunks on two threads (dw_items), here in chunks of
# 600 bytes: byte for byte what one thread writes, in every writer (YAML,
# pretty JSON, the hash's compact JSON) and every array shape (many VMs,
# regions of thousands of members, the steps)
bench/gen.sh 2000 star 3 >"$big/big-star.yaml"
bench/gen.sh 5000 star 1 >"$big/big-hub.yaml"
for f in "$big"/big-auto.yaml "$big"/big-star.yaml "$big"/big-hub.yaml "$big"/big-few-errors.yaml; do
	for cmd in "config" "config --format json" "plan" "plan --format json"; do
		# shellcheck disable=SC2086 # cmd is a command and its options
		if cmp -s <(XENSHM_CHUNK_BYTES=600 "$bin" $cmd "$f" 2>&1) <(XENSHM_THREADS=1 "$bin" $cmd "$f" 2>&1); then
			echo "PASS: threads: $cmd $(basename "$f"): written in chunks on two threads, the same as on one"
		else
			echo "FAIL: threads: $cmd $(basename "$f"): written in chunks, not what one thread writes"; fail=1
		fi
	done
done
XENSHM_CHUNK_BYTES=600 "$bin" build -q "$big/big-star.yaml" -o "$big/b2" &&
	XENSHM_THREADS=1 "$bin" build -q "$big/big-star.yaml" -o "$big/b1"
if diff -r "$big/b1" "$big/b2" >/dev/null; then
	echo "PASS: threads: build big-star.yaml: written in chunks on two threads, the same files"
else
	echo "FAIL: threads: build big-star.yaml: chunks on two threads write other files"; fail=1
fi
rm -rf "$big"

# every check of checks.def has a fixture that fires it, one where it must not,
# an explanation and its row in docs/diagnostics.md
for chk in $("$bin" explain --list | awk '{print $1}'); do
	if [ -n "$("$bin" explain --list | awk -v c="$chk" '$1 == c { print $3 }')" ]; then
		echo "PASS: coverage explanation of $chk"
	else
		echo "FAIL: coverage: $chk has no explanation in compiler/explain.c"; fail=1
	fi
	guards=$(sed -n '/The guards are/,/declares which is which/p' docs/diagnostics.md |
		sed -n '1,/and their severity is yours/p' | tr -s ' \n' '  ')
	in_list=$(grep -c "\`$chk\`" <<<"$(sed 's/The others.*//' <<<"$guards")")
	if "$bin" explain "$chk" | grep -q '^  guards the artifacts'; then want=1; else want=0; fi
	if [ "$in_list" = "$want" ]; then
		echo "PASS: coverage docs say whether $chk guards the artifacts"
	else
		echo "FAIL: coverage: docs/diagnostics.md's list of guards disagrees with checks.def on $chk"; fail=1
	fi
	if grep -qF "| \`$chk\` |" docs/diagnostics.md; then
		echo "PASS: coverage docs row of $chk"
	else
		echo "FAIL: coverage: no row for $chk in docs/diagnostics.md"; fail=1
	fi
	if grep -lqE "^# expect: (error|warning|fatal) $chk( |$)" tests/checks/bad-*.yaml 2>/dev/null; then
		echo "PASS: coverage bad- fixture fires $chk"
	else
		echo "FAIL: coverage: no bad- fixture expects [$chk]"; fail=1
	fi
	if grep -lqE "^# expect-not: $chk *$" tests/checks/good-*.yaml 2>/dev/null; then
		echo "PASS: coverage good- fixture guards $chk"
	else
		echo "FAIL: coverage: no good- fixture with expect-not: $chk"; fail=1
	fi
done

# The parser runs in a thread of its own on large inputs (compiler/evstream.c);
# forced on for every fixture, the diagnostics must be the same to the byte.
diffs=""
for f in tests/checks/*.yaml tests/artifacts/*.yaml; do
	a=$("$bin" check --format json "$f" 2>&1; echo "exit $?")
	b=$(XENSHM_PARSE_THREAD_MIN=0 "$bin" check --format json "$f" 2>&1; echo "exit $?")
	[ "$a" = "$b" ] || diffs="$diffs $f"
done
if [ -z "$diffs" ]; then
	echo "PASS: parse thread: every fixture's diagnostics are the same with the parser in a thread"
else
	echo "FAIL: parse thread: diagnostics differ with the parser in a thread:$diffs"; fail=1
fi
exit $fail

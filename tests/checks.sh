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

# every check of the table has a fixture that fires it and one where it must not
for chk in $("$bin" explain --list | awk '{print $1}'); do
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
exit $fail

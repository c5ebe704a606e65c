#!/usr/bin/env bash
# Golden outputs: each line of tests/golden/cases is "NAME ARGS...": stdout, stderr and
# the exit code of `xenshm-compose ARGS` must equal tests/golden/NAME byte for byte.
# UPDATE_GOLDEN=1 rewrites them (then review the diff before committing).
set -u
cd "$(dirname "$0")/.."
bin=${1:-./xenshm-compose}
fail=0
while read -r name args; do
	case "$name" in ''|'#'*) continue ;; esac
	# shellcheck disable=SC2086 # ARGS are words on purpose
	actual=$( { "$bin" $args 2>&1; echo "exit $?"; } )
	want=tests/golden/$name
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		printf '%s\n' "$actual" >"$want"
		echo "PASS: golden $name (updated)"
	elif [ -f "$want" ] && [ "$actual" = "$(cat "$want")" ]; then
		echo "PASS: golden $name"
	else
		echo "FAIL: golden $name"
		diff <(printf '%s\n' "$actual") "$want" | head -20 | sed 's/^/    | /'
		fail=1
	fi
done <tests/golden/cases
exit $fail

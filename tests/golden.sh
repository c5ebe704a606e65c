#!/usr/bin/env bash
# Golden outputs: each line of tests/golden/cases (and config/plan of every example) is
# "NAME ARGS...": stdout, stderr and
# the exit code of `xenshm-compose ARGS` must equal tests/golden/NAME byte for byte.
# UPDATE_GOLDEN=1 rewrites them (then review the diff before committing).
set -u
cd "$(dirname "$0")/.." || exit 1
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
done < <(
	cat tests/golden/cases
	# every shipped example, so a new one cannot go without its goldens
	for f in examples/*.yaml; do
		n=$(basename "$f" .yaml)
		echo "config-$n.yaml config $f"
		echo "config-$n.json config --format json $f"
		echo "plan-$n.txt plan $f"
	done
)
exit $fail

#!/usr/bin/env bash
# The one test driver: runs every suite, tallies PASS/FAIL lines, ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
bin=${1:-./xenshm-compose}
suites=${SUITES:-"unit checks examples golden cli artifacts import schema sarif lsp hostile untrusted completion install docs lint"}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for s in $suites; do
	echo "== $s"
	# a suite that dies without its own FAIL line still counts as a failure
	before=$(grep -c '^FAIL' "$log")
	if ! bash "tests/$s.sh" "$bin" 2>&1 | tee -a "$log"; then
		[ "$(grep -c '^FAIL' "$log")" -gt "$before" ] ||
			echo "FAIL: suite $s exited non-zero" | tee -a "$log"
	fi
done
passed=$(grep -c '^PASS' "$log")
failed=$(grep -c '^FAIL' "$log")
echo
if [ "$failed" -gt 0 ]; then
	echo "failures:"
	grep '^FAIL' "$log"
	echo
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

#!/usr/bin/env bash
# `make e2e`: the arm64 suite, the x86_64 one, then dom0less on arm64; one
# "N passed, N failed" at the end.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
t0=$(date +%s)
"$here/run.sh" e2e 2>&1 | grep --line-buffered -v -E '^[0-9]+ passed, [0-9]+ failed$' | tee -a "$log"
"$here/x86/run.sh" 2>&1 | grep --line-buffered -v -E '^[0-9]+ passed, [0-9]+ failed$' | tee -a "$log"
"$here/dom0less/run.sh" 2>&1 | grep --line-buffered -v -E '^[0-9]+ passed, [0-9]+ failed$' | tee -a "$log"
passed=$(grep -c '^PASS' "$log")
failed=$(grep -c '^FAIL' "$log")
echo "e2e: arm64, x86_64 and dom0less in $(($(date +%s) - t0)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]

#!/usr/bin/env bash
# Runs the fuzzer for SECONDS (default 60) and prints one PASS or FAIL line
# with the executions done; a crash leaves its input in build/fuzz/ (crash-*).
set -u
cd "$(dirname "$0")/../.." || exit 1
seconds=${1:-60}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! make -s build/fuzz/fuzz_compile >"$log" 2>&1; then
	echo "FAIL: fuzz: the fuzz target does not build"
	grep -E 'error' "$log" | head -10 | sed 's/^/    | /'
	exit 1
fi
if make -s fuzz FUZZ_SECONDS="$seconds" >"$log" 2>&1; then
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
	echo "PASS: fuzz ${seconds} s under random severity flags: ${runs:-?} executions, no crash"
else
	echo "FAIL: fuzz ${seconds} s: the fuzzer stopped"
	grep -E 'ERROR|SUMMARY|invariant|Test unit written' "$log" | head -10 | sed 's/^/    | /'
	exit 1
fi

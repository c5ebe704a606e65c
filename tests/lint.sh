#!/usr/bin/env bash
# Lint: shellcheck on every shell script the project ships or tests with.
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
for f in tests/*.sh tests/e2e/*.sh tests/e2e/x86/*.sh tests/e2e/guest/*.sh .ci/run; do
	shell=bash
	head -1 "$f" | grep -q '^#!/bin/sh' && shell="sh"
	if out=$(shellcheck -x -s "$shell" -S warning "$f" 2>&1); then
		echo "PASS: lint shellcheck $f"
	else
		echo "FAIL: lint shellcheck $f"
		printf '%s\n' "$out" | head -10 | sed 's/^/    | /'
		fail=1
	fi
done
exit $fail

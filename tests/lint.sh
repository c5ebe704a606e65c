#!/usr/bin/env bash
# Lint: shellcheck on every shell script the project ships or tests with, and no
# include cycle between the compiler's modules.
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
for f in tests/*.sh tests/e2e/*.sh tests/e2e/x86/*.sh tests/e2e/dom0less/*.sh tests/e2e/guest/*.sh tests/fuzz/*.sh .ci/run; do
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

# The compiler's modules (x.c with x.h) from cc -MM: module x depends on module y
# when x.c includes y.h, directly or not. A cycle means two stages reach into
# each other; tsort names it. (-MG: the library headers need not be present.)
edges=$(cc -MM -MG -Icompiler compiler/*.c | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | awk '
	{
		m = $1; sub(/\.o:$/, "", m)
		for (i = 2; i <= NF; i++) {
			if ($i !~ /^compiler\//) continue
			n = $i; sub(/^compiler\//, "", n); sub(/\.[ch]$/, "", n)
			if (n != m) print m, n
		}
	}' | sort -u)
if [ -z "$edges" ]; then
	echo "FAIL: lint include graph: cc -MM gave no edges"
	fail=1
elif out=$(tsort <<<"$edges" 2>&1 >/dev/null) && [ -z "$out" ]; then
	echo "PASS: lint include graph of compiler/ has no cycle ($(wc -l <<<"$edges") edges)"
else
	echo "FAIL: lint include graph of compiler/ has a cycle"
	printf '%s\n' "$out" | head -20 | sed 's/^/    | /'
	fail=1
fi

# The fuzz target is built only by tests/fuzz/run.sh (CI): a model change that
# breaks it must fail here, where it is made, not an hour later in CI.
if out=$(cc -std=c11 -D_GNU_SOURCE -fsyntax-only -Wall -Werror -Icompiler -Iruntime \
	tests/fuzz/fuzz_compile.c 2>&1); then
	echo "PASS: lint the fuzz target compiles (tests/fuzz/fuzz_compile.c)"
else
	echo "FAIL: lint the fuzz target does not compile (tests/fuzz/fuzz_compile.c)"
	printf '%s\n' "$out" | head -10 | sed 's/^/    | /'
	fail=1
fi
exit $fail

#!/usr/bin/env bash
# Command line: usage errors, severity options, stdin, exit codes (spec section 4).
set -u
cd "$(dirname "$0")/.." || exit 1
bin=${1:-./xenshm-compose}
w=tests/golden/inputs/warnings.yaml
e=tests/golden/inputs/many-errors.yaml
ex=examples/seed-three-vm.yaml
fail=0

# expect NAME EXIT [REGEX] -- ARGS...: exit code and (optionally) a line of output
expect() {
	local name=$1 want=$2 re=$3 out rc
	shift 4
	out=$("$bin" "$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL: cli $name: exit $rc, expected $want"; fail=1
		printf '%s\n' "$out" | head -5 | sed 's/^/    | /'
	elif [ -n "$re" ] && ! grep -qE -- "$re" <<<"$out"; then
		echo "FAIL: cli $name: no line matching /$re/"; fail=1
		printf '%s\n' "$out" | head -5 | sed 's/^/    | /'
	else
		echo "PASS: cli $name"
	fi
}

expect "no arguments" 1 "usage:" --
expect "--help" 0 "Commands:" -- --help
expect "--version" 0 "^xenshm-compose [0-9]" -- --version
# COMMAND --help (and -h, and help COMMAND): that command's usage and options
# on stdout, nothing on stderr, exit 0, whatever else is on the line
for cmd in $("$bin" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'); do
	for form in "$cmd --help" "$cmd -h" "help $cmd" "$cmd --help no/such.yaml"; do
		# shellcheck disable=SC2086 # form is words
		out=$("$bin" $form 2>/tmp/xenshm-help-err.$$)
		rc=$?
		if [ "$rc" = 0 ] && [ ! -s /tmp/xenshm-help-err.$$ ] &&
			grep -q "^usage: xenshm-compose $cmd" <<<"$out"; then
			echo "PASS: cli $form: its usage on stdout, exit 0"
		else
			echo "FAIL: cli $form: exit $rc, stderr $(head -c 200 /tmp/xenshm-help-err.$$)"; fail=1
		fi
	done
done
rm -f /tmp/xenshm-help-err.$$
expect "help of an unknown command" 1 "unknown command 'frobnicate'" -- help frobnicate
expect "unknown command" 1 "unknown command 'frobnicate'" -- frobnicate
expect "check without FILE" 1 "missing FILE" -- check
expect "two FILEs" 1 "one FILE only" -- config "$ex" "$ex"
# check takes several FILEs; one exit code, the worst
expect "check of two ok files" 0 "x86_64-pvh-pair.yaml: ok" -- check "$ex" examples/x86_64-pvh-pair.yaml
expect "check: an ok file and one with errors" 2 "seed-three-vm.yaml: ok" -- check "$ex" "$e"
expect "check: errors, then a file not there" 1 "cannot open 'no/such.yaml'" -- check "$e" no/such.yaml
expect "check: a file not there, then errors" 1 "errors generated" -- check no/such.yaml "$e"
expect "check: standard input twice" 1 "standard input \(-\) given twice" -- check - -
out=$("$bin" check --format json "$ex" "$e" examples/x86_64-pvh-pair.yaml 2>/dev/null)
if [ "$(jq -r 'length, .[0].errors, .[1].errors, .[2].file' <<<"$out" | tr '\n' ' ')" = "3 0 7 examples/x86_64-pvh-pair.yaml " ]; then
	echo "PASS: cli check --format json of three files: an array of their documents"
else
	echo "FAIL: cli check --format json of three files: $(head -c 200 <<<"$out")"; fail=1
fi
if out=$("$bin" check --format sarif "$ex" "$e" 2>/dev/null; echo "exit $?") &&
	[ "$(sed '$d' <<<"$out" | jq -r '.runs | length, (.[1].results | length)' | tr '\n' ' ')" = "2 7 " ] &&
	[ "$(tail -1 <<<"$out")" = "exit 2" ]; then
	echo "PASS: cli check --format sarif of two files: one log, a run per file, exit 2"
else
	echo "FAIL: cli check --format sarif of two files: $(tail -1 <<<"$out")"; fail=1
fi
expect "unknown option" 1 "unknown option '--bogus'" -- check --bogus "$ex"
expect "bad --format" 1 "unknown format 'xml'" -- check --format xml "$ex"
expect "missing file" 1 "cannot open 'no/such.yaml'" -- check no/such.yaml
expect "directory as FILE" 1 "cannot read" -- check examples
expect "-W unknown check suggests" 1 "did you mean 'size-mismatch'" -- check -W size-mismach "$ex"
expect "-W needs a name" 1 "needs a check name" -- check "$ex" -W
expect "fatal check cannot change" 1 "cannot be changed" -- check -Wno-yaml-syntax "$ex"
expect "clean example" 0 "ok: 3 VMs, 2 regions" -- check "$ex"
expect "-q is quiet on success" 0 "" -- check -q "$ex"
expect "warnings exit 0" 0 "warning: \[single-member\]" -- check "$w"
expect "-Werror makes warnings errors" 2 "error: \[single-member\]" -- check -Werror "$w"
expect "options after FILE" 2 "error: \[single-member\]" -- check "$w" -Werror
expect "-E NAME makes one check an error" 2 "error: \[unused-region\]" -- check -E unused-region "$w"
expect "-Wno-NAME silences a check" 0 "warning: \[unused-region\]" -- check -Wno-single-member "$w"
expect "-W NAME demotes an error" 2 "warning: \[size-mismatch\]" -- check -W size-mismatch "$e"
expect "check errors exit 2" 2 "error: \[guest-overlap\]" -- check "$e"
expect "json format" 2 '"check": "guest-overlap"' -- check --format json "$e"
expect "sarif format" 2 '"version": "2.1.0"' -- check --format=sarif "$e"
expect "config refuses a bad topology" 2 "error: \[size-mismatch\]" -- config "$e"
expect "config json" 0 '"x-start-order"' -- config --format json "$ex"
expect "explain" 0 "Why it matters on Xen" -- explain guest-overlap
expect "explain unknown suggests" 1 "did you mean 'guest-overlap'" -- explain guest-overlp
expect "explain --list" 0 "^dom0less-limits" -- explain --list

# a bad default is reported once, where it is written
if [ "$(printf 'version: 1\nname: x\nxen: {arch: arm64}\ndefaults: {memory: 0, kernel: /k}\nvms: [{name: a}, {name: b}]\n' |
	"$bin" check - 2>&1 | grep -c '\[zero-size\]')" = 1 ]; then
	echo "PASS: cli a bad default is reported once"
else
	echo "FAIL: cli a bad default is reported once"; fail=1
fi
expect "did-you-mean within 2 edits of a short key" 2 "did you mean 'kernel'" -- check tests/cli/kern.yaml
# output nobody can read is an I/O error
if [ -w /dev/full ]; then
	"$bin" check --format json "$ex" >/dev/full 2>/dev/null
	if [ $? = 1 ]; then echo "PASS: cli write error on stdout exits 1"; else echo "FAIL: cli write error on stdout exits 1"; fail=1; fi
fi
# arguments echoed in messages are escaped
if "$bin" check --format $'x\e[31m' "$ex" 2>&1 | grep -qP '\x1b'; then
	echo "FAIL: cli raw escape in a usage message"; fail=1
else
	echo "PASS: cli usage messages escape their arguments"
fi

# the runtime without Xen: clear refusals; --dry-run works anywhere
if [ ! -e /dev/xen/privcmd ] && [ ! -e /proc/xen/privcmd ]; then
	expect "up without Xen says so" 1 "up needs a Xen host: this machine is not dom0" -- up "$ex"
	expect "down without Xen says so" 1 "down needs a Xen host" -- down -p demo
	expect "ps without Xen says so" 1 "ps needs a Xen host" -- ps
fi
expect "up --dry-run prints the plan" 0 "^  2\. create sensor paused" -- up --dry-run "$ex"
if [ "$("$bin" up --dry-run --no-scrub "$ex")" = "$("$bin" plan --no-scrub "$ex")" ]; then
	echo "PASS: cli up --dry-run is plan"
else
	echo "FAIL: cli up --dry-run is plan"; fail=1
fi
expect "up refuses other backends with a way out" 1 "merge dom0less/xenshm.dtsi" -- up examples/arm64-dom0less.yaml
expect "up refuses raw xl keys" 2 "error: \[backend-unsupported\].*raw 'xl' keys" -- up --dry-run tests/artifacts/inject.yaml
expect "check accepts raw xl keys" 0 "" -- check -q tests/artifacts/inject.yaml
expect "up refuses raw xl keys even demoted" 2 "refused: \\[backend-unsupported\\].*not what may be written or applied" -- up --dry-run -W backend-unsupported tests/artifacts/inject.yaml
expect "up refuses raw xl keys even silenced" 2 "refused: \\[backend-unsupported\\].*not what may be written or applied" -- up --dry-run -Wno-backend-unsupported tests/artifacts/inject.yaml
expect "-p takes project names only" 1 "is not a project name" -- down -p ../../tmp/evil
expect "down needs FILE or -p" 1 "down needs FILE or -p PROJECT" -- down
expect "down FILE and -p together" 1 "not both" -- down "$ex" -p demo

# -Wno-NAME leaves no trace of that check
if "$bin" check -Wno-single-member "$w" 2>&1 | grep -q single-member; then
	echo "FAIL: cli -Wno-single-member still prints it"; fail=1
else
	echo "PASS: cli -Wno-NAME prints nothing of NAME"
fi
# standard input
if "$bin" check - <"$ex" 2>&1 | grep -q "^<stdin>: ok"; then
	echo "PASS: cli FILE - reads standard input"
else
	echo "FAIL: cli FILE - reads standard input"; fail=1
fi
if printf 'version: 1\nname: x\nxen: {arch: arm64}\nvms: []\nbogus: 1\n' | "$bin" check - 2>&1 |
	grep -q "^<stdin>:5:1: error: \[unknown-key\]"; then
	echo "PASS: cli diagnostics from stdin name <stdin>"
else
	echo "FAIL: cli diagnostics from stdin name <stdin>"; fail=1
fi
# every check in the table can be explained
for c in $("$bin" explain --list | awk '{print $1}'); do
	"$bin" explain "$c" | grep -q "How to fix it" || { echo "FAIL: cli explain $c"; fail=1; }
done
echo "PASS: cli every check has an explanation"
exit $fail

# shellcheck shell=bash
# Sourced by the test suites: tallies, timing, and the pinned Node.js tools.
# Before sourcing, set SUITE (the name in the summary line) and, optionally,
# PREFIX (put before each case name).

npass=0
nfail=0
T0=$EPOCHREALTIME
pass() { printf 'PASS: %s%s\n' "${PREFIX:-}" "$1"; npass=$((npass + 1)); }
fail() { printf 'FAIL: %s%s: %s\n' "${PREFIX:-}" "$1" "$2"; nfail=$((nfail + 1)); }
elapsed() { # start (EPOCHREALTIME) -> seconds with 3 decimals
	local s=${1/./} e=${EPOCHREALTIME/./}
	local d=$(((e - s) / 1000))
	printf '%d.%03d' $((d / 1000)) $((d % 1000))
}
finish() {
	printf '%s: %d passed, %d failed (%ss)\n' "$SUITE" "$npass" "$nfail" "$(elapsed "$T0")"
	[[ $nfail -eq 0 && $npass -gt 0 ]]
	exit $?
}

# node_tools DIR FILE...: `npm ci` in DIR (pinned by its lock) unless every FILE
# is there and newer than the lock; one install at a time. Prints why on failure.
node_tools() {
	local dir=$1 f
	shift
	_tools_ok() {
		for f in "$@"; do [[ -f $dir/node_modules/$f ]] || return 1; done
		[[ -f $dir/node_modules/.package-lock.json &&
			! $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]
	}
	_install() {
		_tools_ok "$@" && return 0
		command -v npm >/dev/null 2>&1 || { echo "npm not found (Debian: apt-get install -y npm)"; return 1; }
		echo "$SUITE: installing test tools: npm ci --prefix ${dir#"$PWD"/}" >&2
		# --prefer-offline: the npm cache serves the pinned tarballs when it has them
		if ! npm ci --prefix "$dir" --prefer-offline --no-audit --no-fund >"$dir/.npm.log" 2>&1; then
			tail -n 5 "$dir/.npm.log" | tr '\n' ' '
			return 1
		fi
		_tools_ok "$@" || { echo "npm ci finished but the expected files are missing"; return 1; }
	}
	if command -v flock >/dev/null 2>&1; then
		# two suites started at once must not both run npm ci in one directory
		{ flock 9; _install "$@"; } 9>"$dir/.install.lock"
	else
		_install "$@"
	fi
}

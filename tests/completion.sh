#!/usr/bin/env bash
# Bash completion (completion/xenshm-compose.bash), driven by real bash the
# way readline drives it: COMP_WORDS and COMP_CWORD set, the function called,
# COMPREPLY read. What it offers must be what the binary says of itself.
set -u
cd "$(dirname "$0")/.." || exit 1
bin=${1:-./xenshm-compose}
[[ $bin == /* ]] || bin=$PWD/$bin
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# complete WORDS...: what completing the last word offers, one per line, sorted
complete_words() {
	bash --norc --noprofile -c '
		. completion/xenshm-compose.bash
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_xenshm_compose
		printf "%s\n" "${COMPREPLY[@]}"' bash "$bin" "$@" | sort -u
}

# want NAME EXPECTED-LIST -- WORDS...: the offers are exactly EXPECTED-LIST (space separated)
want() {
	local name=$1 expected got
	expected=$(tr ' ' '\n' <<<"$2" | grep -v '^$' | sort -u)
	shift 3
	got=$(complete_words "$@")
	if [ "$got" = "$expected" ]; then
		echo "PASS: completion $name"
	else
		echo "FAIL: completion $name: offered [$(tr '\n' ' ' <<<"$got")], want [$(tr '\n' ' ' <<<"$expected")]"
		fail=1
	fi
}

commands=$("$bin" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' | tr '\n' ' ')
checks=$("$bin" explain --list | awk '{ print $1 }' | tr '\n' ' ')
[ -n "$commands" ] && [ -n "$checks" ] || { echo "FAIL: completion: the binary lists no commands or checks"; exit 1; }

want "commands: every command of --help" "$commands --help --version" -- ""
want "a command's prefix" "check config" -- c
want "--format of check: its usage's values" "text json sarif" -- check --format ""
want "--format of config" "yaml json" -- config --format ""
want "--format of ps" "text json" -- ps --format ""
want "-W: every check of explain --list" "$checks" -- check -W ""
want "-E with a prefix" "$(tr ' ' '\n' <<<"$checks" | grep '^size-' | tr '\n' ' ')" -- check -E size-
want "-Wno- with a prefix" "$(tr ' ' '\n' <<<"$checks" | grep '^guest-' | sed 's/^/-Wno-/' | tr '\n' ' ')" -- check -Wno-guest-
want "explain: the checks and --list, --all" "$checks --list --all" -- explain ""
want "options of up" "--dry-run --no-scrub -q -W -Wno- -E -Werror --help" -- up -
want "options of build" "-o -W -Wno- -E -Werror -q --help" -- build examples/seed-three-vm.yaml -

# files by suffix: topologies for FILE, directories for build -o
mkdir -p "$tmp/t/sub"
: >"$tmp/t/a.yaml"
: >"$tmp/t/b.yml"
: >"$tmp/t/c.cfg"
: >"$tmp/t/d.txt"
want "FILE: .yaml, .yml and directories" "$tmp/t/a.yaml $tmp/t/b.yml $tmp/t/sub" -- check "$tmp/t/"
want "build -o: directories only" "$tmp/t/sub" -- build "$tmp/t/a.yaml" -o "$tmp/t/"
want "-p: nothing guessed" "" -- down -p ""
want "import CONFIG: .cfg files and directories" "$tmp/t/c.cfg $tmp/t/sub" -- import "$tmp/t/"
want "import --arch: its usage's values" "arm64 x86_64" -- import --arch ""
want "options of import" "-o --arch --name -W -Wno- -E -Werror --help" -- import a.cfg -
want "import --name: nothing guessed" "" -- import --name ""

# the script is clean under shellcheck (bash)
if command -v shellcheck >/dev/null; then
	if out=$(shellcheck -s bash completion/xenshm-compose.bash 2>&1); then
		echo "PASS: completion shellcheck"
	else
		echo "FAIL: completion shellcheck"; printf '%s\n' "$out" | head -10 | sed 's/^/    | /'; fail=1
	fi
fi
exit $fail

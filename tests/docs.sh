#!/usr/bin/env bash
# Docs: runs every `$ ` command shown in README.md and docs/*.md and diffs its output with the doc.
#
# The rules (docs/README.md, "Examples are tested", says them for writers):
#
# - A transcript is a fenced code block (``` or ~~~, indented or not, any
#   info string) that holds a line starting with `$ `. Each `$ ` line is one
#   command and one test, named FILE:LINE. The lines after it, up to the next
#   `$ ` line or the end of the block, are its expected output. Any line
#   before the first `$ ` of a transcript is an error. A command is one line.
# - Blocks with no `$ ` line are not run: YAML, JSON, ```sh blocks of commands
#   to type, and transcripts with the root prompt `# `, which is how the docs
#   show commands that need root or a Xen host (up, down, ps, make e2e).
# - Each transcript runs in a fresh copy of the repository (without .git,
#   build/ and the root binary), in which ./xenshm-compose is a link to the
#   binary under test; `xenshm-compose` is on PATH too. So a command writes
#   into the copy, never the repository, and paths in messages read as in
#   the docs. The commands of one block share the copy, in order, each in
#   its own `bash -c` (a `cd` does not carry over). LC_ALL=C, stdin is
#   /dev/null, and each command gets 120 s.
# - The output compared is stdout and stderr together (2>&1), as a terminal
#   shows them, unless the command redirects them itself (`2>/dev/null`).
#   The exit code is not compared unless the doc shows it (`; echo $?`).
#   Trailing empty lines are ignored.
# - A line that is only `...` (indentation allowed) in the expected output
#   matches any run of lines, none included: long outputs are shown in part.
# - HTML comments on their own line, before a fenced block, prepare it:
#     <!-- docs-file: NAME -->      the next block's text is the file NAME
#                                   (relative, no ..) in the copy of every
#                                   later transcript of the same page
#                                   (README: demo.yaml).
#     <!-- docs-setup: COMMAND -->  COMMAND runs (bash -c, in the copy) before
#                                   the next block, which must be a transcript;
#                                   it must exit 0; its output is not shown.
#   Only blank lines and other directives may come between a directive and
#   its block.
set -u
cd "$(dirname "$0")/.." || exit 1
root=$PWD
bin=${1:-./xenshm-compose}
case "$bin" in
*/*) bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") ;;
*) bin=$(command -v "$bin") ;;
esac
fail=0
tests=0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/pristine"
ln -s "$bin" "$tmp/bin/xenshm-compose"
tar -C "$root" --exclude=./.git --exclude=./build --exclude=./xenshm-compose -cf - . |
	tar -C "$tmp/pristine" -xf - || { echo "FAIL: docs: cannot copy the repository"; exit 1; }

is_dots() { [[ "$1" =~ ^[[:space:]]*\.\.\.$ ]]; }

# matches LINES against the pattern EXP, where a line `...` matches any run of
# lines (the classic one-star-at-a-time wildcard walk); both are arrays by name
lines_match() {
	local -n e=$1 a=$2
	local i=0 j=0 star=-1 mark=0 n=${#a[@]} m=${#e[@]}
	while [ "$i" -lt "$n" ]; do
		if [ "$j" -lt "$m" ] && is_dots "${e[j]}"; then
			star=$j mark=$i j=$((j + 1))
		elif [ "$j" -lt "$m" ] && [ "${e[j]}" = "${a[i]}" ]; then
			i=$((i + 1)) j=$((j + 1))
		elif [ "$star" -ge 0 ]; then
			mark=$((mark + 1)) i=$mark j=$((star + 1))
		else
			return 1
		fi
	done
	while [ "$j" -lt "$m" ] && is_dots "${e[j]}"; do j=$((j + 1)); done
	[ "$j" -eq "$m" ]
}

# prints each argument as a line, and nothing for none
print_lines() {
	[ $# -eq 0 ] || printf '%s\n' "$@"
}

# drops trailing empty lines from the array named $1
trim_tail() {
	local -n arr=$1
	while [ "${#arr[@]}" -gt 0 ] && [ -z "${arr[-1]}" ]; do unset 'arr[-1]'; done
}

# runs one command of a transcript and prints its PASS/FAIL line
# usage: run_one DIR NAME COMMAND [EXPECTED LINE...]
run_one() {
	local dir=$1 name=$2 cmd=$3 out
	shift 3
	local -a want=("$@") got=()
	tests=$((tests + 1))
	out=$(cd "$dir" && PATH="$tmp/bin:$PATH" LC_ALL=C timeout 120 bash -c "$cmd" 2>&1 </dev/null)
	[ $? = 124 ] && out+=$'\n'"(docs.sh: timed out after 120 s)"
	[ -n "$out" ] && mapfile -t got <<<"$out"
	trim_tail want
	trim_tail got
	if lines_match want got; then
		echo "PASS: docs $name"
	else
		echo "FAIL: docs $name"
		diff <(print_lines "${want[@]}") <(print_lines "${got[@]}") |
			head -20 | sed 's/^/    | /'
		fail=1
	fi
}

# runs the transcript in array blk (its first line is line blk_first of PAGE) in a
# fresh copy, after the files of pagefiles/ and the commands of array setup
run_block() {
	local page=$1 dir=$tmp/run k line out cmd="" cmdline=0
	local -a want=()
	rm -rf "$dir"
	cp -a "$tmp/pristine" "$dir"
	ln -s "$bin" "$dir/xenshm-compose"
	cp -a "$tmp/pagefiles/." "$dir/"
	for k in "${!setup[@]}"; do
		if ! out=$(cd "$dir" && PATH="$tmp/bin:$PATH" LC_ALL=C timeout 300 bash -c "${setup[k]}" 2>&1 </dev/null); then
			tests=$((tests + 1))
			echo "FAIL: docs $page:${setup_line[k]}: docs-setup failed: ${setup[k]}"
			printf '%s\n' "$out" | head -10 | sed 's/^/    | /'
			fail=1
			return
		fi
	done
	for k in "${!blk[@]}"; do
		line=${blk[k]}
		if [[ "$line" == '$ '* ]]; then
			[ -n "$cmd" ] && run_one "$dir" "$page:$cmdline: ${cmd:0:70}" "$cmd" "${want[@]}"
			cmd=${line#\$ } cmdline=$((blk_first + k)) want=()
		elif [ -z "$cmd" ]; then
			[ -z "$line" ] && continue
			tests=$((tests + 1))
			echo "FAIL: docs $page:$((blk_first + k)): output before the first '\$ ' command of the block"
			fail=1
			return
		else
			want+=("$line")
		fi
	done
	run_one "$dir" "$page:$cmdline: ${cmd:0:70}" "$cmd" "${want[@]}"
	rm -rf "$dir"
}

for page in README.md docs/*.md; do
	rm -rf "$tmp/pagefiles"
	mkdir "$tmp/pagefiles"
	n=0 fence="" indent=0
	setup=() setup_line=() docfile="" directive_line=0
	# shellcheck disable=SC2094 # run_block takes the name of the page for its messages, never writes it
	while IFS= read -r -u 3 raw || [ -n "$raw" ]; do
		n=$((n + 1))
		if [ -z "$fence" ]; then
			if [[ "$raw" =~ ^([[:space:]]*)(\`\`\`+|~~~+) ]]; then
				fence=${BASH_REMATCH[2]} indent=${#BASH_REMATCH[1]}
				blk=() blk_first=$((n + 1)) has_cmd=0
			elif [[ "$raw" =~ ^[[:space:]]*\<!--\ docs-setup:\ (.*[^ ])\ *--\>[[:space:]]*$ ]]; then
				setup+=("${BASH_REMATCH[1]}") setup_line+=("$n") directive_line=$n
			elif [[ "$raw" =~ ^[[:space:]]*\<!--\ docs-file:\ ([^ /][^ ]*)\ *--\>[[:space:]]*$ &&
				"/${BASH_REMATCH[1]}/" != */../* ]]; then
				docfile=${BASH_REMATCH[1]} directive_line=$n
			elif [[ "$raw" =~ ^[[:space:]]*\<!--\ *docs ]]; then
				tests=$((tests + 1))
				echo "FAIL: docs $page:$n: malformed docs directive: $raw"
				fail=1
			elif [ "$directive_line" -gt 0 ] && [[ "$raw" =~ [^[:space:]] ]]; then
				tests=$((tests + 1))
				echo "FAIL: docs $page:$directive_line: docs directive not followed by a code block"
				fail=1
				setup=() setup_line=() docfile="" directive_line=0
			fi
			continue
		fi
		# inside a block: a closing fence is the same character, at least as long, alone
		stripped=${raw#"${raw%%[![:space:]]*}"}
		stripped=${stripped%"${stripped##*[![:space:]]}"}
		if [[ "$stripped" == "${fence:0:1}"* && -z "${stripped//"${fence:0:1}"/}" && ${#stripped} -ge ${#fence} ]]; then
			if [ -n "$docfile" ]; then
				mkdir -p "$(dirname "$tmp/pagefiles/$docfile")"
				print_lines "${blk[@]}" >"$tmp/pagefiles/$docfile"
			elif [ "$has_cmd" = 1 ]; then
				run_block "$page"
			elif [ "${#setup[@]}" -gt 0 ]; then
				tests=$((tests + 1))
				echo "FAIL: docs $page:$directive_line: docs-setup before a block with no '\$ ' command"
				fail=1
			fi
			fence="" setup=() setup_line=() docfile="" directive_line=0
			continue
		fi
		# drop the fence's own indentation, as Markdown does
		line=$raw
		for ((k = 0; k < indent; k++)); do
			[ "${line:0:1}" = " " ] && line=${line:1}
		done
		blk+=("$line")
		[[ "$line" == '$ '* ]] && has_cmd=1
	done 3<"$page"
	if [ -n "$fence" ]; then
		tests=$((tests + 1))
		echo "FAIL: docs $page:$((blk_first - 1)): code block never closed"
		fail=1
	fi
done

# a parser that finds nothing must not pass
if [ "$tests" -eq 0 ]; then
	echo "FAIL: docs: no '\$ ' command found in README.md or docs/*.md"
	fail=1
fi
exit $fail

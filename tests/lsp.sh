#!/usr/bin/env bash
# tests/lsp.sh [BINARY]
#
# Editors: the real yaml-language-server (npm, tests/tools), driven over
# stdio by tests/tools/lsp-diagnostics.js as an editor drives it, with the
# topology schema named by a `# yaml-language-server: $schema=` modeline.
#   - every example, through its own modeline (../schemas/...): no diagnostic;
#     and a copy with a misspelt key, through the same modeline: a diagnostic
#     on that line (the modeline works, the silence above is not a miss);
#   - every good- fixture: no diagnostic;
#   - every bad- fixture the server reports: a diagnostic on a line the
#     tool's own check reports (for a missing key, the tool points at the
#     mapping's first key, the server at the mapping's own key, the line
#     above); a bad- fixture it is silent on must be one the schema has
#     nothing to say about: ajv accepts it (tests/tools/validate-topology.js),
#     or it uses an alias, which the schema cannot forbid.
# Fixtures get the modeline prepended in a copy, their lines shifted by one.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=$ROOT/tests/tools
BIN=${1:-./xenshm-compose}
if [[ $BIN != /* && -e $BIN ]]; then BIN=$PWD/$BIN; fi
cd "$ROOT" || exit 1

SUITE=lsp PREFIX="lsp "
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/xenshm-lsp.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

if ! command -v node >/dev/null 2>&1; then
	fail setup "node not found (Debian: apt-get install -y nodejs npm)"
	finish
fi
msg=$(node_tools "$TOOLS" yaml-language-server/bin/yaml-language-server ajv/package.json yaml/package.json) ||
	{ fail setup "cannot install test tools: $msg"; finish; }

# run FILE...: the server's diagnostics, FILE <TAB> LINE <TAB> message (LINE 0: none)
run() { timeout -k 5 180 node "$TOOLS/lsp-diagnostics.js" "" "$@"; }

# ---- examples, through their own modeline
mkdir -p "$TMP/tree/examples" "$TMP/tree/schemas"
cp schemas/*.json "$TMP/tree/schemas/"
cp examples/*.yaml "$TMP/tree/examples/"
ex=$(grep -c '' <<<"$(ls examples/*.yaml)")
# the canary: a misspelt VM key in the seed example, its line remembered
canary=$TMP/tree/examples/canary.yaml
awk '/^  - name: / && !done { print; print "    memroy: 64M"; done = 1; next } { print }' \
	examples/seed-three-vm.yaml >"$canary"
canary_line=$(grep -n 'memroy' "$canary" | cut -d: -f1)
if ! out=$(run "$TMP"/tree/examples/*.yaml); then
	fail setup "yaml-language-server could not be driven: $(tail -3 <<<"$out" | tr '\n' ' ')"
	finish
fi
for f in examples/*.yaml; do
	got=$(grep -F "$TMP/tree/$f"$'\t' <<<"$out")
	if [ "$(cut -f2 <<<"$got")" = 0 ]; then
		pass "$f: no diagnostic through its modeline"
	else
		fail "$f" "$(head -2 <<<"$got" | cut -f2,3 | tr '\n' ' ')"
	fi
done
if grep -qP "^\Q$canary\E\t$canary_line\tProperty memroy is not allowed" <<<"$out"; then
	pass "canary: a misspelt key in an example is reported on its line through the modeline"
else
	fail "canary" "want line $canary_line: $(grep -F "$canary" <<<"$out" | cut -f2,3 | tr '\n' ' ')"
fi
[ "$ex" -gt 0 ] || fail "examples" "none found"

# ---- fixtures, the modeline prepended
mkdir -p "$TMP/fix"
: >"$TMP/manifest"
for f in tests/checks/good-*.yaml tests/checks/bad-*.yaml; do
	{ echo "# yaml-language-server: \$schema=$ROOT/schemas/topology.schema.json"; cat "$f"; } >"$TMP/fix/${f##*/}"
	case $f in */bad-*) printf '%s\tinvalid\t%s\n' "$f" "$f" >>"$TMP/manifest" ;; esac
done
out=$(run "$TMP"/fix/*.yaml) || { fail setup "yaml-language-server could not be driven"; finish; }
# which bad- fixtures the schema rejects (ajv, as tests/schema.sh reads them)
declare -A REJECTED
while IFS=$'\t' read -r label verdict _; do
	[ "$verdict" = PASS ] && REJECTED[$label]=1
done < <(node "$TOOLS/validate-topology.js" schemas/topology.schema.json "$TMP/manifest" | tail -n +2)
nbad=0
for f in tests/checks/good-*.yaml tests/checks/bad-*.yaml; do
	got=$(grep -F "$TMP/fix/${f##*/}"$'\t' <<<"$out")
	lines=$(cut -f2 <<<"$got" | sort -un)
	case $f in
	*/good-*)
		[ "$lines" = 0 ] && pass "$f: no diagnostic" || fail "$f" "$(head -1 <<<"$got" | cut -f2,3)"
		;;
	*)
		if [ "$lines" = 0 ]; then
			# silence is right only where the schema has nothing to say: ajv
			# accepts the file, or it is an alias, which YAML allows and the
			# schema cannot forbid (the tool and validate-topology.js refuse it)
			if [ -z "${REJECTED[$f]:-}" ] || [[ $f == */bad-yaml-alias* ]]; then
				pass "$f: nothing for the schema, and no diagnostic"
			else
				fail "$f" "ajv rejects it but the server reports nothing"
			fi
			continue
		fi
		nbad=$((nbad + 1))
		# the tool's own lines, shifted by the modeline; a missing key also
		# at the line above, where the server marks the mapping's own key
		ours=$("$BIN" check --format json "$f" 2>/dev/null | node -e '
			let s = ""; process.stdin.on("data", (c) => s += c).on("end", () => {
				for (const d of JSON.parse(s).diagnostics) {
					console.log(d.line + 1);
					if (d.check === "missing-key") console.log(d.line);
				} });')
		hit=$(comm -12 <(sort -u <<<"$lines") <(sort -u <<<"$ours"))
		if [ -n "$hit" ]; then
			pass "$f: a diagnostic on line $(head -1 <<<"$hit"), where the tool reports one"
		else
			fail "$f" "server lines [$(tr '\n' ' ' <<<"$lines")], the tool's [$(tr '\n' ' ' <<<"$ours")]"
		fi
		;;
	esac
done
[ "$nbad" -gt 10 ] && pass "the server reports $nbad bad- fixtures, each where the tool does" || fail "bad- fixtures" "the server reports only $nbad"
finish

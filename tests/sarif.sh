#!/usr/bin/env bash
# tests/sarif.sh [BINARY]
#
# Validates `xenshm-compose check FILE --format sarif` against the SARIF 2.1.0
# JSON schema with ajv-cli + ajv-formats, and checks that `--format json`
# prints one strict JSON document (and the same exit code).
#
# Schema: sarif-schema-2.1.0.json as shipped (a plain file) by the npm package
# @datadog/datadog-ci-plugin-sarif@3.21.4: the draft-07 edition of the OASIS
# sarif-spec repository (Schemata/, "normative copies", Dec 2019), with the
# stray `]` in the two `language` patterns fixed. The 2023 errata01 edition
# (draft-04) is on no npm package found; it differs in descriptions, explicit
# `type` next to `enum`s, nullable `runs`, `suppression.status` (this copy:
# `state`), and a region needing startLine, charOffset or byteOffset (which
# tools/check-output.js demands anyway: startLine and startColumn).
#
# Inputs: a few topologies generated here (expected exit codes known), then
# every tests/checks/*.yaml and examples/*.yaml (missing dirs are skipped).
# The validator itself is tested first on a valid and an invalid SARIF log.
#
# Tools: tests/tools/package.json + package-lock.json, installed with
# `npm ci --prefix tests/tools` when tests/tools/node_modules is missing or
# older than the lock file (after that, no network is needed).
#
# Prints `PASS: name` / `FAIL: name: reason` per case, then a summary line;
# exits 0 only if every case passed.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=$ROOT/tests/tools
SCHEMA=$TOOLS/node_modules/@datadog/datadog-ci-plugin-sarif/dist/json-schema/sarif-schema-2.1.0.json
AJV=$TOOLS/node_modules/ajv-cli/dist/index.js
TIMEOUT=${SARIF_TIMEOUT:-20}

BIN=${1:-./xenshm-compose}
if [[ $BIN != /* && -e $BIN ]]; then BIN=$PWD/$BIN; fi
cd "$ROOT" || exit 1

SUITE=sarif PREFIX=""
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/xenshm-sarif.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- tools --
if ! command -v node >/dev/null 2>&1; then
    fail setup "node not found (Debian: apt-get install -y nodejs npm)"
    finish
fi

msg=$(node_tools "$TOOLS" ajv-cli/dist/index.js @datadog/datadog-ci-plugin-sarif/dist/json-schema/sarif-schema-2.1.0.json ajv-formats/package.json @microsoft/sarif-multitool-linux/Sarif.Multitool) || { fail setup "cannot install test tools: $msg"; finish; }
# Microsoft's SARIF validator, the one code-scanning services follow: a .NET
# program npm installs without running its postinstall (which only makes it
# executable); no ICU needed for what it reads
MULTITOOL=$TOOLS/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
chmod u+x "$MULTITOOL" 2>/dev/null
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

if [[ ! -x $BIN ]] && ! command -v "$BIN" >/dev/null 2>&1; then
    fail setup "binary '$BIN' not found or not executable (build it first, or pass its path as \$1)"
    finish
fi

# ------------------------------------------------------------ inputs --
mkdir -p "$TMP/builtin" "$TMP/out" "$TMP/canary"

BASE='version: 1
name: hostile
xen:
  arch: arm64
  pool: { base: 0x60000000, size: 64M }
vms:
  - name: a
    kernel: /k
    memory: 64M
    shm: [ "0x05000000+2M = r0" ]
  - name: b
    kernel: /k
    memory: 64M
    shm: [ r0 ]'

ERRORS='version: 1
name: hostile
xen:
  arch: arm64
  pool: { base: 0x60000000, size: 64M }
vms:
  - name: a
    kernel: /k
    memory: 64M
    colour: blue
    shm: [ "0x05000000+2M = r0" ]
  - name: b
    kernel: /k
    memory: 0755
    shm: [ r0 ]'

printf '%s\n' "$BASE" >"$TMP/builtin/ok.yaml"
printf '%s\n' "$ERRORS" >"$TMP/builtin/errors.yaml"
printf '%s\n' "$ERRORS" >"$TMP/builtin/path with space.yaml"
printf 'version: 1\nname: hostile\nxen:\n  arch: arm64\n  pool: { base: 0x60000000, si' >"$TMP/builtin/syntax.yaml"
# A VM name full of characters that must be escaped in JSON: ESC, BEL, quote,
# backslash, and a non-ASCII letter (YAML escapes; the file itself is clean).
printf '%s\n' "${BASE/name: a/name: \"x\\e[31m\\a\\\"q\\\\\\u00e9\"}" >"$TMP/builtin/escapes.yaml"

# label <TAB> path <TAB> expected exit codes (space separated)
cases=()
cases+=("builtin:ok"$'\t'"$TMP/builtin/ok.yaml"$'\t'"0")
cases+=("builtin:errors"$'\t'"$TMP/builtin/errors.yaml"$'\t'"2")
cases+=("builtin:path with space"$'\t'"$TMP/builtin/path with space.yaml"$'\t'"2")
cases+=("builtin:yaml-syntax"$'\t'"$TMP/builtin/syntax.yaml"$'\t'"1")
cases+=("builtin:escapes"$'\t'"$TMP/builtin/escapes.yaml"$'\t'"2")
nfiles=0
for dir in tests/checks examples; do
    [[ -d $dir ]] || continue
    for f in "$dir"/*.yaml; do
        [[ -f $f ]] || continue
        cases+=("$f"$'\t'"$f"$'\t'"0 1 2")
        nfiles=$((nfiles + 1))
    done
done
[[ $nfiles -eq 0 ]] && echo "sarif.sh: no tests/checks/*.yaml or examples/*.yaml yet; only built-in inputs" >&2

# --------------------------------------------------- validator canaries --
cat >"$TMP/canary/valid.json" <<'EOF'
{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [ {
    "tool": { "driver": { "name": "xenshm-compose", "informationUri": "https://example.org/xenshm-compose",
      "rules": [ { "id": "missing-key", "shortDescription": { "text": "a required key is absent" },
                   "defaultConfiguration": { "level": "error" } } ] } },
    "results": [ {
      "ruleId": "missing-key", "ruleIndex": 0, "level": "error",
      "message": { "text": "missing required key \"vms\"" },
      "locations": [ { "physicalLocation": { "artifactLocation": { "uri": "tests/checks/x%20y.yaml" },
                                            "region": { "startLine": 1, "startColumn": 1 } } } ] } ]
  } ]
}
EOF
# Three schema violations: level "fatal", startLine 0, uri with a space.
cat >"$TMP/canary/invalid.json" <<'EOF'
{
  "version": "2.1.0",
  "runs": [ {
    "tool": { "driver": { "name": "xenshm-compose" } },
    "results": [ {
      "ruleId": "yaml-syntax", "level": "fatal",
      "message": { "text": "m" },
      "locations": [ { "physicalLocation": { "artifactLocation": { "uri": "x y.yaml" },
                                            "region": { "startLine": 0, "startColumn": 1 } } } ] } ]
  } ]
}
EOF

# --------------------------------------------------------------- run --
declare -A RC TIME CRASH
manifest=$TMP/manifest.tsv
: >"$manifest"
i=0
for c in "${cases[@]}"; do
    IFS=$'\t' read -r label path expect <<<"$c"
    for mode in sarif json; do
        id=$(printf '%03d-%s' "$i" "$mode")
        out=$TMP/out/$id.json
        t0=$EPOCHREALTIME
        timeout -k 5 "$TIMEOUT" "$BIN" check "$path" --format "$mode" >"$out" 2>"$TMP/out/$id.err" </dev/null
        rc=$?
        RC[$id]=$rc
        TIME[$id]=$(elapsed "$t0")
        if [[ $rc -eq 124 || $rc -eq 137 ]]; then
            CRASH[$id]="timed out after ${TIMEOUT}s"
        elif [[ $rc -ge 128 ]]; then
            CRASH[$id]="killed by signal $((rc - 128)) ($(kill -l $((rc - 128)) 2>/dev/null || echo '?'))"
        elif [[ $rc -gt 2 ]]; then
            CRASH[$id]="exit $rc (want 0, 1 or 2); stderr: $(head -c 300 "$TMP/out/$id.err" | tr -d '\000' | tr '\n' ' ')"
        else
            printf '%s\t%s\t%s\t%s\n' "$id" "$mode" "$rc" "$out" >>"$manifest"
        fi
    done
    i=$((i + 1))
done

declare -A HOK HDETAIL HPARSED
if [[ -s $manifest ]]; then
    while IFS=$'\t' read -r id ok parsed detail; do
        HOK[$id]=$ok
        HPARSED[$id]=$parsed
        HDETAIL[$id]=$detail
    done < <(node "$TOOLS/check-output.js" "$manifest")
fi

# One ajv-cli run for every parsed SARIF output plus the two canaries.
ajv_args=(-d "$TMP/canary/valid.json" -d "$TMP/canary/invalid.json")
for id in "${!HPARSED[@]}"; do
    [[ $id == *-sarif && ${HPARSED[$id]} == 1 ]] && ajv_args+=(-d "$TMP/out/$id.json")
done
node "$AJV" validate -s "$SCHEMA" -c ajv-formats --strict=false --all-errors --errors=text \
    "${ajv_args[@]}" >"$TMP/ajv.out" 2>"$TMP/ajv.err"

ajv_verdict() { # file -> prints "valid" or the error text; status 0 if valid
    local f=$1
    if grep -Fxq -- "$f valid" "$TMP/ajv.out"; then
        echo valid
        return 0
    fi
    if grep -Fxq -- "$f invalid" "$TMP/ajv.err"; then
        grep -Fx -A1 -- "$f invalid" "$TMP/ajv.err" | sed -n 2p | cut -c1-400
        return 1
    fi
    echo "ajv-cli gave no verdict: $(head -c 300 "$TMP/ajv.err" | tr '\n' ' ')"
    return 1
}

if v=$(ajv_verdict "$TMP/canary/valid.json"); then
    pass "validator-accepts-valid-sarif"
else
    fail "validator-accepts-valid-sarif" "$v"
fi
if v=$(ajv_verdict "$TMP/canary/invalid.json"); then
    fail "validator-rejects-invalid-sarif" "ajv-cli accepted a log with level \"fatal\", startLine 0 and a uri with a space"
else
    case $v in
        *'ajv-cli gave no verdict'*) fail "validator-rejects-invalid-sarif" "$v" ;;
        *) pass "validator-rejects-invalid-sarif" ;;
    esac
fi

# ------------------------------------------- Microsoft's SARIF validator --
# Every result of its rules (SARIF1xxx errors, SARIF2xxx warnings) on logs for
# an input named by a relative path, an absolute one and one with a space: no
# error (an absolute path once gave SARIF1004 at every location). The
# validator itself must reject a log with an absolute path as a relative URI.
multitool() { # SARIF-FILE -> the validator's error lines; status 0 when it ran
    rm -f "$1.validation"
    timeout -k 5 120 "$MULTITOOL" validate "$1" -o "$1.validation" >"$1.mt" 2>&1 ||
        { [[ -s $1.mt ]] || return 1; }
    grep -E ': error [A-Z]+[0-9]+' "$1.mt" | cut -c1-300
    grep -q 'Analysis completed successfully\|Done\.' "$1.mt"
}
cp "$TMP/builtin/errors.yaml" "$TMP/relative.yaml"
for how in relative absolute space stdin two; do
    log=$TMP/mt-$how.sarif
    case $how in
        relative) (cd "$TMP" && "$BIN" check relative.yaml --format sarif) >"$log" 2>/dev/null ;;
        absolute) "$BIN" check "$TMP/builtin/errors.yaml" --format sarif >"$log" 2>/dev/null ;;
        space) "$BIN" check "$TMP/builtin/path with space.yaml" --format sarif >"$log" 2>/dev/null ;;
        stdin) "$BIN" check - --format sarif <"$TMP/builtin/errors.yaml" >"$log" 2>/dev/null ;;
        two) "$BIN" check "$TMP/builtin/errors.yaml" "$TMP/builtin/ok.yaml" --format sarif >"$log" 2>/dev/null ;;
    esac
    if ! errs=$(multitool "$log"); then
        fail "multitool:$how" "the validator did not run: $(head -c 300 "$log.mt" | tr '\n' ' ')"
    elif [[ -n $errs ]]; then
        fail "multitool:$how" "$(head -3 <<<"$errs" | tr '\n' ' ')"
    else
        pass "multitool:$how: Microsoft's SARIF validator reports no error"
    fi
done
sed 's|"uri": "file:///|"uri": "/|' "$TMP/mt-absolute.sarif" >"$TMP/mt-canary.sarif"
if errs=$(multitool "$TMP/mt-canary.sarif") && grep -q SARIF1004 <<<"$errs"; then
    pass "multitool:canary: the validator rejects an absolute path written as a relative URI"
else
    fail "multitool:canary" "the validator accepted an absolute path as a relative URI, or did not run"
fi

# ----------------------------------------------------------- verdicts --
i=0
for c in "${cases[@]}"; do
    IFS=$'\t' read -r label path expect <<<"$c"
    sid=$(printf '%03d-sarif' "$i")
    for mode in sarif json; do
        id=$(printf '%03d-%s' "$i" "$mode")
        name="$mode:$label"
        rc=${RC[$id]}
        if [[ -n ${CRASH[$id]:-} ]]; then
            fail "$name" "${CRASH[$id]}"
            continue
        fi
        if [[ " $expect " != *" $rc "* ]]; then
            fail "$name" "exit $rc, want ${expect// / or }; stderr: $(head -c 300 "$TMP/out/$id.err" | tr -d '\000' | tr '\n' ' ')"
            continue
        fi
        if [[ $mode == json && -z ${CRASH[$sid]:-} && $rc != "${RC[$sid]}" ]]; then
            fail "$name" "exit $rc with --format json but ${RC[$sid]} with --format sarif"
            continue
        fi
        if [[ ${HOK[$id]:-} != OK ]]; then
            fail "$name" "${HDETAIL[$id]:-output checker gave no verdict}"
            continue
        fi
        if [[ $mode == sarif ]]; then
            if ! v=$(ajv_verdict "$TMP/out/$id.json"); then
                fail "$name" "schema: $v"
                continue
            fi
        fi
        pass "$name (exit $rc, ${HDETAIL[$id]}, ${TIME[$id]}s)"
    done
    i=$((i + 1))
done

finish

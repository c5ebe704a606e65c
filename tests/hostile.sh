#!/usr/bin/env bash
# tests/hostile.sh [BINARY]
#
# Feeds `xenshm-compose check` hostile inputs, each generated at run time
# into a temporary directory, and requires for every one that the tool
#   - ends within $HOSTILE_TIMEOUT seconds (default 20) under a virtual-memory
#     cap (default 1 GiB, see below), not killed by a signal,
#   - exits 1 or 2 (never 0: every input here is broken),
#   - prints (stdout or stderr) a diagnostic `FILE:LINE:COL: error|fatal error: [check]`,
#     and the check the spec names for it where the spec is unambiguous,
#   - prints no raw control character other than tab and newline (names or
#     bytes such as ESC must be shown escaped), and no sanitizer report.
#
# Memory cap: `ulimit -v $HOSTILE_VMEM_KB` (KiB) in the child's subshell;
# default 1048576 (1 GiB). HOSTILE_VMEM_KB=0 disables it. Without
# HOSTILE_VMEM_KB, there is no cap when ASAN_OPTIONS (or TSAN_/MSAN_OPTIONS)
# is set or the binary is sanitizer-instrumented (__asan_init & co. found with
# nm/strings): ASan reserves terabytes of virtual address space.
#
# Other knobs: HOSTILE_DEPTH (nesting depth, default 10000), HOSTILE_BIG_MB
# (size of the big files, default 50), HOSTILE_ONLY (regex on case names),
# HOSTILE_KEEP=DIR (keep a copy of each generated input there, for debugging).
#
# Prints `PASS: name (...)` / `FAIL: name: reason` per case, then a summary
# line; exits 0 only if every case passed.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TIMEOUT=${HOSTILE_TIMEOUT:-20}
DEPTH=${HOSTILE_DEPTH:-10000}
BIG_MB=${HOSTILE_BIG_MB:-50}
ONLY=${HOSTILE_ONLY:-}

BIN=${1:-./xenshm-compose}
if [[ $BIN != /* && -e $BIN ]]; then BIN=$PWD/$BIN; fi
cd "$ROOT" || exit 1

SUITE=hostile PREFIX=""
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/xenshm-hostile.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
IN=$TMP/input.yaml
OUT=$TMP/stdout
ERR=$TMP/stderr

if [[ ! -x $BIN ]] && ! command -v "$BIN" >/dev/null 2>&1; then
    fail setup "binary '$BIN' not found or not executable (build it first, or pass its path as \$1)"
    finish
fi
BINPATH=$BIN
[[ -e $BINPATH ]] || BINPATH=$(command -v "$BIN")

# ------------------------------------------------------------ memory cap --
SAN_RE='__(asan|hwasan|msan|tsan)_init'
sanitized() {
    { nm -D "$BINPATH" 2>/dev/null; nm "$BINPATH" 2>/dev/null; } | grep -qE "$SAN_RE" && return 0
    if command -v strings >/dev/null 2>&1; then
        strings -a "$BINPATH" 2>/dev/null | grep -qE "$SAN_RE"
    else
        LC_ALL=C grep -aqE "$SAN_RE" "$BINPATH" 2>/dev/null
    fi
}
if [[ -n ${HOSTILE_VMEM_KB:-} ]]; then
    VMEM=$HOSTILE_VMEM_KB
    [[ $VMEM == 0 || $VMEM == unlimited ]] && VMEM=
    echo "hostile.sh: memory cap from HOSTILE_VMEM_KB: ${VMEM:-none}" >&2
elif [[ -n ${ASAN_OPTIONS+x}${TSAN_OPTIONS+x}${MSAN_OPTIONS+x} ]]; then
    VMEM=
    echo "hostile.sh: *SAN_OPTIONS set: no memory cap" >&2
elif sanitized; then
    VMEM=
    echo "hostile.sh: sanitizer-instrumented binary: no memory cap" >&2
else
    VMEM=1048576
    echo "hostile.sh: memory cap ${VMEM} KiB (ulimit -v)" >&2
fi


human() { # bytes -> short size
    local b=$1
    if ((b >= 1048576)); then printf '%dMB' $((b / 1048576))
    elif ((b >= 1024)); then printf '%dKB' $((b / 1024))
    else printf '%dB' "$b"; fi
}

# printable excerpt of a file for a FAIL reason
excerpt() { head -c "${2:-200}" "$1" | LC_ALL=C tr -c '[:print:]' '?'; }

# run STDIN_FILE ARGS... : runs the binary with the cap and the timeout
run() {
    local in=$1
    shift
    local t0=$EPOCHREALTIME
    # The outer 2>/dev/null only hides bash's own "Aborted"/"Segmentation
    # fault" job notice; the child's stderr goes to $ERR.
    {
        (
            if [[ -n $VMEM ]]; then
                ulimit -v "$VMEM" || { echo "hostile.sh: ulimit -v $VMEM failed" >&2; exit 125; }
            fi
            exec timeout -k 5 "$TIMEOUT" "$BIN" "$@"
        ) <"$in" >"$OUT" 2>"$ERR"
    } 2>/dev/null
    RC=$?
    DUR=$(elapsed "$t0")
}

DIAG_RE=':[0-9]+:[0-9]+: (error|fatal error): \[[a-z-]+\]'
CTRL_RE='[\x00-\x08\x0b-\x1f\x7f]'

# verdict NAME WANT_CHECK : judges the last run; WANT_CHECK may be empty
verdict() {
    local name=$1 want=$2 both=$TMP/both
    cat "$OUT" "$ERR" >"$both"
    local size
    size=$(stat -c %s "$both")
    if [[ $RC -eq 124 || $RC -eq 137 ]]; then
        fail "$name" "timed out after ${TIMEOUT}s (${DUR}s)"
        return
    fi
    if [[ $RC -ge 128 ]]; then
        fail "$name" "killed by signal $((RC - 128)) ($(kill -l $((RC - 128)) 2>/dev/null || echo '?')) after ${DUR}s; stderr: $(excerpt "$ERR")"
        return
    fi
    if LC_ALL=C grep -aqE 'AddressSanitizer|LeakSanitizer|MemorySanitizer|ThreadSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$both"; then
        fail "$name" "sanitizer report: $(LC_ALL=C grep -aE -m1 'Sanitizer|runtime error:' "$both" | excerpt /dev/stdin 300)"
        return
    fi
    if [[ $RC -ne 1 && $RC -ne 2 ]]; then
        fail "$name" "exit $RC, want 1 or 2; output: $(excerpt "$both")"
        return
    fi
    if ! LC_ALL=C grep -aqE "$DIAG_RE" "$both"; then
        fail "$name" "exit $RC but no line matching '$DIAG_RE'; output: $(excerpt "$both")"
        return
    fi
    if [[ -n $want ]] && ! LC_ALL=C grep -aqE ":[0-9]+:[0-9]+: (error|fatal error): \[$want\]" "$both"; then
        local got
        got=$(LC_ALL=C grep -aoE "$DIAG_RE" "$both" | grep -oE '\[[a-z-]+\]' | sort -u | head -5 | tr '\n' ' ')
        fail "$name" "exit $RC but no [$want] diagnostic; got: ${got:-none}"
        return
    fi
    local bad
    bad=$(LC_ALL=C grep -m1 -naP "$CTRL_RE" "$both" | cut -d: -f1)
    if [[ -n $bad ]]; then
        local byte
        byte=$(sed -n "${bad}p" "$both" | LC_ALL=C grep -m1 -aoP "$CTRL_RE" | head -c1 | od -An -tx1 | tr -d ' \n')
        fail "$name" "raw control character 0x${byte:-00} in output line $bad: $(sed -n "${bad}p" "$both" | excerpt /dev/stdin 120)"
        return
    fi
    pass "$name (exit $RC, ${DUR}s, output $(human "$size"))"
}

# case NAME WANT_CHECK [stdin] : runs `check $IN` (or `check -` <$IN)
case_() {
    local name=$1 want=$2 how=${3:-file}
    if [[ -n $ONLY && ! $name =~ $ONLY ]]; then
        return
    fi
    if [[ -n ${HOSTILE_KEEP:-} ]]; then
        mkdir -p "$HOSTILE_KEEP" && cp "$IN" "$HOSTILE_KEEP/$name.yaml"
    fi
    if [[ $how == stdin ]]; then
        run "$IN" check -
    else
        run /dev/null check "$IN"
    fi
    verdict "$name" "$want"
}

want() { # NAME : 0 if the case is selected (skip costly generation otherwise)
    [[ -z $ONLY || $1 =~ $ONLY ]]
}

HEADER='version: 1
name: hostile
xen:
  arch: arm64
  pool: { base: 0x60000000, size: 64M }
'
VM_B='  - name: b
    kernel: /k
    memory: 64M
    shm: [ r0 ]
'
# base topology with VM a's name line replaced by $1 (a full YAML value)
base_named() {
    printf '%svms:\n  - name: %s\n    kernel: /k\n    memory: 64M\n    shm: [ "0x05000000+2M = r0" ]\n%s' "$HEADER" "$1" "$VM_B"
}

# ----------------------------------------------------------------- cases --

# Billion laughs, 9 levels of 9: 9^9 = 387 420 489 strings if expanded.
gen_alias_bomb() {
    printf '%s' "$HEADER"
    printf 'x-lol:\n  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    local k
    for k in 1 2 3 4 5 6 7 8; do
        local p="*l$((k - 1))"
        printf '  l%d: &l%d [%s,%s,%s,%s,%s,%s,%s,%s,%s]\n' "$k" "$k" "$p" "$p" "$p" "$p" "$p" "$p" "$p" "$p" "$p"
    done
    printf 'vms: *l8\n'
}
if want alias-bomb || want alias-bomb-stdin; then
    gen_alias_bomb >"$IN"
    case_ alias-bomb yaml-alias
    case_ alias-bomb-stdin yaml-alias stdin
fi

if want "deep-flow-sequences-$DEPTH"; then
    {
        printf '%svms: ' "$HEADER"
        printf "%${DEPTH}s" '' | tr ' ' '['
        printf "%${DEPTH}s" '' | tr ' ' ']'
        printf '\n'
    } >"$IN"
    case_ "deep-flow-sequences-$DEPTH" ""
fi

if want "deep-flow-mappings-$DEPTH"; then
    # Same depth with flow mappings: {a: {a: ... {a: 1} ... }}
    {
        printf '%svms: ' "$HEADER"
        printf "%${DEPTH}s" '' | sed 's/ /{a: /g'
        printf '1'
        printf "%${DEPTH}s" '' | tr ' ' '}'
        printf '\n'
    } >"$IN"
    case_ "deep-flow-mappings-$DEPTH" ""
fi

if want "deep-block-mappings-$DEPTH"; then
    # One more space of indentation per level: DEPTH^2/2 bytes (50 MB at 10000).
    {
        printf '%svms:\n' "$HEADER"
        awk -v n="$DEPTH" 'BEGIN { s = ""; for (d = 1; d <= n; d++) { s = s " "; print s (d < n ? "k:" : "k: v") } }'
    } >"$IN"
    case_ "deep-block-mappings-$DEPTH" ""
fi

if want "big-vms-list-${BIG_MB}MB"; then
    # A valid header and ~50 MB of valid VMs (1 KB cmdline each), then a VM
    # that repeats the name "a": the tool must get through to it.
    {
        base_named a
        awk -v target=$((BIG_MB * 1048576)) 'BEGIN {
            c = "x"; while (length(c) < 1000) c = c c; c = substr(c, 1, 1000)
            size = 0
            for (n = 0; size < target; n++) {
                e = sprintf("  - name: vm%07d\n    kernel: /k\n    memory: 64M\n    cmdline: \"%s\"\n", n, c)
                printf "%s", e
                size += length(e)
            }
            printf "  - name: a\n    kernel: /k\n    memory: 64M\n"
        }'
    } >"$IN"
    case_ "big-vms-list-${BIG_MB}MB" ""
fi

if want "big-scalar-${BIG_MB}MB"; then
    # The project name is one ~50 MB plain scalar (invalid: over 32 chars).
    {
        printf 'version: 1\nname: '
        head -c $((BIG_MB * 1048576)) /dev/zero | tr '\0' 'a'
        printf '\nxen:\n  arch: arm64\n  pool: { base: 0x60000000, size: 64M }\nvms: []\n'
    } >"$IN"
    case_ "big-scalar-${BIG_MB}MB" ""
fi

# Raw NUL bytes inside a VM name (libyaml refuses control characters).
if want nul-bytes; then
    base_named 'a' | sed 's/^  - name: a$/  - name: a\x00b\x00/' >"$IN"
    case_ nul-bytes yaml-syntax
fi

# Invalid UTF-8: a bad continuation byte and a 0xFF byte in a VM name.
if want invalid-utf8; then
    base_named 'a' | sed 's/^  - name: a$/  - name: a\xc3\x28b\xff/' >"$IN"
    case_ invalid-utf8 yaml-syntax
fi

# Truncated in the middle of a flow mapping.
if want truncated-flow-mapping; then
    printf 'version: 1\nname: hostile\nxen:\n  arch: arm64\n  pool: { base: 0x60000000, si' >"$IN"
    case_ truncated-flow-mapping yaml-syntax
fi

# Empty file: missing keys (exit 2) or refused as a whole (exit 1).
if want empty-file; then
    : >"$IN"
    case_ empty-file ""
fi

if want comments-only; then
    printf '# xenshm-compose topology\n# nothing here yet\n   # indented comment\n' >"$IN"
    case_ comments-only ""
fi

# Hostile VM names; each is an invalid name (vm-name).
if want name-double-quote; then
    base_named "'a\"b'" >"$IN"
    case_ name-double-quote vm-name
fi
if want name-newline; then
    base_named '"a\nb"' >"$IN"
    case_ name-newline vm-name
fi
if want name-slash; then
    base_named 'a/b' >"$IN"
    case_ name-slash vm-name
fi
if want name-10000-chars; then
    base_named "$(printf '%10000s' '' | tr ' ' 'n')" >"$IN"
    case_ name-10000-chars vm-name
fi
# Terminal escape sequences and other C0 controls written as YAML escapes:
# the file is clean, the decoded name is not; the output must escape it.
if want name-control-escapes; then
    base_named '"a\e[31mred\e[0m\a\b\r\x7f\e]0;title\a"' >"$IN"
    case_ name-control-escapes vm-name
fi
# The same bytes raw in the file: libyaml refuses them; the source line that
# the diagnostic echoes must not carry them raw either.
if want raw-control-bytes; then
    base_named 'a' | sed 's/^  - name: a$/  - name: a\x1b[31mred\x1b[0m\x07/' >"$IN"
    case_ raw-control-bytes yaml-syntax
fi

# A region ID with a NUL escape: "r\0" is not "r".
if want region-id-nul; then
    {
        printf '%svms:\n' "$HEADER"
        printf '  - name: a\n    kernel: /k\n    memory: 64M\n    shm: [ { id: "r\\0", at: 0x05000000, size: 2M } ]\n'
        printf '  - name: b\n    kernel: /k\n    memory: 64M\n    shm: [ { id: "r\\0" } ]\n'
    } >"$IN"
    case_ region-id-nul region-id
fi

rm -f "$IN" "$OUT" "$ERR" "$TMP/both"
finish

#!/usr/bin/env bash
# tests/schema.sh [BINARY]
#
# Checks schemas/topology.schema.json (JSON Schema draft-07 of topology
# format v1, for editors and CI) with ajv in strict mode:
#   - the schema compiles (ajv strict: no unknown keywords, no ignored or
#     type-less keywords, no union types);
#   - every examples/*.yaml and tests/checks/good-*.yaml validates;
#   - the `config` output of each of them validates (YAML, and for the
#     examples also `--format json`);
#   - topologies generated here: edge spellings that must validate, and
#     mutations of a valid file (unknown key, bad enum, bad VM name, ...) that
#     must fail with an error at a given place. The binary checks each of them
#     too, and must agree (exit 0 for valid, 2 for invalid).
# YAML files are read twice, as YAML 1.1 (the spec) and as YAML 1.2 core (the
# YAML language server's default); both must give the same verdict. The YAML
# is converted with the npm `yaml` package: duplicate keys, anchors and
# aliases are refused as the tool refuses them (tests/tools/validate-topology.js).
#
# good-*.yaml files the schema cannot accept although they are valid (only if
# the schema cannot express something) go in SCHEMA_CANNOT_EXPRESS below,
# with the reason; there are none.
#
# Tools: tests/tools/package.json + package-lock.json, installed with
# `npm ci --prefix tests/tools` when tests/tools/node_modules is missing or
# older than the lock file (after that, no network is needed).
#
# Prints `PASS: schema ...` / `FAIL: schema ...: reason` per case, then a
# summary line; exits 0 only if every case passed.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=$ROOT/tests/tools
SCHEMA=$ROOT/schemas/topology.schema.json
VALIDATOR=$TOOLS/validate-topology.js
TIMEOUT=${SCHEMA_TIMEOUT:-20}

# file (relative to the repository root) -> why the schema cannot accept it
declare -A SCHEMA_CANNOT_EXPRESS=()

BIN=${1:-./xenshm-compose}
if [[ $BIN != /* && -e $BIN ]]; then BIN=$PWD/$BIN; fi
cd "$ROOT" || exit 1

SUITE=schema PREFIX="schema "
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/xenshm-schema.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- tools --
if ! command -v node >/dev/null 2>&1; then
    fail setup "node not found (Debian: apt-get install -y nodejs npm)"
    finish
fi
if [[ ! -f $SCHEMA ]]; then
    fail setup "$SCHEMA is missing"
    finish
fi

msg=$(node_tools "$TOOLS" ajv/package.json yaml/package.json) || { fail setup "cannot install test tools: $msg"; finish; }

have_bin=1
if [[ ! -x $BIN ]] && ! command -v "$BIN" >/dev/null 2>&1; then
    fail setup "binary '$BIN' not found or not executable (build it first, or pass its path as \$1); config output and tool agreement not checked"
    have_bin=0
fi

# run_bin OUT ARGS... -> exit code of the binary (stdout to OUT, stderr to OUT.err)
run_bin() {
    local out=$1
    shift
    timeout -k 5 "$TIMEOUT" "$BIN" "$@" >"$out" 2>"$out.err" </dev/null
}

# ------------------------------------------------------------ generated --
mkdir -p "$TMP/builtin" "$TMP/config"

BASE='version: 1
name: lab
xen:
  arch: arm64
  pool: { base: 0x60000000, size: 16M }
defaults:
  memory: 128M
vms:
  - name: sensor
    kernel: /srv/xen/sensor.img
    shm: [ "0x05000000+1M = ring" ]
  - name: logger
    kernel: /srv/xen/logger.img
    shm: [ ring ]'

# Valid spellings an editor must not flag: x- keys in every mapping, null
# where the tool takes null as empty, integer VM name and region ID, the
# short form without spaces, 0X, hex with a unit, a quoted ADDR, unquoted
# Xen version 4.20 (the number 4.2 to a YAML parser), raw xl keys.
EDGES='version: 1
name: 2024
x-owner: lab team
xen:
  arch: arm64
  version: 4.20
  backend: iomem
  gic: 2
  gpaddr_bits: 52
  x-board: qemu
  pool: { base: "0x60000000", size: 0X1000000, x-note: reserved }
defaults:
  memory: 0x8M
  kernel: /srv/xen/guest.img
  passthrough: ~
  x-note: all VMs
vms:
  - name: 7a
    vcpus: 128
    vuart: sbsa_uart
    dom0less_node: "domU-7,a+b"
    depends_on: ~
    passthrough: { iomem: [ "0005ffff,1@4fff" ], irqs: [ 33 ], dtdev: ~, x-why: uart }
    xl: { on_crash: preserve, cpus: ["0", "1"], x-unused: 1, max_grant_frames: 64 }
    shm:
      - "0x05000000+0x2M=ring"
      - { id: 42, size: 4096, x-role: owner }
      - " 0x05400000 + 4KiB = db "
  - name: Logger.v2_a-1
    depends_on: [ 7a ]
    shm: [ ring, 42, { id: db }, { id: X-ring, size: 4K } ]
    x-ci: { timeout: 30 }
  - name: idle
    shm: ~
regions:
  ring: ~
  42: { owner: 7a, host: 0x60400000, align: 2M, description: 2024 }
  db: { description: "doorbell" }
  X-ring: { size: 4K, owner: Logger.v2_a-1 }
  x-retired: { size: 1M }'

# label US expect US path US error instancePath US tool exit code (US: unit
# separator, not a tab: `read` would merge the tabs around an empty field)
US=$'\x1f'
builtin=()
gen() { # name expect wantpath toolrc content
    printf '%s\n' "$5" >"$TMP/builtin/$1.yaml"
    builtin+=("builtin:$1$US$2$US$TMP/builtin/$1.yaml$US$3$US$4")
}
# mutation of BASE that must fail: name wantpath from to
bad() {
    local m=${BASE/"$3"/"$4"}
    if [[ $m == "$BASE" ]]; then
        fail "rejects builtin:$1" "test bug: '$3' is not in the base topology"
        return
    fi
    gen "$1" invalid "$2" 2 "$m"
}

gen base valid "" 0 "$BASE"
gen edge-spellings valid "" 0 "$EDGES"
bad unknown-key /vms/0 '  - name: sensor' $'  - name: sensor\n    colour: blue'
bad unknown-top-key / 'defaults:' $'region: {}\ndefaults:'
bad bad-backend-enum /xen/backend '  arch: arm64' $'  arch: arm64\n  backend: grant-table'
bad bad-vm-name /vms/1/name 'name: logger' 'name: -logger'
bad vm-name-digits /vms/1/name 'name: logger' 'name: 7'
bad xl-key-upper /vms/0/xl '  - name: sensor' $'  - name: sensor\n    xl: { Foo: 1 }'
bad xl-generated-gic /vms/0/xl/gic_version '  - name: sensor' $'  - name: sensor\n    xl: { gic_version: v2 }'
bad vm-name-too-long /vms/1/name 'name: logger' "name: $(printf 'v%.0s' {1..65})"
bad bad-project-name /name 'name: lab' 'name: Lab'
bad version-2 /version 'version: 1' 'version: 2'
bad bad-size-unit /defaults/memory 'memory: 128M' 'memory: 128MB'
bad size-fraction /defaults/memory 'memory: 128M' 'memory: 1.5G'
bad bad-addr-unit /xen/pool/base 'base: 0x60000000' 'base: 0x60000000M'
bad short-form-bad-id /vms/0/shm/0 '1M = ring"' '1M = ring.0"'
bad region-id-extension /vms/1/shm/0 'shm: [ ring ]' 'shm: [ x-ring ]'
bad region-id-too-long /vms/1/shm/0 'shm: [ ring ]' 'shm: [ ring_0123456789ab ]'
bad missing-kernel /vms/1 $'    kernel: /srv/xen/logger.img\n' ''
bad missing-memory /vms/0 $'defaults:\n  memory: 128M' $'defaults:\n  vcpus: 1'
bad hvm-on-arm64 /vms/1/type '  - name: logger' $'  - name: logger\n    type: hvm'
bad gic-on-x86 /xen/gic '  arch: arm64' $'  arch: x86_64\n  gic: 3'
bad vcpus-range /vms/0/vcpus '  - name: sensor' $'  - name: sensor\n    vcpus: 129'
bad xen-version-old /xen/version '  arch: arm64' $'  arch: arm64\n  version: "4.16"'
bad xl-generated-key /vms/0/xl/memory '  - name: sensor' $'  - name: sensor\n    xl: { memory: 256 }'
bad passthrough-iomem-0x /vms/0/passthrough/iomem/0 '  - name: sensor' $'  - name: sensor\n    passthrough: { iomem: [ "0x9000,1" ] }'
bad mapping-unknown-key /vms/1/shm/0 'shm: [ ring ]' 'shm: [ { id: ring, addr: 0x05000000 } ]'
bad region-unknown-key /regions/ring 'shm: [ ring ]' $'shm: [ ring ]\nregions:\n  ring: { ownr: sensor }'

# ------------------------------------------------------------- manifest --
manifest=$TMP/manifest.tsv
: >"$manifest"
declare -A TOOLRC WANTRC
add() { # label expect path [wantpath]
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$manifest"
}

nfiles=0
for f in examples/*.yaml tests/checks/good-*.yaml; do
    [[ -f $f ]] || continue
    nfiles=$((nfiles + 1))
    if [[ -n ${SCHEMA_CANNOT_EXPRESS[$f]:-} ]]; then
        echo "schema.sh: not validating $f: ${SCHEMA_CANNOT_EXPRESS[$f]}" >&2
    else
        add "valid $f" valid "$f"
    fi
    [[ $have_bin -eq 1 ]] || continue
    formats=(yaml)
    [[ $f == examples/* ]] && formats+=(json)
    for fmt in "${formats[@]}"; do
        out=$TMP/config/$(printf '%03d' "$nfiles")-${f##*/}.$fmt
        [[ $fmt == yaml ]] && label="config $f" || label="config --format json $f"
        run_bin "$out" config "$f" --format "$fmt"
        rc=$?
        if [[ $rc -ne 0 ]]; then
            fail "$label" "exit $rc; stderr: $(head -c 300 "$out.err" | tr '\n' ' ')"
        else
            add "$label" valid "$out"
        fi
    done
done
[[ $nfiles -eq 0 ]] && fail inputs "no examples/*.yaml or tests/checks/good-*.yaml found"

for c in "${builtin[@]}"; do
    IFS=$US read -r label expect path want toolrc <<<"$c"
    add "$([[ $expect == valid ]] && echo valid || echo rejects) $label" "$expect" "$path" "$want"
    WANTRC[$label]=$toolrc
    if [[ $have_bin -eq 1 ]]; then
        run_bin "$TMP/check.out" check "$path"
        TOOLRC[$label]=$?
    fi
done

# ------------------------------------------------------------ validate --
node "$VALIDATOR" "$SCHEMA" "$manifest" >"$TMP/verdicts.tsv" 2>"$TMP/validator.err"
vrc=$?
nverdicts=0
compiled=0
while IFS=$'\t' read -r label verdict detail; do
    nverdicts=$((nverdicts + 1))
    [[ $label == compiles* && $verdict == PASS ]] && compiled=1
    if [[ $verdict != PASS ]]; then
        fail "$label" "$detail"
        continue
    fi
    blabel=${label#* }
    if [[ $blabel == builtin:* && -n ${TOOLRC[$blabel]:-} && ${TOOLRC[$blabel]} != "${WANTRC[$blabel]}" ]]; then
        fail "$label" "schema: $detail; but \`xenshm-compose check\` exits ${TOOLRC[$blabel]}, want ${WANTRC[$blabel]} (schema and tool disagree)"
        continue
    fi
    if [[ $blabel == builtin:* && -n ${TOOLRC[$blabel]:-} ]]; then
        pass "$label: $detail; tool agrees (exit ${TOOLRC[$blabel]})"
    else
        pass "$label: $detail"
    fi
done <"$TMP/verdicts.tsv"

want=$(( $(wc -l <"$manifest") + 1 ))   # + the "schema compiles" case
if [[ $vrc -ne 0 || ($compiled -eq 1 && $nverdicts -ne $want) || $nverdicts -eq 0 ]]; then
    fail validator "exit $vrc, $nverdicts verdicts for $want cases: $(head -c 300 "$TMP/validator.err" | tr '\n' ' ')"
fi

finish

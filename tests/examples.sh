#!/usr/bin/env bash
# Shipped examples: clean under -Werror, deterministic, and `config` round-trips.
set -u
cd "$(dirname "$0")/.." || exit 1
bin=${1:-./xenshm-compose}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "PASS: $1"; }
ko() { echo "FAIL: $1"; fail=1; }

for f in examples/*.yaml; do
	n=$(basename "$f" .yaml)
	if out=$("$bin" check -Werror "$f" 2>&1); then ok "example $n checks clean"; else ko "example $n: $out"; fi
	"$bin" check -q - <"$f" >/dev/null 2>&1 && ok "example $n from stdin" || ko "example $n from stdin"
	for fmt in yaml json; do
		"$bin" config --format $fmt "$f" >"$tmp/$n.1.$fmt" 2>&1 &&
			"$bin" config --format $fmt "$f" >"$tmp/$n.2.$fmt" 2>&1 &&
			cmp -s "$tmp/$n.1.$fmt" "$tmp/$n.2.$fmt" && ok "example $n config $fmt deterministic" ||
			ko "example $n config $fmt deterministic"
	done
	# the normalized form is itself a clean topology that normalizes to itself
	cp "$tmp/$n.1.yaml" "$tmp/$n.norm.yaml"
	if "$bin" check -Werror -q "$tmp/$n.norm.yaml" >/dev/null 2>&1 &&
		"$bin" config "$tmp/$n.norm.yaml" >"$tmp/$n.again.yaml" 2>&1 &&
		cmp -s "$tmp/$n.norm.yaml" "$tmp/$n.again.yaml"; then
		ok "example $n config round-trips"
	else
		ko "example $n config round-trips"
		diff "$tmp/$n.norm.yaml" "$tmp/$n.again.yaml" | head -10
	fi
	# JSON and YAML say the same thing
	if command -v jq >/dev/null && command -v node >/dev/null; then
		if node -e '
			const fs = require("fs");
			const j = JSON.parse(fs.readFileSync(process.argv[1]));
			if (!Array.isArray(j["x-start-order"]) || !j.vms || !j.regions) process.exit(1);
			for (const vm of j.vms) for (const m of vm.shm) if (!/^0x[0-9a-f]+$/.test(m.at)) process.exit(1);
		' "$tmp/$n.1.json"; then ok "example $n config json shape"; else ko "example $n config json shape"; fi
	fi
done
exit $fail

#!/usr/bin/env bash
# make install / make uninstall into a temporary DESTDIR: every file where
# the docs say, the installed binary works on an installed example, man
# finds the page, bash finds the completion, and uninstall leaves nothing.
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
ok() { echo "PASS: install $1"; }
bad() { echo "FAIL: install $1"; fail=1; }

if out=$(make -s install DESTDIR="$dest" PREFIX=/usr 2>&1); then
	ok "make install DESTDIR=... PREFIX=/usr"
else
	bad "make install failed: $(tail -3 <<<"$out" | tr '\n' ' ')"
	exit 1
fi
for f in usr/bin/xenshm-compose usr/share/man/man1/xenshm-compose.1 \
	usr/share/bash-completion/completions/xenshm-compose \
	usr/share/xenshm-compose/schemas/topology.schema.json usr/share/xenshm-compose/schemas/plan.schema.json \
	usr/share/doc/xenshm-compose/README.md usr/share/doc/xenshm-compose/examples/seed-three-vm.yaml; do
	[ -f "$dest/$f" ] && ok "/$f" || bad "/$f missing"
done
[ -x "$dest/usr/bin/xenshm-compose" ] && ok "the binary is executable" || bad "the binary is not executable"
n=$(find examples -name '*.yaml' | wc -l)
m=$(find "$dest/usr/share/doc/xenshm-compose/examples" -name '*.yaml' | wc -l)
[ "$n" = "$m" ] && ok "every example ($n)" || bad "$m of $n examples installed"

if grep -q '^# yaml-language-server: $schema=/usr/share/xenshm-compose/schemas/topology.schema.json$' \
	"$dest/usr/share/doc/xenshm-compose/examples/seed-three-vm.yaml"; then
	ok "an installed example's modeline names the installed schema"
else
	bad "an installed example's modeline: $(head -1 "$dest/usr/share/doc/xenshm-compose/examples/seed-three-vm.yaml")"
fi
if out=$("$dest/usr/bin/xenshm-compose" check "$dest/usr/share/doc/xenshm-compose/examples/seed-three-vm.yaml" 2>&1); then
	ok "the installed binary checks an installed example: $out"
else
	bad "the installed binary fails on an installed example: $out"
fi
if p=$(MANPATH="$dest/usr/share/man" man -w xenshm-compose 2>&1) && [ "$p" = "$dest/usr/share/man/man1/xenshm-compose.1" ]; then
	ok "man -w finds the page"
else
	bad "man -w: $p"
fi
if got=$(bash --norc --noprofile -c '. "$1"; COMP_WORDS=("$2" ch); COMP_CWORD=1; _xenshm_compose; echo "${COMPREPLY[*]}"' \
	bash "$dest/usr/share/bash-completion/completions/xenshm-compose" "$dest/usr/bin/xenshm-compose") &&
	[ "$got" = check ]; then
	ok "the installed completion completes 'ch' to check"
else
	bad "the installed completion offers '$got' for 'ch'"
fi

if out=$(make -s uninstall DESTDIR="$dest" PREFIX=/usr 2>&1); then
	left=$(find "$dest" -mindepth 1 -type f)
	[ -z "$left" ] && ok "make uninstall removes every file" || bad "make uninstall left $(head -3 <<<"$left" | tr '\n' ' ')"
	for d in usr/share/xenshm-compose usr/share/doc/xenshm-compose; do
		[ ! -e "$dest/$d" ] && ok "make uninstall removes /$d" || bad "make uninstall left /$d"
	done
	[ -d "$dest/usr/bin" ] && ok "make uninstall keeps the shared /usr/bin" || bad "make uninstall removed /usr/bin"
else
	bad "make uninstall failed: $out"
fi
exit $fail

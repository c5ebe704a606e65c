#!/usr/bin/env bash
# The Debian package (CI, as root): dpkg-buildpackage -us -uc -b in a copy of
# the tracked files builds xenshm-compose_*.deb; lintian reports no error; the
# package holds the files `make install PREFIX=/usr` installs (man page and
# docs compressed, copyright and changelog added, as Debian does); apt-get
# installs it, the installed binary checks an installed example, man finds the
# page; apt-get removes it and nothing of it is left.
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
ok() { echo "PASS: deb $1"; }
bad() { echo "FAIL: deb $1"; fail=1; }
[ "$(id -u)" = 0 ] || { echo "FAIL: deb: needs root (apt-get install)"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"; dpkg -r xenshm-compose >/dev/null 2>&1' EXIT
mkdir "$work/src"
git ls-files -z | xargs -0 cp --parents -t "$work/src"
if (cd "$work/src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	bad "dpkg-buildpackage failed: $(tail -5 "$work/build.log" | tr '\n' ' ')"
	exit 1
fi
deb=$(ls "$work"/xenshm-compose_*.deb | head -1)
[ -f "$deb" ] && ok "built $(basename "$deb")" || { bad "no xenshm-compose_*.deb"; exit 1; }

lint=$(lintian --tag-display-limit 0 "$work"/xenshm-compose_*.changes 2>&1 | grep -v 'root privileges')
[ -n "$lint" ] && sed 's/^/    lintian: /' <<<"$lint"
if grep -q '^E: ' <<<"$lint"; then bad "lintian reports errors"; else ok "lintian: no error"; fi

# the same files as make install, Debian's compression and additions aside
make -s install DESTDIR="$work/inst" PREFIX=/usr >/dev/null
(cd "$work/inst" && find . -type f | sed 's|^\.||' | sort) >"$work/make.list"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\.||; s|\.gz$||' |
	grep -vx -e /usr/share/doc/xenshm-compose/copyright -e /usr/share/doc/xenshm-compose/changelog | sort >"$work/deb.list"
if diff "$work/make.list" "$work/deb.list" >"$work/diff"; then
	ok "the package installs what make install does ($(wc -l <"$work/make.list") files)"
else
	bad "the package and make install differ: $(head -5 "$work/diff" | tr '\n' ' ')"
fi

if apt-get install -y -q "$deb" >"$work/apt.log" 2>&1; then
	ok "apt-get install ./$(basename "$deb")"
else
	bad "apt-get install: $(tail -3 "$work/apt.log" | tr '\n' ' ')"
	exit 1
fi
ex=/usr/share/doc/xenshm-compose/examples/seed-three-vm.yaml
out=$(/usr/bin/xenshm-compose check "$ex" 2>&1) && ok "installed: $out" || bad "installed check: $out"
p=$(man -w xenshm-compose 2>&1) && ok "man -w xenshm-compose: $p" || bad "man -w: $p"
if apt-get remove -y -q xenshm-compose >"$work/apt.log" 2>&1 && [ ! -e /usr/bin/xenshm-compose ] &&
	[ ! -e /usr/share/xenshm-compose ]; then
	ok "apt-get remove leaves nothing of it"
else
	bad "apt-get remove: $(tail -3 "$work/apt.log" | tr '\n' ' ')"
fi
exit $fail

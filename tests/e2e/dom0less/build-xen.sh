#!/usr/bin/env bash
# Xen 4.17's hypervisor for the dom0less suite, from Debian's own source
# package, cross-built for arm64 with static shared memory; cached.
# Usage: build-xen.sh DIR VARIANT    VARIANT: shm (xen-shm.kconfig) or
# earlyprintk (xen-shm-earlyprintk.kconfig: also prints Xen's early errors).
# Leaves DIR/xen-VARIANT (and its .config) and prints "source N s" / "build N s".
#
# The machine needs no deb-src entry: apt runs on a private configuration in
# DIR/apt (a deb-src twin of each of the system's deb entries, its own lists,
# no package caches), so /etc/apt and the system's package lists stay untouched.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$1 variant=$2
kconfig=$here/xen-$variant.kconfig
[ -f "$kconfig" ] || { echo "build-xen: no $kconfig" >&2; exit 2; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
log=$dir/xen-$variant.log
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# private_apt: DIR/apt/sources.list.d/deb-src.sources from the system's deb
# entries (deb822 stanzas and one-line ones); Debian's archive key signs them
private_apt() {
	local a=$dir/apt f
	mkdir -p "$a/sources.list.d" "$a/lists/partial" "$a/archives/partial"
	: >"$a/sources.list"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v key=/usr/share/keyrings/debian-archive-keyring.gpg '
			function flush() {
				if (deb && uris != "")
					printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\nSigned-By: %s\n\n",
						uris, suites, comps, signed != "" ? signed : key
				deb = 0; uris = suites = comps = signed = ""
			}
			/^[ \t]*$/ { flush(); next }
			/^#/ { next }
			/^Types:/ { deb = ($0 ~ /[ \t]deb([ \t]|$)/) }
			/^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
			/^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
			/^Components:/ { sub(/^Components:[ \t]*/, ""); comps = $0 }
			/^Signed-By:/ { sub(/^Signed-By:[ \t]*/, ""); signed = $0 }
			END { flush() }' "$f"
	done >"$a/sources.list.d/deb-src.sources"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && sed -n 's/^[ \t]*deb[ \t]/deb-src /p' "$f"
	done >"$a/sources.list"
	[ -s "$a/sources.list.d/deb-src.sources" ] || [ -s "$a/sources.list" ] ||
		{ echo "build-xen: no deb entry in /etc/apt to make a deb-src one from" >&2; exit 1; }
	apt_opts=(-o "Dir::Etc::SourceList=$a/sources.list" -o "Dir::Etc::SourceParts=$a/sources.list.d"
		-o "Dir::State::Lists=$a/lists" -o "Dir::Cache::Archives=$a/archives"
		-o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" -o "APT::Sandbox::User=root")
}

t0=$(now)
src=$dir/src
if [ ! -f "$src/.done" ]; then
	private_apt
	rm -rf "$src" && mkdir -p "$src"
	# xen/bookworm: the newest candidate (bookworm-security) has no source
	# on the mirror (404, the recipe's pitfall 1)
	{ apt-get "${apt_opts[@]}" update &&
		(cd "$src" && apt-get "${apt_opts[@]}" source --download-only xen/bookworm); } >"$dir/apt-source.log" 2>&1 ||
		{ tail -5 "$dir/apt-source.log" >&2; echo "build-xen: apt-get source xen/bookworm failed" >&2; exit 1; }
	touch "$src/.done"
fi
dsc=$(find "$src" -maxdepth 1 -name 'xen_4.17*.dsc' | sort | tail -1)
[ -n "$dsc" ] || { echo "build-xen: no xen_4.17*.dsc in $src" >&2; exit 1; }
# one tree per variant: Xen refuses O= next to an in-tree build (pitfall 4)
tree=$dir/tree-$variant
if [ ! -f "$tree/.unpacked" ]; then
	rm -rf "$tree"
	dpkg-source --no-copy -x "$dsc" "$tree" >"$dir/dpkg-source-$variant.log" 2>&1 ||
		{ tail -5 "$dir/dpkg-source-$variant.log" >&2; exit 1; }
	touch "$tree/.unpacked"
fi
t1=$(now)
echo "source $(secs "$t0" "$t1") s ($(basename "$dsc"))"

make=(make -C "$tree/xen" XEN_TARGET_ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
cp "$kconfig" "$tree/xen/.config"	# Debian's own debian/xen-kconfig is just CONFIG_DEBUG=n
"${make[@]}" olddefconfig >"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
for c in $(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=y$/\1/p' "$kconfig"); do
	grep -q "^$c=y" "$tree/xen/.config" || { echo "build-xen: $c did not stick (olddefconfig)" >&2; exit 1; }
done
"${make[@]}" -j"$(nproc)" >>"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
# a Xen without STATIC_SHM still carries the message that asks for it
! grep -a -q 'CONFIG_STATIC_SHM must be enabled' "$tree/xen/xen" ||
	{ echo "build-xen: the Xen built has no CONFIG_STATIC_SHM" >&2; exit 1; }
cp "$tree/xen/xen" "$dir/xen-$variant.tmp" && mv "$dir/xen-$variant.tmp" "$dir/xen-$variant"
cp "$tree/xen/.config" "$dir/xen-$variant.config"
echo "build $(secs "$t1" "$(now)") s"

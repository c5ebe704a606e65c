#!/usr/bin/env bash
# E2E prerequisites, Debian packages only: host tools with apt-get, and the arm64
# packages (Xen 4.17, its libraries, a kernel, busybox, and -dev packages as a
# cross sysroot) with apt-get download + dpkg -x. Idempotent; cached in $E2E_CACHE.
set -euo pipefail
cache=${E2E_CACHE:-$(cd "$(dirname "$0")/../.." && pwd)/build/e2e}
mkdir -p "$cache/debs"
export DEBIAN_FRONTEND=noninteractive

need_root() {
	[ "$(id -u)" = 0 ] || { echo "e2e: $1 needs root (apt-get, dpkg): run it as root once" >&2; exit 1; }
}
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	need_root "adding the arm64 architecture"
	dpkg --add-architecture arm64
	apt-get update -qq
fi
host_pkgs="qemu-system-arm device-tree-compiler gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross cpio file"
# shellcheck disable=SC2086 # word list
if ! dpkg -s $host_pkgs >/dev/null 2>&1; then
	need_root "installing $host_pkgs"
	apt-get install -y -qq --no-install-recommends $host_pkgs >/dev/null ||
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $host_pkgs >/dev/null; }
fi

# runtime of dom0 (Xen's toolstack and what xenshm-compose links) and the sysroot to build it
pkgs="xen-hypervisor-4.17-arm64 xen-utils-4.17 xen-utils-common libxenmisc4.17 libxencall1
libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxenstore4 libxentoollog1 libxendevicemodel1
libxenhypfs1 libxentoolcore1 libyajl2 libc6 libncurses6 libtinfo6 libext2fs2 libfdt1 libuuid1
zlib1g busybox-static libgcc-s1 libyaml-0-2 libjansson4 libnettle8 xenstore-utils
libxen-dev libyaml-dev libjansson-dev nettle-dev libfdt-dev"
kpkg=$(apt-cache depends linux-image-arm64:arm64 | awk '/Depends: linux-image-6/{print $2}' | head -1)
# the markers hold the package list: a changed list fetches and unpacks again
# shellcheck disable=SC2086 # one line of words
want=$(printf "%s " $pkgs "$kpkg")
if [ "$(cat "$cache/debs/.done" 2>/dev/null)" != "$want" ]; then
	rm -f "$cache"/debs/*.deb
	(cd "$cache/debs" && for p in $pkgs "$kpkg"; do echo "${p%:arm64}:arm64"; done |
		xargs apt-get download -q=2 >/dev/null) ||
		{ apt-get update -qq && (cd "$cache/debs" && for p in $pkgs "$kpkg"; do echo "${p%:arm64}:arm64"; done | xargs apt-get download -q=2 >/dev/null); }
	echo "$want" >"$cache/debs/.done"
fi
if [ "$(cat "$cache/root/.done" 2>/dev/null)" != "$want" ]; then
	rm -rf "$cache/root" && mkdir -p "$cache/root"
	for d in "$cache"/debs/*.deb; do dpkg -x "$d" "$cache/root"; done
	echo "$want" >"$cache/root/.done"
fi
echo "e2e: packages in $cache/root ($(du -sh "$cache/root" | cut -f1))"

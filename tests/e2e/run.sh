#!/usr/bin/env bash
# End to end on real Xen: boots Debian's Xen 4.17 arm64 and a busybox dom0 under
# QEMU (TCG) and runs xenshm-compose there (tests/e2e/MODE.sh: e2e or demo).
# Prints "PASS: e2e ..." / "FAIL: e2e ..." lines and ends with "N passed, N failed".
# Usage: run.sh [e2e|demo]      Knobs: E2E_CACHE, E2E_TIMEOUT (s), E2E_KEEP=1
set -uo pipefail
mode=${1:-e2e}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${E2E_CACHE:-$top/build/e2e}
work=$cache/work-$mode
root=$cache/root
timeout_s=${E2E_TIMEOUT:-600}
log=$cache/$mode.log
t_start=$(date +%s)

# shellcheck source=tests/e2e/lib.sh
. "$here/lib.sh"
say() { echo "e2e: $*"; }
die() { echo "FAIL: e2e setup: $*"; echo "0 passed, 1 failed"; exit 1; }

"$here/fetch.sh" || die "fetching the packages failed"
t_fetched=$(date +%s)

# xenshm-compose for dom0, cross-built against the arm64 -dev packages
export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root/usr/lib/aarch64-linux-gnu/pkgconfig
make -s -C "$top" BUILD=build/arm64 CC=aarch64-linux-gnu-gcc GRAPHVIZ=no \
	LDFLAGS="-Wl,-rpath-link,$root/lib/aarch64-linux-gnu:$root/usr/lib/aarch64-linux-gnu" \
	build/arm64/xenshm-compose >/dev/null || die "cross build of xenshm-compose failed"
# and the guest tool, static, for the Linux guest's initramfs (e2e step 16)
if [ "$mode" = e2e ]; then
	make -s -C "$top" BUILD=build/arm64 CC=aarch64-linux-gnu-gcc GRAPHVIZ=no \
		LDFLAGS="-L$root/usr/lib/aarch64-linux-gnu" build/arm64/xenshm-guest-static >/dev/null 2>&1 ||
		die "static cross build of xenshm-guest failed"
fi
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
make -s -C "$top" xenshm-compose >/dev/null || die "host build failed"
xc=$top/xenshm-compose

# the topology's own artifacts: the host pool fragment and the guests' headers
topo=$here/e2e.yaml
[ "$mode" = demo ] && topo=$top/examples/qemu-demo.yaml
rm -rf "$work" && mkdir -p "$work"
"$xc" build -q "$topo" -o "$work/build" || die "xenshm-compose build failed"
"$here/guest/build.sh" "$work/build" "$work/guest" || die "guest build failed"
if [ "$mode" = e2e ]; then	# the conflicting project's guests prove their sharing when it wins
	"$xc" build -q "$here/conflict.yaml" -o "$work/build-other" || die "xenshm-compose build of conflict.yaml failed"
	"$here/guest/build.sh" "$work/build-other" "$work/guest" || die "guest build (conflict.yaml) failed"
	# step 16: bm, a peer of xenshm-guest, and lx, a Linux guest with a busybox initramfs
	"$xc" build -q "$here/linux.yaml" -o "$work/build-linux" || die "xenshm-compose build of linux.yaml failed"
	"$here/guest/build.sh" -DPLAIN_COUNT=20000 -DPLAIN_SIZE=64 '-DPLAIN_SEND="to-linux"' -DTIMEOUT_S=600 \
		"$work/build-linux" "$work/guest-linux" || die "guest build (linux.yaml) failed"
	cp "$work/guest-linux/bm.img" "$work/guest/"
	lx=$work/lx
	mkdir -p "$lx"/{bin,proc,sys,dev,tmp,usr/bin}
	cp "$root/bin/busybox" "$lx/bin/" && ln -sf busybox "$lx/bin/sh"
	cp "$here/linux-init.sh" "$lx/init"
	cp "$top/build/arm64/xenshm-guest-static" "$lx/usr/bin/xenshm-guest"
	mkcpio "$lx" "$work/lx.cpio"
fi
aarch64-linux-gnu-gcc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$work/faults.so" "$here/faults.c" -ldl ||
	die "fault injection library does not build"

# dom0 initramfs: busybox, Xen's toolstack and libraries, xenshm-compose, the guests
r=$work/dom0
dom0_tree "$root" "$r" aarch64-linux-gnu lib/ld-linux-aarch64.so.1 "$top/build/arm64/xenshm-compose" || die "dom0 tree incomplete"
kver=$(find "$root/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' | head -1)
cp "$here"/*.sh "$here"/*.yaml "$r/e2e/"
cp "$topo" "$work/faults.so" "$r/e2e/"
cp "$work"/guest/*.img "$r/guest/"
if [ "$mode" = e2e ]; then	# the Linux guest: Debian's kernel, as dom0's
	cp "$work/lx.cpio" "$r/guest/"
	cp "$root/boot/vmlinuz-$kver" "$r/guest/vmlinuz"
fi
yes 'not a kernel image' | head -c 1M >"$r/guest/invalid.img"	# rollback.yaml's last VM
mkcpio "$r" "$work/dom0.cpio"

# the host device tree: QEMU's own plus the generated host/xenshm-pool.dtsi
xen=$root/boot/xen-4.17-arm64
kernel=$root/boot/vmlinuz-$kver
machine="-machine virt,virtualization=on,gic-version=3 -cpu cortex-a57 -smp 2 -m 2048 -nic none"
xen_cmdline="dom0_mem=512M,max:512M dom0_max_vcpus=1 console=dtuart"
dom0_cmdline="console=hvc0 earlycon=xen rdinit=/init quiet xtest=$mode"
kaddr=0x49000000 iaddr=0x50000000
# shellcheck disable=SC2086 # machine is words
qemu-system-aarch64 $machine -nographic -machine dumpdtb="$work/qemu.dtb" \
	-kernel "$xen" -append "$xen_cmdline" \
	-device guest-loader,addr=$kaddr,kernel="$kernel",bootargs="$dom0_cmdline" \
	-device guest-loader,addr=$iaddr,initrd="$work/dom0.cpio" >/dev/null 2>&1 ||
	die "QEMU could not dump its device tree"
dtc -q -I dtb -O dts "$work/qemu.dtb" | sed '1{/^\/dts-v1\/;/d}' >"$work/qemu-body.dts"
cp "$work/build/host/xenshm-pool.dtsi" "$work/"
printf '/dts-v1/;\n/include/ "xenshm-pool.dtsi"\n/include/ "qemu-body.dts"\n' >"$work/host.dts"
dtc -q -I dts -O dtb -i "$work" -o "$work/host.dtb" "$work/host.dts" ||
	die "the host device tree with host/xenshm-pool.dtsi does not compile"
t_built=$(date +%s)

say "booting Xen 4.17 + dom0 under QEMU (timeout ${timeout_s}s), log in $log"
# the console streams as it runs: dom0's and the tool's lines, and the guests' (demo)
# shellcheck disable=SC2086
timeout --foreground "$timeout_s" qemu-system-aarch64 $machine -nographic -no-reboot \
	-dtb "$work/host.dtb" -kernel "$xen" -append "$xen_cmdline" \
	-device loader,file="$kernel",addr=$kaddr,force-raw=on \
	-device loader,file="$work/dom0.cpio",addr=$iaddr,force-raw=on \
	-serial stdio -monitor none </dev/null 2>&1 | console_filter "$log"
qemu_rc=${PIPESTATUS[0]}
t_done=$(date +%s)
tally "$log" "arm64 " "$([ "$mode" = demo ] && echo 1 || echo 35)" "$qemu_rc"
echo "e2e: times: fetch $((t_fetched - t_start)) s, build $((t_built - t_fetched)) s, QEMU $((t_done - t_built)) s"
grep -a -E 'DOM0: toolstack up|E2E TIME' "$log" | sed 's/^/e2e: /'
[ "${E2E_KEEP:-0}" = 1 ] || rm -rf "$work"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

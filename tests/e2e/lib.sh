# shellcheck shell=bash
# Sourced by the E2E boot scripts (run.sh for arm64, x86/run.sh): the pieces
# both architectures build and read the same way.

mkcpio() {	# DIR OUT: a newc initramfs of DIR, owned by root
	(cd "$1" && find . -print0 | cpio --null -o -H newc --owner=0:0 --quiet) >"$2"
}

# dom0_tree ROOT DIR TRIPLET LOADER BINARY: the dom0 initramfs tree in DIR from
# the unpacked packages in ROOT: busybox, Xen's toolstack and libraries, the
# Xen kernel modules, xenstore's tools, and xenshm-compose (BINARY)
dom0_tree() {
	local root=$1 r=$2 triplet=$3 loader=$4 bin=$5 kver kd m
	mkdir -p "$r"/{bin,sbin,proc,sys,dev,tmp,run,etc,var/lib/xen,var/log/xen,guest,e2e,usr/bin,lib}
	cp "$root/bin/busybox" "$r/bin/"
	ln -sf busybox "$r/bin/sh"
	cp -a "$root/lib/$triplet" "$r/lib/"
	mkdir -p "$r/usr/lib/$triplet" "$r/$(dirname "$loader")"
	cp -a "$root"/usr/lib/"$triplet"/*.so* "$r/usr/lib/$triplet/"
	ln -sf "/lib/$triplet/$(basename "$loader")" "$r/$loader"
	mkdir -p "$r/usr/lib/xen-4.17" && cp -a "$root/usr/lib/xen-4.17/bin" "$r/usr/lib/xen-4.17/"
	cp -a "$root/etc/xen" "$r/etc/"
	kver=$(find "$root/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' | head -1)
	kd=$r/lib/modules/$kver/kernel/drivers/xen
	mkdir -p "$kd/xenfs"
	for m in xen-privcmd xen-evtchn xen-gntdev xen-gntalloc; do
		cp "$root/lib/modules/$kver/kernel/drivers/xen/$m.ko" "$kd/"
	done
	cp "$root/lib/modules/$kver/kernel/drivers/xen/xenfs/xenfs.ko" "$kd/xenfs/"
	cp "$bin" "$root"/usr/bin/xenstore-* "$r/usr/bin/"
	cp "$(dirname "${BASH_SOURCE[0]}")/dom0-init.sh" "$r/init"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
	# a library missing from dom0 would show only as a wait until the boot's timeout
	for m in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -e "$r/lib/$triplet/$m" ] || [ -e "$r/usr/lib/$triplet/$m" ] || {
			echo "e2e: $bin needs $m, which no fetched package holds" >&2
			return 1
		}
	done
}

# console_filter: what of the serial console the user sees while it runs
console_filter() {
	stdbuf -oL tr -d '\r' | tee "$1" |
		grep -a --line-buffered -E '^(E2E|DOM0|DEMO|xenshm-compose|created|up:|down:|destroyed|project |  )' |
		grep -a --line-buffered -v -E '^E2E (PASS|FAIL)' | sed -u 's/^/  | /'
}

# tally LOG LABEL WANT QEMU_RC: dom0's "E2E PASS/FAIL" lines as PASS/FAIL lines;
# sets passed and failed; fewer than WANT steps reported is a failure too
tally() {
	local log=$1 label=$2 want=$3 qemu_rc=$4 line
	passed=0 failed=0
	while IFS= read -r line; do
		case $line in
		"E2E PASS: "*) echo "PASS: e2e $label${line#E2E PASS: }"; passed=$((passed + 1)) ;;
		"E2E FAIL: "*) echo "FAIL: e2e $label${line#E2E FAIL: }"; failed=$((failed + 1)) ;;
		esac
	done < <(grep -a -E '^E2E (PASS|FAIL): ' "$log")
	if [ $((passed + failed)) -lt "$want" ]; then
		# a CI log may be all there is to read: what crashed, and where the run stood
		grep -a -i -E 'segfault|general protection|traps:|triple fault|kernel panic|oops|domain_crash|\(XEN\) .*(BUG|WARN)' \
			"$log" | head -n 20 | sed "s/^/e2e: ${label}crash: /"
		tail -n 30 "$log" | sed "s/^/e2e: ${label}log tail: /"
		echo "FAIL: e2e ${label}only $((passed + failed)) of $want steps reported (QEMU exit $qemu_rc; see $log)"
		failed=$((failed + 1))
	fi
}

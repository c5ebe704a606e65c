#!/usr/bin/env bash
# Generates a benchmark topology of N VMs (arm64, iomem).
#   pairs (the default): VMs in pairs sharing a 2 MiB ring (explicit size),
#     every 8 VMs a 4 KiB doorbell (auto-placed), a depends_on in each pair;
#   star: M regions of 64 KiB (default 1), each shared by all N VMs;
#   ring: M mappings per VM (default 8), 64 KiB regions each shared by a ring
#     of 4 VMs (region F.j: VMs j..j+3, for M/4 families F), explicit guest
#     addresses; ring-auto: the same, placed by the compiler.
# Usage: gen.sh N [pairs|star|ring|ring-auto] [M] > file.yaml
set -eu
n=${1:?N}
shape=${2:-pairs}
m=${3:-}
[ -n "$m" ] || { [ "$shape" = star ] && m=1 || m=8; }
awk -v n="$n" -v shape="$shape" -v m="$m" 'BEGIN {
	print "version: 1"
	print "name: bench"
	print "xen:"
	print "  arch: arm64"
	print "  pool: { base: 0x800000000, size: 256G }"
	print "defaults: { memory: 64M, kernel: /guest/bench.img, vuart: sbsa_uart }"
	print "vms:"
	for (i = 0; i < n && shape == "star"; i++) {
		printf "  - { name: vm%d, shm: [ ", i
		for (f = 0; f < m; f++)
			printf "%s{ id: hub%d, size: 64K }", f ? ", " : "", f
		print " ] }"
	}
	for (i = 0; i < n && shape == "pairs"; i++) {
		printf "  - name: vm%d\n", i
		if (i % 2)
			printf "    depends_on: [vm%d]\n", i - 1
		printf "    shm: [ { id: r%d, size: 2M }, { id: d%d, size: 4K } ]\n", int(i / 2), int(i / 8)
	}
	if (shape != "ring" && shape != "ring-auto")
		exit
	# VM i maps F.j for j = i-3..i of every family F; the size once, by j itself
	for (i = 0; i < n; i++) {
		printf "  - name: vm%d\n    shm:\n", i
		for (f = 0; f < m / 4; f++)
			for (k = 0; k < 4; k++) {
				j = (i - k + n) % n
				printf "      - { id: r%dx%d", f, j
				if (k == 0)
					printf ", size: 64K"
				if (shape == "ring")
					printf ", at: 0x%x", 83886080 + (f * 4 + j % 4) * 65536	# 0x05000000: mawk reads no hex in a program
				print " }"
			}
	}
}'

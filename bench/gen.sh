#!/usr/bin/env bash
# Generates a benchmark topology of N VMs (arm64, iomem): VMs in pairs sharing a
# 2 MiB ring (explicit size), every 8 VMs sharing a 4 KiB doorbell (auto-placed),
# a depends_on chain inside each pair. Usage: gen.sh N > file.yaml
set -eu
n=${1:?N}
awk -v n="$n" 'BEGIN {
	print "version: 1"
	print "name: bench"
	print "xen:"
	print "  arch: arm64"
	print "  pool: { base: 0x800000000, size: 128G }"
	print "defaults: { memory: 64M, kernel: /guest/bench.img, vuart: sbsa_uart }"
	print "vms:"
	for (i = 0; i < n; i++) {
		printf "  - name: vm%d\n", i
		if (i % 2)
			printf "    depends_on: [vm%d]\n", i - 1
		printf "    shm: [ { id: r%d, size: 2M }, { id: d%d, size: 4K } ]\n", int(i / 2), int(i / 8)
	}
}'

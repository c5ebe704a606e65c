#!/usr/bin/env bash
# Generates a benchmark topology of N VMs (arm64, iomem). Shape "pairs" (the
# default): VMs in pairs sharing a 2 MiB ring (explicit size), every 8 VMs
# sharing a 4 KiB doorbell (auto-placed), a depends_on chain inside each pair.
# Shape "star": one 64 KiB region shared by all N VMs.
# Usage: gen.sh N [pairs|star] > file.yaml
set -eu
n=${1:?N}
shape=${2:-pairs}
awk -v n="$n" -v shape="$shape" 'BEGIN {
	print "version: 1"
	print "name: bench"
	print "xen:"
	print "  arch: arm64"
	print "  pool: { base: 0x800000000, size: 128G }"
	print "defaults: { memory: 64M, kernel: /guest/bench.img, vuart: sbsa_uart }"
	print "vms:"
	for (i = 0; i < n && shape == "star"; i++)
		printf "  - { name: vm%d, shm: [ { id: hub, size: 64K } ] }\n", i
	for (i = 0; i < n && shape == "pairs"; i++) {
		printf "  - name: vm%d\n", i
		if (i % 2)
			printf "    depends_on: [vm%d]\n", i - 1
		printf "    shm: [ { id: r%d, size: 2M }, { id: d%d, size: 4K } ]\n", int(i / 2), int(i / 8)
	}
}'

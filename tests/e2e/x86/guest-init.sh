#!/bin/sh
# init of an x86 PVH test guest: run the test program, try to read the region
# records from inside the guest (members may, others not), then stay up for ps
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
/shmtest
for id in all pair; do
	if v=$(xenstore-read "/local/shared_mem/$id/owner" 2>&1); then
		echo "XSREAD $id: read $v"
	else
		echo "XSREAD $id: refused: $v"
	fi
done
while :; do sleep 3600; done

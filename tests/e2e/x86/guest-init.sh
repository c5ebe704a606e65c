#!/bin/sh
# init of an x86 PVH test guest: run the test program, then stay up for ps
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
/shmtest
while :; do sleep 3600; done

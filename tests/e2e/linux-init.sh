#!/bin/sh
# init of the arm64 E2E's Linux guest (lx in linux.yaml): find the regions by
# ID in the device tree alone (up gave the guest guest/lx/xenshm.dtb), then
# talk with the bare-metal guest bm: receive and check its 20000 messages,
# timed (the bench), and send it 20000 checked ones; each outcome is a RESULT
# line on the console. Then stay up until down destroys the domain.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "LINUX: up after $(cut -d' ' -f1 /proc/uptime) s"
export XENSHM_NO_XENSTORE=1	# the device tree only: that is what this guest proves
xenshm-guest list | sed 's/^/LINUX LIST: /'
xenshm-guest send --count 20000 --timeout 300 to-bm >/tmp/send.out 2>&1 &
sender=$!
if xenshm-guest bench --count 20000 --size 64 --timeout 300 to-linux recv >/tmp/bench.out 2>&1; then
	r=PASS
else
	r=FAIL
fi
sed 's/^/LINUX: /' /tmp/bench.out
echo "RESULT lx to-linux: received 20000 checked messages from bm -> $r"
if wait $sender; then r=PASS; else r=FAIL; fi
sed 's/^/LINUX: /' /tmp/send.out
echo "RESULT lx to-bm: sent 20000 checked messages to bm -> $r"
echo "LINUX: done"
while :; do sleep 3600; done

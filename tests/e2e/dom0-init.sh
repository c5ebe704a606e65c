#!/bin/sh
# dom0's /init in the E2E boot: bring up Xen's toolstack, run the test named on
# the kernel command line (xtest=e2e|demo), power off.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/usr/lib/xen-4.17/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /run/xen /var/run/xen /var/lib/xen /var/log/xen/console /var/lock /tmp
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
echo "DOM0: init, uptime $(cut -d' ' -f1 /proc/uptime)s"
k=/lib/modules/$(uname -r)/kernel/drivers/xen
for m in xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs/xenfs; do
	insmod "$k/$m.ko" || echo "DOM0: insmod $m failed"
done
mount -t xenfs xenfs /proc/xen
xenstored --pid-file=/run/xen/xenstored.pid || echo "DOM0: xenstored failed"
sleep 1
xenconsoled --pid-file=/run/xen/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console ||
	echo "DOM0: xenconsoled failed"
xen-init-dom0 >/dev/null || echo "DOM0: xen-init-dom0 failed"
echo "DOM0: toolstack up, uptime $(cut -d' ' -f1 /proc/uptime)s"
mode=none
for a in $(cat /proc/cmdline); do
	case $a in xtest=*) mode=${a#xtest=} ;; esac
done
[ -x "/e2e/$mode.sh" ] && "/e2e/$mode.sh"
echo "DOM0: powering off, uptime $(cut -d' ' -f1 /proc/uptime)s"
poweroff -f

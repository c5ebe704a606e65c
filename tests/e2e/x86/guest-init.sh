#!/bin/sh
# init of an x86 PVH test guest: run the test program, try to read the region
# records from inside the guest (members may, others not), then, where the
# topology gives it a2b, b2a and bench (x86.yaml's alpha and beta, whose
# initramfs alone carries xenshm-guest), find the
# regions through xenstore with xenshm-guest and talk: each side checks every
# message, alpha times the bench; then stay up for ps
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
talk() {	# TAG ARGS...: the lines of one xenshm-guest run, marked for x86.sh
	tag=$1
	shift
	if xenshm-guest "$@" >"/tmp/$tag.out" 2>&1; then r=PASS; else r=FAIL; fi
	sed 's/^/TALK: /' "/tmp/$tag.out"
	echo "TALK: xenshm-guest $* -> $r"
}
ring="--slot 256 --slots 64 --timeout 300"
# by ID: xenstore has no listing for guests
if [ -x /usr/bin/xenshm-guest ] && xenshm-guest list a2b b2a bench >/tmp/list 2>&1; then
	sed 's/^/TALK LIST: /' /tmp/list
	# shellcheck disable=SC2086 # ring is words
	case $(xenstore-read name) in
	beta)	# the owner: lays each ring out
		talk s send --init $ring --count 2000 b2a &
		talk r recv --init $ring --count 2000 a2b
		wait
		talk b bench --init $ring --count 20000 --size 64 bench send ;;
	alpha)
		talk s send $ring --count 2000 a2b &
		talk r recv $ring --count 2000 b2a
		wait
		talk b bench $ring --count 20000 --size 64 bench recv ;;
	esac
	echo "TALK: done"
elif [ -x /usr/bin/xenshm-guest ]; then
	# say why, and that this side is done: the host stops waiting for it
	sed 's/^/TALK LIST failed: /' /tmp/list
	echo "TALK: done"
fi
while :; do sleep 3600; done

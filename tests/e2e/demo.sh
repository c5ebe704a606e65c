#!/bin/sh
# dom0 side of `make demo`: up on the shipped example, the guests' consoles as
# they run, then ps and down.
X=/usr/bin/xenshm-compose
T=/e2e/qemu-demo.yaml
LOGS=/var/log/xen/console
echo "DEMO: \$ xenshm-compose up $T"
$X up $T || { echo "E2E FAIL: demo up"; exit 1; }
# stream each guest's console until both guests are done (at most 60 s)
seen_sensor=0 seen_logger=0
show() {	# VM LINES_ALREADY_SHOWN: prints the new lines, returns how many there are now
	f=$LOGS/guest-$1-vuart0.log
	n=$(wc -l <"$f" 2>/dev/null || echo 0)
	[ "$n" -gt "$2" ] && tail -n $((n - $2)) "$f" | sed "s/^/DEMO: [$1] /"
	return 0
}
i=0
while [ $i -lt 120 ]; do
	show sensor $seen_sensor
	seen_sensor=$(wc -l <$LOGS/guest-sensor-vuart0.log 2>/dev/null || echo 0)
	show logger $seen_logger
	seen_logger=$(wc -l <$LOGS/guest-logger-vuart0.log 2>/dev/null || echo 0)
	[ "$(cat $LOGS/guest-*-vuart0.log 2>/dev/null | grep -c ' done')" -ge 2 ] && break
	sleep 0.5
	i=$((i + 1))
done
echo "DEMO: \$ xenshm-compose ps"
$X ps | sed 's/^/DEMO: /'
echo "DEMO: \$ xenstore-ls -fp /local/shared_mem"
xenstore-ls -fp /local/shared_mem | sed 's/^/DEMO: /'
echo "DEMO: \$ xenshm-compose down $T"
$X down $T | sed 's/^/DEMO: /'
if [ "$(cat $LOGS/guest-*-vuart0.log | grep -c 'RESULT.*PASS')" = 4 ]; then
	echo "E2E PASS: demo: both guests proved both regions shared"
else
	echo "E2E FAIL: demo: the guests did not all report PASS"
fi

#!/bin/sh
# /init of the e2e guest. Mounts what tracing needs, loads the bundled
# modules, sets up the network the scenarios use, runs each scenario with
# its output between markers on the second serial port (the host parses
# them: see ParseResults), reports what tracing state each left behind,
# resets it, and powers off. The kernel console stays on the first port.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
. /etc/e2e.conf
# A foreign-architecture busybox could not be asked for its applets on the
# host: it links them now, before anything calls one by name.
[ "$INSTALL_APPLETS" = 1 ] && /bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
. /lib/e2e/common.sh
. /lib/e2e/capture.sh

# The results port is opened once and stays open: its settings would be
# reset on the last close. No \n → \r\n translation.
exec 3>"$RESULTS"
stty -F "$RESULTS" raw -echo -onlcr 2>/dev/null
say() { echo "$*" >&3; }
say "@@@BOOTED $(cut -d' ' -f1 /proc/uptime) $(uname -r)"

for m in $MODULES; do
	insmod "$m" 2>&1 | sed 's/^/@@@WARN insmod: /' >&3
done
ip link set lo up
# 10.0.1.221 (the article's destination) is a host behind dummy0: dummy is
# NOARP, so packets leave through its qdisc and vanish, with no reply.
ip link show dummy0 >/dev/null 2>&1 || ip link add dummy0 type dummy
ip addr add 10.0.1.1/24 dev dummy0
ip link set dummy0 up
[ "$CAPTURE" = 1 ] && capture_all

# E2E_TIMEOUT (from the kernel command line: vmrun -append E2E_TIMEOUT=90)
# bounds one scenario; the host bounds the whole run.
for s in $SCENARIOS; do
	say "@@@BEGIN $s up=$(cut -d' ' -f1 /proc/uptime)"
	# A scenario may ask for more time with a "# timeout: SECONDS" line.
	limit=$(sed -n 's/^# timeout: \([0-9]*\)$/\1/p' "/scenarios/$s.sh" | head -1)
	(cd /tmp && timeout "${limit:-${E2E_TIMEOUT:-60}}" sh "/scenarios/$s.sh") </dev/null >&3 2>&1
	say "@@@END $s rc=$? up=$(cut -d' ' -f1 /proc/uptime)"
	say "@@@STATE $s"
	tracing_state >&3
	say "@@@ENDSTATE $s"
	# Stragglers (background traffic, a tool that outlived its timeout)
	# would disturb the next scenario: kill(-1) from init spares only init.
	kill -KILL -1 2>/dev/null
	reset_tracing
done
say "@@@DONE $(cut -d' ' -f1 /proc/uptime)"
# The whole kernel log, for post-mortems (the console shows only errors).
say "@@@DMESG"
dmesg >&3
say "@@@ENDDMESG"
# Let the UART drain before the machine goes away.
sleep 0.2
poweroff -f

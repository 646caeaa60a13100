# Helpers for the e2e scenarios, sourced by /init and by every scenario.
#
# Scenario output conventions (the host's .want files rely on them):
#   lines starting with "# " are the script's own notes (rc=…, checks);
#   "# == TITLE" starts a section (see package expect);
#   every other line comes from the tool under test.
T=/sys/kernel/tracing
# What differs between the kernels of the matrix is chosen from these.
ARCH=$(uname -m)
KREL=$(uname -r)
# ARG0..ARG2: the registers of a function's first three arguments.
case $ARCH in
aarch64) ARG0=%x0 ARG1=%x1 ARG2=%x2 ;;
*) ARG0=%di ARG1=%si ARG2=%dx ;;
esac

# Debian's busybox runs its own applets before $PATH (standalone shell), and
# its nc has no UDP, its tc no classes: functions win over applets.
nc() { /usr/bin/nc "$@"; }
tc() { /usr/sbin/tc "$@"; }

note() { echo "# $*"; }

# heading TITLE: start an output section (a .want file's "section TITLE").
heading() { echo "# == $*"; }

# repeat N CMD...: run CMD N times, a pause apart, quietly.
repeat() {
	_n=$1
	shift
	_i=0
	while [ "$_i" -lt "$_n" ]; do
		"$@" >/dev/null 2>&1
		sleep "${PAUSE:-0.2}"
		_i=$((_i + 1))
	done
}

# background CMD...: start traffic that stop_background ends.
BGPIDS=""
background() {
	"$@" </dev/null >/dev/null 2>&1 &
	BGPIDS="$BGPIDS $!"
}
stop_background() {
	for _p in $BGPIDS; do
		kill "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	BGPIDS=""
}

# tracing_state prints one line per probe, instance or option a tool left
# set in tracefs; nothing when the kernel holds nothing of a tool's.
tracing_state() {
	sed 's/^/kprobe_events: /' "$T/kprobe_events"
	sed 's/^/uprobe_events: /' "$T/uprobe_events"
	for _i in "$T"/instances/*; do
		[ -d "$_i" ] && echo "instance: ${_i##*/}"
	done
	[ "$(cat "$T/options/stacktrace")" = 1 ] && echo "options/stacktrace: 1"
	return 0
}

# leftovers notes "# leftovers: none" or one note per leftover: the checks
# in the middle of a scenario, after a refused expression.
leftovers() {
	_l=$(tracing_state)
	if [ -z "$_l" ]; then
		note "leftovers: none"
	else
		echo "$_l" | sed 's/^/# leftover: /'
	fi
}

# reset_tracing removes everything, so one scenario's leftovers do not
# break the next: instances first (their enabled events pin the probes).
reset_tracing() {
	for _i in "$T"/instances/*; do
		[ -d "$_i" ] && rmdir "$_i" 2>/dev/null
	done
	echo 0 >"$T/events/enable"
	echo 0 >"$T/options/stacktrace"
	: >"$T/kprobe_events"
	: >"$T/uprobe_events"
	: >"$T/trace"
	return 0
}

# run_surftrace ARGS...: run the tool, then note its exit status.
run_surftrace() {
	surftrace "$@"
	note "rc=$?"
}

# refused ARGS...: run the tool where it must fail; its stdout and stderr
# become notes ("# stdout: …", "# stderr: …") so a .want file can check
# them apart from a successful run's events.
refused() {
	surftrace "$@" >/tmp/refused.out 2>/tmp/refused.err
	_rc=$?
	sed 's/^/# stdout: /' /tmp/refused.out
	sed 's/^/# stderr: /' /tmp/refused.err
	note "rc=$_rc"
}

# tcp_talk PORT N: N lines to a local TCP listener, 0.2 s apart.
tcp_talk() {
	_i=0
	while [ "$_i" -lt "$2" ]; do
		echo "line $_i"
		sleep 0.2
		_i=$((_i + 1))
	done | nc -q1 127.0.0.1 "$1"
}

# udp_send DST PORT TEXT: one datagram, NUL-terminated so a string fetch
# of the payload ends with the text (the kernel reads up to a NUL).
udp_send() {
	printf '%s\000' "$3" | nc -u -w1 -q0 "$1" "$2"
}

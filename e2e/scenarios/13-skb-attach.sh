# surftrace skb attaches many functions taking a struct sk_buff * with a
# few batched writes and prints how fast it attached and detached; a
# SIGINT while it is attaching leaves nothing behind. The kernel arms and
# removes kprobes one at a time, each removal waiting for an RCU grace
# period: under emulation about 1,000 probes (those from a to s; all of
# them are ~1,500 on the test kernel) take minutes, so they are measured
# only when the scenario may run that long (vmrun -append
# E2E_TIMEOUT=300); otherwise those from a to c (~80).
# timeout: 150
. /lib/e2e/common.sh
F='[a-c]*'
[ "${E2E_TIMEOUT:-60}" -ge 300 ] && F='[a-s]*'
heading rates
surftrace skb --funcs "$F" -t 1s 'ip_dst==10.9.9.9' 2>&1 | grep -E '^surftrace: (attached|detached)'
leftovers
heading sigint
surftrace skb -q --funcs "$F" 'ip_dst==10.9.9.9' &
pid=$!
# Interrupt as soon as the first probes exist.
i=0
while [ ! -d "$T/events/surftrace_$pid" ] && [ "$i" -lt 400 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -d "$T/events/surftrace_$pid" ] && note "interrupting while attaching"
kill -INT $pid
wait $pid
note "rc=$?"
leftovers

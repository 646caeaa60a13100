# Scenario 16: nothing left behind and nothing of others touched, with
# kernel probes: a live run outside a pid namespace keeps all its events
# while a run inside one does its stale clean-up; Ctrl-\ (SIGQUIT) tears
# down like Ctrl-C; a dead run's leftovers under a pid's name are cleaned
# and the run goes on; -o refuses a symlink; the generated script stopped
# by timeout -s INT under busybox sh leaves nothing.
# timeout: 150
. /lib/e2e/common.sh
# wait_ready FILE: until a run has armed its probes (--ready-file).
wait_ready() {
	_i=0
	while [ ! -e "$1" ] && [ "$_i" -lt 200 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}
background repeat 300 ping -c 1 -W 1 127.0.0.1

heading pid namespace
rm -f /tmp/ready.out
surftrace -q -c 10 -t 40s --ready-file /tmp/ready.out 'p icmp_rcv' >/tmp/outside.out 2>&1 &
OUT=$!
wait_ready /tmp/ready.out
unshare -p -f --mount-proc surftrace -q -c 1 -t 20s 'p ip_rcv' >/tmp/inside.out 2>&1
note "inside rc=$?"
wait $OUT
note "outside rc=$?"
note "outside events $(grep -c ': f0: (icmp_rcv+' /tmp/outside.out) of 10"
leftovers

heading sigquit
rm -f /tmp/ready.q
surftrace -q --ready-file /tmp/ready.q 'p icmp_rcv' >/dev/null 2>&1 &
Q=$!
wait_ready /tmp/ready.q
kill -QUIT $Q
wait $Q
note "quit rc=$?"
leftovers

heading "a dead run's leftovers"
cd $T
mkdir instances/surftrace_4242
echo 'p:surftrace_4242/f0 icmp_rcv' >>kprobe_events
echo 1 >instances/surftrace_4242/events/surftrace_4242/f0/enable
cd /tmp
run_surftrace -q -c 1 -t 20s 'p icmp_rcv'
leftovers

heading -o through a symlink
echo keep >/tmp/victim
ln -sf /tmp/victim /tmp/link.sh
refused -q -c 1 -t 5s -o /tmp/link.sh 'p icmp_rcv'
note "victim: $(cat /tmp/victim)"
leftovers

heading the -o script under timeout -s INT
surftrace -q -c 1 -t 20s -o /tmp/trace.sh 'p icmp_rcv' >/dev/null 2>&1
note "script rc=$?"
timeout -s INT 4 sh /tmp/trace.sh >/tmp/script.out 2>&1
note "script stopped rc=$?"
note "script events $(grep -c 'icmp_rcv' /tmp/script.out)"
leftovers
stop_background

# surftrace skb attaches about 1,000 functions taking a struct sk_buff *
# (those from a to s; all of them are ~1,500 on the test kernel) with a few
# batched writes and prints how fast it attached and detached; a SIGINT
# while it is still attaching leaves nothing behind. The kernel arms and
# removes kprobes one at a time, each with a code patch and an RCU grace
# period: under emulation on a loaded host this scenario needs minutes
# (vmrun -append E2E_TIMEOUT=300).
. /lib/e2e/common.sh
heading rates
surftrace skb --funcs '[a-s]*' -t 1s 'ip_dst==10.9.9.9' 2>&1 | grep -E '^surftrace: (attached|detached)'
leftovers
heading sigint
surftrace skb -q --funcs '[a-s]*' 'ip_dst==10.9.9.9' &
pid=$!
sleep 5
kill -INT $pid
wait $pid
note "rc=$?"
leftovers

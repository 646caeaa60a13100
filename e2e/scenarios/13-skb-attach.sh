# surftrace skb attaches every traceable function taking a struct sk_buff *
# (about 1,500 on the test kernel) with a few batched writes and prints
# how fast it attached and detached; a SIGINT while it is still attaching
# leaves nothing behind.
. /lib/e2e/common.sh
heading rates
surftrace skb -t 2s 'ip_dst==10.9.9.9' 2>&1 | grep -E '^surftrace: (attached|detached)'
leftovers
heading sigint
surftrace skb -q 'ip_dst==10.9.9.9' &
pid=$!
sleep 5
kill -INT $pid
wait $pid
note "rc=$?"
leftovers

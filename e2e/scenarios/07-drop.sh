# Scenario 7, the article's second story: pings to 10.0.1.222 vanish. An
# htb qdisc on dummy0 with direct_qlen 0 and no class for its default
# drops every packet. First the call stack of the ping being sent (-s),
# then the qdisc's enqueue function, called through a function pointer
# by dev_qdisc_enqueue: on x86_64 (6.1, 6.12) at +23 through a retpoline
# (call __x86_indirect_thunk_rax), the pointer in %ax, +20 being the
# load before it; on arm64 (6.12) at +44 (blr x4), the load at +40. The
# script checks that pointer against htb_enqueue in /proc/kallsyms. 5.10
# has no dev_qdisc_enqueue (the enqueue call is inlined into
# __dev_queue_xmit): there the name is refused with a suggestion.
# timeout: 150
. /lib/e2e/common.sh
case $ARCH in
aarch64) LOAD=40 CALL=44 BAD=46 PTR=%x4 ;;
*) LOAD=20 CALL=23 BAD=22 PTR=%ax ;;
esac
tc qdisc add dev dummy0 root handle 1: htb default 1 direct_qlen 0
note "qdisc rc=$?"
background repeat 100 ping -c 1 -W 1 10.0.1.222
run_surftrace -q -s -c 1 -t 20s 'p __dev_queue_xmit proto=@(struct iphdr *)l2%0->protocol ip_dst=@(struct iphdr *)l2%0->daddr f:proto==1&&ip_dst==10.0.1.222'
leftovers
surftrace -q -c 2 -t 20s "p dev_qdisc_enqueue+$CALL pfun=$PTR" >/tmp/pfun.out 2>&1
note "rc=$?"
cat /tmp/pfun.out
htb=$(sed -n 's/^\([0-9a-f]*\) t htb_enqueue\t.*/\1/p' /proc/kallsyms)
# pfun prints as a decimal u64 (or hex, with X): compare both spellings.
want_dec=$(printf '%u' "0x$htb")
n=0
ok=0
for v in $(sed -n 's/.* pfun=\([0-9a-fx]*\).*/\1/p' /tmp/pfun.out); do
	n=$((n + 1))
	case $v in
	0x*) [ "$v" = "0x$htb" ] && ok=$((ok + 1)) ;;
	*) [ "$v" = "$want_dec" ] && ok=$((ok + 1)) ;;
	esac
done
if [ -n "$htb" ] && [ "$n" -gt 0 ] && [ "$ok" = "$n" ]; then
	note "pfun is htb_enqueue in all $n events"
else
	note "pfun is htb_enqueue (0x$htb) in $ok of $n events"
fi
# The same pointer printed as a symbol: the kernel's :symbol fetch type,
# spelt as a :TYPE suffix in the expression.
surftrace -q -c 1 -t 20s "p dev_qdisc_enqueue+$CALL pfun=$PTR:symbol"
note "rc=$?"
# The listing that offset was chosen from, and a non-boundary offset
# refused before it reaches the kernel.
surftrace -F dev_qdisc_enqueue 2>&1 | grep -E "<\+($LOAD|$CALL)>|dev_qdisc_enqueue"
surftrace -q -c 1 -t 5s "p dev_qdisc_enqueue+$BAD pfun=$PTR" 2>&1 | head -1
note "rc=$?"
stop_background
dropped=$(tc -s qdisc show dev dummy0 | sed -n 's/.*(dropped \([0-9]*\),.*/\1/p')
[ "${dropped:-0}" -gt 0 ] && note "htb dropped packets"
tc qdisc del dev dummy0 root
leftovers

# Scenario 7 (issue 10 §7), the article's second story: pings to
# 10.0.1.222 vanish. An htb qdisc on dummy0 with direct_qlen 0 and no
# class for its default drops every packet. First the call stack of the
# ping being sent (-s), then the qdisc's enqueue function: on this kernel
# dev_qdisc_enqueue calls it at +23 through a retpoline
# (call __x86_indirect_thunk_rax), the function pointer in %ax. The script
# checks that pointer against htb_enqueue in /proc/kallsyms.
. /lib/e2e/common.sh
tc qdisc add dev dummy0 root handle 1: htb default 1 direct_qlen 0
note "qdisc rc=$?"
background repeat 100 ping -c 1 -W 1 10.0.1.222
run_surftrace -q -s -c 1 -t 20s 'p __dev_queue_xmit proto=@(struct iphdr *)l2%0->protocol ip_dst=@(struct iphdr *)l2%0->daddr f:proto==1&&ip_dst==10.0.1.222'
leftovers
surftrace -q -c 2 -t 20s 'p dev_qdisc_enqueue+23 pfun=%ax' >/tmp/pfun.out
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
surftrace -q -c 1 -t 20s 'p dev_qdisc_enqueue+23 pfun=%ax:symbol'
note "rc=$?"
# Issue 11: the listing that offset was chosen from, and a non-boundary
# offset refused before it reaches the kernel.
surftrace -F dev_qdisc_enqueue | grep -E '<\+(20|23)>'
surftrace -q -c 1 -t 5s 'p dev_qdisc_enqueue+22 pfun=%ax' 2>&1 | head -1
note "rc=$?"
stop_background
dropped=$(tc -s qdisc show dev dummy0 | sed -n 's/.*(dropped \([0-9]*\),.*/\1/p')
[ "${dropped:-0}" -gt 0 ] && note "htb dropped packets"
tc qdisc del dev dummy0 root
leftovers

# Scenario 3: ICMP received on loopback. On 6.1 and 6.12
# __netif_receive_skb_core exists only as __netif_receive_skb_core.constprop.0,
# takes a struct sk_buff ** and has no BTF prototype: the article's
# expression there must be refused with a clear message, leaving nothing.
# The recommended form probes __netif_receive_skb_one_core, whose BTF
# prototype takes the struct sk_buff * itself. Each loopback ping is seen
# twice (echo request and reply, both from 127.0.0.1).
. /lib/e2e/common.sh
A='proto=@(struct iphdr *)l3%0->protocol ip_src=@(struct iphdr *)%0->saddr ip_dst=@(struct iphdr *)l3%0->daddr data=X@(struct iphdr *)l3%0->sdata[1] f:proto==1&&ip_src==127.0.0.1'
heading recommended form
background repeat 100 ping -c 1 -W 1 127.0.0.1
run_surftrace -q -c 4 -t 20s "p __netif_receive_skb_one_core $A"
leftovers
# On 5.10 __netif_receive_skb_core is no clone: its BTF prototype takes
# the struct sk_buff ** that surftrace follows, and the article's form
# works there (see 03-icmp@5.10.want).
heading article form
refused -q -c 1 -t 20s "p __netif_receive_skb_core $A"
stop_background
leftovers

# Scenario 4, the article's first story: which process sends
# "Hello World" by UDP to 10.0.1.221 port 9988? Traffic to another port and
# another host runs alongside and must be filtered out in the kernel.
. /lib/e2e/common.sh
background repeat 100 udp_send 10.0.1.221 9989 'not this port'
background repeat 100 udp_send 10.0.1.222 9988 'not this host'
background repeat 100 udp_send 10.0.1.221 9988 'Hello World'
run_surftrace -q -c 3 -t 20s 'p ip_output proto=@(struct iphdr*)l3%2->protocol ip_dst=@(struct iphdr*)l3%2->daddr b16_dest=@(struct udphdr*)l3%2->dest comm=$comm body=@(struct udphdr*)l3%2->Sdata[0] f:proto==17&&ip_dst==10.0.1.221&&b16_dest==9988'
stop_background
leftovers

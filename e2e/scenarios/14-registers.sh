# Scenario 14: arguments read through this architecture's registers, on
# every kernel of the matrix (x86_64 %di %si …, arm64 %x0 %x1 …): a typed
# %1 member, a packet cast at l4, a kretprobe $retval member and a
# tracepoint filter; first the definitions (-S), then live. Last, a probe
# point with a wildcard (one probe per tcp_v4_* function) and a filter.
. /lib/e2e/common.sh
E1='p ip_rcv len=%0->len dev=%1->name ifindex=%1->ifindex f:ifindex==1'
E2='p udp_rcv b16_dport=@(struct udphdr *)l4%0->dest b16_sport=@(struct udphdr *)l4%0->source ulen=%0->len f:b16_dport==9999'
E3='r __alloc_skb truesize=$retval->truesize f:truesize>0'
E4='e net/netif_receive_skb f:len>=1000'
heading definitions
surftrace -S "$E1" "$E2" "$E3" "$E4"
note "rc=$?"
heading typed argument member
background repeat 100 ping -c 1 -W 1 127.0.0.1
run_surftrace -q -c 2 -t 20s "$E1"
stop_background
leftovers
heading l4 cast
background repeat 100 udp_send 127.0.0.1 9999 hello
run_surftrace -q -c 2 -t 20s "$E2"
stop_background
leftovers
heading retval member
background repeat 100 ping -c 1 -W 1 127.0.0.1
run_surftrace -q -c 2 -t 20s "$E3"
stop_background
leftovers
heading tracepoint filter
background repeat 100 ping -c 1 -W 1 -s 1200 127.0.0.1
background repeat 100 ping -c 1 -W 1 127.0.0.1
run_surftrace -q -c 2 -t 20s "$E4"
stop_background
leftovers
heading wildcard
background nc -l -p 7777
sleep 0.3
background tcp_talk 7777 50
run_surftrace -q -c 6 -t 30s 'p tcp_v4_* comm=$comm f:comm=="nc"'
stop_background
leftovers

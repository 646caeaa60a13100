# surftrace skb: one packet's path on plain kprobes, with where and why
# it was dropped. First UDP to a port nobody listens on (the kernel drops
# it in __udp4_lib_rcv with NO_SOCKET where it has drop reasons: through
# kfree_skb_reason on 6.1, sk_skb_reason_drop on 6.12; 5.10 has no
# reasons and frees it with kfree_skb), then a
# ping dropped by an htb qdisc without a class for its default (as in
# 07-drop). --funcs keeps the probe count small (the functions that free
# an skb are always added): attaching all ~1,500 sk_buff functions takes
# tens of seconds under emulation, detaching them minutes (13-skb-attach).
# timeout: 150
. /lib/e2e/common.sh
heading udp
background repeat 100 udp_send 127.0.0.1 9999 hello
run_surftrace skb -q -c 30 -t 20s --funcs 'ip_output' --funcs 'ip_rcv*' --funcs 'ip_local_deliver*' --funcs '__udp4_*' 'proto==17&&b16_dport==9999'
run_surftrace skb -q --json -c 2 -t 20s --funcs '__udp4_lib_rcv' 'b16_dport==9999'
stop_background
leftovers
heading udp6
background repeat 100 udp_send ::1 9999 hello
run_surftrace skb -q -c 20 -t 20s --funcs 'ip6_output' --funcs 'ip6_rcv*' --funcs 'ip6_input*' --funcs '__udp6_*' 'ip6_dst==::1&&b16_dport==9999'
stop_background
leftovers
heading htb
tc qdisc add dev dummy0 root handle 1: htb default 1 direct_qlen 0
note "qdisc rc=$?"
background repeat 100 ping -c 1 -W 1 10.0.1.222
run_surftrace skb -q -c 20 -t 20s --funcs 'ip_output' --funcs 'ip_finish_output*' --funcs '__dev_queue_xmit' --funcs 'htb_enqueue' 'proto==icmp&&ip_dst==10.0.1.222'
stop_background
tc qdisc del dev dummy0 root
leftovers

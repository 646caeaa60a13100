# Scenario 8: a static tracepoint with a filter on its own
# field. net_dev_xmit fires for every packet handed to a driver; a ping on
# loopback is 98 bytes (Ethernet + IP + ICMP + 56 bytes of data) both ways,
# the UDP datagrams through dummy0 are shorter and filtered out.
. /lib/e2e/common.sh
background repeat 100 ping -c 1 -W 1 127.0.0.1
background repeat 100 udp_send 10.0.1.221 9988 'filtered out'
run_surftrace -q -c 4 -t 20s 'e net/net_dev_xmit f:len==98'
stop_background
leftovers

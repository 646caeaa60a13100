# Scenario 17: values as their C types say. An int $retval of -ENOENT
# prints -2 and a filter compares it signed; %N in a return probe reads
# the argument the kernel saved at entry ($argN) where the tracefs README
# offers it for return probes (6.12), and is refused before the kernel
# elsewhere (5.10, 6.1); JSON writes a pointer as a "0x…" string.
. /lib/e2e/common.sh
heading signed retval
background repeat 100 cat /nonexistent
run_surftrace -q -c 2 -t 20s 'r do_sys_openat2 ret=$retval f:ret==-2'
stop_background
leftovers
heading entry argument at return
background repeat 100 ping -c 1 -W 1 127.0.0.1
refused -q -c 2 -t 20s 'r ip_output len=%2->len ret=$retval'
stop_background
leftovers
heading json pointer
background repeat 100 ping -c 1 -W 1 127.0.0.1
run_surftrace -q --json -c 1 -t 20s 'p ip_rcv skb=%0 dev=%1'
stop_background
leftovers

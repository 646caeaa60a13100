# The article's first story, live: which process sends "Hello World" by UDP
# to 10.0.1.221 port 9988? Other UDP traffic runs alongside; the filter
# keeps it out in the kernel.
. /lib/e2e/common.sh
EXPR='p ip_output proto=@(struct iphdr*)l3%2->protocol ip_dst=@(struct iphdr*)l3%2->daddr b16_dest=@(struct udphdr*)l3%2->dest comm=$comm body=@(struct udphdr*)l3%2->Sdata[0] f:proto==17&&ip_dst==10.0.1.221&&b16_dest==9988'

# traffic waits for surftrace's instance, then sends a few datagrams: the
# ones the filter wants, and others it must keep out.
traffic() {
	i=0
	while [ $i -lt 300 ] && ! ls "$T/instances" | grep -q '^surftrace'; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.5
	for n in 1 2 3 4 5; do
		echo "    [guest] printf 'Hello World\\0' | nc -u 10.0.1.221 9988"
		udp_send 10.0.1.221 9988 'Hello World'
		sleep 0.3
		echo "    [guest] (also UDP to 10.0.1.221:53 and 10.0.1.222:9988, filtered out)"
		udp_send 10.0.1.221 53 'not for us'
		udp_send 10.0.1.222 9988 'wrong host'
		sleep 0.7
	done
}

echo "# surftrace -c 5 -t 60s '$EXPR'"
traffic &
surftrace -c 5 -t 60s "$EXPR"
rc=$?
wait
echo "# surftrace exited with status $rc"
echo "# left in kprobe_events: $(wc -l <"$T/kprobe_events") lines; instances: $(ls "$T/instances" | wc -l)"
exit $rc

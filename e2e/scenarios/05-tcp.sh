# Scenario 5: TCP acknowledgement numbers on a local
# connection. tcp_rcv_established(struct sock *sk, struct sk_buff *skb):
# at l4 skb->data is the TCP header. The same field is read three ways:
# raw (the u32 as it lies in memory), b32_ (byte-swapped, decimal) and B32_
# (byte-swapped, hex); the script checks the three agree on every event.
. /lib/e2e/common.sh
background nc -l -p 7777
sleep 0.3
background tcp_talk 7777 100
F='@(struct tcphdr*)l4%1->ack_seq'
surftrace -q -c 4 -t 20s "p tcp_rcv_established aseq=$F b32_aseq=$F B32_aseq=$F" >/tmp/tcp.out
rc=$?
stop_background
cat /tmp/tcp.out
note "rc=$rc"
n=0
ok=0
while read -r line; do
	case $line in *" f0: "*) ;; *) continue ;; esac
	n=$((n + 1))
	a=$(echo "$line" | sed -n 's/.* aseq=\([0-9]*\).*/\1/p')
	b=$(echo "$line" | sed -n 's/.* b32_aseq=\([0-9]*\).*/\1/p')
	h=$(echo "$line" | sed -n 's/.* B32_aseq=\(0x\)\{0,1\}\([0-9a-fA-F]*\).*/\2/p')
	[ -n "$a" ] && [ -n "$b" ] && [ -n "$h" ] || continue
	sw=$(((a & 0xff) << 24 | (a >> 8 & 0xff) << 16 | (a >> 16 & 0xff) << 8 | (a >> 24 & 0xff)))
	[ "$sw" = "$b" ] && [ "$((0x$h))" = "$b" ] && ok=$((ok + 1))
done </tmp/tcp.out
if [ "$n" -gt 0 ] && [ "$ok" = "$n" ]; then
	note "raw, b32_ and B32_ agree on all $n events"
else
	note "raw, b32_ and B32_ agree on $ok of $n events"
fi
leftovers

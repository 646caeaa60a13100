# Scenario 0: kprobes work in this guest, with plain echo and cat, no
# surftrace. A kprobe on ip_output reads the IP protocol, destination and
# UDP port of the skb (its third argument; skb->data at +0xc8 on 5.10 and
# +0xd0 on 6.1 and 6.12, from pahole on each kernel's BTF) while nc sends
# UDP to 10.0.1.221:9988.
. /lib/e2e/common.sh
cd "$T" || exit 1
I=instances/e2e_raw
case $KREL in
5.10.*) D=0xc8 ;;
*) D=0xd0 ;;
esac
S="+$D($ARG2)"
echo "p:e2e_raw/f0 ip_output proto=+0x9($S):u8 ip_dst=+0x10($S):u32 b16_dest=+0x16($S):u16 comm=\$comm" >>kprobe_events
note "define rc=$?"
mkdir $I
echo 'proto==17&&ip_dst==0xdd01000a&&b16_dest==1063' >$I/events/e2e_raw/f0/filter
echo 1 >$I/events/e2e_raw/f0/enable
note "enable rc=$?"
hello() { printf 'Hello World' | nc -u -w1 -q0 10.0.1.221 9988; }
other() { printf 'other' | nc -u -w1 -q0 10.0.1.221 9989; }
background repeat 20 other
background repeat 20 hello
# Two events, or the timeout: head ends the read.
timeout 10 head -n 2 $I/trace_pipe
stop_background
echo 0 >$I/events/e2e_raw/f0/enable
rmdir $I
echo '-:e2e_raw/f0' >>kprobe_events
note "remove rc=$?"
leftovers

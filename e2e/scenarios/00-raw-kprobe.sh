# Scenario 0: kprobes work in this guest, with plain echo and cat, no
# surftrace. A kprobe on ip_output reads the IP protocol, destination and
# UDP port of the skb (skb->data at +0xd0 on this kernel, struct sk_buff
# from BTF) while nc sends UDP to 10.0.1.221:9988.
. /lib/e2e/common.sh
cd "$T" || exit 1
I=instances/e2e_raw
echo 'p:e2e_raw/f0 ip_output proto=+0x9(+0xd0(%dx)):u8 ip_dst=+0x10(+0xd0(%dx)):u32 b16_dest=+0x16(+0xd0(%dx)):u16 comm=$comm' >>kprobe_events
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

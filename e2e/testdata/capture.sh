# Captures the raw-*.txt, format-*.txt and kprobe_events.txt files of this
# directory on the test kernel: go run ./e2e/cmd/vmrun e2e/testdata/capture.sh
# prints each capture between "@@@CAP NAME" and "@@@ENDCAP NAME" lines.
# (raw-symbol.txt keeps only the f2 lines: f1 events still buffered from
# the previous capture precede them.)
. /lib/e2e/common.sh
cd $T
G=surftrace_42
I=instances/$G
mkdir $I
def() { echo "$1" >> kprobe_events || echo "DEF FAILED: $1"; }
def "p:$G/f0 ip_output proto=+0x9(+0xd0(%dx)):u8 ip_dst=+0x10(+0xd0(%dx)):u32 b16_dest=+0x16(+0xd0(%dx)):u16 comm=\$comm body=+0x1c(+0xd0(%dx)):string"
def "r:$G/f1 do_filp_open pos=+0x68(\$retval):u64 name=+0(\$retval):string ret=\$retval:x64"
def "p:$G/f2 dev_qdisc_enqueue+23 pfun=%ax:symbol raw=%ax:x64 s=%di:s32 b=+0x7e(%di):b1@5/8"
def "p:$G/f3 __dev_queue_xmit proto=+0x17(+0xd0(%di)):u8 ip_dst=+0x1e(+0xd0(%di)):u32"
cat kprobe_events | sed 's/^/@@@KPROBE_EVENTS /'
cap() { # name seconds
  timeout $2 cat $I/trace_pipe > /tmp/cap.txt
  echo "@@@CAP $1"; cat /tmp/cap.txt; echo "@@@ENDCAP $1"
}
# 1: kprobe strings, with and without a NUL after the payload
echo 'proto==17' > $I/events/$G/f0/filter
echo 1 > $I/events/$G/f0/enable
( sleep 0.5; printf 'Hello World\000' | nc -u -w1 -q0 10.0.1.221 9988; printf 'Hello World\n' | nc -u -w1 -q0 10.0.1.221 9988; printf 'say "hi" name=x\000' | nc -u -w1 -q0 10.0.1.221 9988 ) &
cap kprobe 3
echo 0 > $I/events/$G/f0/enable
# 2: kretprobe, including a failed open (ERR_PTR: faulting string read)
echo 1 > $I/events/$G/f1/enable
( sleep 0.5; cat /proc/version >/dev/null; cat /nonexistent 2>/dev/null ) &
cap kretprobe 2
echo 0 > $I/events/$G/f1/enable
# 3: symbol fetch in a module, bitfield, signed
tc qdisc add dev dummy0 root handle 1: htb default 1 direct_qlen 0
echo 1 > $I/events/$G/f2/enable
( sleep 0.5; ping -c 2 -W 1 10.0.1.222 >/dev/null ) &
cap symbol 3
echo 0 > $I/events/$G/f2/enable
# 4: stacktrace option
echo 'proto==1&&ip_dst==0xde01000a' > $I/events/$G/f3/filter
echo 1 > $I/options/stacktrace
echo 1 > $I/events/$G/f3/enable
( sleep 0.5; ping -c 2 -W 1 10.0.1.222 >/dev/null ) &
cap stacktrace 3
echo 0 > $I/events/$G/f3/enable
echo 0 > $I/options/stacktrace
tc qdisc del dev dummy0 root
# 5: tracepoints
echo 1 > $I/events/net/net_dev_xmit/enable
echo 1 > $I/events/sched/sched_process_fork/enable
( sleep 0.5; ping -c 1 127.0.0.1 >/dev/null ) &
cap tracepoint 2
echo 0 > $I/events/net/net_dev_xmit/enable
echo 0 > $I/events/sched/sched_process_fork/enable
# 6: formats
echo "@@@CAP format-f0"; cat events/$G/f0/format; echo "@@@ENDCAP format-f0"
echo "@@@CAP format-f1"; cat events/$G/f1/format; echo "@@@ENDCAP format-f1"
echo "@@@CAP format-f2"; cat events/$G/f2/format; echo "@@@ENDCAP format-f2"
rmdir $I
: > kprobe_events
leftovers

# Scenario 15: types of module functions, from the module's split BTF
# (/sys/kernel/btf/sch_htb): an htb qdisc with one class on dummy0,
# pings through it; htb_enqueue's skb and qdisc members and a member of
# the module-only struct htb_sched (the qdisc's private data, typed by a
# cast), and htb_activate_prios' struct htb_class members. Each value is
# checked against a hand-written kprobe_events line built from pahole's
# offsets on this kernel's BTF (htb_class.level moved from 0x7c on 6.1 to
# 0x78 on 6.12). Then the module is unloaded: its functions are refused
# naming the module. 5.10 has no module BTF: the names are refused saying
# so.
. /lib/e2e/common.sh
case $KREL in
6.1.*) LEVEL=0x7c ;;
*) LEVEL=0x78 ;;
esac
E1='p htb_enqueue len=%0->len qlen=%1->q.qlen'
E2='p htb_activate_prios defcls=%0->defcls direct=%0->direct_pkts prio=%1->prio level=%1->level classid=X%1->common.classid'
tc qdisc add dev dummy0 root handle 1: htb default 10
tc class add dev dummy0 parent 1: classid 1:10 htb rate 100kbit ceil 100kbit
note "qdisc rc=$?"
if [ ! -e /sys/kernel/btf/sch_htb ]; then
	heading no module BTF
	refused -S "$E1"
	tc qdisc del dev dummy0 root
	leftovers
	exit 0
fi
background repeat 100 ping -c 1 -W 1 10.0.1.221
heading definitions
surftrace -S "$E1" "$E2"
note "rc=$?"
heading surftrace
run_surftrace -q -c 2 -t 20s "$E1"
run_surftrace -q -c 2 -t 20s "$E2"
heading by hand
echo "p:handmod/enq htb_enqueue len=+0x70($ARG0):u32 qlen=+0xa8($ARG1):u32 defcls=+0x198($ARG1):s32 direct=+0x1f0($ARG1):u32" >>$T/kprobe_events
echo "p:handmod/act htb_activate_prios defcls=+0x18($ARG0):s32 direct=+0x70($ARG0):u32 prio=+0x60($ARG1):u32 level=+$LEVEL($ARG1):s32 classid=+0x0($ARG1):x32" >>$T/kprobe_events
note "hand rc=$?"
echo 1 >$T/events/handmod/enable
sleep 3
echo 0 >$T/events/handmod/enable
grep -m 1 'handmod/enq\|enq:' $T/trace | sed 's/^.*enq: ([^)]*)/enq:/'
grep -m 1 'handmod/act\|act:' $T/trace | sed 's/^.*act: ([^)]*)/act:/'
echo >$T/trace
echo '-:handmod/enq' >>$T/kprobe_events
echo '-:handmod/act' >>$T/kprobe_events
stop_background
tc qdisc del dev dummy0 root
heading not loaded
rmmod sch_htb
refused -S --module /lib/modules/e2e/sch_htb.ko "$E1"
insmod /lib/modules/e2e/sch_htb.ko
leftovers

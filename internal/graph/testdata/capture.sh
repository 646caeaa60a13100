#!/bin/bash
# capture.sh OUTDIR — boot the test kernel under qemu with a throwaway busybox
# initramfs and capture real function_graph output for the parser goldens.
#
# Every section the guest writes to its second serial port starts with a line
# "@@@ NAME"; the host splits them into OUTDIR/NAME.txt. Nothing here is needed
# to run the tests: the captured files are committed beside this script.
#
#   KERNEL=/path/to/vmlinuz SMP=2 bash capture.sh /tmp/graph-capture
#       (the default is the test kernel in the kernel cache: fetch it with
#       go run ./e2e/cmd/kernels -k 6.1)
#   ONLY="lost sched" bash capture.sh /tmp/x       (some sections only)
#   EXTRA="/tmp/graph.test /tmp/surftrace" ONLY="live-test cli" bash capture.sh /tmp/x
#       (go test -c -o /tmp/graph.test ./internal/graph/ and a static
#       surftrace: the live tests and the command, run in the guest)
set -euo pipefail

out=${1:?usage: capture.sh OUTDIR}
kernel=${KERNEL:-${SURFTRACE_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/surftrace/kernels}/6.1/vmlinuz}
smp=${SMP:-2}
busybox=${BUSYBOX:-/bin/busybox}
work=$(mktemp -d /tmp/graph-capture.XXXXXX)
trap 'rm -rf "$work"' EXIT

mkdir -p "$out" "$work/root"/{bin,etc,proc,sys,dev,tmp}
cp "$busybox" "$work/root/bin/busybox"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$work/root/etc/passwd"
printf 'root:x:0:\n' >"$work/root/etc/group"
printf '127.0.0.1 localhost\n' >"$work/root/etc/hosts"
for f in ${EXTRA:-}; do cp "$f" "$work/root/bin/"; done
echo "${ONLY:-}" >"$work/root/only"
echo "${SCHED_DEPTH:-0}" >"$work/root/sched_depth"

cat >"$work/root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tracefs nodev /sys/kernel/tracing
ip link set lo up
T=/sys/kernel/tracing
O=/dev/ttyS1
stty -F $O raw -echo 2>/dev/null

# sec NAME: start section NAME, false when ONLY (the host's $ONLY) leaves it out.
sec() {
	only=$(cat /only)
	if [ -n "$only" ]; then case " $only " in *" $1 "*) ;; *) return 1 ;; esac; fi
	echo "@@@ $1" >$O; echo "capture: $1" >/dev/ttyS0
}
reset() {
	echo 0 >$T/tracing_on
	echo nop >$T/current_tracer
	echo >$T/set_graph_function
	for o in funcgraph-proc funcgraph-abstime funcgraph-tail; do echo 0 >$T/options/$o; done
	echo 1 >$T/options/funcgraph-irqs
	echo 0 >$T/max_graph_depth
	echo 1408 >$T/buffer_size_kb
	echo >$T/trace
}
graph() { # graph FUNC DEPTH [OPTION...]: function_graph on FUNC, buffer cleared, tracing on last
	reset
	[ -n "$1" ] && echo "$1" >$T/set_graph_function
	echo "$2" >$T/max_graph_depth
	echo function_graph >$T/current_tracer
	f=$1; shift 2
	for o in "$@"; do echo 1 >$T/options/$o; done
	echo >$T/trace
	echo 1 >$T/tracing_on
}
dump() { echo 0 >$T/tracing_on; head -n "$1" $T/trace >$O; }
opens() { for i in 1 2 3; do cat /etc/passwd /etc/hosts >/dev/null; ls / >/dev/null; done; }

sec facts && {
	uname -r
	echo "available_tracers: $(cat $T/available_tracers)"
	mkdir $T/instances/probe
	echo "instance available_tracers: $(cat $T/instances/probe/available_tracers)"
	echo function_graph >$T/instances/probe/current_tracer 2>&1 && echo "instance accepts function_graph" || echo "instance refuses function_graph"
	echo "instance current_tracer: $(cat $T/instances/probe/current_tracer)"
	echo "instance options: $(ls $T/instances/probe/options | tr '\n' ' ')"
	rmdir $T/instances/probe
	echo "options: $(ls $T/options | tr '\n' ' ')"
	echo "set_graph_function: [$(cat $T/set_graph_function)]"
	echo "max_graph_depth: $(cat $T/max_graph_depth)"
} >$O 2>&1

sec openat2 && {
	opens
	graph do_sys_openat2 0; taskset 1 cat /etc/passwd >/dev/null; dump 600
}
sec openat2-proc-abstime && {
	graph do_sys_openat2 3 funcgraph-proc funcgraph-abstime
	taskset 2 cat /etc/hosts /etc/passwd /etc/group >/dev/null; dump 300
}
sec openat2-tail && {
	graph do_sys_openat2 4 funcgraph-tail
	taskset 1 cat /etc/group /etc/hosts >/dev/null; dump 300
}
many=$(for i in $(seq 40); do printf '/etc/passwd '; done)
sec smp-interleave && {
	graph do_sys_openat2 3
	taskset 1 cat $many >/dev/null & taskset 2 cat $many >/dev/null &
	wait; dump 3000
}
sec smp-interleave-proc && {
	graph do_sys_openat2 3 funcgraph-proc
	taskset 1 cat $many >/dev/null & taskset 2 cat $many >/dev/null &
	wait; dump 3000
}
sec net-ping && {
	graph ip_finish_output2 0
	ping -c 2 -i 0.2 127.0.0.1 >/dev/null; dump 1500
}
sec pipe-openat2 && {
	graph do_sys_openat2 3 funcgraph-proc funcgraph-abstime funcgraph-tail
	(sleep 0.2; opens) &
	timeout 2 cat $T/trace_pipe >/tmp/pipe; head -n 400 /tmp/pipe >$O
}
sec lost-openat2 && {
	graph do_sys_openat2 0
	echo 0 >$T/tracing_on; echo 4 >$T/buffer_size_kb; echo 1 >$T/tracing_on
	opens
	(opens; opens) & timeout 3 head -n 400 $T/trace_pipe >/tmp/lost; wait; cat /tmp/lost >$O
}
sec lost && {
	reset
	echo 16 >$T/buffer_size_kb
	echo function_graph >$T/current_tracer
	echo 1 >$T/tracing_on
	opens; sleep 0.2
	timeout 1 head -n 300 $T/trace_pipe >/tmp/lost; echo 0 >$T/tracing_on; cat /tmp/lost >$O
}
# Under TCG with -smp 2 a change of current_tracer while the other vCPU runs
# graphed code sometimes soft-locks the guest (the harness times it out and
# keeps what came before); -smp 1 never did. Last, as the riskiest.
sec sched && {
	sleep 0.3 &
	graph schedule "$(cat /sched_depth)" funcgraph-proc
	sleep 1.1 & sleep 0.15 & sleep 0.02 & usleep 2000 & usleep 300 &
	wait; sleep 0.05; dump 3000
}
[ -x /bin/surftrace ] && sec cli && {
	reset
	(while :; do cat /proc/version >/dev/null; usleep 50000; done) &
	bg=$!
	/bin/surftrace graph do_sys_openat2 -m tree -c 3 -t 30s >$O 2>&1
	echo "rc=$?" >$O
	mkdir -p /tmp/g && cd /tmp/g && /bin/surftrace graph do_sys_openat2 -q -c 2 -t 30s >$O 2>&1
	echo "rc=$? $(ls /tmp/g | tr '\n' ' ')" >$O
	cd /; kill $bg
	echo "current_tracer: $(cat $T/current_tracer) set_graph_function: $(cat $T/set_graph_function)" >$O
}
[ -x /bin/graph.test ] && sec live-test && {
	reset
	/bin/graph.test -test.v -test.count=1 -test.timeout ${LIVE_TIMEOUT:-120s} -test.run 'Live' >$O 2>&1
	echo "exit=$?" >$O
	echo "current_tracer: $(cat $T/current_tracer)" >$O
	echo "instances: $(ls $T/instances)" >$O
	echo "set_graph_function: [$(cat $T/set_graph_function)]" >$O
}

reset
sec end
poweroff -f
EOF
chmod +x "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc --quiet) >"$work/initrd.cpio"

timeout "${TIMEOUT:-900}" qemu-system-x86_64 -accel tcg -cpu max,la57=off -smp "$smp" -m 512 -nodefaults -nographic -no-reboot \
	-kernel "$kernel" -initrd "$work/initrd.cpio" \
	-append "console=ttyS0 quiet panic=-1" \
	-serial file:"$work/console.log" -serial file:"$work/out.log" </dev/null ||
	echo "capture.sh: qemu ended with status $? (timeout?): keeping what was captured" >&2

tr -d '\r' <"$work/out.log" | awk -v dir="$out" '
	/^@@@ / { f = dir "/" $2 ".txt"; printf "" > f; next }
	f { print >> f }'
cp "$work/console.log" "$out/console.log"
ls -l "$out"

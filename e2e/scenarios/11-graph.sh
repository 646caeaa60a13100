# Scenario 11: surftrace graph — call trees of do_sys_openat2
# with the function_graph tracer, then SVG flame graphs.
. /lib/e2e/common.sh
background repeat 200 cat /proc/version
heading tree
run_surftrace graph -q do_sys_openat2 -m tree -c 3 -t 30s
heading svg
mkdir -p /tmp/graphs
run_surftrace graph -q do_sys_openat2 -c 2 -t 30s -o /tmp/graphs
note "files: $(ls /tmp/graphs | tr '\n' ' ')"
note "getname: $(grep -o '<title>getname: [^<]*' /tmp/graphs/do_sys_openat2-1.svg | head -1)"
stop_background
note "current_tracer: $(cat /sys/kernel/tracing/current_tracer)"
leftovers

# Scenario 10: `list` and `list -e` agree with the running
# kernel's own lists, and show prototypes from its BTF (modules' too).
# timeout: 150
. /lib/e2e/common.sh
T=/sys/kernel/tracing

# The probeable names `list --json` gives (functions and their clones),
# and the event names of `list -e --json`, one a line, sorted.
func_names() { awk '/^    "name": /{n=$0; sub(/^    "name": "/,"",n); sub(/",?$/,"",n)} /^    "probeable": true/{print n} /^    "clones": \[/{c=1; next} c&&/^    \]/{c=0} c{gsub(/[ ",]/,""); print}' | sort -u; }
event_names() { awk '/^    "name": /{sub(/^    "name": "/,""); sub(/",?$/,""); print}' | sort -u; }

heading functions
surftrace list --json '*' > /tmp/list.json; note rc=$?
func_names < /tmp/list.json > /tmp/ours
sed 's/ .*//' $T/available_filter_functions | grep -v '^__ftrace_invalid_address__' | sort -u > /tmp/kernel
note "ours $(wc -l < /tmp/ours) kernel $(wc -l < /tmp/kernel)"
if cmp -s /tmp/ours /tmp/kernel; then note "functions: same"; else note "functions: differ"; diff /tmp/kernel /tmp/ours | head -20; fi
surftrace list 'tcp_v4_rcv'
surftrace list 'ip_output'
surftrace list '__netif_receive_skb_core*'
surftrace list 'dummy_dev_init'
surftrace list --skb 'ip_rcv'
surftrace list tcp_sndmsg; note rc=$?

heading events
surftrace list -e --json '*' > /tmp/events.json; note rc=$?
event_names < /tmp/events.json > /tmp/ours
sed 's/:/\//' $T/available_events | sort -u > /tmp/kernel
note "ours $(wc -l < /tmp/ours) kernel $(wc -l < /tmp/kernel)"
if cmp -s /tmp/ours /tmp/kernel; then note "events: same"; else note "events: differ"; diff /tmp/kernel /tmp/ours | head -20; fi
surftrace list -e 'sched:sched_switch'
surftrace list -e 'sched_swtich'; note rc=$?

heading struct
surftrace struct sk_buff data
surftrace struct iphdr | head -3
leftovers

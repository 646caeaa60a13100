# Scenario 1: a kprobe and a kretprobe on wake_up_new_task
# while the guest forks. The new task's comm is still its parent's (a sh),
# and every call has its return event.
. /lib/e2e/common.sh
fork() { sh -c true; }
background repeat 100 fork
run_surftrace -q -c 20 -t 20s 'p wake_up_new_task comm=%0->comm' 'r wake_up_new_task'
stop_background
leftovers

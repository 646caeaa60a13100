# Scenario 6: kernel globals. task_group_cache is a
# struct kmem_cache * (static in kernel/sched/core.c); its name is
# "task_group".
. /lib/e2e/common.sh
fork() { sh -c true; }
background repeat 100 fork
run_surftrace -q -c 2 -t 20s 'p wake_up_new_task name=!(struct kmem_cache*)@task_group_cache->name size=!(struct kmem_cache*)@task_group_cache->size'
stop_background
leftovers

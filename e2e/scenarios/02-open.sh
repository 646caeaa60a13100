# Scenario 2: do_filp_open's entry and return while the guest
# opens files. On 6.1 the prototype is still
#   struct file *do_filp_open(int dfd, struct filename *pathname,
#                             const struct open_flags *op)
# so dfd=X%0 is an int shown in hex (AT_FDCWD = -100 = 0xffffff9c) and
# $retval->f_pos a loff_t of the opened file (0 just after opening).
# surftrace's own opens (trace_pipe…) come first: -c leaves room for cat's.
. /lib/e2e/common.sh
background repeat 100 cat /proc/version
run_surftrace -q -c 40 -t 20s 'p do_filp_open dfd=X%0' 'r do_filp_open pos=$retval->f_pos'
stop_background
leftovers

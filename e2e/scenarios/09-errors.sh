# Scenario 9 (issue 10 §9): failures in the kernel, each refused with a
# clear message naming the cause (what error_log says), a caret under the
# expression, a failure status, nothing on stdout and nothing left behind.
. /lib/e2e/common.sh
heading a function that does not exist
refused -q -c 1 -t 5s 'p no_such_function_xyz'
leftovers
# dev_qdisc_enqueue+20 is "mov (%rsi),%rax" (48 8b 06): +22 is inside it.
heading an offset inside an instruction
refused -q -c 1 -t 5s 'p dev_qdisc_enqueue+22'
leftovers
# A number compared with a string field passes the filter grammar; the
# kernel refuses it: "Expecting string field" (the instance's error_log).
heading a filter the kernel refuses
refused -q -c 1 -t 5s 'p ip_output comm=$comm f:comm==1'
leftovers

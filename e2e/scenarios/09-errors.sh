# Scenario 9: failures in the kernel, each refused with a
# clear message naming the cause (what error_log says), a caret under the
# expression, a failure status, nothing on stdout and nothing left behind.
. /lib/e2e/common.sh
heading a function that does not exist
refused -q -c 1 -t 5s 'p no_such_function_xyz'
leftovers
# ip_output+1 is inside its first instruction on every kernel of the
# matrix: the 5-byte ftrace call or nop (5.10, 6.1), endbr64 (6.12 x86_64,
# with IBT), a 4-byte instruction (arm64).
heading an offset inside an instruction
refused -q -c 1 -t 5s 'p ip_output+1'
leftovers
# A number compared with a string field passes the filter grammar; the
# kernel refuses it: "Expecting string field" (the instance's error_log).
heading a filter the kernel refuses
refused -q -c 1 -t 5s 'p ip_output comm=$comm f:comm==1'
leftovers

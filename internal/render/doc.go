// Package render turns the lines the kernel prints in tracefs trace_pipe
// and trace into what surftrace shows: the same line with values of
// prefixed names converted (ip_, ip6_, mac_, b16_/b32_/b64_,
// B16_/B32_/B64_, enums), or one JSON object per event.
//
// Line shapes follow the kernel's trace output (Documentation/trace/ftrace.rst,
// "Output format"; the kprobe and uprobe event formats in
// Documentation/trace/kprobetrace.rst and uprobetracer.rst):
//
//	COMM-PID [(TGID)] [CPU] [FLAGS] TIMESTAMP: EVENT: [(LOCATION [<- FUNC])] NAME=VALUE ...
//	COMM-PID [CPU] FLAGS TIMESTAMP: <stack trace>      followed by " => SYMBOL" lines
//	CPU:N [LOST M EVENTS]
//
// The renderer is a byte-level scanner over []byte that appends into
// reused buffers: the hot path allocates nothing and uses no regular
// expressions. Lines it does not understand pass through unchanged in
// text mode and are skipped in JSON mode; no input makes it fail or panic.
//
// The kernel prints string values as "%s" without escaping, so a string
// may hold spaces, quotes, " name=" or a newline. With a Schema (the
// compiled definitions, or a tracepoint's format fields) values are split
// on the known argument names in order; without one (surftrace render
// FILE) on the " name=" tokens of the line, a string running from its
// opening quote to the first quote followed by " name=" after which the
// rest of the line still reads as values (none but strings holds a
// quote), or to the end of the line. Lines of any length are rendered
// whole. A line that ends inside a string is joined with the lines after
// it until the string closes.
//
// JSON conventions: an integer is a JSON number written from its digits
// while its magnitude is at most 2^53-1, the largest every JSON reader
// keeps exact; a larger one is a string of its decimal digits, so a u64
// or a pointer never loses bits in a reader that stores doubles. A value
// the kernel printed in hex (x8…x64, X) and a B16_/B32_/B64_ value are
// strings "0x…" always. b16_/b32_/b64_ values are numbers by the same
// rule; ip_, ip6_, mac_ and enum values are strings; a read that faulted
// ("(fault)") is null; a value that is neither a number, a quoted string
// nor an integer array is a string as printed. Payload text that is not
// NAME=VALUE (some tracepoints print free text) is kept in "text".
package render

// Package trace traces the Linux kernel and user programs from Go, with
// the expressions of the surftrace command:
//
//	p ip_output proto=@(struct iphdr*)l3%2->protocol f:proto==17
//	P /usr/bin/bash:readline ret=%0
//	e sched/sched_process_exec
//
// The model has two steps. [Compile] turns expressions into [Probe]
// values against a kernel's types (BTF, or DWARF of a debug vmlinux) and
// symbols: the running kernel by default, or a saved one named in
// [Options], which needs no privileges and shows the kprobe_events line
// each expression becomes ([Probe.Definition]). [Run] arms probes
// compiled for the running kernel in a tracefs instance of their own,
// calls a function with every [Event] (task, pid, CPU, time, the
// expression's values typed by their C types and name prefixes, the
// kernel stack when asked with [WithStacks]) until the context is done or
// the function returns an error ([Stop] ends cleanly), and removes every
// probe, filter and instance it created before it returns, whatever ended
// it.
//
// Running needs root (or CAP_SYS_ADMIN with tracefs mounted) and a kernel
// with kprobe events for p and r expressions, uprobe events for P and R,
// and tracepoints for e. Compiling against the running kernel reads its
// types and symbols (/sys/kernel/btf/vmlinux, /proc/kallsyms) and, for e
// expressions, the tracepoint's format in tracefs.
//
// Errors in an expression, found by the parser, the compiler or the
// kernel when it refuses a definition, are an [*Error], which points at
// the part of the expression at fault ([Error.Caret] shows it as the
// command does).
//
// Nothing here ends the process or installs a signal handler: stopping
// on Ctrl-C is the caller's choice, through the context given to Run
// (signal.NotifyContext).
package trace

// Package ftrace programs the kernel's tracefs for one surftrace run: it
// finds tracefs, registers kprobe and uprobe events, writes filters,
// enables events in a private trace instance, streams that instance's
// trace_pipe, and removes everything again, also after a half-built
// set-up or a crashed earlier run.
//
// A [Session] owns one event group and one trace instance, both named
// surftrace_<pid>, so concurrent runs never share state and the leftovers
// of a run that died can be told from a live run's and removed by the
// next one. Every write goes through [Writer], which logs it as the shell
// command a person would type and remembers how to undo it; [Script] emits
// the same steps as a standalone POSIX shell script.
//
// Kernel documentation:
//   - https://docs.kernel.org/trace/kprobetrace.html (kprobe_events)
//   - https://docs.kernel.org/trace/uprobetracer.html (uprobe_events)
//   - https://docs.kernel.org/trace/events.html (event filters, format files)
//   - https://docs.kernel.org/trace/ftrace.html (instances, trace_pipe,
//     per_cpu stats, error_log)
package ftrace

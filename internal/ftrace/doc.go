// Package ftrace programs the kernel's tracefs for one surftrace run: it
// finds tracefs, registers kprobe and uprobe events, writes filters,
// enables events in a private trace instance, streams that instance's
// trace_pipe, and removes everything again, also after a half-built
// set-up or a crashed earlier run.
//
// A [Session] owns one event group and one trace instance, both named
// surftrace_<pid>, so concurrent runs never share state. Every write goes
// through [Writer], which logs it as the shell command a person would type
// and remembers how to undo it; [Script] emits the same steps as a
// standalone POSIX shell script.
//
// # Leftovers of runs that died
//
// A run killed with SIGKILL leaves its probes and instance; the next run
// removes them. Whether a run is gone is asked of the kernel, never of
// /proc: a run in another pid namespace has a pid this one cannot see, and
// a pid may be reused. The kernel refuses to remove an instance (rmdir
// fails with EBUSY) while any file in it is open, and a live run holds one
// open from creating its instance until its teardown removes it (a
// Session its tracing_on, then its trace_pipe; a Script its tracing_on,
// then cat its trace_pipe). So, for every name surftrace_<pid>[_<tag>]:
//
//   - rmdir the instance, disabling nothing first. EBUSY: the run is live;
//     its name is left alone entirely. Success: its run is gone, and the
//     kernel disabled the events that were enabled in it.
//   - Only then, or when the group has no instance at all (a run makes
//     its instance before its probes), remove the group's probes. One the
//     kernel refuses as enabled (EBUSY) is disabled in the top-level
//     buffer and removed again; one enabled in another instance stays.
//   - Never write 0 into another run's enable or tracing_on.
//
// Checked on Linux 6.18 (the kernel's rule, that an instance with a
// reference is busy, is far older than 6.1): rmdir of an instance whose
// trace_pipe, tracing_on, trace or an event's enable file is open fails
// with EBUSY; rmdir of an instance with enabled events and tracing on but
// no open file succeeds, after which its probes can be removed.
//
// The default name of a run whose pid a live run in another pid namespace
// also has is taken: the run then uses surftrace_<pid>_2, _3, ….
//
// Kernel documentation:
//   - https://docs.kernel.org/trace/kprobetrace.html (kprobe_events)
//   - https://docs.kernel.org/trace/uprobetracer.html (uprobe_events)
//   - https://docs.kernel.org/trace/events.html (event filters, format files)
//   - https://docs.kernel.org/trace/ftrace.html (instances, trace_pipe,
//     per_cpu stats, error_log)
package ftrace

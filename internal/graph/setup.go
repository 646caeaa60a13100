package graph

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/suggest"
)

// checkKernel makes sure the kernel has the function_graph tracer and can
// trace fn, and returns the name to trace: fn, or its one compiler-made copy
// (fn.isra.0, fn.constprop.0, …) when only that exists.
func checkKernel(t *tracefs, fn string, warn io.Writer) (string, error) {
	avail, err := t.read("available_tracers")
	if err != nil {
		return "", err
	}
	if !slices.Contains(strings.Fields(avail), "function_graph") {
		return "", fmt.Errorf("graph %s: %w; available_tracers lists only: %s", fn, ErrNoFunctionGraph, avail)
	}
	return resolveFunc(t, fn, warn)
}

// resolveFunc looks fn up in available_filter_functions: fn itself, or
// its one compiler-made copy.
func resolveFunc(t *tracefs, fn string, warn io.Writer) (string, error) {
	names, err := kernel.TraceableIn(t.fs)
	if err != nil {
		return "", fmt.Errorf("list traceable functions: %w", err)
	}
	name, copies := kernel.ResolveClone(fn, names)
	if name == fn {
		return fn, nil
	}
	if name != "" {
		fmt.Fprintf(warn, "graph: %s exists only as the compiler's copy %s: tracing that\n", fn, name)
		return name, nil
	}
	hint := "it may be inlined, notrace, or in a module not loaded"
	if len(copies) > 1 {
		hint = "it exists as " + strings.Join(copies, ", ") + ": name one"
	} else if near := suggest.Closest(fn, names, 6); len(near) > 0 {
		hint = "similar names: " + strings.Join(near, ", ")
	}
	return "", fmt.Errorf("%s: %w (not in available_filter_functions; %s)", fn, ErrNotTraceable, hint)
}

// The function_graph options a run needs: the CPU, task and time columns the
// builder keys its stacks by, durations for the times, the function name on
// every exit to check the nesting, and the plain (not latency) format.
var graphOptions = []struct{ name, val string }{
	{"funcgraph-cpu", "1"},
	{"funcgraph-duration", "1"},
	{"funcgraph-proc", "1"},
	{"funcgraph-abstime", "1"},
	{"funcgraph-tail", "1"},
	{"latency-format", "0"},
}

// arm sets function_graph up on fn and returns the directory (relative to
// the tracefs root, "" or "instances/NAME/") whose trace_pipe to read.
func arm(t *tracefs, cfg *Config) (string, error) {
	dir, err := pickBuffer(t)
	if err != nil {
		return "", err
	}
	if dir == "" {
		cur, err := t.read("current_tracer")
		if err != nil {
			return "", err
		}
		if cur != "nop" {
			return "", fmt.Errorf("top-level current_tracer is %s: %w (function_graph can run only there on this kernel; stop its user or echo nop > %s)",
				cur, ErrTracerBusy, t.path("current_tracer"))
		}
	}
	if err := t.swap(dir+"tracing_on", "0"); err != nil {
		return "", err
	}
	old, err := t.read(dir + "set_graph_function")
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(old, "#### all functions enabled") {
		old = ""
	}
	if err := t.set(dir+"set_graph_function", cfg.Func, strings.Join(strings.Fields(old), " ")); err != nil {
		return "", err
	}
	if cfg.Depth > 0 {
		if err := t.swap("max_graph_depth", strconv.Itoa(cfg.Depth)); err != nil {
			return "", err
		}
	}
	if err := t.swap(dir+"current_tracer", "function_graph"); err != nil {
		return "", err
	}
	for _, o := range graphOptions {
		rel := dir + "options/" + o.name
		if !t.fs.Exists(rel) {
			continue // an older or newer kernel without this option
		}
		if err := t.swap(rel, o.val); err != nil {
			return "", err
		}
	}
	if err := excludeSelf(t, dir); err != nil {
		return "", err
	}
	if err := t.write(dir+"trace", ""); err != nil {
		return "", err
	}
	return dir, t.swap(dir+"tracing_on", "1")
}

// excludeSelf keeps surftrace's own threads (and, with function-fork, the
// threads they start) out of the trace: graphing do_sys_openat2 must not
// show the opens of the SVG files written about it, which would each make
// one more call to draw. Kernels before 5.8 have no set_ftrace_notrace_pid.
func excludeSelf(t *tracefs, dir string) error {
	rel := dir + "set_ftrace_notrace_pid"
	if !t.fs.Exists(rel) {
		return nil
	}
	if t.fs.Exists(dir + "options/function-fork") {
		if err := t.swap(dir+"options/function-fork", "1"); err != nil {
			return err
		}
	}
	old, err := t.read(rel)
	if err != nil {
		return err
	}
	if old == "no pid" {
		old = ""
	}
	t.w.Comment("leave out surftrace's own threads")
	tids, err := ownThreads()
	if err != nil {
		return err
	}
	if err := t.set(rel, tids, strings.Join(strings.Fields(old), " ")); err != nil {
		return err
	}
	// A thread started between the listing and function-fork: list again.
	if again, err := ownThreads(); err == nil && again != tids {
		return t.write(rel, again)
	}
	return nil
}

// ownThreads lists this process's thread ids, space separated.
func ownThreads() (string, error) {
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return "", fmt.Errorf("list own threads: %w", err)
	}
	ids := make([]string, len(ents))
	for i, e := range ents {
		ids[i] = e.Name()
	}
	return strings.Join(ids, " "), nil
}

// pickBuffer returns the run's own instance when the kernel lets an instance
// run function_graph (with its own set_graph_function), else "" for the
// top-level buffer: 6.1 offers only function and nop in instances.
func pickBuffer(t *tracefs) (string, error) {
	name := fmt.Sprintf("instances/surftrace_%d", os.Getpid())
	mark := t.w.Pending()
	if err := t.w.Mkdir(t.path(name)); err != nil {
		t.w.Comment("no instance (%v): using the top-level buffer", err)
		return "", nil
	}
	avail, _ := t.read(name + "/available_tracers")
	if slices.Contains(strings.Fields(avail), "function_graph") && t.fs.Exists(name+"/set_graph_function") {
		return name + "/", nil
	}
	// Removed now, not at the end: the instance is of no use to this run.
	if err := t.w.Rollback(mark); err != nil {
		return "", fmt.Errorf("remove unused instance: %w", err)
	}
	t.w.Comment("this kernel runs function_graph only in the top-level buffer")
	return "", nil
}

package ftrace

import (
	"strings"

	"github.com/surftrace/surftrace/internal/probe"
)

// groupMark stands for the run's event group (and instance name) in a
// step: a Session puts its name there, a Script the shell variable that
// holds the name the script makes at run time. No definition holds a NUL.
const groupMark = "\x00group\x00"

// step is one change a run makes to tracefs and the write that undoes
// it. A Session performs the steps and a Script prints them, so the
// script does exactly what a run does.
type step struct {
	op       string   // what it does, for errors ("add probe")
	root     bool     // path is below the tracefs root, not the instance
	path     []string // path elements; groupMark for the group
	val      string   // written, with a newline
	undo     string   // written by the teardown; "" for nothing
	appendTo bool     // append (the probe definition files), not replace
	// early: a refused write stays in the file (a filter holds the
	// kernel's error report), so the undo runs even when the write failed.
	early bool
}

// defSteps register one definition (a probe; a tracepoint already
// exists), set its filter and enable it.
func defSteps(d *probe.Def) []step {
	var out []step
	var dir []string
	if d.Kind.IsDynamic() {
		file := "kprobe_events"
		if d.Kind.IsUser() {
			file = "uprobe_events"
		}
		out = append(out, step{op: "add probe", root: true, path: []string{file},
			val: d.Line(groupMark), undo: "-:" + groupMark + "/" + d.Name, appendTo: true})
		dir = []string{"events", groupMark, d.Name}
	} else {
		sys, ev, _ := strings.Cut(d.Target, "/")
		dir = []string{"events", sys, ev}
	}
	if d.Filter != "" {
		out = append(out, step{op: "set filter", path: append(dir[:3:3], "filter"), val: d.Filter, undo: "0", early: true})
	}
	return append(out, step{op: "enable event", path: append(dir[:3:3], "enable"), val: "1", undo: "0"})
}

// startSteps turn tracing on, with kernel stacks when asked.
func startSteps(stack bool) []step {
	var out []step
	if stack {
		out = append(out, step{op: "turn on stack traces", path: []string{"options", "stacktrace"}, val: "1", undo: "0"})
	}
	return append(out, step{op: "turn on tracing", path: []string{"tracing_on"}, val: "1", undo: "0"})
}

// stopStep keeps a new instance's tracing off until the probes are set.
var stopStep = step{op: "stop tracing in new instance", path: []string{"tracing_on"}, val: "0"}

// withGroup puts name where a step has the group mark.
func withGroup(s, name string) string { return strings.ReplaceAll(s, groupMark, name) }

// isFilterStep tells the filter write, whose refusals the kernel reports
// in the filter file itself.
func (st step) isFilter() bool { return st.path[len(st.path)-1] == "filter" }

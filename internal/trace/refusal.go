package trace

import (
	"errors"
	"strings"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/probe"
)

// kernelRefusal turns a write the kernel refused into an error pointing at
// the part of the user's expression it came from: the kernel's error_log
// column falls in the probe point, one fetch argument, or the filter.
func kernelRefusal(err error, probes []Probe, group string) error {
	var ke *ftrace.KernelError
	if !errors.As(err, &ke) {
		return err
	}
	msg := "the kernel refused it: " + ke.Meaning()
	if ke.Log != "" {
		msg += ": " + ke.Log
	}
	for _, p := range probes {
		d, e := p.Def, p.Expr
		switch {
		case d.Kind != probe.Event && ke.Command == d.Line(group):
			pos, n := e.Target.Pos, len(e.Target.Text)
			if k := ke.Arg(d); k >= 0 && k < len(e.Args) {
				pos, n = e.Args[k].Base, len(e.Args[k].Text)
			}
			return expr.Errorf(e.Src, pos, n, err, "%s", msg)
		case !strings.Contains(ke.Path, eventDir(d, group)):
			// Two expressions may have the same filter text: the file
			// written tells which one the kernel refused.
		case d.Filter != "" && ke.Command == d.Filter:
			return expr.Errorf(e.Src, e.FilterPos, len(e.FilterSrc), err, "%s", msg).
				WithHint("the filter as written to the kernel: " + d.Filter)
		case d.Kind == probe.Event:
			return expr.Errorf(e.Src, e.Target.Pos, len(e.Target.Text), err, "%s", msg)
		}
	}
	return err
}

// eventDir is the part of an event's tracefs paths that names it:
// "/events/GROUP/NAME/" for a probe, "/events/SUBSYS/EVENT/" for a
// tracepoint.
func eventDir(d *probe.Def, group string) string {
	if d.Kind == probe.Event {
		return "/events/" + d.Target + "/"
	}
	return "/events/" + group + "/" + d.Name + "/"
}

package trace

import (
	"errors"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/probe"
)

// The kernel's error column in a definition line is shown under the
// argument of the user's expression it falls in, or under the probe
// point; an error in another expression's line is left alone.
func TestKernelRefusalUnderlines(t *testing.T) {
	const group = "surftrace_1"
	src := "p ip_output a=%0 b=%1"
	e, err := expr.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	d := &probe.Def{Kind: probe.Kprobe, Name: "f0", Target: "ip_output",
		Args: []probe.Arg{{Name: "a", Fetch: "%di:u64"}, {Name: "b", Fetch: "%si:u64"}}}
	line := d.Line(group)
	probes := []Probe{{Expr: e, Def: d}}
	for _, tt := range []struct {
		col  int
		want string
	}{
		{strings.Index(line, "b="), "b=%1"},
		{strings.Index(line, "a="), "a=%0"},
		{strings.Index(line, "ip_output"), "ip_output"},
		{-1, "ip_output"},
	} {
		ke := &ftrace.KernelError{Op: "add probe", Path: "/t/kprobe_events", Command: line, Pos: tt.col, Log: "Invalid fetch argument"}
		var ee *expr.Error
		if !errors.As(kernelRefusal(ke, probes, group), &ee) {
			t.Fatalf("col %d: no expression error", tt.col)
		}
		if got := ee.Src[ee.Pos : ee.Pos+ee.Len]; got != tt.want {
			t.Errorf("col %d: underlined %q, want %q", tt.col, got, tt.want)
		}
	}
	other := &ftrace.KernelError{Path: "/t/kprobe_events", Command: "p:" + group + "/f9 tcp_sendmsg", Pos: 3}
	if err := kernelRefusal(other, probes, group); err != error(other) {
		t.Errorf("another line: %v", err)
	}
}

package trace

import (
	"context"
	"errors"
	"testing"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
)

// A renderer that ends returns its own error, stopped or not.
func TestWaitStreamedEnds(t *testing.T) {
	done := errors.New("done")
	ch := make(chan error, 1)
	ch <- done
	if err := waitStreamed(context.Background(), ch); err != done {
		t.Errorf("running: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ch <- done
	if err := waitStreamed(ctx, ch); err != done {
		t.Errorf("stopped: %v", err)
	}
}

// A renderer still blocked stuckGrace after the stop ends the run with
// ErrOutputStuck instead of holding the probes in the kernel.
func TestWaitStreamedStuck(t *testing.T) {
	if testing.Short() {
		t.Skip("waits the grace period (-short)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := waitStreamed(ctx, make(chan error)); !errors.Is(err, ErrOutputStuck) {
		t.Errorf("stuck renderer: %v", err)
	}
}

// Each expression keeps its own definition; a compiler that lost one is
// an error, not a refusal shown on the wrong expression.
func TestCompileKeepsExpressions(t *testing.T) {
	e := []*expr.Expr{{Src: "a"}, {Src: "b"}}
	d := []*probe.Def{{Name: "p0"}, {Name: "p1"}}
	c := Config{Exprs: e, Compile: func(string, int) ([]*probe.Def, error) { return d, nil }}
	ps, err := c.compile("", 0)
	if err != nil || len(ps) != 2 || ps[1].Expr != e[1] || ps[1].Def != d[1] {
		t.Fatalf("compile: %v %v", ps, err)
	}
	c.Compile = func(string, int) ([]*probe.Def, error) { return d[:1], nil }
	if _, err := c.compile("", 0); err == nil {
		t.Error("2 expressions, 1 definition: no error")
	}
	want := []Probe{{Expr: e[0], Def: d[0]}}
	c.Probes = func(string, int) ([]Probe, error) { return want, nil }
	if ps, err := c.compile("", 0); err != nil || len(ps) != 1 || ps[0] != want[0] {
		t.Errorf("Probes is used before Compile: %v %v", ps, err)
	}
	if got := Defs(want); len(got) != 1 || got[0] != d[0] {
		t.Errorf("Defs: %v", got)
	}
}

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
func TestPair(t *testing.T) {
	e := []*expr.Expr{{Src: "a"}, {Src: "b"}}
	d := []*probe.Def{{Name: "p0"}, {Name: "p1"}}
	ps, err := pair(e, d)
	if err != nil || len(ps) != 2 || ps[1].expr != e[1] || ps[1].def != d[1] {
		t.Fatalf("pair: %v %v", ps, err)
	}
	if _, err := pair(e, d[:1]); err == nil {
		t.Error("2 expressions, 1 definition: no error")
	}
}

package trace

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/testkernel"
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

// Each expression keeps its own definition, in order, whatever the
// compiler made of it: a refusal is then shown on the right expression.
func TestCompileKeepsExpressions(t *testing.T) {
	dir := testkernel.Need(t)
	k := kernel.New(kernel.Options{BTF: filepath.Join(dir, "vmlinux.btf.gz"), Kallsyms: filepath.Join(dir, "kallsyms.gz"), Arch: "x86_64"})
	var e []*expr.Expr
	for _, src := range []string{"p ip_output len=%2->len", "e sched/sched_switch f:prev_pid==1"} {
		x, err := expr.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		e = append(e, x)
	}
	ps, err := CompileProbes(e, CompileConfig{Kernel: k})
	if err != nil || len(ps) != 2 || ps[0].Expr != e[0] || ps[1].Expr != e[1] {
		t.Fatalf("compile: %v %v", ps, err)
	}
	if ps[0].Def.Target != "ip_output" || ps[1].Def.Target != "sched/sched_switch" {
		t.Errorf("definitions out of order: %q %q", ps[0].Def.Target, ps[1].Def.Target)
	}
	d := Defs(ps)
	want := ps[:1]
	if got := Defs(want); len(got) != 1 || got[0] != d[0] || len(d) != 2 || d[1] != ps[1].Def {
		t.Errorf("Defs: %v", got)
	}
}

package skb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/trace"
)

// FollowConfig is one `surftrace skb` run: which functions, which
// packets, where hits and figures go, and when to stop.
type FollowConfig struct {
	Kernel *kernel.Kernel
	Filter string   // the packet filter; "" follows every packet
	Funcs  []string // only functions matching these globs
	Max    int      // refuse to attach more probes than this

	Out  io.Writer // hits
	Info io.Writer // attach and detach figures, notes; nil: none
	Log  io.Writer // every tracefs command; nil: none
	Err  io.Writer // warnings that are printed even with Info nil

	JSON bool // one JSON object per hit
	// Show prints the definitions and filters to Out and touches nothing.
	Show bool
	// KernelFilter also tests the dev, mark and len terms in the kernel.
	KernelFilter bool
	Count        int           // stop after this many hits; 0: no limit
	Duration     time.Duration // stop this long after attaching; 0: no limit
	BufferKB     int           // per-CPU trace buffer
}

// ErrNothingToProbe: every candidate function was refused.
var ErrNothingToProbe = errors.New("no function left to probe")

// Follow builds the probes of c, then shows them (Show) or runs them
// until ctx is done, Count hits or Duration.
func Follow(ctx context.Context, c FollowConfig) error {
	var flt *Filter
	if c.Filter != "" {
		var err error
		if flt, err = ParseFilter(c.Filter, DeviceIndex); err != nil {
			return err
		}
	}
	plan, err := plan(c)
	if err != nil {
		return err
	}
	if kf := flt.Kernel(); c.KernelFilter && kf != "" {
		for _, d := range plan.Defs {
			d.Filter = kf
		}
	}
	if c.Show {
		return trace.WriteShow(c.Out, plan.Defs)
	}
	fs, err := ftrace.Discover()
	if err != nil {
		return err
	}
	if !fs.HasKprobes() {
		return ftrace.ErrNoKprobes
	}
	_, err = Run(ctx, RunConfig{FS: fs, Plan: plan, BufferKB: c.BufferKB, Duration: c.Duration,
		Info: c.Info, Log: c.Log,
		Printer: &Printer{Out: c.Out, JSON: c.JSON, Plan: plan, Tracker: &Tracker{Filter: flt}, Max: c.Count}})
	return err
}

// plan picks the candidate functions of c's kernel and compiles a probe
// for each that can have one.
func plan(c FollowConfig) (*Plan, error) {
	k := c.Kernel
	arch, err := k.Arch()
	if err != nil {
		return nil, err
	}
	types, err := k.Types()
	if err != nil {
		return nil, err
	}
	syms, note, err := k.Funcs()
	if err != nil {
		return nil, err
	}
	if note != "" && c.Err != nil {
		fmt.Fprintln(c.Err, "surftrace: "+note)
	}
	cands, err := Candidates(syms, CandidateOptions{Patterns: c.Funcs, Max: c.Max, Types: types, ModuleTypes: k.ModuleTypes()})
	if err != nil {
		return nil, err
	}
	tracefs := ""
	if k.Live() {
		tracefs = kernel.FindTracefs()
	}
	cc := &compile.Config{Arch: arch, Types: types, Kernel: k.Symbols(k.Live() && !c.Show, tracefs)}
	p, err := Build(cands, cc, k.ModuleTypes())
	if err != nil {
		return nil, err
	}
	if c.Info != nil && len(p.Skipped) > 0 {
		fmt.Fprintf(c.Info, "surftrace: %d of %d functions cannot be probed here (first: %s: %v)\n", len(p.Skipped), len(cands), p.Skipped[0].Cand.Name(), p.Skipped[0].Err)
	}
	if len(p.Defs) == 0 {
		return nil, ErrNothingToProbe
	}
	return p, nil
}

package skb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"

	"github.com/surftrace/surftrace/internal/ftrace"
)

// RunConfig is one live `surftrace skb` run.
type RunConfig struct {
	FS      *ftrace.FS
	Plan    *Plan
	Printer *Printer
	// Log receives the tracefs commands (nil: quiet); Info the attach and
	// detach figures and lost-event notices.
	Log, Info io.Writer
	// BufferKB is the per-CPU trace buffer; a thousand probes on a busy
	// path fill the default 1.4 MB quickly.
	BufferKB int
	// Duration ends the run this long after the probes are attached
	// (0: at ctx's end only); attaching a thousand probes takes a while
	// of its own.
	Duration time.Duration
}

// Stats are the figures of a run.
type Stats struct {
	Probes int
	// Attach is registering plus enabling, Detach disabling plus
	// removing; Register and Disarm are their first parts.
	Attach, Detach   time.Duration
	Register, Disarm time.Duration
	Seen, Shown      int
	Lost             uint64
}

// Rate is probes per second over d.
func Rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// Run registers the plan's probes in one batch, streams and prints their
// events until ctx ends (a signal, -t) or the printer's count is reached,
// and removes everything, whatever happened, through the session's undo
// writer.
func Run(ctx context.Context, cfg RunConfig) (st Stats, err error) {
	st.Probes = len(cfg.Plan.Defs)
	sess, err := ftrace.Open(cfg.FS, ftrace.Options{Log: cfg.Log, BufferKB: cfg.BufferKB})
	if err != nil {
		return st, err
	}
	defer func() {
		if cfg.Info != nil && st.Probes > 100 {
			// Minutes for a thousand probes on a slow machine: say so.
			fmt.Fprintf(cfg.Info, "surftrace: detaching %d probes (the kernel waits for a grace period per probe)…\n", st.Probes)
		}
		t0, c0 := time.Now(), cpuTime()
		derr := sess.DisableGroup()
		st.Disarm = time.Since(t0)
		cerr := sess.Close()
		st.Detach = time.Since(t0)
		if cfg.Info != nil {
			fmt.Fprintf(cfg.Info, "surftrace: detached %d probes in %v (%.0f/s; disabling took %v; surftrace's CPU %v)\n", st.Probes, st.Detach.Round(time.Millisecond), Rate(st.Probes, st.Detach), st.Disarm.Round(time.Millisecond), (cpuTime() - c0).Round(time.Millisecond))
		}
		err = errors.Join(err, derr, cerr)
	}()
	t0, c0 := time.Now(), cpuTime()
	if err := sess.AddBatch(cfg.Plan.Defs); err != nil {
		return st, fmt.Errorf("attach: %w", err)
	}
	st.Register = time.Since(t0)
	if ctx.Err() != nil { // interrupted while registering
		return st, nil
	}
	if err := sess.EnableGroup(); err != nil {
		return st, fmt.Errorf("attach: %w", err)
	}
	st.Attach = time.Since(t0)
	if cfg.Info != nil {
		fmt.Fprintf(cfg.Info, "surftrace: attached %d probes in %v (%.0f/s; registering took %v; surftrace's CPU %v)\n", st.Probes, st.Attach.Round(time.Millisecond), Rate(st.Probes, st.Attach), st.Register.Round(time.Millisecond), (cpuTime() - c0).Round(time.Millisecond))
	}
	if ctx.Err() != nil { // interrupted while enabling
		return st, nil
	}
	if err := sess.Start(); err != nil {
		return st, err
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	pr := cfg.Printer
	if pr.OnOther == nil && cfg.Info != nil {
		pr.OnOther = func(l []byte) { fmt.Fprintf(cfg.Info, "surftrace: %s\n", l) }
	}
	serr := sess.Stream(ctx, pr)
	st.Seen, st.Shown = pr.Seen(), pr.Shown()
	if ov, oerr := sess.Overruns(); oerr == nil {
		for _, n := range ov {
			st.Lost += n
		}
	}
	if cfg.Info != nil {
		fmt.Fprintf(cfg.Info, "surftrace: %d events read, %d shown, %d lost\n", st.Seen, st.Shown, st.Lost)
	}
	if st.Lost > 0 && cfg.Info != nil {
		fmt.Fprintf(cfg.Info, "surftrace: the kernel buffer overflowed: %d events lost; narrow --funcs or raise --buffer\n", st.Lost)
	}
	if serr != nil && !errors.Is(serr, ErrCountReached) {
		return st, serr
	}
	return st, nil
}

// cpuTime is the CPU this process has used (user and system): most of an
// attach or detach is the kernel's work, done in the writing process's
// system time, the rest is waiting for RCU grace periods.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

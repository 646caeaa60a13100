package trace

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/surftrace/surftrace/internal/probe"
)

// lostEvery is how often at most a run says that events are being lost.
const lostEvery = time.Second

// progress tells the user on stderr that tracing runs, that events are
// being lost, and at the end what was seen: per-probe counts, losses and
// duration. Its callbacks run on the renderer's goroutine.
type progress struct {
	log      io.Writer // start line and summary; nil with -q
	warn     io.Writer // lost events, shown even with -q
	names    []string  // event names in expression order
	counts   map[string]uint64
	lost     uint64
	lastLost time.Time
	start    time.Time
	bufferKB int
}

func newProgress(log, warn io.Writer, defs []*probe.Def, bufferKB int) *progress {
	p := &progress{log: log, warn: warn, counts: map[string]uint64{}, bufferKB: bufferKB}
	for _, d := range defs {
		p.names = append(p.names, d.Name)
	}
	return p
}

// started prints the line that says tracing runs and touches the ready
// file, the signal for scripts that run with -q.
func (p *progress) started(readyFile string) error {
	p.start = time.Now()
	if p.log != nil {
		n := len(p.names)
		what := "probes"
		if n == 1 {
			what = "probe"
		}
		fmt.Fprintf(p.log, "surftrace: tracing %d %s… Ctrl-C to stop\n", n, what)
	}
	if readyFile != "" {
		now := time.Now()
		f, err := os.OpenFile(readyFile, os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return fmt.Errorf("ready file: %w", err)
		}
		f.Close()
		if err := os.Chtimes(readyFile, now, now); err != nil {
			return fmt.Errorf("ready file: %w", err)
		}
	}
	return nil
}

// event counts one rendered event.
func (p *progress) event(name []byte) { p.counts[string(name)]++ }

// lostEvents adds a "[LOST N EVENTS]" report and says the running total,
// at most once per lostEvery.
func (p *progress) lostEvents(cpu int, n uint64) {
	p.lost += max(n, 1)
	if now := time.Now(); now.Sub(p.lastLost) >= lostEvery {
		p.lastLost = now
		fmt.Fprintf(p.warn, "surftrace: %d events lost so far (kernel buffer full, last on CPU %d)\n", p.lost, cpu)
	}
}

// summary prints "5 events (f0: 3, f1: 2), 0 lost, 12.4 s" and, when
// the kernel dropped events (the renderer's LOST reports, or the per-CPU
// overrun counts, whichever says more), what to do about it.
func (p *progress) summary(overruns func() (map[int]uint64, error)) {
	lost := p.lost
	if ov, err := overruns(); err == nil {
		var total uint64
		for _, n := range ov {
			total += n
		}
		lost = max(lost, total)
	}
	if p.log != nil {
		var total uint64
		parts := make([]string, len(p.names))
		for i, n := range p.names {
			parts[i] = fmt.Sprintf("%s: %d", n, p.counts[n])
			total += p.counts[n]
		}
		what := "events"
		if total == 1 {
			what = "event"
		}
		secs := 0.0
		if !p.start.IsZero() {
			secs = time.Since(p.start).Seconds()
		}
		fmt.Fprintf(p.log, "surftrace: %d %s (%s), %d lost, %.1f s\n", total, what, strings.Join(parts, ", "), lost, secs)
	}
	if lost > 0 {
		size := "a larger buffer"
		if p.bufferKB > 0 {
			size = fmt.Sprintf("more than %d KB", p.bufferKB)
		}
		fmt.Fprintf(p.warn, "surftrace: the kernel buffer overflowed and %d events were lost: give --buffer-size KB (%s per CPU), narrow the filter or trace fewer functions\n", lost, size)
	}
}

package trace

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/render"
	itrace "github.com/surftrace/surftrace/internal/trace"
)

// Stop is what the function given to Run returns to end the run
// cleanly: Run then returns nil. Any other error ends the run too and is
// returned as it is.
var Stop = errors.New("trace: stop")

// ErrNotRunningKernel is returned by Run for probes compiled against
// another kernel (Options.Kallsyms).
var ErrNotRunningKernel = errors.New("trace: probes compiled for another kernel cannot run here")

// ErrStuck is returned by Run when the function given to it had not
// returned 3 seconds after the context was done: the probes are removed
// all the same, and the function is not called again.
var ErrStuck = errors.New("trace: the event function did not return after the stop")

// RunOption changes how Run traces.
type RunOption func(*runOptions)

type runOptions struct {
	stacks bool
}

// WithStacks records the kernel stack with every event (Event.Stack).
func WithStacks() RunOption { return func(o *runOptions) { o.stacks = true } }

// Run arms probes in a tracefs instance of its own and calls fn with
// every event, in the order the kernel hands them over, until ctx is
// done or fn returns an error; fn is called from one goroutine at a time.
// Before it returns it removes every probe, filter and instance it made,
// whatever ended it; a failure to remove them is part of its error.
//
// It returns nil when ctx ended the run or fn returned Stop, fn's error
// when fn returned another, and otherwise why it could not trace: no
// tracefs or no permission (run as root), a kernel without the probe kind
// an expression needs, or a definition the kernel refused (an *Error
// pointing at the part of the expression it came from).
func Run(ctx context.Context, probes []*Probe, fn func(Event) error, opts ...RunOption) error {
	var o runOptions
	for _, opt := range opts {
		opt(&o)
	}
	if len(probes) == 0 {
		return errors.New("trace: Run: no probes")
	}
	exprs := make([]*expr.Expr, len(probes))
	compiled := make([]itrace.Probe, len(probes))
	index := make(map[string]int, len(probes))
	for i, p := range probes {
		if !p.live {
			return fmt.Errorf("%w: %s", ErrNotRunningKernel, p.Expr())
		}
		exprs[i], compiled[i] = p.p.Expr, p.p
		if _, dup := index[p.Name()]; !dup {
			index[p.Name()] = i
		}
	}
	var ended atomic.Bool
	err := itrace.Run(ctx, itrace.Config{
		Exprs:  exprs,
		Probes: func(string, int) ([]itrace.Probe, error) { return compiled, nil },
		Quiet:  true,
		Stack:  o.stacks,
		Deliver: func(e *render.Event) error {
			if ended.Load() {
				return Stop
			}
			return fn(newEvent(e, index))
		},
	})
	ended.Store(true)
	return runError(err, probes)
}

// runError makes a refusal an *Error of the probe's expression and drops
// Stop, keeping a teardown failure joined to it.
func runError(err error, probes []*Probe) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, itrace.ErrOutputStuck) {
		return ErrStuck
	}
	if errors.Is(err, Stop) {
		var rest []error
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				if !errors.Is(e, Stop) {
					rest = append(rest, e)
				}
			}
		}
		return errors.Join(rest...)
	}
	var ee *expr.Error
	if errors.As(err, &ee) {
		for i, p := range probes {
			if p.p.Expr.Src == ee.Src {
				return located(i, err)
			}
		}
	}
	return err
}

// Event is one hit of a probe.
type Event struct {
	// Probe is the index in the probes given to Run of the one that
	// fired, -1 for a stack block whose event came before it was read.
	Probe int
	// Name is the event name (Probe.Name).
	Name string
	Task string // the comm of the task that hit the probe
	Pid  int    // its thread id
	CPU  int
	// Time is the kernel's timestamp, since boot with the default trace
	// clock.
	Time time.Duration
	// Fields are the expression's values, or a tracepoint's fields, in
	// order.
	Fields []Field
	// Stack is the kernel stack, innermost frame first ("ip_output",
	// "__ip_queue_xmit+0x17d/0x410"), with WithStacks; else nil.
	Stack []string
	// Lost is how many events the kernel dropped (its buffer full) in
	// this run so far.
	Lost uint64
}

// Field is one value of an event.
type Field struct {
	Name string
	// Value is typed by the value's fetch type and its name's prefix,
	// as the surftrace command shows it and its --json writes it:
	//   - signed integers (s8…s64, signed bitfields): int64;
	//   - unsigned and hex ones (u8…u64, x8…x64) and the big-endian
	//     b16_/b32_/b64_/B16_/B32_/B64_ names, already in host order:
	//     uint64;
	//   - strings, symbols and enumerators (by name): string;
	//   - ip_ and ip6_ names: net.IP; mac_ names: net.HardwareAddr;
	//   - arrays: []byte for 8-bit elements, else []int64 or []uint64;
	//   - a read that faulted: nil.
	// A tracepoint's fields are int64 when they read as an integer that
	// fits (uint64 past it, hex as uint64), else string.
	Value any
	// Raw is the value as the kernel printed it.
	Raw string
}

// Get returns the value of the field named name.
func (e Event) Get(name string) (any, bool) {
	for _, f := range e.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return nil, false
}

func newEvent(e *render.Event, index map[string]int) Event {
	out := Event{Probe: -1, Name: e.Name, Task: e.Task, Pid: e.Pid, CPU: e.CPU, Time: e.Time, Stack: e.Stack, Lost: e.Lost}
	if i, ok := index[e.Name]; ok {
		out.Probe = i
	}
	out.Fields = make([]Field, len(e.Fields))
	for i, f := range e.Fields {
		out.Fields[i] = Field{Name: f.Name, Value: f.Value, Raw: f.Raw}
	}
	return out
}

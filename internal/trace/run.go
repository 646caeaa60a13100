package trace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/render"
)

// Config is one live run: the parsed expressions, how to compile them
// once tracefs is known, where events and messages go, and when to stop.
type Config struct {
	// Exprs are the user's expressions, in order.
	Exprs []*expr.Expr
	// Probes compiles Exprs into probes, each expression with its
	// definition, against the tracefs at root; pid is the --cmd process
	// (0 without one), which the filters must name. CompileProbes with
	// the same root and pid does it.
	Probes func(root string, pid int) ([]Probe, error)
	// Arming is called once just before tracefs is first changed: from
	// then on a stop must cancel ctx, not end the process, so that the
	// probes are removed.
	Arming func()

	Out io.Writer // rendered events
	Err io.Writer // messages: start line, losses, summary, errors; nil: none
	// Deliver, when set, receives every event parsed into fields instead
	// of its text on Out (which may then be nil); an error it returns
	// ends the run, which returns it once everything is removed. A run
	// that delivers leaves the process as it found it: it changes neither
	// the garbage collector's setting nor the handling of SIGPIPE.
	Deliver func(*render.Event) error

	Quiet    bool          // no start line or summary (losses are still told)
	Stack    bool          // kernel stacks with each event
	JSON     bool          // one JSON object per event
	Count    int           // stop after this many events; 0: no limit
	Duration time.Duration // stop after this long; 0: no limit
	BufferKB int           // per-CPU buffer of the instance; 0: the kernel's default
	Ready    string        // a file touched once the probes are armed
	Script   string        // -o: write the same tracing as a shell script here
	Command  string        // run this shell command and trace it only
}

// ErrOutputStuck ends a run told to stop whose renderer is still blocked
// writing to an output nobody reads: the probes are removed, and the
// caller must exit without waiting for the write.
var ErrOutputStuck = errors.New("stopping with output still unwritten: nobody reads it")

// Run compiles, arms, streams and renders until ctx is done, -c events
// were shown, -t passed, the --cmd command exited or the output went
// away, then removes everything it put in tracefs.
func Run(ctx context.Context, c Config) (err error) {
	if c.Deliver == nil {
		lowerPeak()
	}
	if c.Err == nil {
		c.Err = io.Discard
	}
	var log io.Writer = c.Err
	if c.Quiet {
		log = nil
	}
	fs, err := ftrace.Discover()
	if err != nil {
		return TracefsError(err)
	}
	if err := CheckAccess(fs.Root); err != nil {
		return err
	}
	if err := checkProbeSupport(fs, c.Exprs); err != nil {
		return err
	}
	var held *launched
	pid := 0
	if c.Command != "" {
		if held, err = launch(c.Command); err != nil {
			return err
		}
		defer held.abort()
		pid = held.pid()
	}
	if c.Probes == nil {
		return errors.New("trace.Config: no Probes to compile the expressions")
	}
	probes, err := c.Probes(fs.Root, pid)
	if err != nil {
		return err
	}
	defs := Defs(probes)
	if c.Deliver == nil {
		// A closed stdout (surftrace … | head -3) must end the run with
		// a clean teardown, not kill the process: ask for EPIPE instead
		// of SIGPIPE.
		signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	}

	// From here a stop signal must reach the teardown below.
	if c.Arming != nil {
		c.Arming()
	}
	sess, err := ftrace.Open(fs, ftrace.Options{Log: log, Stack: c.Stack, BufferKB: c.BufferKB})
	if err != nil {
		return err
	}
	// Once: the stuck-output watchdog may tear down too, and whichever
	// comes second must wait for the first to finish. A failed teardown
	// leaves probes in the kernel: the run then fails, whatever ended it.
	teardown := sync.OnceValue(sess.Close)
	defer func() {
		if cerr := teardown(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("teardown: %w", cerr))
		}
	}()
	if err := sess.Add(defs); err != nil {
		return kernelRefusal(err, probes, sess.Name())
	}
	if c.Script != "" {
		// Only definitions the kernel took make a script worth running.
		if err := WriteScript(c.Script, defs, c.Stack, log); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return nil // stopped during set-up
	}
	schema := render.SchemaFromDefs(defs)
	for _, d := range defs {
		if d.Kind == probe.Event {
			if names := eventArgNames(fs, d.Target); names != nil {
				schema.AddEvent(d.Name, names)
			}
		}
	}
	if err := sess.Start(); err != nil {
		return err
	}
	pipe, err := sess.Pipe()
	if err != nil {
		return err
	}
	releaseMemory()
	prog := newProgress(log, c.Err, defs, c.BufferKB)
	if err := prog.started(c.Ready); err != nil {
		return err
	}
	ctx, cancelOut := context.WithCancel(ctx)
	defer cancelOut()
	if held != nil {
		if err := held.release(); err != nil {
			return err
		}
		held.whenDone(log, cancelOut)
	}
	watchClosedOutput(ctx, c.Out, cancelOut)
	if c.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Duration)
		defer cancel()
	}
	stop := context.AfterFunc(ctx, func() { pipe.Close() })
	defer stop()
	streamed := make(chan error, 1)
	go func() { streamed <- stream(pipe, c, schema, prog) }()
	err = waitStreamed(ctx, streamed)
	if errors.Is(err, ErrOutputStuck) {
		return err
	}
	pipe.Close()
	prog.summary(sess.Overruns)
	var df deliverFailed
	if errors.As(err, &df) {
		return df.err
	}
	if isClosedOutput(err) {
		return nil
	}
	return err
}

// stream renders the pipe until it closes, -c events were shown, or the
// output goes away (or, delivering, until Deliver fails).
func stream(src io.Reader, c Config, schema *render.Schema, prog *progress) error {
	opts := render.Options{
		JSON:      c.JSON,
		Schema:    schema,
		Stacks:    c.Stack,
		MaxEvents: uint64(max(c.Count, 0)),
		OnLost:    prog.lostEvents,
		OnEvent:   prog.event,
	}
	var failed error
	if c.Deliver != nil {
		opts.Deliver = func(e *render.Event) error {
			if err := c.Deliver(e); err != nil {
				failed = err
				return err
			}
			return nil
		}
	}
	err := render.Copy(c.Out, src, opts)
	if failed != nil {
		return deliverFailed{failed}
	}
	return err
}

// deliverFailed carries the error Config.Deliver returned, which ends the
// run as it is, never taken for the pipe closing at a stop.
type deliverFailed struct{ err error }

func (d deliverFailed) Error() string { return d.err.Error() }
func (d deliverFailed) Unwrap() error { return d.err }

func isClosedOutput(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed)
}

// checkProbeSupport fails before anything is written when the kernel
// lacks the probe kind an expression needs.
func checkProbeSupport(fs *ftrace.FS, parsed []*expr.Expr) error {
	for _, e := range parsed {
		switch {
		case e.Kind.IsUser() && !fs.HasUprobes():
			return expr.Errorf(e.Src, e.KindPos, 1, ftrace.ErrNoUprobes, "%v", ftrace.ErrNoUprobes)
		case !e.Kind.IsUser() && e.Kind != probe.Event && !fs.HasKprobes():
			return expr.Errorf(e.Src, e.KindPos, 1, ftrace.ErrNoKprobes, "%v", ftrace.ErrNoKprobes).
				WithHint("this kernel cannot carry kernel probes; -S still shows the definitions, and P/R (uprobes) and e (tracepoints) work")
		}
	}
	return nil
}

// eventArgNames lists a tracepoint's own fields, in order, for the
// renderer.
func eventArgNames(fs *ftrace.FS, target string) []string {
	sys, ev, _ := strings.Cut(target, "/")
	f, err := ftrace.ReadFormat(fs, sys, ev)
	if err != nil {
		return nil
	}
	var names []string
	for _, fl := range f.Fields {
		if !strings.HasPrefix(fl.Name, "common_") {
			names = append(names, fl.Name)
		}
	}
	return names
}

// WriteScript writes the -o shell script: the same tracing with echo
// and cat, for machines without surftrace.
func WriteScript(path string, defs []*probe.Def, stack bool, log io.Writer) error {
	b, err := ftrace.Script(defs, ftrace.ScriptOptions{Stack: stack})
	if err != nil {
		return err
	}
	if err := ftrace.WriteScriptFile(path, b); err != nil {
		if errors.Is(err, ftrace.ErrUnsafeTarget) {
			return fmt.Errorf("%w: -o: %w", kernel.ErrUsage, err)
		}
		return err
	}
	if log != nil {
		fmt.Fprintf(log, "# wrote %s: the same tracing with echo and cat\n", path)
	}
	return nil
}

// watchClosedOutput calls cancel when out is a pipe or socket whose reader
// has gone. EPIPE only comes with the next write, and with no further event
// `surftrace … | head -1` would hang with its probes in place; poll reports
// POLLERR on a pipe without readers even when asked for no events.
func watchClosedOutput(ctx context.Context, out io.Writer, cancel context.CancelFunc) {
	f, ok := out.(*os.File)
	if !ok {
		return
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	fd := -1
	rc.Control(func(u uintptr) { fd = int(u) })
	var st unix.Stat_t
	if fd < 0 || unix.Fstat(fd, &st) != nil {
		return
	}
	if t := st.Mode & unix.S_IFMT; t != unix.S_IFIFO && t != unix.S_IFSOCK {
		return
	}
	go func() {
		fds := []unix.PollFd{{Fd: int32(fd)}}
		for ctx.Err() == nil {
			n, err := unix.Poll(fds, 250)
			if err != nil && !errors.Is(err, unix.EINTR) {
				return
			}
			if n > 0 && fds[0].Revents&(unix.POLLERR|unix.POLLHUP) != 0 {
				cancel()
				return
			}
		}
	}()
}

// stuckGrace is how long a stopped run waits for the renderer to finish
// writing before it decides nobody reads the output.
const stuckGrace = 3 * time.Second

// waitStreamed waits for the renderer to end. When the run was told to
// stop (signal, -t, closed output) and the renderer has not returned
// stuckGrace later, it is blocked writing to an output nobody reads
// (surftrace … | less, paused): the run then ends with ErrOutputStuck, and
// the probes must not outlive a Ctrl-C or a SIGTERM that a SIGKILL may
// follow.
func waitStreamed(ctx context.Context, streamed <-chan error) error {
	select {
	case err := <-streamed:
		return err
	case <-ctx.Done():
	}
	select {
	case err := <-streamed:
		return err
	case <-time.After(stuckGrace):
		return ErrOutputStuck
	}
}

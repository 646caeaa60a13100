package main

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

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/render"
)

// runLive programs tracefs, streams the instance's trace_pipe through the
// renderer and removes everything on the way out (SPEC §4).
func runLive(cmd *cobra.Command, cfg *config, parsed []*expr.Expr) (err error) {
	lowerPeak()
	stderr := cmd.ErrOrStderr()
	var log io.Writer = stderr
	if cfg.quiet {
		log = nil
	}
	fs, err := ftrace.Discover()
	if err != nil {
		return tracefsErr(err)
	}
	if err := checkTracingAccess(fs.Root); err != nil {
		return err
	}
	if err := checkProbeSupport(fs, parsed); err != nil {
		return err
	}
	var held *launched
	if cfg.cmdLine != "" {
		if held, err = launch(cfg.cmdLine); err != nil {
			return err
		}
		defer held.abort()
		cfg.pid = held.pid()
	}
	defs, err := compileAll(cfg, parsed, true, fs.Root)
	if err != nil {
		return err
	}
	// A closed stdout (surftrace … | head -3) must end the run with a
	// clean teardown, not kill the process: ask for EPIPE instead of
	// SIGPIPE.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)

	// From here a stop signal must reach the teardown below.
	handOver()
	sess, err := ftrace.Open(fs, ftrace.Options{Log: log, Stack: cfg.stack, BufferKB: cfg.bufferKB})
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
		return kernelRefusal(err, defs, parsed, sess.Name())
	}
	if cfg.output != "" {
		// Only definitions the kernel took make a script worth running.
		if err := writeScript(cfg, defs, log); err != nil {
			return err
		}
	}
	if cmd.Context().Err() != nil {
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
	prog := newProgress(log, stderr, defs, cfg.bufferKB)
	if err := prog.started(cfg.ready); err != nil {
		return err
	}
	ctx, cancelOut := context.WithCancel(cmd.Context())
	defer cancelOut()
	if held != nil {
		if err := held.release(); err != nil {
			return err
		}
		held.whenDone(log, cancelOut)
	}
	watchClosedOutput(ctx, cmd.OutOrStdout(), cancelOut)
	if cfg.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.duration)
		defer cancel()
	}
	stop := context.AfterFunc(ctx, func() { pipe.Close() })
	defer stop()
	streamed := make(chan struct{})
	exitIfStuck(ctx, streamed, teardown, stderr)
	err = stream(pipe, cmd.OutOrStdout(), cfg, schema, prog)
	close(streamed)
	pipe.Close()
	prog.summary(sess.Overruns)
	if isClosedOutput(err) {
		return nil
	}
	return err
}

// stream renders the pipe until it closes, -c events were shown, or the
// output goes away.
func stream(src io.Reader, out io.Writer, cfg *config, schema *render.Schema, prog *progress) error {
	return render.Copy(out, src, render.Options{
		JSON:      cfg.json,
		Schema:    schema,
		Stacks:    cfg.stack,
		MaxEvents: uint64(max(cfg.count, 0)),
		OnLost:    prog.lostEvents,
		OnEvent:   prog.event,
	})
}

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

// writeScript writes the -o shell script.
func writeScript(cfg *config, defs []*probe.Def, log io.Writer) error {
	b, err := ftrace.Script(defs, ftrace.ScriptOptions{Stack: cfg.stack})
	if err != nil {
		return err
	}
	if err := ftrace.WriteScriptFile(cfg.output, b); err != nil {
		if errors.Is(err, ftrace.ErrUnsafeTarget) {
			return fmt.Errorf("%w: -o: %w", errUsage, err)
		}
		return err
	}
	if log != nil {
		fmt.Fprintf(log, "# wrote %s: the same tracing with echo and cat\n", cfg.output)
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

// exitIfStuck tears down and exits when the run was told to stop (signal,
// -t, closed output) but the renderer has not returned stuckGrace later:
// it is blocked writing to an output nobody reads (surftrace … | less,
// paused), and the probes must not outlive a Ctrl-C or a SIGTERM that a
// SIGKILL may follow.
func exitIfStuck(ctx context.Context, streamed <-chan struct{}, teardown func() error, stderr io.Writer) {
	go func() {
		select {
		case <-streamed:
			return
		case <-ctx.Done():
		}
		select {
		case <-streamed:
		case <-time.After(stuckGrace):
			fmt.Fprintln(stderr, "surftrace: stopping with output still unwritten: nobody reads it")
			if err := teardown(); err != nil {
				fmt.Fprintln(stderr, "surftrace: teardown:", err)
			}
			os.Exit(1)
		}
	}()
}

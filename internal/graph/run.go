package graph

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"
)

// Config is one `surftrace graph` run.
type Config struct {
	Func     string        // the function to graph; offline it may be empty: the first one entered at depth 0
	Mode     Mode          // output mode, ModeSVG when empty
	Step     int           // svg: one graph every Step calls (1: every call); 0: only the total
	OutDir   string        // svg: where the per-call and merged files go; "": only the merged FUNC.svg, in the current directory
	MaxFiles int           // svg: at most this many per-call files; 0: no limit
	Count    int           // stop after this many calls; 0: no limit
	Duration time.Duration // stop after this long; 0: no limit
	Depth    int           // max_graph_depth: how deep the kernel follows calls; 0: no limit
	Input    io.Reader     // offline: read function_graph text from here instead of tracing
	Tracefs  string        // the tracefs mount; found (or mounted) when empty
	Stdout   io.Writer     // output; os.Stdout when nil
	Stderr   io.Writer     // the summary and warnings; os.Stderr when nil
	Log      io.Writer     // every tracefs step as a shell command; nil: quiet
}

// Run graphs calls of cfg.Func: live through the function_graph tracer, or
// from cfg.Input. Live, it stops on ctx's end, after cfg.Duration or after
// cfg.Count calls, and then puts tracefs back as it was, also when it fails
// half way. It wraps ErrNoFunctionGraph, ErrNotTraceable, ErrTracerBusy,
// ErrBadMode and ErrNoFunction.
func Run(ctx context.Context, cfg Config) (err error) {
	if err := cfg.defaults(); err != nil {
		return err
	}
	if cfg.Input != nil {
		return process(ctx, &cfg, cfg.Input)
	}
	if cfg.Func == "" {
		return ErrNoFunction
	}
	t, err := openTracefs(cfg.Tracefs, cfg.Log)
	if err != nil {
		return err
	}
	defer func() {
		if rerr := t.restore(); rerr != nil {
			err = errors.Join(err, fmt.Errorf("put tracefs back: %w", rerr))
		}
	}()
	fn, err := checkKernel(t, cfg.Func, cfg.Stderr)
	if err != nil {
		return err
	}
	cfg.Func = fn
	dir, err := arm(t, &cfg)
	if err != nil {
		return err
	}
	pipe := t.path(dir + "trace_pipe")
	fmt.Fprintf(cfg.Log, "cat %s\n", pipe)
	r, err := openPipe(ctx, pipe)
	if err != nil {
		return err
	}
	// The tracer cannot be changed back while trace_pipe is open: close it
	// before the deferred restore runs.
	defer r.Close()
	return process(ctx, &cfg, r)
}

func (cfg *Config) defaults() error {
	if cfg.Mode == "" {
		cfg.Mode = ModeSVG
	}
	if _, err := ParseMode(string(cfg.Mode)); err != nil {
		return err
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	return nil
}

// process reads lines until the input ends or the run is over, feeding the
// builder and the sink, then prints a summary.
func process(ctx context.Context, cfg *Config, r io.Reader) error {
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	if p, ok := r.(*pipeReader); ok {
		p.ctx = ctx
	}
	if cfg.Mode == ModeSVG && cfg.OutDir != "" {
		if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
			return fmt.Errorf("output directory: %w", err)
		}
	}
	b := NewBuilder(cfg.Func)
	out := newSink(cfg)
	br := bufio.NewReaderSize(r, 64<<10)
	var err error
	for err == nil && ctx.Err() == nil && (cfg.Count <= 0 || b.Stats().Calls < cfg.Count) {
		var s string
		s, err = br.ReadString('\n')
		if s == "" {
			continue
		}
		s = trimEOL(s)
		if name, ok := strings.CutPrefix(s, RawFuncMark); ok && b.Func() == "" && b.Stats().Calls == 0 {
			// A capture of -m raw names its function: graph that one,
			// not the first one that happens to start at the top.
			b = NewBuilder(strings.TrimSpace(name))
			out = newSink(cfg)
		}
		werr := out.line(s)
		if c := b.AddText(s); c != nil && werr == nil {
			werr = out.call(c)
		}
		if errors.Is(werr, syscall.EPIPE) {
			return nil // the reader went away (| head): a normal end
		}
		if werr != nil {
			return fmt.Errorf("write output: %w", werr)
		}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read function_graph output: %w", err)
	}
	st := b.Flush()
	if cerr := out.close(); cerr != nil {
		return cerr
	}
	summary(cfg.Stderr, b.Func(), st)
	return nil
}

func trimEOL(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// summary says how many calls were seen and why some were not shown.
func summary(w io.Writer, fn string, st Stats) {
	if fn == "" {
		fn = "the traced function"
	}
	calls := "calls"
	if st.Calls == 1 {
		calls = "call"
	}
	fmt.Fprintf(w, "graph: %d complete %s of %s", st.Calls, calls, fn)
	if st.Dropped > 0 {
		fmt.Fprintf(w, ", %d dropped (events lost inside them)", st.Dropped)
	}
	if st.Unfinished > 0 {
		fmt.Fprintf(w, ", %d still running at the end", st.Unfinished)
	}
	if st.Lost > 0 {
		fmt.Fprintf(w, "; the kernel lost %d events (a larger buffer_size_kb or -d DEPTH helps)", st.Lost)
	}
	fmt.Fprintln(w)
}

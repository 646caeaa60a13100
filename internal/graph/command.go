package graph

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/trace"
)

// Flags are `surftrace graph`'s (and surfGraph's) command line as given.
type Flags struct {
	Args     []string // the positional arguments: FUNC, or none
	Function string   // -f
	Mode     string   // -m; "": tree, or svg with -o
	Step     int
	Out      string // -o: a directory, or surfGraph's 0/1 switch
	Count    int
	Duration time.Duration
	Depth    int
	Input    string // -i FILE, "-" for stdin
	Quiet    bool
	MaxFiles int
}

// Streams are where a command reads and writes.
type Streams struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// RunFlags runs the command line f: it settles the defaults, checks the
// flags (usage errors wrap kernel.ErrUsage) and, live, that tracefs can
// be used, then runs it as Run does.
func RunFlags(ctx context.Context, f Flags, s Streams) error {
	cfg, closeFn, err := f.config(s)
	if err != nil {
		return err
	}
	defer closeFn()
	// A closed output pipe must end the run through its clean-up, not kill it.
	sigpipe := make(chan os.Signal, 1)
	signal.Notify(sigpipe, syscall.SIGPIPE)
	defer signal.Stop(sigpipe)
	if ctx == nil {
		ctx = context.Background()
	}
	return Run(ctx, cfg)
}

// config turns the flags into a Config; closeFn closes the input file.
func (f Flags) config(s Streams) (cfg Config, closeFn func(), err error) {
	closeFn = func() {}
	fn := f.Function
	switch {
	case len(f.Args) == 1 && fn != "" && f.Args[0] != fn:
		return cfg, nil, fmt.Errorf("two functions given (%s and -f %s): graph one at a time", f.Args[0], fn)
	case len(f.Args) == 1:
		fn = f.Args[0]
	}
	mode, err := ParseMode(f.defaultMode())
	if err != nil {
		return cfg, nil, err
	}
	if f.MaxFiles < 0 {
		return cfg, nil, fmt.Errorf("%w: --max-files %d: give 0 (no limit) or more", kernel.ErrUsage, f.MaxFiles)
	}
	cfg = Config{
		Func: fn, Mode: mode, Step: f.Step, OutDir: f.Out, MaxFiles: f.MaxFiles, Count: f.Count,
		Duration: f.Duration, Depth: f.Depth, Stdout: s.Stdout, Stderr: s.Stderr, Log: s.Stderr,
	}
	if f.Quiet {
		cfg.Log = io.Discard
	}
	if (f.Out == "0" || f.Out == "1") && !isDir(f.Out) {
		// surfGraph's -o was a 0/1 switch for saving pickled trees.
		fmt.Fprintf(cfg.Stderr, "graph: -o %s is surfGraph's switch for .tree files, which surftrace does not write; graphs go to the current directory\n", f.Out)
		cfg.OutDir = "."
	}
	switch f.Input {
	case "":
		return cfg, closeFn, checkLive(fn)
	case "-":
		cfg.Input = s.Stdin
		return cfg, closeFn, nil
	}
	in, err := os.Open(f.Input)
	if err != nil {
		return cfg, nil, fmt.Errorf("read saved trace: %w", err)
	}
	cfg.Input = in
	return cfg, func() { in.Close() }, nil
}

// defaultMode is -m, else tree: a run of 600 calls must not drop 601
// files into the current directory, so files only where -o says.
func (f Flags) defaultMode() string {
	switch {
	case f.Mode != "":
		return f.Mode
	case f.Out != "":
		return string(ModeSVG)
	}
	return string(ModeTree)
}

// checkLive says, before anything is changed, why a live run cannot go.
func checkLive(fn string) error {
	if fn == "" {
		return fmt.Errorf("%w: name it (surftrace graph FUNC)", ErrNoFunction)
	}
	fs, err := ftrace.Discover()
	if err != nil {
		return trace.TracefsError(err)
	}
	return trace.CheckAccess(fs.Root)
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

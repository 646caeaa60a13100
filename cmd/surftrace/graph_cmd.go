package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/completion"
	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/graph"

	"github.com/surftrace/surftrace/internal/trace"
)

// graphFlags are the flags of `surftrace graph` (and of surfGraph).
type graphFlags struct {
	function string
	mode     string
	step     int
	out      string
	count    int
	duration time.Duration
	depth    int
	input    string
	quiet    bool
	maxFiles int
}

// newGraphCmd returns `surftrace graph`: call graphs of one kernel function
// through the function_graph tracer, as the original surfGraph drew them.
func newGraphCmd() *cobra.Command {
	var f graphFlags
	cmd := &cobra.Command{
		Use:   "graph [flags] FUNC",
		Short: "Call graphs of a kernel function as trees or flame graphs (function_graph tracer)",
		Long: `Trace every call of FUNC with the kernel's function_graph tracer and show
what it called and how long each callee took: as an indented tree with
times and shares on stdout (the default), as flame graphs (-o DIR: one for
all calls merged and one per call every STEP calls, at most --max-files of
them; -m svg without -o: only the merged one, FUNC.svg), as folded stacks
for flamegraph.pl, inferno or speedscope (-m folded), as a flat walk of the
calls, or as the tracer's own lines. The SVGs zoom on a click, reset and
search in any browser, with no network. Stops on Ctrl-C, after -t DURATION
or after -c N calls, and puts tracefs back as it was.

Needs a kernel built with CONFIG_FUNCTION_GRAPH_TRACER. With -i it reads
function_graph text saved earlier (cat trace > FILE) and needs nothing.`,
		Example: `  surftrace graph do_sys_openat2 -m tree -c 3
  surftrace graph ip_finish_output2 -t 10s -o /tmp/graphs
  surftrace graph -f __do_fault -m walk
  surftrace graph -i saved-trace.txt -m tree`,
		Args:          cobra.MaximumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runGraph(cmd, args, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.function, "function", "f", "", "the function to graph (surfGraph's -f; or give it as the argument)")
	fl.StringVarP(&f.mode, "mode", "m", "", "output: tree (default), svg (default with -o), folded, walk or raw")
	fl.IntVarP(&f.step, "step", "s", 1, "svg: write a graph every STEP calls (0: only the merged total)")
	fl.StringVarP(&f.out, "output", "o", "", "svg: directory for FUNC-total.svg and FUNC-<n>.svg")
	fl.IntVar(&f.maxFiles, "max-files", 20, "svg: write at most `N` per-call graphs (0: no limit)")
	fl.IntVarP(&f.count, "count", "c", 0, "stop after N complete calls")
	fl.VarP(durationFlag{&f.duration}, "time", "t", "stop after this long (10s, 1m)")
	fl.IntVarP(&f.depth, "depth", "d", 0, "follow calls at most DEPTH levels deep (max_graph_depth; 0: all)")
	fl.StringVarP(&f.input, "input", "i", "", "read saved function_graph text from FILE (-: stdin) instead of tracing")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "do not print the tracefs set-up and teardown commands")
	cmd.ValidArgsFunction = completion.GraphArgs
	cmd.RegisterFlagCompletionFunc("function", completion.FuncName(false))
	cmd.RegisterFlagCompletionFunc("mode", cobra.FixedCompletions(
		[]string{"svg", "tree", "folded", "walk", "raw"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runGraph(cmd *cobra.Command, args []string, f *graphFlags) error {
	fn := f.function
	switch {
	case len(args) == 1 && fn != "" && args[0] != fn:
		return fmt.Errorf("two functions given (%s and -f %s): graph one at a time", args[0], fn)
	case len(args) == 1:
		fn = args[0]
	}
	if f.mode == "" {
		// A run of 600 calls must not drop 601 files into the current
		// directory: files only where -o says.
		f.mode = string(graph.ModeTree)
		if f.out != "" {
			f.mode = string(graph.ModeSVG)
		}
	}
	mode, err := graph.ParseMode(f.mode)
	if err != nil {
		return err
	}
	if f.maxFiles < 0 {
		return fmt.Errorf("%w: --max-files %d: give 0 (no limit) or more", errUsage, f.maxFiles)
	}
	cfg := graph.Config{
		Func: fn, Mode: mode, Step: f.step, OutDir: f.out, MaxFiles: f.maxFiles, Count: f.count,
		Duration: f.duration, Depth: f.depth,
		Stdout: cmd.OutOrStdout(), Stderr: cmd.ErrOrStderr(), Log: cmd.ErrOrStderr(),
	}
	if f.quiet {
		cfg.Log = io.Discard
	}
	if (f.out == "0" || f.out == "1") && !isDir(f.out) {
		// surfGraph's -o was a 0/1 switch for saving pickled trees.
		fmt.Fprintf(cfg.Stderr, "graph: -o %s is surfGraph's switch for .tree files, which surftrace does not write; graphs go to the current directory\n", f.out)
		cfg.OutDir = "."
	}
	switch f.input {
	case "":
		if fn == "" {
			return fmt.Errorf("%w: name it (surftrace graph FUNC)", graph.ErrNoFunction)
		}
		fs, err := ftrace.Discover()
		if err != nil {
			return trace.TracefsError(err)
		}
		if err := trace.CheckAccess(fs.Root); err != nil {
			return err
		}
	case "-":
		cfg.Input = cmd.InOrStdin()
	default:
		in, err := os.Open(f.input)
		if err != nil {
			return fmt.Errorf("read saved trace: %w", err)
		}
		defer in.Close()
		cfg.Input = in
	}
	// A closed output pipe must end the run through its clean-up, not kill it.
	sigpipe := make(chan os.Signal, 1)
	signal.Notify(sigpipe, syscall.SIGPIPE)
	defer signal.Stop(sigpipe)
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	return graph.Run(ctx, cfg)
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// graphMain runs surfGraph: the binary invoked under that name takes the
// original surfGraph's command line (surfGraph -f FUNC [-m MODE] [-s STEP]
// [-o OUT]) and returns the process exit status.
func graphMain(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals...)
	defer stop()
	cmd := newGraphCmd()
	cmd.Use = "surfGraph -f FUNC [flags]"
	args, err := expandAbbrevs(cmd, args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "surfGraph:", err)
		return 2
	}
	cmd.SetArgs(args)
	if err := cmd.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "surfGraph:", err)
		return 1
	}
	return 0
}

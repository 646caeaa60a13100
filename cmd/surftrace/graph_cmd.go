package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/completion"
	"github.com/surftrace/surftrace/internal/graph"
)

// newGraphCmd returns `surftrace graph`: call graphs of one kernel function
// through the function_graph tracer, as the original surfGraph drew them.
func newGraphCmd() *cobra.Command {
	var f graph.Flags
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
			f.Args = args
			return graph.RunFlags(cmd.Context(), f, graph.Streams{Stdin: cmd.InOrStdin(), Stdout: cmd.OutOrStdout(), Stderr: cmd.ErrOrStderr()})
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.Function, "function", "f", "", "the function to graph (surfGraph's -f; or give it as the argument)")
	fl.StringVarP(&f.Mode, "mode", "m", "", "output: tree (default), svg (default with -o), folded, walk or raw")
	fl.IntVarP(&f.Step, "step", "s", 1, "svg: write a graph every STEP calls (0: only the merged total)")
	fl.StringVarP(&f.Out, "output", "o", "", "svg: directory for FUNC-total.svg and FUNC-<n>.svg")
	fl.IntVar(&f.MaxFiles, "max-files", 20, "svg: write at most `N` per-call graphs (0: no limit)")
	fl.IntVarP(&f.Count, "count", "c", 0, "stop after N complete calls")
	fl.VarP(durationFlag{&f.Duration}, "time", "t", "stop after this long (10s, 1m)")
	fl.IntVarP(&f.Depth, "depth", "d", 0, "follow calls at most DEPTH levels deep (max_graph_depth; 0: all)")
	fl.StringVarP(&f.Input, "input", "i", "", "read saved function_graph text from FILE (-: stdin) instead of tracing")
	fl.BoolVarP(&f.Quiet, "quiet", "q", false, "do not print the tracefs set-up and teardown commands")
	cmd.ValidArgsFunction = completion.GraphArgs
	cmd.RegisterFlagCompletionFunc("function", completion.FuncName(false))
	cmd.RegisterFlagCompletionFunc("mode", cobra.FixedCompletions(
		[]string{"svg", "tree", "folded", "walk", "raw"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
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

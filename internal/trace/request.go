package trace

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/wildcard"
)

// Request is one command line's tracing work: where its expressions come
// from, the kernel they are compiled against, and either -S (print the
// definitions, touch nothing) or a live run.
type Request struct {
	// Args are the expressions given as arguments; Files are files of
	// more, one a line (-f), whose errors name FILE:LINE.
	Args, Files []string
	// MaxMatches caps the expansion of a probe point with wildcards.
	MaxMatches int
	Kernel     *kernel.Kernel
	// Pid narrows every event to that process (--pid).
	Pid int
	// Show prints the definitions and filters to Live.Out instead of
	// tracing; with Live.Script it also writes them as a shell script.
	Show bool
	// Notes is told what slow loading is going on; nil: nothing.
	Notes io.Writer
	// Live is the run: its Exprs and Compile are filled in here.
	Live Config
}

// Do reads, expands, parses and compiles the expressions, then shows
// them (-S) or traces them.
func Do(ctx context.Context, r Request) error {
	if err := SplitByShell(r.Args); err != nil {
		return err
	}
	in, err := readExprs(r.Args, r.Files)
	if err != nil {
		return err
	}
	if err := in.expand(NewExpander(r.Kernel), r.MaxMatches); err != nil {
		return err
	}
	if len(in.src) == 0 {
		return fmt.Errorf("%w: no expression given (e.g. surftrace 'p do_sys_openat2 dfd=%%0'; see surftrace --help)", kernel.ErrUsage)
	}
	parsed := make([]*expr.Expr, len(in.src))
	for i, s := range in.src {
		e, err := expr.Parse(s)
		if err != nil {
			return in.at(i, ExplainParseError(r.Kernel, err))
		}
		parsed[i] = e
	}
	pid := r.Pid
	compileAll := func(armed bool, root string) ([]Probe, error) {
		return CompileProbes(parsed, CompileConfig{
			Kernel: r.Kernel, Armed: armed, Tracefs: root,
			Pid: pid, InPid: pid != 0 && r.Live.Command == "",
			Notes: r.Notes, Warn: r.Live.Err,
			Explain: func(i int, err error) error { return in.at(i, in.explainMatch(i, err)) },
		})
	}
	if r.Show {
		probes, err := compileAll(false, "")
		if err != nil {
			return err
		}
		defs := Defs(probes)
		if r.Live.Script != "" {
			// The script touches nothing until it is run.
			if err := WriteScript(r.Live.Script, defs, r.Live.Stack, r.Live.Err); err != nil {
				return err
			}
		}
		return WriteShow(r.Live.Out, defs)
	}
	c := r.Live
	c.Exprs = parsed
	c.Probes = func(root string, cmdPid int) ([]Probe, error) {
		if cmdPid != 0 {
			pid = cmdPid
		}
		return compileAll(true, root)
	}
	return in.bySource(Run(ctx, c))
}

// ShowGroup is the probe group -S definitions name, the original's: a
// live run uses a group of its own, made unique per process.
const ShowGroup = "surftrace"

// WriteShow prints -S output: definitions, then filters, as the original
// prints them.
func WriteShow(w io.Writer, defs []*probe.Def) error {
	bw := bufio.NewWriter(w)
	for _, d := range defs {
		if d.Kind == probe.Event {
			fmt.Fprintf(bw, "e:%s\n", d.Target)
			continue
		}
		fmt.Fprintln(bw, d.Line(ShowGroup))
	}
	for _, d := range defs {
		if d.Filter != "" {
			fmt.Fprintf(bw, "%s filter: %s\n", d.Name, d.Filter)
		}
	}
	return bw.Flush()
}

// explainMatch names the match in a compile error of an expression that
// a wildcard expanded to.
func (in *inputs) explainMatch(i int, err error) error {
	if i < len(in.matches) && in.matches[i].Pattern != "" {
		return wildcard.Explain(in.matches[i], err)
	}
	return err
}

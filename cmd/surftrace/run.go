package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/trace"
)

// run is the root command: translate, then show or trace.
func run(cmd *cobra.Command, cfg *config) error {
	// Nothing to undo until tracefs is touched: a signal ends the process
	// at once, even while it waits in open(2) on a FIFO given as a file.
	exitOnStop()
	for _, o := range []struct{ flag, val, what string }{
		{"-d", cfg.db, "the original's type database"},
		{"-r", cfg.rip, "the original's remote type server"},
		{"-g", cfg.gdb, "gdb"},
	} {
		if o.val != "" {
			fmt.Fprintf(os.Stderr, "surftrace: %s %s ignored: %s is not needed, types come from BTF (or -v VMLINUX)\n", o.flag, o.val, o.what)
		}
	}
	if err := refuseJSON(cfg); err != nil {
		return err
	}
	if err := prepareFlags(cmd, cfg); err != nil {
		return err
	}
	if cfg.fn != "" || cfg.line != "" {
		return runDisasmFlags(cmd, cfg)
	}
	if err := splitByShell(cfg.exprs); err != nil {
		return err
	}
	exprs, err := collectExprs(cfg)
	if err != nil {
		return err
	}
	if exprs, err = expandExprs(cfg, exprs); err != nil {
		return err
	}
	if len(exprs) == 0 {
		return fmt.Errorf("%w: no expression given (e.g. surftrace 'p do_sys_openat2 dfd=%%0'; see surftrace --help)", errUsage)
	}
	parsed := make([]*expr.Expr, len(exprs))
	for i, s := range exprs {
		e, err := expr.Parse(s)
		if err != nil {
			return fromFile(cfg, i, trace.ExplainParseError(kernelOf(cfg), err))
		}
		parsed[i] = e
	}
	if cfg.show {
		defs, err := compileAll(cfg, parsed, false, "")
		if err != nil {
			return err
		}
		if cfg.output != "" {
			// The script touches nothing until it is run.
			if err := trace.WriteScript(cfg.output, defs, cfg.stack, cmd.ErrOrStderr()); err != nil {
				return err
			}
		}
		return printShow(cmd.OutOrStdout(), defs)
	}
	return fromFileBySource(cfg, exprs, trace.Run(cmd.Context(), traceConfig(cmd, cfg, parsed)))
}

// refuseJSON refuses --json where it would be ignored: -S prints
// kprobe_events lines and -F/-l a listing, neither of them events.
func refuseJSON(cfg *config) error {
	if !cfg.json {
		return nil
	}
	for _, o := range []struct {
		set  bool
		flag string
	}{{cfg.fn != "", "-F"}, {cfg.line != "", "-l"}, {cfg.show, "-S"}} {
		if o.set {
			return fmt.Errorf("%w: --json formats traced events; %s prints no events (drop --json, or drop %s to trace)", errUsage, o.flag, o.flag)
		}
	}
	return nil
}

// collectExprs gathers expressions from the arguments and -f files.
func collectExprs(cfg *config) ([]string, error) {
	out := append([]string(nil), cfg.exprs...)
	cfg.origins = make([]string, len(out))
	for _, path := range cfg.files {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("%w: read expressions: %v", errUsage, err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			out = append(out, line)
			cfg.origins = append(cfg.origins, fmt.Sprintf("%s:%d", path, n))
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
	return out, nil
}

// compileAll compiles every expression against the sources the flags
// name. live asks for the checks that need the symbol table.
func compileAll(cfg *config, parsed []*expr.Expr, live bool, tracefs string) ([]*probe.Def, error) {
	return trace.Compile(parsed, trace.CompileConfig{
		Kernel: kernelOf(cfg), Armed: live, Tracefs: tracefs,
		Pid: cfg.pid, InPid: cfg.pid != 0 && cfg.cmdLine == "",
		Notes: cfg.notes, Warn: os.Stderr,
		Explain: func(i int, err error) error { return fromFile(cfg, i, explainMatch(parsed[i].Src, err)) },
	})
}

// printShow prints -S output: definitions, then filters, as the
// original prints them.
func printShow(w io.Writer, defs []*probe.Def) error {
	bw := bufio.NewWriter(w)
	for _, d := range defs {
		if d.Kind == probe.Event {
			fmt.Fprintf(bw, "e:%s\n", d.Target)
			continue
		}
		fmt.Fprintln(bw, d.Line("surftrace"))
	}
	for _, d := range defs {
		if d.Filter != "" {
			fmt.Fprintf(bw, "%s filter: %s\n", d.Name, d.Filter)
		}
	}
	return bw.Flush()
}

// traceConfig turns the flags into a live run.
func traceConfig(cmd *cobra.Command, cfg *config, parsed []*expr.Expr) trace.Config {
	return trace.Config{
		Exprs: parsed,
		Compile: func(root string, pid int) ([]*probe.Def, error) {
			if pid != 0 {
				cfg.pid = pid
			}
			return compileAll(cfg, parsed, true, root)
		},
		Arming:   handOver,
		Out:      cmd.OutOrStdout(),
		Err:      cmd.ErrOrStderr(),
		Quiet:    cfg.quiet,
		Stack:    cfg.stack,
		JSON:     cfg.json,
		Count:    cfg.count,
		Duration: cfg.duration,
		BufferKB: cfg.bufferKB,
		Ready:    cfg.ready,
		Script:   cfg.output,
		Command:  cfg.cmdLine,
	}
}

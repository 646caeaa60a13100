package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
)

// run is the root command: translate, then show or trace.
func run(cmd *cobra.Command, cfg *config) error {
	for _, o := range []struct{ flag, val, what string }{
		{"-d", cfg.db, "the original's type database"},
		{"-r", cfg.rip, "the original's remote type server"},
		{"-g", cfg.gdb, "gdb"},
	} {
		if o.val != "" {
			fmt.Fprintf(os.Stderr, "surftrace: %s %s ignored: %s is not needed, types come from BTF (or -v VMLINUX)\n", o.flag, o.val, o.what)
		}
	}
	if cfg.fn != "" || cfg.line != "" {
		return runDisasmFlags(cmd, cfg)
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
			return err
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
			if err := writeScript(cfg, defs, cmd.ErrOrStderr()); err != nil {
				return err
			}
		}
		return printShow(cmd.OutOrStdout(), defs)
	}
	return runLive(cmd, cfg, parsed)
}

// collectExprs gathers expressions from the arguments and -f files.
func collectExprs(cfg *config) ([]string, error) {
	out := append([]string(nil), cfg.exprs...)
	for _, path := range cfg.files {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("%w: read expressions: %v", errUsage, err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			out = append(out, line)
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
	archName := cfg.arch
	if archName == "" {
		archName = hostArch()
	}
	arch, err := compile.LookupArch(archName)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	cc := &compile.Config{Arch: arch, User: newUserResolver(arch)}
	switch {
	case cfg.kallsyms != "":
		// Another kernel: its saved available_events says what exists;
		// field names are not known, so filters go unchecked.
		cc.EventFields = savedEvents(sibling(filepath.Dir(cfg.kallsyms), "available_events"))
	case tracefs != "":
		cc.EventFields = eventFields(tracefs)
		cc.EventEnum = eventEnums(tracefs, cfg, arch)
	default:
		cc.EventFields = eventFields(findTracefsQuiet())
		cc.EventEnum = eventEnums(findTracefsQuiet(), cfg, arch)
	}
	needKernel := false
	for _, e := range parsed {
		if !e.Kind.IsUser() && e.Kind != probe.Event {
			needKernel = true
		}
	}
	if needKernel {
		types, err := kernelTypes(cfg, arch)
		if err != nil {
			return nil, err
		}
		cc.Types = types
		tf := tracefs
		if tf == "" && cfg.kallsyms == "" {
			tf = findTracefsQuiet()
		}
		cc.Kernel = kernelSymbols(cfg, live, tf)
	}
	defs := make([]*probe.Def, len(parsed))
	for i, e := range parsed {
		d, err := compile.Compile(e, i, cc)
		if err != nil {
			return nil, explainMatch(e.Src, err)
		}
		defs[i] = d
	}
	return defs, nil
}

// printShow prints -S output: definitions, then filters (SPEC §1).
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

package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

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
	return trace.Do(cmd.Context(), trace.Request{
		Args: cfg.exprs, Files: cfg.files, MaxMatches: cfg.maxMatches,
		Kernel: kernelOf(cfg), Pid: cfg.pid, Show: cfg.show, Notes: cfg.notes,
		Live: trace.Config{
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
		},
	})
}

// refuseJSON refuses --json where it would be ignored: -S prints
// definition lines and -F/-l a listing, neither of them events.
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

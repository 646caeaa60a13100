package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/render"
)

// newRenderCmd is `surftrace render [FILE]`: render saved trace output
// offline. There is no schema, so values are split on the names each line
// shows; enum names, which only the compiled probe knows, stay numbers.
func newRenderCmd() *cobra.Command {
	var jsonOut bool
	var defsFile string
	cmd := &cobra.Command{
		Use:   "render [FILE]",
		Short: "Render saved trace_pipe or trace output (prefixed values converted, or JSON)",
		Long: `render reads lines as the kernel prints them in tracefs trace_pipe or trace
(from FILE, or standard input when FILE is absent or "-") and prints them as
surftrace does live: values of names with a prefix converted (ip_dst=10.0.1.221,
b16_dest=9988, ip6_, mac_, B32_ …), everything else unchanged. Lines that are
no trace event pass through; "[LOST N EVENTS]" reports go to standard error.

With --json each event is one JSON object on its own line, with its stack
(" => …" lines) in "stack"; other lines are left out.

A string value may hold " name=" or quotes, which the line alone cannot
always tell from the next value; --defs FILE (what surftrace -S printed, or
a copy of kprobe_events/uprobe_events) gives each event's argument names so
values are split exactly.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("%w: render takes at most one FILE, got %d arguments", errUsage, len(args))
			}
			return nil
		},
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRender(cmd, args, jsonOut, defsFile)
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object per event")
	cmd.Flags().StringVar(&defsFile, "defs", "", "probe definitions of the traced events (`FILE`: surftrace -S output or kprobe_events)")
	return cmd
}

func runRender(cmd *cobra.Command, args []string, jsonOut bool, defsFile string) error {
	src := cmd.InOrStdin()
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			return fmt.Errorf("render: %w", err)
		}
		defer f.Close()
		src = f
	}
	stderr := cmd.ErrOrStderr()
	var schema *render.Schema
	if defsFile != "" {
		f, err := os.Open(defsFile)
		if err != nil {
			return fmt.Errorf("render --defs: %w", err)
		}
		defs, err := render.ReadDefs(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("render --defs %s: %w", defsFile, err)
		}
		schema = render.SchemaFromDefs(defs)
	}
	opts := render.Options{
		JSON:   jsonOut,
		Schema: schema,
		OnLost: func(cpu int, n uint64) {
			if n == 0 {
				fmt.Fprintf(stderr, "surftrace: lost events on CPU %d (kernel buffer overflow)\n", cpu)
				return
			}
			fmt.Fprintf(stderr, "surftrace: lost %d events on CPU %d (kernel buffer overflow)\n", n, cpu)
		},
	}
	// Standard input may be a terminal or a pipe that never ends, and the
	// read cannot be interrupted: on Ctrl-C stop waiting for it.
	done := make(chan error, 1)
	go func() { done <- render.Copy(cmd.OutOrStdout(), src, opts) }()
	var err error
	select {
	case err = <-done:
	case <-cmd.Context().Done():
		return nil
	}
	if errors.Is(err, syscall.EPIPE) {
		return nil // the reader went away (| head): not an error
	}
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return nil
}

package main

import (
	"fmt"

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
			sv := render.Saved{Stdin: cmd.InOrStdin(), Defs: defsFile, JSON: jsonOut, Out: cmd.OutOrStdout(), Err: cmd.ErrOrStderr()}
			if len(args) == 1 {
				sv.Path = args[0]
			}
			return render.RenderSaved(cmd.Context(), sv)
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object per event")
	cmd.Flags().StringVar(&defsFile, "defs", "", "probe definitions of the traced events (`FILE`: surftrace -S output or kprobe_events)")
	return cmd
}

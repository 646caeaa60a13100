package main

import (
	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/disasm"
)

// runDisasmFlags serves -F FUNC / -F OBJ:FUNC (a function's instructions
// with their +offsets, for choosing `p FUNC+OFF`) and -l [OBJ:]FILE:LINE
// (the code of one source line, each instruction labelled FUNC+OFF).
func runDisasmFlags(cmd *cobra.Command, cfg *config) error {
	kopts, err := kernelOf(cfg).Disasm(cfg.fn)
	if err != nil {
		return err
	}
	return disasm.Show(cmd.OutOrStdout(), cfg.fn, cfg.line, disasm.Options{Kernel: kopts})
}

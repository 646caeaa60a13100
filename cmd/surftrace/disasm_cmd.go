package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/disasm"
)

// DisasmOptions are the root flags -F and -l use.
type DisasmOptions struct {
	Vmlinux  string // -v: read kernel code (and DWARF) from this ELF instead of /proc/kcore
	Kallsyms string // --kallsyms: symbols for a vmlinux without a symbol table
	Bytes    bool   // show each instruction's encoding
}

func (o DisasmOptions) disasm() disasm.Options {
	return disasm.Options{
		Kernel: disasm.KernelOptions{Vmlinux: o.Vmlinux, Kallsyms: o.Kallsyms},
		Format: disasm.FormatOptions{Bytes: o.Bytes},
	}
}

// runDisasm serves `-F FUNC` and `-F OBJ:FUNC`: the function's instructions
// with their +offsets, for choosing `p FUNC+OFF` / `P OBJ:FUNC+OFF`.
func runDisasm(w io.Writer, spec string, opts DisasmOptions) error {
	return disasm.ShowFunc(w, spec, opts.disasm())
}

// runLine serves `-l [OBJ:]FILE:LINE`: the code of one source line, each
// instruction labelled FUNC+OFF.
func runLine(w io.Writer, spec string, opts DisasmOptions) error {
	return disasm.ShowLine(w, spec, opts.disasm())
}

// runDisasmFlags serves -F and -l (internal/disasm).
func runDisasmFlags(cmd *cobra.Command, cfg *config) error {
	opts := DisasmOptions{Vmlinux: cfg.vmlinux, Kallsyms: cfg.kallsyms}
	if cfg.fn != "" && cfg.vmlinux == "" && (cfg.kallsyms != "" || cfg.btf != "") && !strings.Contains(cfg.fn, ":") {
		// The saved files hold names and types, not code; the host's
		// /proc/kcore is another kernel's.
		return fmt.Errorf("%w: -F %s of a saved kernel (--btf/--kallsyms) needs that kernel's image to disassemble: give -v VMLINUX (its vmlinux with symbols, e.g. /usr/lib/debug/boot/vmlinux-VERSION from the debug package)", errUsage, cfg.fn)
	}
	if cfg.fn != "" {
		return runDisasm(cmd.OutOrStdout(), cfg.fn, opts)
	}
	return runLine(cmd.OutOrStdout(), cfg.line, opts)
}

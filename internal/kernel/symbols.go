package kernel

import (
	"errors"
	"path/filepath"

	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/disasm"
	"github.com/surftrace/surftrace/internal/ksyms"
	"github.com/surftrace/surftrace/internal/uobj"
)

// notraceOption lets kprobes go on functions ftrace cannot trace.
const notraceOption = "CONFIG_KPROBE_EVENTS_ON_NOTRACE"

// Symbols says where the compiler takes symbol tables from: the saved
// kallsyms (with the blacklist, available_filter_functions and config
// beside it) or the running kernel's, with available_filter_functions
// read from tracefs when it is given. armed asks for the checks a run
// that arms probes needs (symbols loaded eagerly, offsets checked
// against the code).
func (k *Kernel) Symbols(armed bool, tracefs string) *compile.Kernel {
	if !k.Live() {
		dir := filepath.Dir(k.opts.Kallsyms)
		path := k.opts.Kallsyms
		return &compile.Kernel{
			LoadSyms:      func() (*ksyms.Table, error) { return LoadKallsyms(path) },
			LoadBlacklist: func() (*ksyms.Blacklist, error) { return LoadBlacklist(Sibling(dir, "kprobes-blacklist")) },
			LoadTraceable: func() (map[string]bool, error) { return ReadNames(Sibling(dir, "available_filter_functions")) },
			NotraceOK:     func() bool { return k.Config(notraceOption) },
			Eager:         true,
			CheckOffset:   k.offsetChecker(),
		}
	}
	var live liveLists
	c := &compile.Kernel{
		LoadSyms:      live.Kallsyms,
		LoadBlacklist: live.Blacklist,
		NotraceOK:     func() bool { return k.Config(notraceOption) },
		Eager:         armed,
	}
	if armed || k.opts.Vmlinux != "" {
		c.CheckOffset = k.offsetChecker()
	}
	if tracefs != "" {
		c.LoadTraceable = func() (map[string]bool, error) {
			return ReadNames(filepath.Join(tracefs, "available_filter_functions"))
		}
	}
	return c
}

// offsetChecker refuses func+OFF that is not an instruction boundary,
// reading the code from /proc/kcore or the debug vmlinux. When no code
// can be read (no root, no kcore, a saved kallsyms without an image) the
// check is left to the kernel.
func (k *Kernel) offsetChecker() func(ksyms.Symbol, uint64) error {
	var d *disasm.Kernel
	var openErr error
	opened := false
	return func(s ksyms.Symbol, off uint64) error {
		if !opened {
			opened = true
			d, openErr = disasm.OpenKernel(k.disasmOptions())
		}
		if openErr != nil || d == nil {
			return nil
		}
		err := d.CheckOffset(s.String(), off)
		if errors.Is(err, disasm.ErrNotBoundary) || errors.Is(err, uobj.ErrOutOfRange) {
			return err
		}
		return nil
	}
}

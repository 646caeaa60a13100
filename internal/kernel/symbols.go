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
	src := &symbolSource{k: k}
	if !k.Live() {
		dir := filepath.Dir(k.opts.Kallsyms)
		src.kallsyms = k.opts.Kallsyms
		src.blacklist = Sibling(dir, "kprobes-blacklist")
		src.traceable = Sibling(dir, "available_filter_functions")
		src.check = k.offsetChecker()
		return &compile.Kernel{Src: src, Eager: true}
	}
	src.kallsyms, src.blacklist = kallsymsPath, blacklistPath
	if armed || k.opts.Vmlinux != "" {
		src.check = k.offsetChecker()
	}
	if tracefs != "" {
		src.traceable = filepath.Join(tracefs, "available_filter_functions")
	}
	return &compile.Kernel{Src: src, Eager: armed}
}

// symbolSource reads a kernel's lists for the compiler.
type symbolSource struct {
	k                              *Kernel
	kallsyms, blacklist, traceable string // traceable "": unknown
	check                          func(ksyms.Symbol, uint64) error
}

// Kallsyms reads the symbol table.
func (s *symbolSource) Kallsyms() (*ksyms.Table, error) { return LoadKallsyms(s.kallsyms) }

// Blacklist reads the kprobes blacklist.
func (s *symbolSource) Blacklist() (*ksyms.Blacklist, error) { return LoadBlacklist(s.blacklist) }

// Traceable reads available_filter_functions; nil when unknown.
func (s *symbolSource) Traceable() (map[string]bool, error) {
	if s.traceable == "" {
		return nil, nil
	}
	return ReadNames(s.traceable)
}

// NotraceOK reports whether the kernel's config lets kprobes on
// functions ftrace cannot trace.
func (s *symbolSource) NotraceOK() bool { return s.k.Config(notraceOption) }

// CheckOffset refuses func+off that is not an instruction boundary, when
// the code can be read.
func (s *symbolSource) CheckOffset(sym ksyms.Symbol, off uint64) error {
	if s.check == nil {
		return nil
	}
	return s.check(sym, off)
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

package kernel

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/surftrace/surftrace/internal/disasm"
	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/ksyms"
)

// liveLists opens the running kernel's symbol lists.
type liveLists struct{}

// Kallsyms reads the running kernel's symbol table.
func (liveLists) Kallsyms() (*ksyms.Table, error) { return LoadKallsyms(kallsymsPath) }

// Blacklist reads the running kernel's kprobes blacklist (debugfs).
func (liveLists) Blacklist() (*ksyms.Blacklist, error) { return LoadBlacklist(blacklistPath) }

// Traceable reads the functions ftrace can trace from a mounted tracefs.
func (liveLists) Traceable() (map[string]bool, error) {
	root := FindTracefs()
	if root == "" {
		return nil, ftrace.ErrNoTracefs
	}
	return ReadNames(filepath.Join(root, "available_filter_functions"))
}

// disasmOptions says where disassembly reads the kernel: code from the
// debug vmlinux (else /proc/kcore), symbols from the saved kallsyms, the
// vmlinux's own, or the running kernel's.
func (k *Kernel) disasmOptions() disasm.KernelOptions {
	o := disasm.KernelOptions{Vmlinux: k.opts.Vmlinux, Live: liveLists{}}
	if path := k.opts.Kallsyms; path != "" {
		o.Kallsyms = func() (*ksyms.Table, error) { return LoadKallsyms(path) }
	}
	return o
}

// Disasm says where -F FUNC and -l FILE:LINE read kernel code and
// symbols. fn is -F's argument ("" for -l): a kernel function of a saved
// kernel (--btf, --kallsyms) is refused without its image (ErrUsage),
// since the saved files hold names and types, not code, and the host's
// /proc/kcore is another kernel's.
func (k *Kernel) Disasm(fn string) (disasm.KernelOptions, error) {
	saved := k.opts.Kallsyms != "" || k.opts.BTF != ""
	if fn != "" && k.opts.Vmlinux == "" && saved && !strings.Contains(fn, ":") {
		return disasm.KernelOptions{}, fmt.Errorf("%w: -F %s of a saved kernel (--btf/--kallsyms) needs that kernel's image to disassemble: give -v VMLINUX (its vmlinux with symbols, e.g. /usr/lib/debug/boot/vmlinux-VERSION from the debug package)", ErrUsage, fn)
	}
	return k.disasmOptions(), nil
}

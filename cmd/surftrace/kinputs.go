package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/discover"
	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/uobj"
)

// kernelInputs says where `list`, `struct` and completion take the
// kernel's functions, events and types from: the running kernel, or the
// saved files of another (--kallsyms FILE with available_filter_functions
// and available_events beside it, --btf FILE, -v VMLINUX).
type kernelInputs struct {
	btf      string
	vmlinux  string
	kallsyms string
	arch     string

	types    btfdwarf.Source
	typesErr error
	loaded   bool
}

// archSpec resolves -a (default: the host's).
func (k *kernelInputs) archSpec() (*compile.Arch, error) {
	name := k.arch
	if name == "" {
		name = hostArch()
	}
	a, err := compile.LookupArch(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	return a, nil
}

// Types loads the kernel types once.
func (k *kernelInputs) Types() (btfdwarf.Source, error) {
	if !k.loaded {
		k.loaded = true
		arch, err := k.archSpec()
		if err != nil {
			k.typesErr = err
		} else {
			k.types, k.typesErr = kernelTypes(&config{btf: k.btf, vmlinux: k.vmlinux, kallsyms: k.kallsyms}, arch)
		}
	}
	return k.types, k.typesErr
}

// live reports whether the inputs are the running kernel's.
func (k *kernelInputs) live() bool { return k.kallsyms == "" }

// Funcs lists the probeable kernel functions: available_filter_functions
// (tracefs, or beside --kallsyms), else the text symbols of kallsyms,
// which include some ftrace cannot trace; note says so.
func (k *kernelInputs) Funcs() (syms []discover.Symbol, note string, err error) {
	var path, table string
	if k.live() {
		if fs := findTracefsQuiet(); fs != "" {
			path = filepath.Join(fs, "available_filter_functions")
		}
		table = "/proc/kallsyms"
	} else {
		path = sibling(filepath.Dir(k.kallsyms), "available_filter_functions")
		table = k.kallsyms
	}
	if path != "" {
		if r, closeFn, err := openMaybeGzip(path); err == nil {
			defer closeFn()
			syms, err := discover.ReadFilterFunctions(r)
			if err == nil && len(syms) > 0 {
				return syms, "", nil
			}
		}
	}
	r, closeFn, err := openMaybeGzip(table)
	if err != nil {
		return nil, "", fmt.Errorf("list kernel functions: no available_filter_functions (tracefs needs root) and %w", err)
	}
	defer closeFn()
	syms, err = discover.ReadKallsymsFuncs(r)
	if err != nil {
		return nil, "", fmt.Errorf("list kernel functions: %s: %w", table, err)
	}
	return syms, fmt.Sprintf("%s unreadable: listing the text symbols of %s, some of which ftrace cannot trace", orDefault(path, "available_filter_functions"), table), nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Events lists trace events and, live, a reader of their formats; a saved
// available_events beside --kallsyms gives names only.
func (k *kernelInputs) Events() ([]string, func(sys, ev string) (*ftrace.Format, error), error) {
	if !k.live() {
		path := sibling(filepath.Dir(k.kallsyms), "available_events")
		r, closeFn, err := openMaybeGzip(path)
		if err != nil {
			return nil, nil, fmt.Errorf("list trace events of %s: %w", k.kallsyms, err)
		}
		defer closeFn()
		names, err := discover.ReadEventNames(r)
		return names, nil, err
	}
	root := findTracefsQuiet()
	if root == "" {
		return nil, nil, fmt.Errorf("list trace events: %w (mount it, or run as root)", ftrace.ErrNoTracefs)
	}
	fs := ftrace.NewFS(root)
	names, err := fs.Events()
	if err != nil {
		return nil, nil, err
	}
	format := func(sys, ev string) (*ftrace.Format, error) { return ftrace.ReadFormat(fs, sys, ev) }
	return names, format, nil
}

// ModuleTypes gives a module's split BTF on top of the kernel's (see
// moduleBTF for where it is found). Nil when the kernel types are not
// BTF.
func (k *kernelInputs) ModuleTypes() func(string) btfdwarf.Source {
	if k.vmlinux != "" {
		return nil
	}
	return func(mod string) btfdwarf.Source {
		src, err := k.Types()
		kern, ok := src.(*btfdwarf.Kernel)
		if err != nil || !ok {
			return nil
		}
		b, err := kern.Module(mod)
		if err != nil {
			return nil
		}
		return b
	}
}

// userTypes opens a user object's DWARF (its own or its debug file);
// why says what is missing when there is none.
func userTypes(o *uobj.Object) (src btfdwarf.Source, why string, err error) {
	p, err := o.DebugFile()
	if errors.Is(err, uobj.ErrNoDebugInfo) {
		return nil, "no debug info (build with -g, or install its -dbgsym package)", nil
	}
	if err != nil {
		return nil, "", err
	}
	d, err := btfdwarf.LoadDWARF(p, 0)
	if err != nil {
		return nil, "", err
	}
	return d, "", nil
}

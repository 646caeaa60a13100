package disasm

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/uobj"
)

// Options are what `surftrace -F` and `-l` take from the command line.
type Options struct {
	Kernel KernelOptions
	Format FormatOptions
}

// Show serves `-F FUNC` (fn, when given) or `-l LINE`.
func Show(w io.Writer, fn, line string, opts Options) error {
	if fn != "" {
		return ShowFunc(w, fn, opts)
	}
	return ShowLine(w, line, opts)
}

// ShowFunc writes the listing of `-F SPEC`: FUNC for the kernel, or
// OBJ:FUNC for a user object. OBJ resolves as for `P` probes; when it names
// no object, OBJ:FUNC is taken as a kernel MODULE:FUNC.
func ShowFunc(w io.Writer, spec string, opts Options) error {
	if obj, fn, ok := strings.Cut(spec, ":"); ok && obj != "" && fn != "" {
		o, err := uobj.Open(obj)
		switch {
		case err == nil:
			defer o.Close()
			l, err := UserFunc(o, fn)
			if err != nil {
				return fmt.Errorf("-F %s: %w", spec, err)
			}
			return l.Format(w, opts.Format)
		case !errors.Is(err, uobj.ErrNotFound) || strings.Contains(obj, "/"):
			return fmt.Errorf("-F %s: %w", spec, err)
		}
		// Not a file, program or library: a kernel module name.
	}
	k, err := OpenKernel(opts.Kernel)
	if err != nil {
		return fmt.Errorf("-F %s: %w", spec, err)
	}
	defer k.Close()
	l, err := k.Func(spec)
	if err != nil {
		return fmt.Errorf("-F %s: %w", spec, err)
	}
	return l.Format(w, opts.Format)
}

// ShowLine writes the code of `-l [OBJ:]FILE:LINE`. Without OBJ the -v file
// is the object: a vmlinux, or a user program given with -v.
func ShowLine(w io.Writer, spec string, opts Options) error {
	obj, file, line, err := ParseLineSpec(spec)
	if err != nil {
		return err
	}
	if obj == "" && opts.Kernel.Vmlinux != "" && !isKernelImage(opts.Kernel.Vmlinux) {
		obj = opts.Kernel.Vmlinux
	}
	if obj != "" {
		o, err := uobj.Open(obj)
		if err != nil {
			return fmt.Errorf("-l %s: %w", spec, err)
		}
		defer o.Close()
		ll, err := UserLine(o, file, line)
		if err != nil {
			return fmt.Errorf("-l %s: %w", spec, err)
		}
		return ll.Format(w, opts.Format)
	}
	if opts.Kernel.Vmlinux == "" {
		return fmt.Errorf("-l %s: %w: give -v VMLINUX with DWARF for kernel code, or OBJ:FILE:LINE for a program", spec, ErrNoDebugInfo)
	}
	k, err := OpenKernel(opts.Kernel)
	if err != nil {
		return fmt.Errorf("-l %s: %w", spec, err)
	}
	defer k.Close()
	ll, err := k.Line(file, line)
	if err != nil {
		return fmt.Errorf("-l %s: %w", spec, err)
	}
	return ll.Format(w, opts.Format)
}

// ParseLineSpec splits [OBJ:]FILE:LINE.
func ParseLineSpec(spec string) (obj, file string, line int, err error) {
	i := strings.LastIndexByte(spec, ':')
	if i <= 0 {
		return "", "", 0, fmt.Errorf("-l %s: want [OBJ:]FILE:LINE", spec)
	}
	line, err = strconv.Atoi(spec[i+1:])
	if err != nil || line <= 0 {
		return "", "", 0, fmt.Errorf("-l %s: %q is not a line number", spec, spec[i+1:])
	}
	file = spec[:i]
	if o, f, ok := strings.Cut(file, ":"); ok {
		obj, file = o, f
	}
	if file == "" {
		return "", "", 0, fmt.Errorf("-l %s: no file name", spec)
	}
	return obj, file, line, nil
}

// isKernelImage tells a vmlinux from a user program given with -v: only
// the kernel has an exported-symbol table.
func isKernelImage(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return true // let the kernel path report the error
	}
	defer f.Close()
	return f.Section("__ksymtab") != nil || f.Section("__ksymtab_gpl") != nil || f.Section("__ex_table") != nil
}

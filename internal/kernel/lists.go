package kernel

import (
	"fmt"
	"path/filepath"

	"github.com/surftrace/surftrace/internal/discover"
	"github.com/surftrace/surftrace/internal/ftrace"
)

// Funcs lists the probeable kernel functions: available_filter_functions
// (tracefs, or beside the saved kallsyms), else the text symbols of
// kallsyms, which include some ftrace cannot trace; note says so.
func (k *Kernel) Funcs() (syms []discover.Symbol, note string, err error) {
	var path, table string
	if k.Live() {
		if fs := FindTracefs(); fs != "" {
			path = filepath.Join(fs, "available_filter_functions")
		}
		table = kallsymsPath
	} else {
		path = Sibling(filepath.Dir(k.opts.Kallsyms), "available_filter_functions")
		table = k.opts.Kallsyms
	}
	if path != "" {
		if r, closeFn, err := OpenFile(path); err == nil {
			defer closeFn()
			syms, err := discover.ReadFilterFunctions(r)
			if err == nil && len(syms) > 0 {
				return syms, "", nil
			}
		}
	}
	r, closeFn, err := OpenFile(table)
	if err != nil {
		return nil, "", fmt.Errorf("list kernel functions: no available_filter_functions (tracefs needs root) and %w", err)
	}
	defer closeFn()
	syms, err = discover.ReadKallsymsFuncs(r)
	if err != nil {
		return nil, "", fmt.Errorf("list kernel functions: %s: %w", table, err)
	}
	if path == "" {
		path = "available_filter_functions"
	}
	return syms, fmt.Sprintf("%s unreadable: listing the text symbols of %s, some of which ftrace cannot trace", path, table), nil
}

// Events lists trace events and, live, a reader of their formats; a saved
// available_events beside the saved kallsyms gives names only.
func (k *Kernel) Events() ([]string, func(sys, ev string) (*ftrace.Format, error), error) {
	if !k.Live() {
		path := Sibling(filepath.Dir(k.opts.Kallsyms), "available_events")
		r, closeFn, err := OpenFile(path)
		if err != nil {
			return nil, nil, fmt.Errorf("list trace events of %s: %w", k.opts.Kallsyms, err)
		}
		defer closeFn()
		names, err := discover.ReadEventNames(r)
		return names, nil, err
	}
	root := FindTracefs()
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

// TraceableIn lists the functions the tracefs at fs can trace
// (available_filter_functions), in its order.
func TraceableIn(fs *ftrace.FS) ([]string, error) {
	return ReadNameList(fs.Path("available_filter_functions"))
}

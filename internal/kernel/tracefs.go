package kernel

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/suggest"
)

// FindTracefs finds a mounted tracefs without mounting one, "" when there
// is none or its files cannot be read (they need root): looking at a
// kernel must touch nothing.
func FindTracefs() string {
	if fs := ftrace.Find(); fs != nil && fs.Exists("events") {
		return fs.Root
	}
	return ""
}

// Features says where the target's tracefs README comes from: a saved
// tracing-README[.gz] beside the saved kallsyms, or the live tracefs.
// Nil (no README known) leaves the compiler to assume the 6.1 baseline.
func (k *Kernel) Features(tracefs string) func() (*ftrace.Features, error) {
	if !k.Live() {
		path := Sibling(filepath.Dir(k.opts.Kallsyms), ftrace.ReadmeFile)
		return func() (*ftrace.Features, error) {
			r, closeFn, err := OpenFile(path)
			if err != nil {
				return nil, err
			}
			defer closeFn()
			b, err := io.ReadAll(r)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", path, err)
			}
			return ftrace.ParseFeatures(b, path), nil
		}
	}
	if tracefs == "" {
		return nil
	}
	return func() (*ftrace.Features, error) { return ftrace.LoadFeatures(tracefs) }
}

// EventFields checks tracepoints: live, against tracefs (the event must
// exist and filters may name its fields); for a saved kernel, against
// its available_events (fields unknown). Nil when neither can be read.
func (k *Kernel) EventFields(tracefs string) func(sys, ev string) ([]string, error) {
	if !k.Live() {
		return savedEvents(Sibling(filepath.Dir(k.opts.Kallsyms), "available_events"))
	}
	if tracefs == "" {
		return nil
	}
	fs := ftrace.NewFS(tracefs)
	return func(sys, ev string) ([]string, error) {
		f, err := ftrace.ReadFormat(fs, sys, ev)
		if err != nil {
			names, _ := fs.Events()
			return nil, noTracepoint(sys+"/"+ev, "", names)
		}
		var out []string
		for _, fl := range f.Fields {
			out = append(out, fl.Name)
		}
		return out, nil
	}
}

// savedEvents checks tracepoints against another kernel's saved
// available_events; their fields are unknown.
func savedEvents(path string) func(sys, ev string) ([]string, error) {
	names, err := ReadNames(path)
	if err != nil {
		return nil
	}
	return func(sys, ev string) ([]string, error) {
		if !names[sys+":"+ev] {
			var all []string
			for n := range names {
				all = append(all, strings.Replace(n, ":", "/", 1))
			}
			sort.Strings(all)
			return nil, noTracepoint(sys+"/"+ev, " in "+path, all)
		}
		return nil, nil
	}
}

// noTracepoint says that name is no tracepoint, with the closest that are.
func noTracepoint(name, where string, names []string) error {
	msg := fmt.Sprintf("no tracepoint %s%s", name, where)
	if dym := suggest.DidYouMean(suggest.Closest(name, names, 3)); dym != "" {
		msg += "; " + dym
	}
	return errors.New(msg)
}

// EventEnums finds a tracepoint field's enum type in its format file and
// its enumerators in the kernel's types (loaded on first use, only when a
// filter compares such a field). Nil without tracefs.
func (k *Kernel) EventEnums(tracefs string) func(sys, ev, field string) map[int64]string {
	if tracefs == "" {
		return nil
	}
	fs := ftrace.NewFS(tracefs)
	return func(sys, ev, field string) map[int64]string {
		f, err := ftrace.ReadFormat(fs, sys, ev)
		if err != nil {
			return nil
		}
		for _, fl := range f.Fields {
			if fl.Name != field || !strings.HasPrefix(fl.Type, "enum ") {
				continue
			}
			var src btfdwarf.Source
			src, err = k.Types()
			if err != nil || src == nil {
				return nil
			}
			t, err := src.TypeByName(fl.Type)
			if err != nil {
				return nil
			}
			return compile.EnumNames(t)
		}
		return nil
	}
}

package main

import (
	"strings"
	"sync"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/ftrace"
)

// eventEnums finds a tracepoint field's enum type in its format file and
// its enumerators in the kernel's types (loaded on first use, only when a
// filter compares such a field).
func eventEnums(tracefs string, cfg *config, arch *compile.Arch) func(sys, ev, field string) map[int64]string {
	if tracefs == "" {
		return nil
	}
	fs := ftrace.NewFS(tracefs)
	types := sync.OnceValues(func() (btfdwarf.Source, error) { return kernelTypes(cfg, arch) })
	return func(sys, ev, field string) map[int64]string {
		f, err := ftrace.ReadFormat(fs, sys, ev)
		if err != nil {
			return nil
		}
		for _, fl := range f.Fields {
			if fl.Name != field || !strings.HasPrefix(fl.Type, "enum ") {
				continue
			}
			src, err := types()
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

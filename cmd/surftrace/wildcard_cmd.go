package main

import (
	"strings"
	"sync"

	"github.com/surftrace/surftrace/internal/discover"
	"github.com/surftrace/surftrace/internal/uobj"
	"github.com/surftrace/surftrace/internal/wildcard"
)

// expandedFrom remembers, per expanded expression, the pattern it came
// from, so a compile error can name the match.
var expandedFrom = map[string]wildcard.Match{}

// expandExprs replaces each expression whose probe point has glob
// characters by one expression per match.
func expandExprs(cfg *config, exprs []string) ([]string, error) {
	k := &kernelInputs{btf: cfg.btf, vmlinux: cfg.vmlinux, kallsyms: cfg.kallsyms, arch: cfg.arch}
	names := wildcard.Names{
		Kernel: sync.OnceValues(func() ([]string, error) {
			syms, _, err := k.Funcs()
			if err != nil {
				return nil, err
			}
			return kernelFuncNames(syms), nil
		}),
		Events: sync.OnceValues(func() ([]string, error) {
			ns, _, err := k.Events()
			return ns, err
		}),
		User: func(obj string) ([]string, error) {
			o, err := uobj.Open(obj)
			if err != nil {
				return nil, err
			}
			defer o.Close()
			var out []string
			for _, f := range o.Funcs() {
				if !f.IFUNC {
					out = append(out, f.Name)
				}
			}
			return out, nil
		},
	}
	var out, origins []string
	for i, src := range exprs {
		ms, err := wildcard.Expand(src, names, cfg.maxMatches)
		if err != nil {
			return nil, fromFile(cfg, i, err)
		}
		for _, m := range ms {
			if m.Pattern != "" {
				expandedFrom[m.Src] = m
			}
			out = append(out, m.Src)
			if i < len(cfg.origins) {
				// Each expansion keeps the FILE:LINE of its pattern.
				origins = append(origins, cfg.origins[i])
			}
		}
	}
	if len(cfg.origins) > 0 {
		cfg.origins = origins
	}
	return out, nil
}

// kernelFuncNames are the names a kernel pattern matches: functions
// probeable by name, without compiler clones (name.isra.0), which have no
// prototype of their own to type the arguments.
func kernelFuncNames(syms []discover.Symbol) []string {
	out := make([]string, 0, len(syms))
	for _, s := range syms {
		if !strings.Contains(s.Name, ".") && !strings.HasPrefix(s.Name, "__ftrace_invalid") {
			out = append(out, s.Name)
		}
	}
	return out
}

// explainMatch names the match in a compile error of an expanded
// expression.
func explainMatch(src string, err error) error {
	if m, ok := expandedFrom[src]; ok {
		return wildcard.Explain(m, err)
	}
	return err
}

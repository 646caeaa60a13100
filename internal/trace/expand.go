package trace

import (
	"strings"
	"sync"

	"github.com/surftrace/surftrace/internal/discover"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/uobj"
	"github.com/surftrace/surftrace/internal/wildcard"
)

// Expander replaces an expression whose probe point has glob characters
// by one expression per match: kernel functions and trace events of the
// target kernel (each list read once, and only when a pattern needs it),
// or the functions of a user object.
type Expander struct {
	names wildcard.Names
}

// NewExpander expands against kernel k.
func NewExpander(k *kernel.Kernel) *Expander {
	return &Expander{names: wildcard.Names{
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
		User: userFuncNames,
	}}
}

// Expand gives the expressions src stands for, at most max (0: the
// wildcard package's default); an expression without a pattern stands
// for itself.
func (x *Expander) Expand(src string, max int) ([]wildcard.Match, error) {
	return wildcard.Expand(src, x.names, max)
}

// userFuncNames lists the functions of a user object a pattern may
// match: IFUNC resolvers are not the function their name says.
func userFuncNames(obj string) ([]string, error) {
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

package kernel

import (
	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/discover"
)

// completionLists is the kernel as completion asks about it
// (discover.Lists): a TAB reads only the list its word needs.
type completionLists struct{ k *Kernel }

// Lists is what word completion needs of this kernel.
func (k *Kernel) Lists() discover.Lists { return completionLists{k} }

func (l completionLists) ProbeableFuncs() ([]discover.Symbol, error) {
	syms, _, err := l.k.Funcs()
	return syms, err
}

func (l completionLists) Types() (btfdwarf.Source, error) { return l.k.Types() }

func (l completionLists) EventNames() ([]string, error) {
	names, _, err := l.k.Events()
	return names, err
}

// EventFieldNames lists the event's own fields, not the common_ ones
// every event has: those are what a filter names.
func (l completionLists) EventFieldNames(sys, ev string) ([]string, error) {
	_, format, err := l.k.Events()
	if err != nil || format == nil {
		return nil, err
	}
	f, err := format(sys, ev)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, fl := range f.Fields {
		if !fl.Common {
			out = append(out, fl.Name)
		}
	}
	return out, nil
}

package inspect

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sort"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/discover"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/uobj"
)

// ListConfig is one listing: of the kernel's functions (the default), its
// trace events, or a user object's functions.
type ListConfig struct {
	Kernel  *kernel.Kernel
	Pattern string // a glob; "" lists all
	JSON    bool
	Events  bool   // trace events and their fields
	Object  string // a program or library whose functions to list
	Skb     bool   // only functions taking a struct sk_buff *
	// Explicit says the types were named (--btf, -v): failing to load
	// them is then an error, not a listing without prototypes.
	Explicit bool
}

// List writes the listing c asks for to out; notes go to errOut.
func List(out, errOut io.Writer, c ListConfig) error {
	// A listing builds ~40k prototypes and exits: collecting garbage less
	// often saves a quarter of its CPU for a few MB.
	debug.SetGCPercent(400)
	switch {
	case c.Events:
		return listEvents(out, c)
	case c.Object != "":
		return listObject(out, c)
	}
	k := c.Kernel
	syms, note, err := k.Funcs()
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintln(errOut, "surftrace: "+note)
	}
	opt := discover.ListOptions{Pattern: c.Pattern, Skb: c.Skb, ModuleTypes: k.ModuleTypes()}
	if src, err := k.Types(); err == nil {
		opt.Types = src
	} else if c.Skb || c.Explicit {
		return err
	} else {
		fmt.Fprintf(errOut, "surftrace: no prototypes: %v\n", err)
	}
	es, err := discover.ListFuncs(syms, opt)
	var extra []*discover.FuncEntry
	if !k.Live() {
		extra = notLoadedFuncs(opt.Types, c.Pattern, c.Skb)
	}
	if errors.Is(err, discover.ErrNoMatch) && len(extra) > 0 {
		err = nil
	}
	if err != nil {
		return err
	}
	es = append(es, extra...)
	if c.JSON {
		return writeJSON(out, es)
	}
	return discover.WriteFuncs(out, es, c.Skb)
}

// notLoadedFuncs lists, for a saved kernel, the functions of the modules
// whose BTF is at hand but which its kallsyms shows not loaded. (Live,
// those are the thousands of installed modules: not read for a listing.)
func notLoadedFuncs(src btfdwarf.Source, pattern string, skb bool) []*discover.FuncEntry {
	k, ok := src.(*btfdwarf.Kernel)
	if !ok {
		return nil
	}
	if pattern == "" {
		pattern = "*"
	}
	var out []*discover.FuncEntry
	for _, mod := range k.Modules() {
		if k.Loaded(mod) {
			continue
		}
		b, err := k.Module(mod)
		if err != nil {
			continue
		}
		fs, err := b.OwnFuncs(func(n string) bool { return discover.Match(pattern, n) })
		if err != nil {
			continue
		}
		out = append(out, discover.NotLoadedEntries(mod, fs, skb)...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func listEvents(out io.Writer, c ListConfig) error {
	names, format, err := c.Kernel.Events()
	if err != nil {
		return err
	}
	es, err := discover.ListEvents(names, c.Pattern, format)
	if err != nil {
		return err
	}
	if c.JSON {
		return writeJSON(out, es)
	}
	return discover.WriteEvents(out, es)
}

func listObject(out io.Writer, c ListConfig) error {
	o, err := uobj.Open(c.Object)
	if err != nil {
		return err
	}
	defer o.Close()
	src, why, err := btfdwarf.UserTypes(o)
	if err != nil {
		return err
	}
	es, err := discover.ListUserFuncs(o.Funcs(), c.Pattern, src, why)
	if err != nil {
		return fmt.Errorf("%s: %w", o.Path, err)
	}
	if c.JSON {
		return writeJSON(out, es)
	}
	return discover.WriteFuncs(out, es, c.Skb)
}

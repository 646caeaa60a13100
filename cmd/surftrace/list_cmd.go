package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sort"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/completion"
	"github.com/surftrace/surftrace/internal/discover"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/uobj"
)

// listFlags are the flags of `surftrace list`.
type listFlags struct {
	kernelInputs
	json   bool
	events bool
	object string
	skb    bool
}

// newListCmd returns `surftrace list`: what can be probed and what it
// takes.
func newListCmd() *cobra.Command {
	f := &listFlags{}
	cmd := &cobra.Command{
		Use:   "list [flags] [PATTERN]",
		Short: "List probeable functions with their prototypes, trace events with their fields",
		Long: `List the kernel functions matching PATTERN (a glob; default all) that
kprobes can be put on (available_filter_functions), each with its prototype
from BTF, module names in brackets, and the compiler's clones
(name.isra.0, name.constprop.0, name.part.0) under their base name: they
can be probed, but have no prototype of their own.

  --skb    only functions taking a struct sk_buff *, with the %N to use in a
           packet cast: @(struct iphdr *)l3%N->saddr
  -e       trace events matching PATTERN (SUBSYS/EVENT, EVENT or SUBSYS)
           with their fields, the names an 'e' expression filters on
  -x OBJ   the functions of a program or library, with prototypes from its
           DWARF (or its separate debug file)

Live it reads tracefs (root) and /sys/kernel/btf/vmlinux; with --kallsyms
FILE it reads another kernel's saved lists found beside FILE.`,
		Example: `  surftrace list 'tcp_v4_*'
  surftrace list --skb 'ip_*'
  surftrace list -e 'sched:sched_switch'
  surftrace list -x libc 'str*'
  surftrace list --btf vmlinux.btf.gz --kallsyms kallsyms.gz '*' --json`,
		Args:          cobra.MaximumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		ValidArgsFunction: completion.ListPattern(func() (*kernel.Kernel, bool, bool) {
			return f.target(), f.events, f.object != ""
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			pattern := ""
			if len(args) == 1 {
				pattern = args[0]
			}
			return runList(cmd.OutOrStdout(), cmd.ErrOrStderr(), f, pattern)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.btf, "btf", "", "kernel types from this BTF `FILE` (raw, gzip or BTFHub .tar.xz)")
	fl.StringVarP(&f.vmlinux, "vmlinux", "v", "", "kernel types from this ELF's DWARF")
	fl.StringVar(&f.kallsyms, "kallsyms", "", "another kernel's symbols (`FILE`); its available_filter_functions and available_events are read beside it")
	fl.BoolVar(&f.json, "json", false, "print JSON")
	fl.BoolVarP(&f.events, "events", "e", false, "list trace events and their fields")
	fl.StringVarP(&f.object, "object", "x", "", "list the functions of this program or library (`OBJ`)")
	fl.BoolVar(&f.skb, "skb", false, "only functions taking a struct sk_buff *, with its argument index")
	fl.SortFlags = false
	return cmd
}

func runList(out, errOut io.Writer, f *listFlags, pattern string) error {
	// A listing builds ~40k prototypes and exits: collecting garbage less
	// often saves a quarter of its CPU for a few MB.
	debug.SetGCPercent(400)
	switch {
	case f.events:
		return listEvents(out, f, pattern)
	case f.object != "":
		return listObject(out, f, pattern)
	}
	syms, note, err := f.Funcs()
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintln(errOut, "surftrace: "+note)
	}
	opt := discover.ListOptions{Pattern: pattern, Skb: f.skb, ModuleTypes: f.ModuleTypes()}
	if src, err := f.Types(); err == nil {
		opt.Types = src
	} else if f.skb || f.btf != "" || f.vmlinux != "" {
		return err
	} else {
		fmt.Fprintf(errOut, "surftrace: no prototypes: %v\n", err)
	}
	es, err := discover.ListFuncs(syms, opt)
	var extra []*discover.FuncEntry
	if !f.live() {
		extra = notLoadedFuncs(opt.Types, pattern, f.skb)
	}
	if errors.Is(err, discover.ErrNoMatch) && len(extra) > 0 {
		err = nil
	}
	if err != nil {
		return err
	}
	es = append(es, extra...)
	if f.json {
		return writeJSON(out, es)
	}
	return discover.WriteFuncs(out, es, f.skb)
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

func listEvents(out io.Writer, f *listFlags, pattern string) error {
	names, format, err := f.Events()
	if err != nil {
		return err
	}
	es, err := discover.ListEvents(names, pattern, format)
	if err != nil {
		return err
	}
	if f.json {
		return writeJSON(out, es)
	}
	return discover.WriteEvents(out, es)
}

func listObject(out io.Writer, f *listFlags, pattern string) error {
	o, err := uobj.Open(f.object)
	if err != nil {
		return err
	}
	defer o.Close()
	src, why, err := btfdwarf.UserTypes(o)
	if err != nil {
		return err
	}
	es, err := discover.ListUserFuncs(o.Funcs(), pattern, src, why)
	if err != nil {
		return fmt.Errorf("%s: %w", o.Path, err)
	}
	if f.json {
		return writeJSON(out, es)
	}
	return discover.WriteFuncs(out, es, f.skb)
}

// writeJSON prints v indented, for people and jq alike.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

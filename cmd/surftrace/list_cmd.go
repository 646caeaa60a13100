package main

import (
	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/completion"
	"github.com/surftrace/surftrace/internal/inspect"
	"github.com/surftrace/surftrace/internal/kernel"
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

Live it reads the running kernel's tracefs and BTF (root); with --kallsyms
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
			return inspect.List(cmd.OutOrStdout(), cmd.ErrOrStderr(), inspect.ListConfig{
				Kernel: f.target(), Pattern: pattern, JSON: f.json, Events: f.events,
				Object: f.object, Skb: f.skb, Explicit: f.btf != "" || f.vmlinux != "",
			})
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

package main

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/skb"
)

// skbFlags are the flags of `surftrace skb`.
type skbFlags struct {
	kernelInputs
	funcs    []string
	max      int
	json     bool
	show     bool
	quiet    bool
	verbose  bool
	count    int
	duration time.Duration
	bufferKB int
	kfilter  bool
}

// newSkbCmd returns `surftrace skb`: one packet's path through the stack.
func newSkbCmd() *cobra.Command {
	f := &skbFlags{}
	cmd := &cobra.Command{
		Use:   "skb [flags] [FILTER]",
		Short: "Follow packets through every kernel function that takes a struct sk_buff *",
		Long: `Put a kprobe on every traceable function taking a struct sk_buff * and
print each function a matching packet passes, with its skb address, the
packet's addresses and ports at that point, and where it was dropped and
why (reason=NO_SOCKET on kernels with drop reasons).

FILTER uses the probe filter syntax on the packet's fields:
  ip_src ip_dst ip6_src ip6_dst b16_sport b16_dport proto dev mark len
A packet that matched once is followed by its skb address until it is freed.

  surftrace skb 'proto==udp&&b16_dport==9999'
  surftrace skb --funcs 'ip_*' 'ip_dst==10.0.1.221'`,
		Args:          cobra.MaximumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			c := skb.FollowConfig{Kernel: f.target(), Filter: strings.Join(args, " "), Funcs: f.funcs, Max: f.max,
				Out: cmd.OutOrStdout(), Err: cmd.ErrOrStderr(), JSON: f.json, Show: f.show, KernelFilter: f.kfilter,
				Count: f.count, Duration: f.duration, BufferKB: f.bufferKB}
			if !f.quiet {
				c.Info = c.Err
			}
			if f.verbose {
				c.Log = c.Err
			}
			return skb.Follow(cmd.Context(), c)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.funcs, "funcs", nil, "only functions matching `GLOB` (repeatable)")
	fl.IntVar(&f.max, "max", 2000, "refuse to attach more than `N` probes")
	fl.BoolVar(&f.json, "json", false, "print one JSON object per hit")
	fl.BoolVarP(&f.show, "show", "S", false, "print the probe definitions; touch nothing")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "do not print the attach and detach figures")
	fl.BoolVar(&f.verbose, "verbose", false, "print every tracefs command")
	fl.IntVarP(&f.count, "count", "c", 0, "stop after `N` hits")
	fl.DurationVarP(&f.duration, "time", "t", 0, "stop `DURATION` after the probes are attached")
	fl.IntVar(&f.bufferKB, "buffer", 8192, "per-CPU trace buffer in `KB`")
	fl.BoolVar(&f.kfilter, "kernel-filter", false, "also test the dev, mark and len terms in the kernel: fewer events to read, but a followed packet shows only where they hold")
	fl.StringVar(&f.btf, "btf", "", "kernel types from this BTF `FILE`")
	fl.StringVarP(&f.vmlinux, "vmlinux", "v", "", "kernel types from this ELF's DWARF")
	fl.StringVar(&f.kallsyms, "kallsyms", "", "another kernel's symbols (`FILE`), for -S")
	fl.StringVarP(&f.arch, "arch", "a", "", "x86_64, x86 or aarch64 (default: the host's)")
	fl.SortFlags = false
	return cmd
}

package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/kernel"
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
			return runSkb(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f, strings.Join(args, " "))
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

func runSkb(ctx context.Context, out, errOut io.Writer, f *skbFlags, filter string) error {
	var flt *skb.Filter
	if filter != "" {
		var err error
		if flt, err = skb.ParseFilter(filter, skb.DeviceIndex); err != nil {
			return err
		}
	}
	arch, err := f.archSpec()
	if err != nil {
		return err
	}
	types, err := f.Types()
	if err != nil {
		return err
	}
	syms, note, err := f.Funcs()
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintln(errOut, "surftrace: "+note)
	}
	cands, err := skb.Candidates(syms, skb.CandidateOptions{Patterns: f.funcs, Max: f.max, Types: types, ModuleTypes: f.ModuleTypes()})
	if err != nil {
		return err
	}
	tracefs := ""
	if f.live() {
		tracefs = kernel.FindTracefs()
	}
	cc := &compile.Config{Arch: arch, Types: types,
		Kernel: f.target().Symbols(f.live() && !f.show, tracefs)}
	plan, err := skb.Build(cands, cc, f.ModuleTypes())
	if err != nil {
		return err
	}
	if !f.quiet && len(plan.Skipped) > 0 {
		fmt.Fprintf(errOut, "surftrace: %d of %d functions cannot be probed here (first: %s: %v)\n", len(plan.Skipped), len(cands), plan.Skipped[0].Cand.Name(), plan.Skipped[0].Err)
	}
	if len(plan.Defs) == 0 {
		return fmt.Errorf("no function left to probe")
	}
	if kf := flt.Kernel(); f.kfilter && kf != "" {
		for _, d := range plan.Defs {
			d.Filter = kf
		}
	}
	if f.show {
		for _, d := range plan.Defs {
			fmt.Fprintln(out, d.Line("surftrace"))
		}
		for _, d := range plan.Defs {
			if d.Filter != "" {
				fmt.Fprintf(out, "%s filter: %s\n", d.Name, d.Filter)
			}
		}
		return nil
	}
	fs, err := ftrace.Discover()
	if err != nil {
		return err
	}
	if !fs.HasKprobes() {
		return ftrace.ErrNoKprobes
	}
	rc := skb.RunConfig{FS: fs, Plan: plan, BufferKB: f.bufferKB, Duration: f.duration,
		Printer: &skb.Printer{Out: out, JSON: f.json, Plan: plan, Tracker: &skb.Tracker{Filter: flt}, Max: f.count}}
	if !f.quiet {
		rc.Info = errOut
	}
	if f.verbose {
		rc.Log = errOut
	}
	_, err = skb.Run(ctx, rc)
	return err
}
